"""“可以享受哪些政策？” — the eligibility panel of a file, and the file's 政策与补贴 tab.

Each item of the policy set in force on the date chosen (判断日期) shows 符合条件 / 不符合条件 / 缺少资料
as a chip with its word, and under it every condition that held (✔), failed with its values (✘) or
lacks data (？), with the document it comes from. An alternative of a "满足以下条件之一" group that held
through another alternative decides nothing: it shows grey with ○ and "满足其一即可", never as a red ✘
(5号文 (十)(十五)(十六)(十七)(十八), 推进行动 计划5/7/8).
新建申请 starts an application from the item chosen; the person's applications are listed below.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.applications import ApplicationQuery
from desktop.services.policy import EligibilityReport, eligibility
from models.base import china_today
from models.errors import DoorstepError
from models.money import format_yuan
from models.policy import ConditionResult, Eligibility, ItemAnswer, ItemCode
from models.policy.evaluation import MOOT_NOTE
from ui.overrides import override
from ui.policy.models import ELIGIBILITY_TONES, ID_ROLE, OUTCOME_MARKS, OUTCOME_TONES, ApplicationListModel
from ui.roles import TONE_ROLE
from ui.style import Tone
from ui.widgets.chips import ChipDelegate

CODE_ROLE = Qt.ItemDataRole.UserRole + 2
MOOT_MARK = "○"  # "one of these holds": this alternative did not, and did not need to


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class EligibilityPanel(QWidget):
    """The answers for one person; emits :attr:`apply_requested` / :attr:`open_requested`."""

    apply_requested = Signal(str, object)  # item code, as-of date
    open_requested = Signal(str)  # application id

    def __init__(self, context: AppContext, entrepreneur_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.entrepreneur_id = entrepreneur_id
        self.report: EligibilityReport | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("判断日期"), self))
        self.as_of = QDateEdit(self)
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setDate(to_qdate(china_today()))
        self.as_of.setToolTip(self.tr("按这一天有效的政策参数和档案情况判断"))
        self.as_of.dateChanged.connect(lambda _d: self.refresh())
        top.addWidget(self.as_of)
        self.policy_label = QLabel(self)
        self.policy_label.setObjectName("muted")
        self.policy_label.setWordWrap(True)
        top.addWidget(self.policy_label, 1)
        layout.addLayout(top)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #8a5a00;")
        layout.addWidget(self.notice)

        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(
            [self.tr("政策项目 / 条件"), self.tr("结论"), self.tr("上限"), self.tr("依据")]
        )
        self.tree.setItemDelegateForColumn(1, ChipDelegate(self.tree))
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        header.resizeSection(1, 104)
        header.resizeSection(2, 110)
        header.resizeSection(3, 190)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.tree.itemDoubleClicked.connect(lambda *_: self._apply())
        self.tree.installEventFilter(self)  # Enter on an item = 新建申请, as a double-click
        layout.addWidget(self.tree, 1)

        self.help = QLabel(self)
        self.help.setWordWrap(True)
        self.help.setObjectName("muted")
        layout.addWidget(self.help)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.open_button = QPushButton(self.tr("打开已有申请"), self)
        self.open_button.clicked.connect(self._open_existing)
        buttons.addWidget(self.open_button)
        self.apply_button = QPushButton(self.tr("新建申请"), self)
        self.apply_button.setObjectName("primary")
        self.apply_button.clicked.connect(self._apply)
        buttons.addWidget(self.apply_button)
        layout.addLayout(buttons)
        self.refresh()

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.tree
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._apply()  # never the enclosing dialog's default button
            return True
        return super().eventFilter(watched, event)

    # -------------------------------------------------------------------------------------------- data
    def refresh(self) -> None:
        current = self.current_code()
        try:
            self.report = self.context.services(
                eligibility, entrepreneur_id=self.entrepreneur_id, as_of=from_qdate(self.as_of.date())
            )
        except DoorstepError as error:
            self.report = None
            self.tree.clear()
            self.policy_label.setText(str(error))
            self.notice.hide()
            self._update_buttons()
            return
        report = self.report
        self.policy_label.setText(
            self.tr("政策参数：{0}；符合条件 {1} 项").format(report.policy_set.title, report.eligible_count)
        )
        self.notice.setText(report.policy_set.notice)
        self.notice.setVisible(report.policy_set.example)
        self.tree.clear()
        for answer in report.answers:
            self.tree.addTopLevelItem(self._answer_item(answer))
        self.tree.expandAll()
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, CODE_ROLE) == (current or ""):
                self.tree.setCurrentItem(item)
                break
        else:
            first = self.tree.topLevelItem(0)
            if first is not None:
                self.tree.setCurrentItem(first)
        self._update_buttons()

    def _answer_item(self, answer: ItemAnswer) -> QTreeWidgetItem:
        report = self.report
        assert report is not None
        amount = (
            self.tr("免费")
            if answer.item.code is ItemCode.INCUBATOR_SPACE
            else format_yuan(answer.ceiling_fen)
        )
        existing = report.open_applications.get(answer.item.code)
        verdict = answer.eligibility.label
        item = QTreeWidgetItem([answer.item.name, verdict, amount, answer.item.source])
        item.setData(0, CODE_ROLE, answer.item.code.value)
        item.setData(1, TONE_ROLE, ELIGIBILITY_TONES[answer.eligibility].name)
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        tip = answer.item.help
        if existing is not None:
            tip = self.tr("已有申请 {0}（{1}）").format(existing.number, existing.status.label) + "\n" + tip
            item.setText(
                0, f"{answer.item.name}　" + self.tr("［已有申请：{0}］").format(existing.status.label)
            )
        item.setToolTip(0, tip)
        notes = []
        if answer.counter_guarantee_waived:
            notes.append(self.tr("可免除反担保"))
        if answer.venture_name:
            notes.append(self.tr("按创业主体“{0}”判断").format(answer.venture_name))
        if notes:
            extra = QTreeWidgetItem(["；".join(notes)])
            extra.setForeground(0, Qt.GlobalColor.darkGray)
            item.addChild(extra)
        for result in answer.conditions:
            item.addChild(self._condition_item(result))
        return item

    def _condition_item(self, result: ConditionResult, *, under_moot: bool = False) -> QTreeWidgetItem:
        if result.moot:  # failed, but another alternative of its "满足其一" group held
            note = "" if under_moot else f"（{self.tr(MOOT_NOTE)}）"  # said once, on the alternative
            text = f"{MOOT_MARK} {result.text}{note}"
            tone = Tone.GREY
        else:
            text = f"{OUTCOME_MARKS[result.outcome]} {result.text}"
            tone = OUTCOME_TONES[result.outcome]
        node = QTreeWidgetItem([text, "", "", result.source])
        node.setForeground(0, tone.foreground)
        node.setToolTip(0, result.shown_text)
        for child in result.children:
            node.addChild(self._condition_item(child, under_moot=result.moot))
        return node

    # ---------------------------------------------------------------------------------------- actions
    def current_code(self) -> str | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return str(item.data(0, CODE_ROLE)) if item is not None else None

    def current_answer(self) -> ItemAnswer | None:
        code = self.current_code()
        if self.report is None or code is None:
            return None
        member = ItemCode.from_label(code)
        return self.report.answer(ItemCode(member)) if member else None

    def select_item(self, code: ItemCode) -> None:
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, CODE_ROLE) == code.value:
                self.tree.setCurrentItem(item)

    def _update_buttons(self) -> None:
        answer = self.current_answer()
        existing = (
            self.report.open_applications.get(answer.item.code)
            if self.report and answer is not None
            else None
        )
        self.open_button.setVisible(existing is not None)
        can_apply = (
            answer is not None and existing is None and answer.eligibility is not Eligibility.NOT_ELIGIBLE
        )
        self.apply_button.setEnabled(can_apply)
        if answer is None:
            self.help.setText("")
        elif existing is not None:
            self.help.setText(
                self.tr("已有一份{0}申请（{1}，{2}），同一项目不能同时有两份申请。").format(
                    answer.item.name, existing.number, existing.status.label
                )
            )
        elif answer.eligibility is Eligibility.NOT_ELIGIBLE:
            self.help.setText(self.tr("不符合条件：") + "；".join(r.text for r in answer.failed[:3]))
        elif answer.eligibility is Eligibility.MISSING_DATA:
            self.help.setText(
                self.tr("缺少资料：{0}。可以先新建申请，在申请中补充。").format(
                    "；".join(r.text for r in answer.missing[:3])
                )
            )
        else:
            self.help.setText(answer.item.help)

    def _apply(self) -> None:
        if not self.apply_button.isEnabled():
            return
        code = self.current_code()
        if code:
            self.apply_requested.emit(code, from_qdate(self.as_of.date()))

    def _open_existing(self) -> None:
        answer = self.current_answer()
        if self.report is None or answer is None:
            return
        existing = self.report.open_applications.get(answer.item.code)
        if existing is not None:
            self.open_requested.emit(existing.id)


class PolicyFileTab(QWidget):
    """The 政策与补贴 tab of a file: the eligibility panel above the person's applications."""

    def __init__(self, context: AppContext, entrepreneur_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.entrepreneur_id = entrepreneur_id
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.panel = EligibilityPanel(context, entrepreneur_id, splitter)
        self.panel.apply_requested.connect(self.new_application)
        self.panel.open_requested.connect(self.open_application)
        lower = QWidget(splitter)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.applications_label = QLabel(lower)
        lower_layout.addWidget(self.applications_label)
        self.model = ApplicationListModel(context.services, self)
        self.view = QTableView(lower)
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(6, ChipDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        for index, column in enumerate(self.model.columns):
            self.view.setColumnWidth(index, column.width)
        for hidden in (1, 2):  # the person is this file's
            self.view.setColumnHidden(hidden, True)
        self.view.doubleClicked.connect(self._open_row)
        lower_layout.addWidget(self.view, 1)
        splitter.addWidget(self.panel)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter)
        self.refresh_applications()

    def refresh(self) -> None:
        self.panel.refresh()
        self.refresh_applications()

    def refresh_applications(self) -> None:
        self.model.set_query(ApplicationQuery(entrepreneur_id=self.entrepreneur_id))
        count = self.model.rowCount()
        self.applications_label.setText(
            self.tr("本人的申请（{0} 份），双击打开").format(count)
            if count
            else self.tr("本人还没有补贴或贷款申请")
        )

    def new_application(self, code: str, as_of: date) -> None:
        from ui.policy.application_form import ApplicationDialog

        dialog = ApplicationDialog.new(self.context, self.entrepreneur_id, code, as_of=as_of, parent=self)
        if dialog is not None:
            dialog.saved.connect(lambda _id: self.refresh())
            dialog.open()

    def open_application(self, application_id: str) -> None:
        from ui.policy.application_form import ApplicationDialog

        dialog = ApplicationDialog.existing(self.context, application_id, parent=self)
        dialog.saved.connect(lambda _id: self.refresh())
        dialog.open()

    def _open_row(self, index: QModelIndex) -> None:
        application_id = self.model.data(self.model.index(index.row(), 0), ID_ROLE)
        if application_id:
            self.open_application(str(application_id))


def policy_tab(context: AppContext, entrepreneur_id: str, parent: QWidget | None) -> tuple[str, QWidget]:
    """FILE_TABS factory: (tab title, widget)."""
    return "政策与补贴", PolicyFileTab(context, entrepreneur_id, parent)

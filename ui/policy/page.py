"""政策与补贴: the applications list with its query bar and toolbar (新增, 导出, 打印, 批量打印, 核对打印件,
政策参数). Double-click or Enter opens an application; the workbench opens one with
``window.show_page("policy").open_application(application_id)``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.services import applications as service
from models.applications import ApplicationStatus
from models.base import china_today
from models.policy import ItemCode
from reports.xlsx import export_filename
from ui.operations import run_in_background
from ui.policy.dialogs import MonthDialog, NewApplicationDialog, PolicySetsDialog, VerifyDialog, month_choices
from ui.policy.models import ID_ROLE, ApplicationListModel
from ui.style import icon
from ui.widgets.chips import ChipDelegate
from ui.widgets.empty_state import EmptyState
from ui.widgets.printing import make_and_preview
from ui.widgets.saving import ask_save_path, offer_open


class PolicyPage(QWidget):
    status_changed = Signal()  # the counts changed: the main window asks :meth:`status_text` again

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(self._toolbar())
        layout.addLayout(self._query_bar())
        self.stack = QStackedWidget(self)
        self.model = ApplicationListModel(context.services, self)
        self.view = QTableView(self.stack)
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(6, ChipDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(30)
        self.view.horizontalHeader().setStretchLastSection(True)
        for index, column in enumerate(self.model.columns):
            self.view.setColumnWidth(index, column.width)
        self.view.doubleClicked.connect(self._open_index)
        self.view.activated.connect(self._open_index)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.empty = EmptyState(self.stack)
        self.empty.action_clicked.connect(self._empty_action)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.count_label = QLabel(self)
        layout.addWidget(self.count_label)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(200)
        self._typing.timeout.connect(self.run_query)
        self.run_query()

    # ------------------------------------------------------------------------------------------ layout
    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        title = QLabel(self.tr("政策与补贴"), self)
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        row.addWidget(title)
        row.addStretch(1)
        self.new_button = self._button(
            row, self.tr("新增申请"), "mdi6.plus", self.new_application, primary=True
        )
        self.new_button.setShortcut(QKeySequence("Ctrl+N"))
        self._button(row, self.tr("导出"), "mdi6.microsoft-excel", self.export)
        self.print_button = self._button(row, self.tr("打印"), "mdi6.printer-outline", self.print_selected)
        self._button(row, self.tr("批量打印"), "mdi6.printer-pos-outline", self.batch_print)
        self._button(row, self.tr("核对打印件"), "mdi6.qrcode-scan", self.verify)
        self._button(row, self.tr("政策参数"), "mdi6.file-cog-outline", self.policy_sets)
        return row

    def _button(
        self, row: QHBoxLayout, text: str, icon_name: str, slot: object, *, primary: bool = False
    ) -> QPushButton:
        button = QPushButton(icon(icon_name, color="#ffffff" if primary else "#5b6470"), text, self)
        if primary:
            button.setObjectName("primary")
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def _query_bar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("搜索：姓名、拼音首字母、身份证尾号、电话或申请编号"))
        self.search.setClearButtonEnabled(True)
        self.search.textEdited.connect(lambda _t: self._typing.start())
        row.addWidget(self.search, 2)
        self.status = QComboBox(self)
        self.status.addItem(self.tr("全部状态"), None)
        for status in ApplicationStatus:
            self.status.addItem(status.label, status)
        self.status.currentIndexChanged.connect(lambda _i: self.run_query())
        row.addWidget(self.status)
        self.item = QComboBox(self)
        self.item.addItem(self.tr("全部项目"), None)
        for code in ItemCode:
            self.item.addItem(code.label, code)
        self.item.currentIndexChanged.connect(lambda _i: self.run_query())
        row.addWidget(self.item)
        self.month = QComboBox(self)
        self.month.addItem(self.tr("全部月份"), None)
        for month in month_choices(china_today()):
            self.month.addItem(self.tr("{0}年{1}月申请").format(month.year, month.month), month)
        self.month.currentIndexChanged.connect(lambda _i: self.run_query())
        row.addWidget(self.month)
        reset = QToolButton(self)
        reset.setText(self.tr("重置"))
        reset.clicked.connect(self.reset)
        row.addWidget(reset)
        return row

    # ------------------------------------------------------------------------------------------ query
    def current_query(self) -> service.ApplicationQuery:
        status = self.status.currentData()
        item = self.item.currentData()
        month = self.month.currentData()
        # Qt keeps a StrEnum as its plain text: turn it back into the member
        return service.ApplicationQuery(
            text=self.search.text(),
            status=ApplicationStatus(status) if status else None,
            item_code=ItemCode(item) if item else None,
            month=month if isinstance(month, date) else None,
        )

    def run_query(self) -> None:
        query = self.current_query()
        self.model.set_query(query)
        count = self.model.rowCount()
        if count:
            self.stack.setCurrentWidget(self.view)
            self.view.selectRow(0)
        elif query.filtered:
            self.empty.show_state(
                "mdi6.filter-off-outline",
                self.tr("没有符合条件的申请"),
                self.tr("换个关键词，或点“重置”清除筛选"),
                self.tr("重置"),
            )
            self.stack.setCurrentWidget(self.empty)
        else:
            self.empty.show_state(
                "mdi6.file-document-outline",
                self.tr("还没有补贴或贷款申请"),
                self.tr("从创业者档案的“政策与补贴”页查看可享受的政策并新建申请，或点“新增申请”。"),
                self.tr("新增申请"),
            )
            self.stack.setCurrentWidget(self.empty)
        filtered = self.tr("（已筛选）") if query.filtered else ""
        self.count_label.setText(self.tr("共 {0:,} 份申请").format(count) + filtered)
        self.print_button.setEnabled(count > 0)
        self.status_changed.emit()

    def refresh(self) -> None:
        """Called each time the page is shown and after an application changed."""
        self.run_query()

    def status_text(self) -> str:
        counts = self.context.services(service.count_by_status)
        waiting = sum(counts[s] for s in (ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWING))
        return self.tr("申请 {0} 份：审核中 {1}，待发放 {2}，已发放 {3}").format(
            sum(counts.values()),
            waiting,
            counts[ApplicationStatus.APPROVED],
            counts[ApplicationStatus.DISBURSED],
        )

    def reset(self) -> None:
        for combo in (self.status, self.item, self.month):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.clear()
        self.run_query()

    def _empty_action(self) -> None:
        if self.current_query().filtered:
            self.reset()
        else:
            self.new_application()

    # ---------------------------------------------------------------------------------------- actions
    def selected_id(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.application_id(index.row()) if index.isValid() else None

    def _open_index(self, index: QModelIndex) -> None:
        application_id = self.model.data(self.model.index(index.row(), 0), ID_ROLE)
        if application_id:
            self.open_application(str(application_id))

    def open_application(self, application_id: str) -> QWidget:
        from ui.policy.application_form import ApplicationDialog

        dialog = ApplicationDialog.existing(self.context, application_id, parent=self)
        dialog.saved.connect(lambda _id: self.refresh())
        dialog.open()
        return dialog

    def open_record(self, kind: str, record_id: str) -> None:
        """The workbench's 贷款到期 / 申请待办 lines (``open_kind`` ``application``) open here."""
        if kind in ("application", "loan"):
            self.open_application(record_id)

    def new_application(self) -> QWidget:
        dialog = NewApplicationDialog(self.context, self)
        dialog.open()
        return dialog

    def _context_menu(self, position: QPoint) -> None:
        if self.selected_id() is None:
            return
        menu = QMenu(self)
        for text, slot in (
            (self.tr("打开"), lambda: self._open_index(self.view.currentIndex())),
            (self.tr("打印预览"), self.print_selected),
            (self.tr("打印脱敏件"), lambda: self.print_selected(redacted=True)),
        ):
            action = QAction(text, menu)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.exec(self.view.viewport().mapToGlobal(position))

    def print_selected(self, *, redacted: bool = False) -> None:
        application_id = self.selected_id()
        if application_id is None:
            return
        services = self.context.services
        make_and_preview(
            self,
            self.context.preferences,
            self.tr("申请表"),
            lambda _state, target: services(
                service.print_application,
                application_id=application_id,
                out=target,
                redacted=redacted,
                handler=self.context.preferences.handler_name,
            ),
            suggested_name="申请表.pdf",
        )

    def batch_print(self) -> None:
        chooser = MonthDialog(self)
        if chooser.exec() != MonthDialog.DialogCode.Accepted:
            return
        month, redacted = chooser.chosen_month, chooser.chosen_redacted
        services = self.context.services
        name = f"{self.context.station.code}_已批准申请表_{month:%Y%m}{'_脱敏' if redacted else ''}.pdf"

        def work(state: JobState, target: Path) -> object:
            return services(
                service.print_approved_month,
                month=month,
                out=target,
                redacted=redacted,
                handler=self.context.preferences.handler_name,
                job=state,
            )

        make_and_preview(
            self,
            self.context.preferences,
            self.tr("{0}年{1}月已批准的申请表").format(month.year, month.month),
            work,
            suggested_name=name,
        )

    def export(self) -> None:
        name = export_filename(self.context.station.code, "补贴和贷款申请台账", china_today())
        target = ask_save_path(
            self,
            self.context.preferences,
            title=self.tr("导出申请台账"),
            name=name,
            file_filter=self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if target is None:
            return
        query = self.current_query()
        services = self.context.services

        def done(count: int) -> None:
            offer_open(
                self,
                target,
                title=self.tr("导出完成"),
                text=self.tr("已导出 {0} 行到 {1}。").format(count, target.name),
            )

        run_in_background(
            self,
            self.tr("正在导出申请台账……"),
            lambda _state: services(service.export_applications, out=target, month=query.month),
            done,
        )

    def verify(self) -> None:
        VerifyDialog(self.context, self).open()

    def policy_sets(self) -> None:
        PolicySetsDialog(self.context, self).open()

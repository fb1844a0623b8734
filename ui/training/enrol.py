"""报名 (enrol from the files with pinyin search, or a walk-in with a minimal new file) and the results
of importing a sign-in workbook."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services import training as service
from desktop.services.entrepreneurs import PossibleDuplicate
from models.errors import Conflict, DoorstepError
from ui.overrides import override
from ui.widgets import dialogs
from ui.widgets.dialogs import GuardedDialog, ignore_input, settle_minimum_size

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EnrolDialog(GuardedDialog):
    """报名: find people in the files (name, pinyin initials, ID tail, phone) or open a file for a walk-in.

    Keys: the dialog starts in the search box; Enter there searches at once and, when the search has
    been shown, enrols the highlighted match (↓/↑ move the highlight) — it never closes the dialog.
    Enter in the results enrols the selected people; Enter in the walk-in fields runs 建档并报名. Esc with
    a half-typed walk-in asks 保存 (建档并报名) / 不保存 / 取消.
    """

    def __init__(self, context: AppContext, class_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.class_id = class_id
        self.enrolled: list[str] = []
        detail = context.services(service.get_class, class_id=class_id)
        self.setWindowTitle(self.tr("报名 — 第 {0} 期 {1}").format(detail.class_number, detail.title))
        layout = QVBoxLayout(self)
        self.capacity = QLabel(self)
        layout.addWidget(self.capacity)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("输入姓名、拼音首字母（如 zs）、身份证号后几位或电话查找"))
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.results = QTableWidget(0, 5, self)
        self.results.setHorizontalHeaderLabels(
            [self.tr("姓名"), self.tr("档案号"), self.tr("身份证号码"), self.tr("重点群体"), self.tr("状态")]
        )
        self.results.verticalHeader().hide()
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((90, 170, 170, 150)):
            self.results.setColumnWidth(column, width)
        self.results.doubleClicked.connect(self.enrol_selected)
        layout.addWidget(self.results, 1)
        row = QHBoxLayout()
        self.enrol_button = QPushButton(self.tr("报名选中的人"), self)
        self.enrol_button.setObjectName("primary")
        self.enrol_button.clicked.connect(self.enrol_selected)
        row.addWidget(self.enrol_button)
        row.addStretch(1)
        layout.addLayout(row)
        walk_in = QGridLayout()
        title = QLabel(self.tr("现场报名（档案里还没有此人）：填身份证号码和姓名即建立档案并报名"), self)
        title.setObjectName("muted")
        walk_in.addWidget(title, 0, 0, 1, 5)
        self.walk_name = QLineEdit(self)
        self.walk_name.setPlaceholderText(self.tr("姓名"))
        self.walk_id = QLineEdit(self)
        self.walk_id.setPlaceholderText(self.tr("身份证号码（18 位）"))
        self.walk_phone = QLineEdit(self)
        self.walk_phone.setPlaceholderText(self.tr("联系电话（可不填）"))
        self.walk_button = QPushButton(self.tr("建档并报名"), self)
        self.walk_button.clicked.connect(self.walk_in)
        walk_in.addWidget(self.walk_name, 1, 0)
        walk_in.addWidget(self.walk_id, 1, 1, 1, 2)
        walk_in.addWidget(self.walk_phone, 1, 3)
        walk_in.addWidget(self.walk_button, 1, 4)
        layout.addLayout(walk_in)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        close = QDialogButtonBox(self)
        close.addButton(self.tr("完成"), QDialogButtonBox.ButtonRole.AcceptRole)
        close.accepted.connect(self.finish)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.search_files)
        self.search.textEdited.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.search_files)
        self._candidates: list[service.Candidate] = []
        self._searched = ""
        self._confirmed: set[str] = set()
        ignore_input(self.search)
        for watched in (self.search, self.results, self.walk_name, self.walk_id, self.walk_phone):
            watched.installEventFilter(self)
        self._update_capacity()
        settle_minimum_size(self, 760, 520)
        self.search.setFocus()
        self.mark_clean()

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search and key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self._candidates:
            row = self.results.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
            self.results.selectRow(max(0, min(row, len(self._candidates) - 1)))
            return True
        if key not in ENTER_KEYS:
            return super().eventFilter(watched, event)
        if watched is self.search:
            self._search_entered()
        elif watched is self.results:
            self.enrol_selected()
        else:
            self.walk_in()
        return True  # Enter here is never the dialog's 完成

    def _search_entered(self) -> None:
        """Enter in the search box: search now; pick the highlighted match once the results are shown."""
        if self._timer.isActive() or self._searched != self.search.text():
            self.search_files()
            if len(self._candidates) == 1 and not self._candidates[0].enrolled_here:
                self.enrol_selected()  # the one match: picked straight away
            return
        if self._candidates:
            self.enrol_selected()

    def finish(self) -> None:
        """完成: closes the dialog — after the same question as Esc when a walk-in is half typed."""
        if self.has_unsaved_input():
            self.reject()  # asks 保存 / 不保存 / 取消
        else:
            self.accept()

    def unsaved_question(self) -> str:
        return self.tr("现场报名的姓名、身份证号码还没有保存。建档并报名吗？")

    def save_input(self) -> None:
        """保存 in the discard question: 建档并报名 with what was typed; the dialog closes if it worked."""
        self.walk_in()
        if not any(edit.text().strip() for edit in (self.walk_name, self.walk_id, self.walk_phone)):
            self.accept()

    def _update_capacity(self) -> None:
        detail = self.context.services(service.get_class, class_id=self.class_id)
        self.capacity.setText(
            self.tr("计划 {0} 人，已报名 {1} 人，还可报名 {2} 人").format(
                detail.capacity, detail.enrolled, max(detail.capacity - detail.enrolled, 0)
            )
        )

    def search_files(self) -> None:
        self._timer.stop()
        self._searched = self.search.text()
        self._candidates = self.context.services(
            service.find_candidates, class_id=self.class_id, text=self.search.text()
        )
        self.results.setRowCount(len(self._candidates))
        for row, c in enumerate(self._candidates):
            state = self.tr("已在本班") if c.enrolled_here else ""
            for column, text in enumerate((c.name, c.case_number, c.id_number_masked, c.key_groups, state)):
                self.results.setItem(row, column, QTableWidgetItem(text))
        if self._candidates:
            self.results.selectRow(0)
        self.status.setText(
            ""
            if self._candidates or not self.search.text().strip()
            else self.tr("档案中没有找到，可在下方现场报名")
        )

    def enrol_selected(self) -> None:
        rows = sorted({index.row() for index in self.results.selectionModel().selectedRows()})
        for row in rows:
            candidate = self._candidates[row]
            if candidate.enrolled_here:
                continue
            self._enrol(candidate.entrepreneur_id, candidate.name)
        self.search_files()

    def _confirm_warnings(self, name: str, entrepreneur_id: str | None) -> bool:
        """Enrolling after the class ended, or in two classes of one course at once: ask first."""
        try:
            warnings = self.context.services(
                service.enrolment_warnings, class_id=self.class_id, entrepreneur_id=entrepreneur_id
            )
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法报名"), str(error))
            return False
        warnings = [w for w in warnings if w not in self._confirmed]  # each asked once per dialog
        if not warnings:
            return True
        text = "\n".join(f"· {w}" for w in warnings)
        confirmed = dialogs.ask(
            self,
            self.tr("报名需要确认"),
            self.tr("{0}：\n{1}\n\n确认仍要报名吗？").format(name, text),
            self.tr("仍要报名"),
            self.tr("不报名"),
            warning=True,
        )
        if confirmed:
            self._confirmed.update(warnings)
        return confirmed

    def _enrol(self, entrepreneur_id: str, name: str) -> bool:
        if not self._confirm_warnings(name, entrepreneur_id):
            return False
        try:
            enrolment = self.context.services(
                service.enrol, class_id=self.class_id, entrepreneur_id=entrepreneur_id
            )
        except service.AlreadyCompleted as warning:
            if not dialogs.ask(
                self,
                self.tr("已结业过同一课程"),
                str(warning),
                self.tr("仍要报名"),
                self.tr("不报名"),
                warning=True,
            ):
                return False
            try:
                enrolment = self.context.services(
                    service.enrol,
                    class_id=self.class_id,
                    entrepreneur_id=entrepreneur_id,
                    confirm_repeat=True,
                )
            except DoorstepError as error:
                dialogs.tell(self, self.tr("无法报名"), str(error))
                return False
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法报名"), str(error))
            return False
        self.enrolled.append(enrolment)
        self.status.setText(self.tr("{0} 已报名").format(name))
        self._update_capacity()
        return True

    def walk_in(self) -> None:
        name, id_number = self.walk_name.text().strip(), self.walk_id.text().strip()
        if (name or id_number) and not self._confirm_warnings(name, None):
            return
        confirm = False
        while True:
            try:
                _person, enrolment = self.context.services(
                    service.enrol_walk_in,
                    class_id=self.class_id,
                    name=name,
                    id_number=id_number,
                    phone=self.walk_phone.text().strip(),
                    confirm_possible_duplicate=confirm,
                )
            except PossibleDuplicate as duplicate:
                if confirm or not dialogs.ask(
                    self,
                    self.tr("可能重复建档"),
                    str(duplicate),
                    self.tr("确认是不同的人，继续建档"),
                    self.tr("取消"),
                    warning=True,
                ):
                    return
                confirm = True
                continue
            except Conflict as conflict:
                if conflict.existing_id and dialogs.ask(
                    self,
                    self.tr("已有档案"),
                    str(conflict) + self.tr("。为该档案报名吗？"),
                    self.tr("为已有档案报名"),
                    self.tr("取消"),
                ):
                    if self._enrol(conflict.existing_id, name):
                        self._clear_walk_in()
                    return
                if not conflict.existing_id:
                    dialogs.tell(self, self.tr("无法报名"), str(conflict))
                return
            except DoorstepError as error:
                dialogs.tell(self, self.tr("无法建档报名"), str(error))
                return
            break
        self.enrolled.append(enrolment)
        self.status.setText(self.tr("已为 {0} 建立档案并报名").format(name))
        self._clear_walk_in()
        self._update_capacity()

    def _clear_walk_in(self) -> None:
        for edit in (self.walk_name, self.walk_id, self.walk_phone):
            edit.clear()


class ImportResultDialog(QDialog):
    """导入签到表 results: the summary, then every row that was not imported with its reason."""

    def __init__(self, result: service.AttendanceImportResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导入签到表"))
        layout = QVBoxLayout(self)
        summary = QLabel(result.summary, self)
        summary.setWordWrap(True)
        layout.addWidget(summary)
        if result.sessions:
            sessions = QLabel(self.tr("对应课次：") + "、".join(result.sessions), self)
            sessions.setObjectName("muted")
            sessions.setWordWrap(True)
            layout.addWidget(sessions)
        problems = [(self.tr("未匹配"), p) for p in result.unmatched] + [
            (self.tr("有错误"), p) for p in result.malformed
        ]
        self.table = QTableWidget(len(problems), 5, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("行号"), self.tr("类别"), self.tr("姓名"), self.tr("身份证号码"), self.tr("原因")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((50, 60, 80, 160)):
            self.table.setColumnWidth(column, width)
        for row, (kind, problem) in enumerate(problems):
            for column, text in enumerate(
                (str(problem.row), kind, problem.name, problem.id_number_masked, problem.reason)
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(problems))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.tr("知道了"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        settle_minimum_size(self, 760, 420 if problems else 160)

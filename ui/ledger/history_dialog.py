"""导入记录: the station's ledger imports, each one step, and undoing a whole import after a confirmation
that says how many files go to the recycle bin."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.ledger.history import ImportRecord, import_history, undo_import
from models.base import to_china
from models.errors import DoorstepError
from models.ledger.plan import ImportPlan
from ui.style import icon
from ui.widgets import dialogs
from ui.widgets.dialogs import settle_minimum_size


def undo_question(record: ImportRecord) -> str:
    text = f"撤销“{record.label}”：将删除这次导入新建的 {record.created} 人的档案（可在回收站恢复）"
    if record.updated:
        text += f"，{record.updated} 人的档案恢复到导入前的内容"
    return text + "。确定撤销吗？"


def confirm_and_undo(parent: QWidget, context: AppContext, record: ImportRecord) -> str | None:
    """Ask, then undo the whole import; returns what happened (None if the worker said no)."""
    if not dialogs.ask(
        parent,
        parent.tr("撤销导入"),
        undo_question(record),
        parent.tr("撤销导入"),
        parent.tr("取消"),
        warning=True,
    ):
        return None
    try:
        undone = context.services(undo_import, operation_id=record.operation_id)
    except DoorstepError as error:
        dialogs.tell(parent, parent.tr("不能撤销"), str(error))
        return None
    return parent.tr("已撤销“{0}”：{1} 人的档案已移到回收站，{2} 人的档案已恢复到导入前").format(
        undone.label, undone.removed, undone.restored
    )


class ImportHistoryDialog(QDialog):
    """Emits :attr:`undone` after an import was undone (lists refresh)."""

    undone = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.records: list[ImportRecord] = []
        self.setWindowTitle(self.tr("导入记录"))
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("时间"), self.tr("导入"), self.tr("新增"), self.tr("更新"), self.tr("状态")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 130)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.undo_button = QPushButton(self.tr("撤销这次导入…"), self)
        self.undo_button.clicked.connect(self.undo_selected)
        buttons.addWidget(self.undo_button)
        close = QPushButton(self.tr("关闭"), self)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(760, 400)
        settle_minimum_size(self, 560, 300)
        self.refresh()

    def refresh(self) -> None:
        self.records = self.context.services(import_history)
        self.table.setRowCount(len(self.records))
        for position, record in enumerate(self.records):
            cells = (
                f"{to_china(record.at):%Y-%m-%d %H:%M}",
                record.label,
                f"{record.created} 人",
                f"{record.updated} 人",
                self.tr("已撤销") if record.undone else self.tr("有效"),
            )
            for column, text in enumerate(cells):
                self.table.setItem(position, column, QTableWidgetItem(text))
        if self.records:
            self.table.selectRow(0)
        else:
            self.message.setText(self.tr("还没有导入过台账"))
        self._update_buttons()

    def selected(self) -> ImportRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.records[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        record = self.selected()
        self.undo_button.setEnabled(record is not None and not record.undone)

    def undo_selected(self) -> None:
        record = self.selected()
        if record is None or record.undone:
            return
        outcome = confirm_and_undo(self, self.context, record)
        if outcome is not None:
            self.message.setText(outcome)
            self.refresh()
            self.undone.emit()


class DonePage(QWidget):
    """The wizard's last page: what the import did, and undoing it as a whole (after a confirmation)."""

    undone = Signal()
    errors_wanted = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.plan: ImportPlan | None = None
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.linkActivated.connect(lambda _link: self.errors_wanted.emit())
        layout.addWidget(self.label)
        self.detail = QLabel(self)
        self.detail.setObjectName("muted")
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.detail)
        row = QHBoxLayout()
        row.addStretch(1)
        self.undo_button = QPushButton(icon("mdi6.undo"), self.tr("撤销这次导入…"), self)
        self.undo_button.clicked.connect(self.undo_this_import)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def show_outcome(self, plan: ImportPlan, text: str) -> None:
        self.plan = plan
        self.label.setText(text)
        record = self.record()
        self.detail.setText(
            self.tr(
                "这次导入是一步操作，记在每份档案的变更记录中（“{0}”）；"
                "如导错了，可以整批撤销（也可以以后在“导入记录”中撤销）。"
            ).format(record.label if record is not None else "")
            if record is not None
            else ""
        )
        self.undo_button.setVisible(record is not None)
        self.undo_button.setEnabled(record is not None)

    def record(self) -> ImportRecord | None:
        """This import in the 导入记录 list (once written)."""
        if self.plan is None or not self.plan.operation_id:
            return None
        records = self.context.services(import_history)
        return next((r for r in records if r.operation_id == self.plan.operation_id), None)

    def undo_this_import(self) -> None:
        record = self.record()
        if record is None or record.undone:
            return
        outcome = confirm_and_undo(self, self.context, record)
        if outcome is not None:
            self.label.setText(outcome)
            self.detail.setText(self.tr("这些档案在回收站中，需要时可以恢复。"))
            self.undo_button.setEnabled(False)
            self.undone.emit()

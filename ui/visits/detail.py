"""One visit, read back: what was found and advised, the agreed actions (ticked off here), what changed,
with 打印走访记录表, 打开档案 and 删除."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.visits.queries import VisitView, get_visit
from desktop.services.visits.records import delete_visit, mark_action_done, reopen_action
from models.errors import DoorstepError
from ui.style import icon
from ui.visits.files import print_sheet
from ui.widgets import dialogs

ACTION_ROLE = Qt.ItemDataRole.UserRole + 1


class VisitDetailDialog(QDialog):
    changed = Signal(str)  # the entrepreneur id whose visits changed
    open_file = Signal(str)

    def __init__(self, context: AppContext, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.visit: VisitView = context.services(get_visit, visit_id=visit_id)
        v = self.visit
        self.setWindowTitle(
            self.tr("走访记录 — {name} {day}").format(name=v.entrepreneur_name, day=v.visit_date)
        )
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)

        def text(value: str) -> QLabel:
            label = QLabel(value or self.tr("（无）"), self)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            return label

        form.addRow(self.tr("创业者"), text(f"{v.entrepreneur_name}（{v.case_number}）"))
        form.addRow(
            self.tr("走访"), text(f"{v.visit_date.isoformat()} · {v.mode.label} · {v.duration_minutes} 分钟")
        )
        form.addRow(self.tr("导师"), text(v.mentor_name))
        form.addRow(self.tr("创业项目"), text(v.venture_name))
        form.addRow(self.tr("走访内容"), text(v.topics_label))
        form.addRow(self.tr("发现的问题"), text(v.problems))
        form.addRow(self.tr("指导建议"), text(v.advice))
        form.addRow(self.tr("情况变化"), text("；".join(v.changes)))
        form.addRow(self.tr("下次走访"), text(v.next_visit_date.isoformat() if v.next_visit_date else ""))
        self.action_list = QListWidget(self)
        self.action_list.setToolTip(self.tr("勾选表示已完成"))
        for action in v.actions:
            item = QListWidgetItem(f"{action.text}（{action.due_date.isoformat()} 前）", self.action_list)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            item.setCheckState(Qt.CheckState.Checked if action.done else Qt.CheckState.Unchecked)
            item.setData(ACTION_ROLE, action.id)
        self.action_list.setFixedHeight(max(40, min(120, 26 * len(v.actions) + 8)))
        self.action_list.itemChanged.connect(self._action_ticked)
        form.addRow(self.tr("跟进事项"), self.action_list)
        self.error = QLabel(self)
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        buttons = QHBoxLayout()
        delete = QPushButton(icon("mdi6.delete-outline"), self.tr("删除"), self)
        delete.clicked.connect(self.delete)
        buttons.addWidget(delete)
        buttons.addStretch(1)
        print_button = QPushButton(icon("mdi6.printer-outline"), self.tr("打印走访记录表"), self)
        print_button.clicked.connect(lambda: print_sheet(self, context, v.id, title=v.entrepreneur_name))
        buttons.addWidget(print_button)
        open_button = QPushButton(icon("mdi6.card-account-details-outline"), self.tr("打开档案"), self)
        open_button.clicked.connect(lambda: self.open_file.emit(v.entrepreneur_id))
        buttons.addWidget(open_button)
        close = QPushButton(self.tr("关闭"), self)
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        dialogs.settle_minimum_size(self, 560, 420)

    def _action_ticked(self, item: QListWidgetItem) -> None:
        action_id = str(item.data(ACTION_ROLE))
        try:
            if item.checkState() == Qt.CheckState.Checked:
                self.context.services(mark_action_done, action_id=action_id)
            else:
                self.context.services(reopen_action, action_id=action_id)
        except DoorstepError as error:
            self.error.setText(str(error))
            return
        self.changed.emit(self.visit.entrepreneur_id)

    def delete(self) -> None:
        v = self.visit
        if not dialogs.ask(
            self,
            self.tr("删除走访记录"),
            self.tr("删除 {name} {day} 的走访记录？可在档案中按 Ctrl+Z 撤销。").format(
                name=v.entrepreneur_name, day=v.visit_date.isoformat()
            ),
            self.tr("删除"),
            self.tr("取消"),
            warning=True,
        ):
            return
        try:
            self.context.services(delete_visit, visit_id=v.id)
        except DoorstepError as error:
            self.error.setText(str(error))
            return
        self.changed.emit(v.entrepreneur_id)
        self.accept()


def show_visit(context: AppContext, parent: QWidget, visit_id: str) -> VisitDetailDialog | None:
    try:
        dialog = VisitDetailDialog(context, visit_id, parent)
    except DoorstepError as error:
        dialogs.tell(parent, parent.tr("无法打开走访记录"), str(error))
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    opener = getattr(parent.window(), "open_entrepreneur", None)
    if callable(opener):
        dialog.open_file.connect(opener)
    dialog.show()
    return dialog

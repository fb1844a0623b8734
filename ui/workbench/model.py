"""Today's tasks as a table: urgency chip, due date, kind, person, what to do, and the one action."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.services.workbench import Task, Urgency
from ui.overrides import override
from ui.roles import TONE_ROLE

_Index = QModelIndex | QPersistentModelIndex
TASK_ROLE = Qt.ItemDataRole.UserRole + 1

URGENCY_CHIPS: dict[Urgency, tuple[str, str]] = {
    Urgency.OVERDUE: ("逾期", "RED"),
    Urgency.TODAY: ("今天", "AMBER"),
    Urgency.THIS_WEEK: ("本周", "AMBER"),
    Urgency.UPCOMING: ("即将", "GREY"),
}
# Tasks that are done by logging a visit (a tracking visit, a person not contacted for long).
VISIT_TASK_KINDS = frozenset({"key_project", "not_contacted"})

URGENCY, DUE, KIND, PERSON, TEXT, ACTION = range(6)


def action_label(task: Task) -> str:
    if task.done_key:
        return "完成"
    if task.open_kind in VISIT_TASK_KINDS:
        return "记走访"
    return "打开" if task.open_id else ""


class TaskModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks: list[Task] = []
        self.headers = [
            self.tr("紧急"),
            self.tr("到期"),
            self.tr("类别"),
            self.tr("创业者"),
            self.tr("事项"),
            self.tr("操作"),
        ]

    def set_tasks(self, tasks: Sequence[Task]) -> None:
        self.beginResetModel()
        self.tasks = list(tasks)
        self.endResetModel()

    def task(self, row: int) -> Task | None:
        return self.tasks[row] if 0 <= row < len(self.tasks) else None

    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.tasks)

    @override
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.tasks):
            return None
        task = self.tasks[index.row()]
        column = index.column()
        if role == TASK_ROLE:
            return index.row()
        if role == TONE_ROLE:
            if column == URGENCY:
                return URGENCY_CHIPS[task.urgency][1]
            if column == ACTION and action_label(task):
                return "ACCENT"
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == ACTION:
                return {
                    "完成": self.tr("标记为已完成"),
                    "记走访": self.tr("为这位创业者记一次走访"),
                    "打开": self.tr("打开这条记录"),
                }.get(action_label(task))
            return task.text if column == TEXT else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == URGENCY:
            return self.tr(URGENCY_CHIPS[task.urgency][0])
        if column == DUE:
            return task.due.isoformat() if task.due else ""
        if column == KIND:
            return task.kind_label
        if column == PERSON:
            return task.subject_name
        if column == TEXT:
            return task.text
        return self.tr(action_label(task)) if action_label(task) else ""

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    @override
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

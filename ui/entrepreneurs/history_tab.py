"""变更记录: every change to the file and its ventures, newest first — who, when, what before and after."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop.services.entrepreneurs import ChangeView
from models.base import to_china
from ui.overrides import override
from ui.style import TEXT_MUTED

_Index = QModelIndex | QPersistentModelIndex


def describe_fields(change: ChangeView) -> str:
    empty = QCoreApplication.translate("HistoryTab", "（空）")
    return "；".join(
        f"{label}：{before or empty} → {after or empty}" for label, before, after in change.fields
    )


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.changes: list[ChangeView] = []
        self.headers = [self.tr("时间"), self.tr("操作人"), self.tr("操作"), self.tr("修改内容")]

    def set_changes(self, changes: Sequence[ChangeView]) -> None:
        self.beginResetModel()
        self.changes = list(changes)
        self.endResetModel()

    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.changes)

    @override
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    @override
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.changes):
            return None
        change = self.changes[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and change.undone:
            return QColor(TEXT_MUTED)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        column = index.column()
        if column == 0:
            return to_china(change.at).strftime("%Y-%m-%d %H:%M")
        if column == 1:
            return change.user_name
        if column == 2:
            return change.label + (self.tr("（已撤销）") if change.undone else "")
        return describe_fields(change)


class HistoryTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("surface")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        note = QLabel(self.tr("每次保存、删除、恢复和撤销都记在这里，不能修改。"), self)
        note.setObjectName("muted")
        layout.addWidget(note)
        self.model = HistoryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, width in ((0, 130), (1, 110), (2, 200)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

    def set_changes(self, changes: Sequence[ChangeView]) -> None:
        self.model.set_changes(changes)
        self.table.resizeRowsToContents()

"""变更记录: every change to the file and its ventures, newest first — who, when, what before and after."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop.services.entrepreneurs import ChangeView
from models.base import to_china
from ui.widgets.rows_model import ColumnSpec, RowsModel


def describe_fields(change: ChangeView) -> str:
    """修改内容 in the domain's words (names, labels; no 空→空), as the service says it."""
    return change.text


def history_columns() -> list[ColumnSpec[ChangeView]]:
    def tr(text: str) -> str:
        return QCoreApplication.translate("HistoryTab", text)

    def operation(change: ChangeView) -> str:
        return change.label + (tr("（已撤销）") if change.undone else "")

    return [
        ColumnSpec(tr("时间"), 130, lambda c: to_china(c.at).strftime("%Y-%m-%d %H:%M")),
        ColumnSpec(tr("操作人"), 110, lambda c: c.user_name),
        ColumnSpec(tr("操作"), 200, operation, tip=operation),
        ColumnSpec(tr("修改内容"), 0, describe_fields, tip=describe_fields),
    ]


def history_model(parent: QObject | None = None) -> RowsModel[ChangeView]:
    """The changes, newest first; an undone change is greyed."""
    return RowsModel(history_columns(), parent, muted=lambda change: change.undone)


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
        self.model = history_model(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, spec in enumerate(self.model.columns[:-1]):
            header.resizeSection(column, spec.width)
        header.setSectionResizeMode(len(self.model.columns) - 1, QHeaderView.ResizeMode.Stretch)
        # wrapped rows are as tall as their text at the width the column has now, not at the width it
        # had before the tab was first laid out (a few pixels: rows a screen tall)
        self._fit_rows = QTimer(self)
        self._fit_rows.setSingleShot(True)
        self._fit_rows.setInterval(0)
        self._fit_rows.timeout.connect(self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self._fit_rows.start())
        layout.addWidget(self.table, 1)

    def set_changes(self, changes: Sequence[ChangeView]) -> None:
        self.model.replace(changes)
        self.table.resizeRowsToContents()

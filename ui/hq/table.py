"""What HQ's list pages share: a titled page with its buttons, and a table of read-model rows that
says why it is empty, keeps its selection across a refresh, and offers its buttons on right-click."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.chips import ChipDelegate
from ui.widgets.columns import ColumnFitter
from ui.widgets.rows_model import ColumnSpec, RowsModel

T = TypeVar("T")


def page_frame(page: QWidget, title: str) -> tuple[QVBoxLayout, QHBoxLayout]:
    """The page's look (as every station page): its layout and the title bar, buttons to be added."""
    page.setObjectName("page")
    page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(16, 12, 16, 8)
    layout.setSpacing(8)
    bar = QHBoxLayout()
    heading = QLabel(title, page)
    heading.setObjectName("pageTitle")
    bar.addWidget(heading)
    bar.addSpacing(16)
    layout.addLayout(bar)
    return layout, bar


class RowsTable(QWidget, Generic[T]):
    """A table over ``rows``; ``multiple`` lets the worker select several (Ctrl / Shift + click)."""

    def __init__(
        self,
        columns: list[ColumnSpec[T]],
        grow: list[float],
        parent: QWidget | None = None,
        *,
        key: Callable[[T], Hashable],
        multiple: bool = False,
    ) -> None:
        super().__init__(parent)
        self.key = key
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model: RowsModel[T] = RowsModel(columns, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection
            if multiple
            else QAbstractItemView.SelectionMode.SingleSelection
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setItemDelegate(ChipDelegate(self.table))
        widths = [column.width for column in columns]
        self.fitter = ColumnFitter(self.table, widths, [max(56, w * 3 // 5) for w in widths], grow)
        self.empty = QLabel(self)
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QStackedWidget(self)
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        self.buttons: list[QPushButton] = []
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.enable())

    def offer(self, button: QPushButton) -> QPushButton:
        """A button that acts on the selected rows: enabled with a selection, also on right-click."""
        self.buttons.append(button)
        action = QAction(button.text(), self.table)
        action.triggered.connect(button.click)
        self.table.addAction(action)
        return button

    def show_rows(self, rows: list[T], empty: str) -> None:
        kept = {self.key(row) for row in self.selected()}
        self.model.replace(rows)
        self.empty.setText(empty)
        self.body.setCurrentWidget(self.table if rows else self.empty)
        again = [index for index, row in enumerate(rows) if self.key(row) in kept]
        for index in again:
            self.table.selectionModel().select(
                self.model.index(index, 0),
                self.table.selectionModel().SelectionFlag.Select
                | self.table.selectionModel().SelectionFlag.Rows,
            )
        if not again and rows:
            self.table.selectRow(0)
        self.enable()

    def selected(self) -> list[T]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [row for row in (self.model.row_at(r) for r in rows) if row is not None]

    def current(self) -> T | None:
        chosen = self.selected()
        return chosen[0] if chosen else None

    def select_where(self, predicate: Callable[[T], bool], *, add: bool = False) -> bool:
        """Select the first row that matches (``add``: keep what is selected too)."""
        for index, item in enumerate(self.model.rows):
            if predicate(item):
                if add:
                    flags = self.table.selectionModel().SelectionFlag
                    self.table.selectionModel().select(self.model.index(index, 0), flags.Select | flags.Rows)
                else:
                    self.table.selectRow(index)
                return True
        return False

    def enable(self) -> None:
        chosen = bool(self.selected())
        for button in self.buttons:
            button.setEnabled(chosen)

"""The import wizard's 核对列的对应关系 grid: each column of the ledger (its letter, its header, sample
values) and what it is imported as, chosen from the fields the import knows."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from models.ledger.columns import field_choices
from models.ledger.sheet import LedgerTable

CHOICE_COLUMN = 3


class MappingGrid(QTableWidget):
    """Emits :attr:`changed` when a column's field is chosen."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.table: LedgerTable | None = None
        self.setHorizontalHeaderLabels(
            [self.tr("列"), self.tr("台账中的列名"), self.tr("示例内容"), self.tr("导入为")]
        )
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.horizontalHeader()
        header.resizeSection(0, 48)
        header.resizeSection(1, 200)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(CHOICE_COLUMN, 230)

    def fill(self, table: LedgerTable, mapping: dict[int, str]) -> None:
        """One row per column of ``table``, each choice set from ``mapping`` (column index → field)."""
        self.table = table
        choices = field_choices()
        self.setRowCount(len(table.columns))
        for position, column in enumerate(table.columns):
            self.setItem(position, 0, QTableWidgetItem(column.letter))
            self.setItem(position, 1, QTableWidgetItem(column.title or self.tr("（无列名）")))
            samples = QTableWidgetItem("；".join(column.samples))
            samples.setToolTip("\n".join(column.samples))
            self.setItem(position, 2, samples)
            combo = QComboBox(self)
            for key, label in choices:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(column.index, ""))))
            combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
            self.setCellWidget(position, CHOICE_COLUMN, combo)

    def combo(self, column_index: int) -> QComboBox:
        """The choice of the ledger's column ``column_index``."""
        assert self.table is not None
        position = next(p for p, c in enumerate(self.table.columns) if c.index == column_index)
        widget = self.cellWidget(position, CHOICE_COLUMN)
        assert isinstance(widget, QComboBox)
        return widget

    def mapping(self) -> dict[int, str]:
        """Column index → field, for the columns that are imported."""
        if self.table is None:
            return {}
        mapping: dict[int, str] = {}
        for position, column in enumerate(self.table.columns):
            widget = self.cellWidget(position, CHOICE_COLUMN)
            if isinstance(widget, QComboBox) and widget.currentData():
                mapping[column.index] = str(widget.currentData())
        return mapping

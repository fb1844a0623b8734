"""The import wizard's 核对类别写法 step: each category word of the ledger that no rule recognises, asked
once (for all its rows): which category it means, 其他 (or 不填), or 不导入这些行."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.ledger.sheet import LedgerTable
from models.ledger.words import UnknownValue, answer_choices


class ValuesPage(QWidget):
    """Emits :attr:`changed` when an answer is chosen."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: tuple[UnknownValue, ...] = ()
        layout = QVBoxLayout(self)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("列"), self.tr("台账中的写法"), self.tr("行"), self.tr("对应为")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 200)
        header.resizeSection(1, 200)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(3, 220)
        layout.addWidget(self.table, 1)

    def set_values(self, values: tuple[UnknownValue, ...], table: LedgerTable) -> None:
        self.values = values
        self.info.setText(
            self.tr(
                "台账中有 {0} 种类别写法程序认不出。请为每种写法选一次对应的类别（同样写法的各行一起处理），"
                "也可以选“其他”或“不导入这些行”。选择会和列的对应关系一起记住。"
            ).format(len(values))
        )
        self.table.setRowCount(len(values))
        for position, value in enumerate(values):
            self.table.setItem(position, 0, QTableWidgetItem(table.column_label(value.column)))
            self.table.setItem(position, 1, QTableWidgetItem(value.text))
            shown = "、".join(str(r) for r in value.rows[:8]) + ("…" if len(value.rows) > 8 else "")
            rows = QTableWidgetItem(self.tr("{0} 行：第 {1} 行").format(len(value.rows), shown))
            rows.setToolTip("、".join(str(r) for r in value.rows))
            self.table.setItem(position, 2, rows)
            combo = QComboBox(self.table)
            combo.addItem(self.tr("（请选择）"), "")
            for answer, label in answer_choices(value.field_key):
                combo.addItem(label, answer)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.table.setCellWidget(position, 3, combo)
        self.changed.emit()

    def combo(self, position: int) -> QComboBox:
        widget = self.table.cellWidget(position, 3)
        assert isinstance(widget, QComboBox)
        return widget

    def complete(self) -> bool:
        return all(self.combo(p).currentData() for p in range(len(self.values)))

    def answers(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for position, value in enumerate(self.values):
            answer = self.combo(position).currentData()
            if answer:
                found.setdefault(value.field_key, {})[value.key] = str(answer)
        return found

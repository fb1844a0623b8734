"""Item models of the ledger import wizard: the preview's rows (what happens to each ledger row)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.services.ledger_import import ImportPlan, RowKind, RowOutcome
from ui.overrides import override
from ui.roles import TONE_ROLE
from ui.style import Tone

_Index = QModelIndex | QPersistentModelIndex

KIND_TONES: dict[RowKind, Tone] = {
    RowKind.CREATE: Tone.GREEN,
    RowKind.UPDATE: Tone.ACCENT,
    RowKind.UNCHANGED: Tone.GREY,
    RowKind.REFUSED: Tone.RED,
    RowKind.SKIPPED: Tone.GREY,
}


class PlanRowsModel(QAbstractTableModel):
    """One line per ledger row: its number, what happens to it, whose it is, and why."""

    KIND_COLUMN = 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.titles = [
            self.tr("行号"),
            self.tr("结果"),
            self.tr("姓名"),
            self.tr("身份证号"),
            self.tr("说明"),
        ]
        self._all: tuple[RowOutcome, ...] = ()
        self._rows: list[RowOutcome] = []
        self._kind: RowKind | None = None

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.beginResetModel()
        self._all = plan.rows if plan is not None else ()
        self._rows = [row for row in self._all if self._kind is None or row.kind is self._kind]
        self.endResetModel()

    def set_kind(self, kind: RowKind | None) -> None:
        """Show only the rows of one kind (未导入, 新增 …), or all of them."""
        self.beginResetModel()
        self._kind = kind
        self._rows = [row for row in self._all if kind is None or row.kind is kind]
        self.endResetModel()

    def outcome(self, row: int) -> RowOutcome | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    @override
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.titles)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.titles[section] if 0 <= section < len(self.titles) else None
        return None

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        outcome = self.outcome(index.row())
        if outcome is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                f"第 {outcome.row} 行",
                outcome.kind.label,
                outcome.name,
                outcome.id_number_masked,
                outcome.reason,
            )
            return values[column] if 0 <= column < len(values) else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return outcome.reason or None
        if role == TONE_ROLE and column == self.KIND_COLUMN:
            return KIND_TONES[outcome.kind].name
        if role == Qt.ItemDataRole.ForegroundRole and column == 4 and outcome.kind is RowKind.REFUSED:
            return Tone.RED.foreground
        return None

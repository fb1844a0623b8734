"""A table model over a short list of read-model rows, its columns given as data (title, width, text,
tone, alignment, tooltip, colour): the file's ventures and history, the training pages' lists, the
ledger import's preview."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ui.overrides import override
from ui.roles import TONE_ROLE
from ui.style import TEXT_MUTED, Tone

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
CENTER = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class ColumnSpec(Generic[T]):
    title: str
    width: int
    text: Callable[[T], str]
    tone: Callable[[T], Tone | None] | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    tip: Callable[[T], str] | None = None
    color: Callable[[T], str | None] | None = None  # the text's colour, e.g. a refusal's reason in red


class RowsModel(QAbstractTableModel, Generic[T]):
    """A table of read-model rows; ``replace`` swaps them all (for short lists: a class, a file's
    history; the long lists page through ids instead, see ui/widgets/page_cache.py).

    ``muted`` greys a whole row (e.g. a change that was undone)."""

    def __init__(
        self,
        columns: Sequence[ColumnSpec[T]],
        parent: QObject | None = None,
        *,
        muted: Callable[[T], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[T] = []
        self.muted = muted

    def replace(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    @override
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    @override
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        item, column = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return column.text(item)
        if role == TONE_ROLE and column.tone is not None:
            tone = column.tone(item)
            return tone.name if tone is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole and column.tip is not None:
            return column.tip(item)
        if role == Qt.ItemDataRole.ForegroundRole:
            color = column.color(item) if column.color is not None else None
            if color is None and self.muted is not None and self.muted(item):
                color = TEXT_MUTED
            return QColor(color) if color is not None else None
        return None

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None

"""Table columns that fill the table's width without a horizontal scroll bar.

Each column has a natural width, a minimum and a share of any spare width. A narrow window (1366×768 at
125 % scaling) takes width from the columns with the most to spare; a wide one gives it to the columns
whose text varies most (names of ventures, key groups). Once the worker drags a column, their widths are
kept as they left them (and saved with the window's state).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings
from PySide6.QtWidgets import QTableView

from ui.overrides import override


def fitted_widths(
    available: int, widths: Sequence[int], minimums: Sequence[int], grow: Sequence[float]
) -> list[int]:
    """Widths summing to ``available`` where possible: shrink towards the minimums in proportion to what
    each column can give, or share what is left over by ``grow``."""
    total = sum(widths)
    if available >= total:
        extra = available - total
        weight = sum(grow) or 1.0
        result = [w + int(extra * g / weight) for w, g in zip(widths, grow, strict=True)]
        if any(grow):  # what integer division left over goes to the column that grows most
            result[max(range(len(grow)), key=lambda i: grow[i])] += available - sum(result)
    else:
        slack = [max(w - m, 0) for w, m in zip(widths, minimums, strict=True)]
        spare = sum(slack)
        deficit = min(total - available, spare)
        pairs = zip(widths, slack, strict=True)
        result = [w - (-(-deficit * s // spare) if spare else 0) for w, s in pairs]  # rounded up
        left = available - sum(result)
        if left > 0 and any(grow):
            result[max(range(len(grow)), key=lambda i: grow[i])] += left
    return result


class ColumnFitter(QObject):
    def __init__(
        self,
        table: QTableView,
        widths: Sequence[int],
        minimums: Sequence[int],
        grow: Sequence[float],
    ) -> None:
        super().__init__(table)
        self.table = table
        self.widths = list(widths)
        self.minimums = list(minimums)
        self.grow = list(grow)
        self.automatic = True
        self._fitting = False
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(min(self.minimums))
        header.sectionResized.connect(self._resized)
        # The header is laid out over the viewport at its width, so its resizes are the viewport's. (Asking
        # for ``table.viewport()`` itself costs 13 ms the first time: PySide looks through every QWidget
        # subclass, building their enums, to find the type of a plain QWidget made in C++.)
        header.installEventFilter(self)

    def fit(self) -> None:
        if not self.automatic:
            return
        available = self.table.horizontalHeader().width()
        if available <= 0:
            return
        self._fitting = True
        try:
            header = self.table.horizontalHeader()
            for section, width in enumerate(fitted_widths(available, self.widths, self.minimums, self.grow)):
                header.resizeSection(section, width)
        finally:
            self._fitting = False

    def _resized(self, _section: int, _old: int, _new: int) -> None:
        if not self._fitting:
            self.automatic = False  # the worker set a width: keep it

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and getattr(self, "automatic", False):
            self.fit()
        return False

    def save(self, settings: QSettings, key: str) -> None:
        settings.setValue(f"{key}/header", self.table.horizontalHeader().saveState())
        settings.setValue(f"{key}/automatic", "1" if self.automatic else "0")

    def restore(self, settings: QSettings, key: str) -> None:
        state = settings.value(f"{key}/header")
        if str(settings.value(f"{key}/automatic", "1")) == "1" or not isinstance(state, QByteArray | bytes):
            return
        self._fitting = True
        try:
            self.table.horizontalHeader().restoreState(QByteArray(state))
        finally:
            self._fitting = False
        self.automatic = False

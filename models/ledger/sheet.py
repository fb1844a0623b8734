"""A ledger's sheet as read: its rows (with the numbers Excel shows), its columns, where its header is.

Pure data: :mod:`reports.ledger.reading` makes it from a workbook, the planner and the errors workbook
read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.ledger.columns import header_signature

# The columns the errors workbook adds at the right of the refused rows (it repeats the ledger's header).
ERRORS_EXTRA_TITLES = ("原行号", "未导入原因")


def column_letter(number: int) -> str:
    """Excel's letters for a column (1 → A, 27 → AA), as :func:`openpyxl.utils.get_column_letter` gives
    them (a test checks every column against it)."""
    if not 1 <= number <= 18278:
        raise ValueError(f"Invalid column index {number}")
    letters = []
    while number > 0:
        number, remainder = divmod(number, 26)
        if remainder == 0:
            remainder = 26
            number -= 1
        letters.append(chr(remainder + 64))
    return "".join(reversed(letters))


@dataclass(frozen=True)
class SourceRow:
    number: int  # the row number Excel shows
    values: tuple[object, ...]

    def value(self, index: int) -> object:
        return self.values[index] if index < len(self.values) else None


@dataclass(frozen=True)
class LedgerColumn:
    index: int  # 0-based
    letter: str
    title: str
    samples: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.letter} 列“{self.title}”" if self.title else f"{self.letter} 列"


@dataclass(frozen=True)
class LedgerTable:
    """A sheet as read: where its header is, its columns and the rows below the header."""

    path: Path
    sheet: str
    sheets: tuple[str, ...]
    header_first: int
    header_last: int
    columns: tuple[LedgerColumn, ...]
    rows: tuple[SourceRow, ...]
    notes: tuple[str, ...] = ()

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(c.title for c in self.columns)

    @property
    def signature(self) -> str:
        """The headers that identify "a file like this one"; the two columns the errors workbook adds at
        the right are left out, so a fixed errors workbook gets the mapping of the ledger it came from."""
        titles = list(self.titles)
        while titles and titles[-1] in ERRORS_EXTRA_TITLES:
            titles.pop()
        return header_signature(titles)

    def column_label(self, index: int) -> str:
        return self.columns[index].label if index < len(self.columns) else column_letter(index + 1) + " 列"

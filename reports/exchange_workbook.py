"""Writing the exchange workbook (docs/exchange.md) row by row: openpyxl's write-only mode, so a county's
million people are written in constant memory; the file appears under its name only when complete.

Every sheet opens with two header rows — the stable column codes, then the Chinese labels — and holds
only text and whole numbers: no cell is a formula. Text that a spreadsheet would read as one (starting
with = + - @, a tab or a CR, or an error code such as ``#N/A``) is written as quote-prefixed text
(:func:`reports.xlsx.protect_text`), as every other export of the project writes it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.xlsx import HEADER_FILL, HEADER_FONT, TEXT_FORMAT, formula_like, protect_text, safe_value

Cell = str | int | None

_TRIGGERS = frozenset("=+-@\t\r")


class ExchangeSheetWriter:
    """One data sheet: its header rows are written when it is made, then :meth:`append` per record."""

    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet
        self.rows = 0

    def append(self, values: Sequence[Cell]) -> None:
        self._sheet.append([self._cell(value) for value in values])
        self.rows += 1

    def _cell(self, value: Cell) -> object:
        if value is None or type(value) is int:
            return value
        text = str(value)
        if (
            text
            and text[0] not in _TRIGGERS
            and text not in ERROR_CODES
            and not ILLEGAL_CHARACTERS_RE.search(text)
        ):
            return text  # the common case: openpyxl stores a plain string as it is
        safe = safe_value(text)  # control characters XML cannot hold are dropped
        cell = WriteOnlyCell(self._sheet, value=safe)
        cell.data_type = "s"  # never "f" (a formula) or "e" (an error)
        if isinstance(safe, str) and formula_like(safe):
            protect_text(cell)
        return cell


class ExchangeWorkbookWriter:
    """The workbook being written: the guide sheet (说明) first, then one sheet per record kind."""

    def __init__(self, path: Path, guide_title: str) -> None:
        self.path = path
        self._book = Workbook(write_only=True)
        self._guide = self._book.create_sheet(guide_title[:31])
        self._guide.column_dimensions["A"].width = 22
        self._guide.column_dimensions["B"].width = 28
        self._guide.column_dimensions["C"].width = 60
        self._guide_writer = ExchangeSheetWriter(self._guide)

    def __enter__(self) -> ExchangeWorkbookWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self._save()
        else:
            self._discard()

    def guide_title(self, text: str) -> None:
        cell = WriteOnlyCell(self._guide, value=safe_value(text))
        cell.data_type = "s"
        cell.font = Font(bold=True, size=14)
        self._guide.append([cell])

    def guide_heading(self, text: str) -> None:
        cell = WriteOnlyCell(self._guide, value=safe_value(text))
        cell.data_type = "s"
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        self._guide.append([None])
        self._guide.append([cell])

    def guide_row(self, *values: Cell) -> None:
        """A row of the guide sheet (rows may be added after the data sheets: each sheet streams alone)."""
        self._guide_writer.append(values)

    def data_sheet(self, title: str, codes: Sequence[str], labels: Sequence[str]) -> ExchangeSheetWriter:
        sheet = self._book.create_sheet(title[:31])
        for index, label in enumerate(labels, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(label) * 2 + 2))
        sheet.freeze_panes = "C3"  # before the first row: the codes and labels, the id and station stay
        for row in (codes, labels):
            header = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=safe_value(value))
                cell.data_type = "s"
                cell.number_format = TEXT_FORMAT
                cell.font = HEADER_FONT
                cell.fill = HEADER_FILL
                header.append(cell)
            sheet.append(header)
        return ExchangeSheetWriter(sheet)

    def _discard(self) -> None:
        """A failed or cancelled export: each sheet's stream is closed and its temporary file removed."""
        for sheet in self._book.worksheets:
            try:
                sheet.close()
                sheet._writer.cleanup()
            except Exception:  # best effort: the export has already failed
                continue

    def _save(self) -> None:
        temporary = self.path.with_name(self.path.name + ".part")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._book.save(temporary)
            temporary.replace(self.path)
        finally:
            temporary.unlink(missing_ok=True)

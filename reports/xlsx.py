"""Writing lists to xlsx (openpyxl): frozen header, widths, real dates, and no cell from data can
become a formula — text starting with = + - @, a tab or a CR is written as a text cell WITH the quote
prefix (Excel's leading apostrophe, ``quotePrefix`` in the cell's style, and the text number format),
so that an edit in Excel or WPS (F2, Enter) keeps it text instead of turning it into a formula
(CWE-1236). :func:`protect_text` does the same for a cell written elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER_START = frozenset(FORMULA_TRIGGERS)
TEXT_FORMAT = "@"


def formula_like(text: str) -> bool:
    """Text a spreadsheet would read as a formula when the cell is edited (or as an error code)."""
    return bool(text) and (text[0] in _TRIGGER_START or text in ERROR_CODES)


def protect_text(cell: Any) -> Any:
    """Make an openpyxl cell holding text stay text: string type, the quote prefix, text format."""
    cell.data_type = "s"
    cell.quotePrefix = True
    cell.number_format = TEXT_FORMAT
    return cell


HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADER_FONT = Font(bold=True)


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 14
    kind: str = "text"  # text | date | int | money (fen, shown as yuan)


def safe_value(value: object) -> object:
    """A cell value that Excel will show as written: formulas in data are neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal | datetime | date):
        return value
    text = str(value)  # the cell's data type is forced to text in _cell, so "=1+1" stays text
    if ILLEGAL_CHARACTERS_RE.search(text):  # control characters that XML cannot hold
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text


def _cell(sheet: Worksheet, value: object, column: Column) -> object:
    """The cell to append. A plain value when openpyxl would store it as it is (fast: write-only mode
    reuses one cell for plain values); a cell forced to text when openpyxl would read the string as a
    formula (leading "=") or an error code ("#N/A")."""
    if isinstance(value, str):  # the common case first: most cells of a list are plain text
        if (
            value
            and value[0] not in _TRIGGER_START
            and value not in ERROR_CODES
            and not ILLEGAL_CHARACTERS_RE.search(value)
        ):
            return value
    elif value is None or (type(value) is int and column.kind != "money"):
        return value
    if column.kind == "money" and isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=Decimal(value) / 100)
        cell.number_format = "#,##0.00"
        return cell
    safe = safe_value(value)
    if isinstance(safe, str):
        if formula_like(safe):
            return protect_text(WriteOnlyCell(sheet, value=safe))  # never "f" or "e", and quote-prefixed
        return safe
    if isinstance(safe, datetime):
        cell = WriteOnlyCell(sheet, value=safe)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    return safe  # numbers; dates get openpyxl's yyyy-mm-dd


@dataclass(frozen=True)
class TableSheet:
    """One sheet of a workbook written by :func:`write_tables`."""

    sheet_title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    title: str | None = None


def write_table(
    path: Path,
    *,
    sheet_title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
) -> int:
    """Write one sheet (write-only mode, constant memory); returns the number of data rows.

    The file is written to a temporary name and moved into place, so a failure leaves no half file.
    """
    return write_tables(path, [TableSheet(sheet_title, columns, rows, title)])[0]


def write_tables(path: Path, sheets: Sequence[TableSheet]) -> list[int]:
    """Write several sheets, each as :func:`write_table` does; returns each sheet's number of data rows."""
    workbook = Workbook(write_only=True)
    counts = [_write_sheet(workbook, spec) for spec in sheets]
    temporary = path.with_name(path.name + ".part")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        workbook.save(temporary)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return counts


def _write_sheet(workbook: Workbook, spec: TableSheet) -> int:
    columns = spec.columns
    sheet = workbook.create_sheet(spec.sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header_row = 2 if spec.title else 1
    sheet.freeze_panes = f"A{header_row + 1}"  # before the first row: write-only sheets stream out
    if spec.title:
        title_cell = WriteOnlyCell(sheet, value=safe_value(spec.title))
        title_cell.data_type = "s"
        if formula_like(str(title_cell.value or "")):
            protect_text(title_cell)
        title_cell.font = Font(bold=True, size=14)
        sheet.append([title_cell])
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=safe_value(column.title))
        cell.data_type = "s"
        if formula_like(str(cell.value or "")):
            protect_text(cell)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in spec.rows:
        sheet.append([_cell(sheet, value, column) for value, column in zip(row, columns, strict=True)])
        count += 1
    return count


def export_filename(station_code: str, content: str, day: date) -> str:
    """``330106001_创业者名单_20251105.xlsx`` (UI.md: named for the station, content and date)."""
    return f"{station_code}_{content}_{day:%Y%m%d}.xlsx"

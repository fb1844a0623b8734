"""Writing lists to xlsx (openpyxl): frozen header, widths, real dates, and no cell from data can
become a formula — text starting with = + - @, a tab or a CR is written as text (CWE-1236)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
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
    return str(value)  # the cell's data type is forced to text in _cell, so "=1+1" stays text


def _cell(sheet: Worksheet, value: object, column: Column) -> WriteOnlyCell:
    if column.kind == "money" and isinstance(value, int):
        cell = WriteOnlyCell(sheet, value=Decimal(value) / 100)
        cell.number_format = "#,##0.00"
        return cell
    safe = safe_value(value)
    cell = WriteOnlyCell(sheet, value=safe)
    if isinstance(safe, str):
        cell.data_type = "s"  # never "f": a leading "=" stays text
    elif isinstance(safe, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(safe, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


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
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header_row = 2 if title else 1
    sheet.freeze_panes = f"A{header_row + 1}"  # before the first row: write-only sheets stream out
    if title:
        title_cell = WriteOnlyCell(sheet, value=title)
        title_cell.font = Font(bold=True, size=14)
        sheet.append([title_cell])
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value, column) for value, column in zip(row, columns, strict=True)])
        count += 1
    temporary = path.with_name(path.name + ".part")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        workbook.save(temporary)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return count


def export_filename(station_code: str, content: str, day: date) -> str:
    """``330106001_创业者名单_20251105.xlsx`` (UI.md: named for the station, content and date)."""
    return f"{station_code}_{content}_{day:%Y%m%d}.xlsx"

"""Reading a ledger: its sheets, then one sheet as a :class:`models.ledger.sheet.LedgerTable` with its
header found under title rows and merged cells (:func:`models.ledger.header.detect_header`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter

from models.errors import ValidationError
from models.ledger.bulk import QUIET, Progress, collector_paused
from models.ledger.cells import cell_text
from models.ledger.header import HeaderGuess, detect_header, header_title
from models.ledger.sheet import LedgerColumn, LedgerTable, SourceRow
from reports.ledger.limits import DEFAULT_LIMITS, ReadLimits
from reports.ledger.workbook import LedgerWorkbook, fill_merged


@dataclass(frozen=True)
class SheetInfo:
    name: str
    rows: int | None  # as the sheet states it, if it does
    hidden: bool
    header_row: int | None  # where a header was found among the first rows, if one was


def list_sheets(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> list[SheetInfo]:
    """The sheets of a workbook and where each one's header seems to be (reads a few rows of each)."""
    with LedgerWorkbook(path, limits) as book:
        found = []
        for name in book.book.sheetnames:
            sheet = book.book[name]
            rows, _merges, _notes = book.rows(sheet, stop_after=40)
            guess = detect_header([(r.number, r.values) for r in rows])
            found.append(
                SheetInfo(
                    name=name,
                    rows=book.dimensions(sheet)[0],
                    hidden=getattr(sheet, "sheet_state", "visible") != "visible",
                    header_row=guess.last_row if guess else None,
                )
            )
        return found


def open_ledger(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    job: Progress = QUIET,
) -> LedgerTable:
    """Read a sheet (the first one with a recognisable header if none is named) and find its header.

    ``header_row`` (as Excel numbers rows) overrides the detection when the worker points at it.
    """
    path = Path(path)
    with collector_paused(), LedgerWorkbook(path, limits) as book:
        names = tuple(book.book.sheetnames)
        if sheet is None:
            sheet = _first_sheet_with_header(book) or (names[0] if names else None)
        worksheet = book.sheet(sheet)
        job.report(0, 0, f"正在读取工作表“{worksheet.title}”")
        rows, merges, notes = book.rows(worksheet, job=job)
    head_rows = rows[:40]
    head_last = head_rows[-1].number if head_rows else 0
    guess = _header(
        path,
        worksheet.title,
        fill_merged(head_rows, merges, header_last=head_last, limits=limits),
        header_row,
    )
    rows = fill_merged(rows, merges, header_last=guess.last_row, limits=limits)
    titles = list(guess.titles)
    width = max([len(titles), *(len(r.values) for r in rows)])
    titles += [""] * (width - len(titles))
    data = [row for row in rows if row.number > guess.last_row]
    columns = []
    for index, title in enumerate(titles):
        samples = []
        for row in data:
            text = cell_text(row.value(index)).strip()
            if text and text not in samples:
                samples.append(text)
            if len(samples) == 3:
                break
        if not title and not samples:
            continue  # a column with nothing in it
        columns.append(LedgerColumn(index, get_column_letter(index + 1), title, tuple(samples)))
    # Columns keep their sheet positions; drop only empty columns at the right edge.
    kept = {c.index for c in columns}
    last = max(kept) if kept else -1
    full = [
        next((c for c in columns if c.index == i), LedgerColumn(i, get_column_letter(i + 1), "", ()))
        for i in range(last + 1)
    ]
    return LedgerTable(
        path=path,
        sheet=worksheet.title,
        sheets=names,
        header_first=guess.first_row,
        header_last=guess.last_row,
        columns=tuple(full),
        rows=tuple(data),
        notes=tuple(notes),
    )


def _first_sheet_with_header(book: LedgerWorkbook) -> str | None:
    for name in book.book.sheetnames:
        sheet = book.book[name]
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        rows, _merges, _notes = book.rows(sheet, stop_after=40)
        if detect_header([(r.number, r.values) for r in rows]) is not None:
            return str(name)
    return None


def _header(path: Path, sheet: str, rows: Sequence[SourceRow], header_row: int | None) -> HeaderGuess:
    if header_row is not None:
        row = next((r for r in rows if r.number == header_row), None)
        if row is None:
            raise ValidationError(
                "表头所在行", header_row, f"工作表“{sheet}”的第 {header_row} 行是空的，不能作为表头"
            )
        titles = tuple(header_title(cell_text(v)) for v in row.values)
        return HeaderGuess(header_row, header_row, titles, 0)
    guess = detect_header([(r.number, r.values) for r in rows])
    if guess is None:
        raise ValidationError(
            "表头",
            sheet,
            f"在 {path.name} 的工作表“{sheet}”的前几十行中没有找到表头：表头应含有“姓名”“身份证号码”等列名。"
            "请检查是否选错了工作表，或在导入向导中指定表头所在的行",
        )
    return guess

"""A ledger workbook opened read-only and read row by row within :class:`ReadLimits`: the bounded reader.

openpyxl reads in read-only mode and, because ``defusedxml`` is installed, refuses XML entity tricks.
The sheet's own ``<dimension>`` is checked before its rows are read, and cells, rows and blank runs are
counted while they are; merged ranges are filled afterwards (:func:`fill_merged`).
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import range_boundaries
from openpyxl.workbook.workbook import Workbook as LoadedWorkbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from models.errors import DoorstepError
from models.ledger.bulk import QUIET, Progress
from models.ledger.cells import is_blank
from models.ledger.sheet import SourceRow
from reports.ledger.limits import ReadLimits, check_file, read_failure, refused


class _UnsizedSheet(ReadOnlyWorksheet):  # type: ignore[misc]  # openpyxl has no type hints
    def _get_size(self) -> None:
        """Left unsized: openpyxl reads a sheet without a <dimension> element (some writers leave it out)
        to its end to size it, when the workbook is opened. The import never asks for that size
        (:meth:`LedgerWorkbook.dimensions` reads the element itself), so that whole extra pass is skipped."""


class _LedgerReader(ExcelReader):  # type: ignore[misc]
    """openpyxl's read-only reader, with its sheets left unsized (:class:`_UnsizedSheet`)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


class LedgerWorkbook:
    """An open read-only workbook; closes the file when done."""

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        check_file(path, limits)
        self.path = path
        self.limits = limits
        # Our own handle, so the file is closed whatever openpyxl leaves open when it fails.
        self.handle = path.open("rb")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions, styles
                reader = _LedgerReader(self.handle, read_only=True, data_only=True, keep_links=False)
                reader.read()
                self.book: LoadedWorkbook = reader.wb
        except Exception as error:  # anything openpyxl or the XML parser raises: a refused file
            self.handle.close()
            raise read_failure(path, error) from error

    def close(self) -> None:
        try:
            self.book.close()
        finally:
            self.handle.close()

    def __enter__(self) -> LedgerWorkbook:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def sheet(self, name: str | None) -> Any:
        names = self.book.sheetnames
        if not names:
            raise refused(self.path, f"文件 {self.path.name} 中没有工作表")
        if name is None:
            return self.book[names[0]]
        if name not in names:
            raise refused(
                self.path, f"文件 {self.path.name} 中没有名为“{name}”的工作表；有：{'、'.join(names)}"
            )
        return self.book[name]

    def dimensions(self, sheet: Any) -> tuple[int | None, int | None]:
        """(rows, columns) as the sheet's <dimension> states them, if it does.

        Read from the first elements only: openpyxl's own reader scans the whole sheet when the element is
        missing, which some writers leave out."""
        from openpyxl.xml.functions import iterparse  # defusedxml's, when installed

        archive: zipfile.ZipFile = self.book._archive
        try:
            with archive.open(sheet._worksheet_path) as source:
                for _event, element in iterparse(source, events=("start",)):
                    tag = element.tag.rsplit("}", 1)[-1]
                    if tag == "dimension":
                        _min_col, _min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                        return max_row, max_col
                    if tag == "sheetData":
                        break
        except (TypeError, ValueError):
            return None, None  # an unreadable dimension: the row count while reading still applies
        except Exception as error:  # the XML parser's errors: a refused file
            raise read_failure(self.path, error) from error
        return None, None

    def rows(
        self, sheet: Any, *, job: Progress = QUIET, stop_after: int | None = None
    ) -> tuple[list[SourceRow], list[tuple[int, int, int, int]], list[str]]:
        """Rows with their Excel numbers (blank rows left out), merged ranges, and notes."""
        limits, path = self.limits, self.path
        max_row, max_column = self.dimensions(sheet)
        _check_dimensions(path, sheet.title, max_row, max_column, limits)
        book = self.book
        archive: zipfile.ZipFile = book._archive
        rows: list[SourceRow] = []
        notes: list[str] = []
        cells = 0
        last_number = 0
        max_columns = limits.max_columns
        try:
            from openpyxl.worksheet._reader import WorkSheetParser  # read-only parser that also yields merges

            with warnings.catch_warnings(), archive.open(sheet._worksheet_path) as source:
                warnings.simplefilter("ignore")
                parser = WorkSheetParser(
                    source,
                    sheet._shared_strings,
                    data_only=True,
                    epoch=book.epoch,
                    date_formats=book._date_formats,
                    timedelta_formats=book._timedelta_formats,
                )
                for number, cells_parsed in parser.parse():
                    parsed = [(cell["column"], cell["value"]) for cell in cells_parsed]
                    cells += len(parsed)
                    if cells > limits.max_cells:
                        raise refused(
                            path,
                            f"工作表“{sheet.title}”的单元格超过 {limits.max_cells:,} 个，超过单次导入上限，"
                            "可能是恶意构造的文件；正常的台账请拆分后再导入",
                        )
                    values: list[object] = [None] * min(max_columns, max((c for c, _ in parsed), default=0))
                    for column, value in parsed:
                        if column <= max_columns and value is not None:
                            values[column - 1] = value
                    if not any(not is_blank(v) for v in values):
                        if number - last_number > limits.max_blank_run and rows:
                            break
                        continue
                    if rows and number - last_number > limits.max_blank_run:
                        notes.append(
                            f"第 {last_number} 行之后有 {number - last_number - 1:,} 行空行，之后的内容未读取"
                        )
                        break
                    last_number = number
                    rows.append(SourceRow(number, tuple(values)))
                    if len(rows) > limits.max_rows:
                        raise refused(
                            path,
                            f"工作表“{sheet.title}”超过 {limits.max_rows:,} 行，超过单次导入上限，"
                            "请拆分成几个文件再导入",
                        )
                    if stop_after is not None and len(rows) >= stop_after:
                        break
                    if len(rows) % 2000 == 0:
                        job.report(len(rows), max_row or 0, f"正在读取第 {number:,} 行")
                merges = _merged_ranges(parser.merged_cells) if stop_after is None else []
        except DoorstepError:  # refused above, or Cancelled
            raise
        except Exception as error:  # the XML parser's and openpyxl's own errors: a refused file
            raise read_failure(path, error) from error
        return rows, merges, notes


def _check_dimensions(
    path: Path, title: str, max_row: int | None, max_column: int | None, limits: ReadLimits
) -> None:
    """A sheet's own <dimension> says how big it claims to be: a billion cells are refused unread."""
    if max_row is not None and max_row > limits.max_rows + 1000:
        raise refused(
            path,
            f"工作表“{title}”标明有 {max_row:,} 行（{max_column or 0:,} 列），超过单次导入上限 "
            f"{limits.max_rows:,} 行：可能是恶意构造的文件，已拒绝；正常的台账请拆分后再导入",
        )
    if (
        max_row is not None
        and max_column is not None
        and max_row * min(max_column, 16384) > limits.max_cells * 4
    ):
        raise refused(
            path,
            f"工作表“{title}”标明有 {max_row:,} 行 × {max_column:,} 列，超过单次导入上限，已拒绝",
        )


def _merged_ranges(merged: Any) -> list[tuple[int, int, int, int]]:
    if not merged:
        return []
    ranges = []
    for item in merged.mergeCell:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(item.ref)
        except (TypeError, ValueError):
            continue
        if None not in (min_col, min_row, max_col, max_row):
            ranges.append((int(min_col or 0), int(min_row or 0), int(max_col or 0), int(max_row or 0)))
    return ranges


def fill_merged(
    rows: list[SourceRow],
    merges: Sequence[tuple[int, int, int, int]],
    *,
    header_last: int,
    limits: ReadLimits,
) -> list[SourceRow]:
    """Give every cell of a merged range its top-left value: across and down in the header, only down
    in the data (a person's cells merged over the rows of their several ventures)."""
    if not merges:
        return rows
    by_number = {row.number: list(row.values) for row in rows}
    budget = limits.max_merged_fill
    for min_col, min_row, max_col, max_row in merges:
        top = by_number.get(min_row)
        if top is None or min_col > len(top) or min_col > limits.max_columns:
            continue
        value = top[min_col - 1]
        if is_blank(value):
            continue
        for number in range(min_row, max_row + 1):
            target = by_number.get(number)
            if target is None:
                continue
            last_col = max_col if number <= header_last else min_col
            for column in range(min_col, min(last_col, limits.max_columns) + 1):
                budget -= 1
                if budget < 0:
                    return [SourceRow(n, tuple(v)) for n, v in by_number.items()]
                if column > len(target):
                    target.extend([None] * (column - len(target)))
                if is_blank(target[column - 1]):
                    target[column - 1] = value
    return [SourceRow(number, tuple(values)) for number, values in by_number.items()]

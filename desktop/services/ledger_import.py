"""Importing an Excel ledger (台账导入): read, map columns, preview, then write in one transaction.

The flow the wizard and ``doorstep import-excel`` share (a Qt-free state machine, Electrum's wizards):

1. :func:`list_sheets` / :func:`open_ledger` — the file is checked before openpyxl parses it (a .xls
   renamed .xlsx, an encrypted workbook, a zip that is not a workbook, parts that decompress to hundreds
   of megabytes, a sheet that claims a million rows are all refused with a Chinese message). openpyxl
   reads in read-only mode and, because ``defusedxml`` is installed, refuses XML entity tricks (an XML
   bomb). The header is found under title rows and merged cells (:func:`models.ledger.detect_header`).
2. :func:`suggest_mapping` — the column mapping remembered for a file with the same headers, else the
   one guessed from column names; the worker may correct it (:func:`remember_mapping`).
3. :func:`preview_import` — what would happen, row by row: people to create, update (matched by ID
   number), leave unchanged, and rows refused with the reason. Nothing is written.
4. :func:`apply_import` — the same plan made again inside one write transaction, then written: a cancel
   (``JobState``) or a killed process leaves the database as it was. Creates are bulk inserts that write
   the same change rows :class:`models.audit.Operation` writes; updates go through ``Operation.update``.
   Each person's changes are one operation, so Ctrl+Z on a file undoes that file's import only.

Every value goes through the form's validators (:func:`validate_person`, :func:`validate_venture`), so a
row the form would refuse is refused here, with the same message, and lands in the errors workbook
(:func:`write_errors_workbook`) with the original row so the worker can fix and re-import just those rows.
"""

from __future__ import annotations

import enum
import gc
import logging
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook as LoadedWorkbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import insert
from sqlmodel import Session, col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services.entrepreneurs import DuplicateMatch, duplicate_message, search_blob
from models.audit import Actor, ChangeAction, Operation
from models.base import BOOKKEEPING_COLUMNS, china_today, jsonable, metadata, new_id, utcnow
from models.database import Database
from models.entrepreneur import (
    Entrepreneur,
    EntrepreneurSearch,
    InvalidRecord,
    PersonData,
    Venture,
    VentureData,
    current_stage,
    parse_key_groups,
    validate_person,
    validate_venture,
)
from models.enums import Education, EntityType, KeyGroup, Stage, key_groups_from_bits
from models.errors import DoorstepError, ValidationError
from models.ledger import (
    FIELDS_BY_KEY,
    IGNORED,
    LEDGER_FIELDS,
    VENTURE,
    HeaderGuess,
    LedgerMapping,
    cell_text,
    check_mapping,
    detect_header,
    form_label,
    guess_mapping,
    header_signature,
    is_blank,
    non_data_reason,
    person_raw,
    prepare_venture,
    venture_raw,
)
from models.masking import mask_id_number
from models.pinyin import name_search_keys
from models.station import CaseSequence
from models.validators import IdNumber, normalise_text, parse_id_number
from reports.xlsx import Column, TableSheet, write_tables

log = logging.getLogger(__name__)

FILE_FIELD = "台账文件"
ERRORS_EXTRA_TITLES = ("原行号", "未导入原因")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class ReadLimits:
    """What a ledger may be. Generous for real ledgers (a county's is some tens of thousands of rows),
    small enough that a hostile file is refused before it costs minutes or gigabytes."""

    max_rows: int = 100_000  # non-blank rows in the sheet
    max_columns: int = 100  # columns read; cells further right are ignored
    max_cells: int = 5_000_000  # cells parsed, including those ignored
    max_part_bytes: int = 300 * 1024 * 1024  # one part of the xlsx, uncompressed
    max_total_bytes: int = 600 * 1024 * 1024  # the whole xlsx, uncompressed
    max_parts: int = 10_000
    max_blank_run: int = 2_000  # stop reading after this many blank rows in a row
    max_merged_fill: int = 1_000_000  # cells filled from merged ranges


DEFAULT_LIMITS = ReadLimits()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk step. An import makes hundreds of thousands of
    small objects and no reference cycles; with the collector running, each of its passes re-walks them
    all (a third of the import's time on a 10,000-row ledger). Reference counting still frees memory;
    the collector is switched back on afterwards (unless it was already off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _refused(path: Path, message: str) -> ValidationError:
    return ValidationError(FILE_FIELD, path.name, message)


# ------------------------------------------------------------------------------------------- the file
def check_file(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Refuse what is not a sound .xlsx before any XML is parsed."""
    if not path.exists():
        raise _refused(path, f"找不到文件 {path}")
    if path.is_dir():
        raise _refused(path, f"{path.name} 是文件夹，请选择 .xlsx 台账文件")
    size = path.stat().st_size
    if size == 0:
        raise _refused(path, f"文件 {path.name} 是空的（0 字节），请重新导出或另存后再导入")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(OLE2_MAGIC):
        if _contains(path, ENCRYPTED_MARK):
            raise _refused(
                path,
                f"文件 {path.name} 设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中打开，"
                "取消密码（文件→信息→保护工作簿/用密码进行加密，清空密码）后另存为 .xlsx 再导入",
            )
        raise _refused(
            path,
            f"文件 {path.name} 是旧版 Excel 97-2003 格式（.xls），只是扩展名改成了 .xlsx。"
            "请在 Excel 或 WPS 中打开，另存为“Excel 工作簿（*.xlsx）”后再导入",
        )
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise _refused(
                path,
                f"文件 {path.name} 已损坏或不完整（可能没有下载或复制完），无法打开；"
                "请重新导出或复制后再导入",
            )
        lowered = head.lower()
        if b"<html" in lowered or b"<table" in lowered or b"<!doctype" in lowered:
            kind = "网页（HTML）格式，常见于从业务系统“导出 Excel”得到的文件"
        elif b"<?xml" in lowered:
            kind = "XML 表格（Excel 2003 XML）格式"
        elif b"," in head and b"\n" in head:
            kind = "文本（CSV）格式"
        else:
            kind = "无法识别的格式，可能已损坏或不完整"
        raise _refused(
            path,
            f"文件 {path.name} 不是 Excel 工作簿（.xlsx），而是{kind}。"
            "请在 Excel 或 WPS 中打开，另存为“Excel 工作簿（*.xlsx）”后再导入",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refused(
            path, f"文件 {path.name} 已损坏，无法打开（{error}），请重新导出或另存后再导入"
        ) from error
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _refused(
            path,
            f"文件 {path.name} 是一个压缩包（zip），不是 Excel 工作簿。如果台账在压缩包里，请先解压，"
            "再选择其中的 .xlsx 文件",
        )
    if len(infos) > limits.max_parts:
        raise _refused(path, f"文件 {path.name} 内含 {len(infos):,} 个部件，不像正常的台账，已拒绝")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.max_part_bytes:
            raise _refused(
                path,
                f"文件 {path.name} 中的 {info.filename} 解压后有 {info.file_size / 1048576:,.0f} MB，"
                f"超过上限 {limits.max_part_bytes // 1048576} MB：可能是恶意构造的文件，已拒绝；"
                "正常的台账请拆分成几个文件再导入",
            )
    if total > limits.max_total_bytes:
        raise _refused(
            path,
            f"文件 {path.name} 解压后共有 {total / 1048576:,.0f} MB，超过上限 "
            f"{limits.max_total_bytes // 1048576} MB，已拒绝；请拆分成几个文件再导入",
        )


def _contains(path: Path, needle: bytes) -> bool:
    overlap = len(needle)
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


def _unsafe_xml(error: BaseException) -> bool:
    """Whether defusedxml refused the XML (openpyxl may wrap its exception in another)."""
    from defusedxml import DefusedXmlException

    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, DefusedXmlException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _read_failure(path: Path, error: BaseException) -> ValidationError:
    if isinstance(error, ValidationError):
        return error
    if _unsafe_xml(error):
        return _refused(
            path,
            f"文件 {path.name} 含有不安全的 XML 内容（实体定义或外部引用，常见于恶意构造的“XML 炸弹”），"
            "已拒绝，未做任何更改",
        )
    log.warning("ledger %s unreadable: %r", path, error)
    return _refused(
        path,
        f"文件 {path.name} 已损坏或不是标准的 Excel 工作簿，无法读取"
        f"（{type(error).__name__}）。请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入",
    )


class _UnsizedSheet(ReadOnlyWorksheet):  # type: ignore[misc]  # openpyxl has no type hints
    def _get_size(self) -> None:
        """Left unsized: openpyxl reads a sheet without a <dimension> element (some writers leave it out)
        to its end to size it, when the workbook is opened. The import never asks for that size
        (:meth:`_Workbook.dimensions` reads the element itself), so that whole extra pass is skipped."""


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


class _Workbook:
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
            raise _read_failure(path, error) from error

    def close(self) -> None:
        try:
            self.book.close()
        finally:
            self.handle.close()

    def __enter__(self) -> _Workbook:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def sheet(self, name: str | None) -> Any:
        names = self.book.sheetnames
        if not names:
            raise _refused(self.path, f"文件 {self.path.name} 中没有工作表")
        if name is None:
            return self.book[names[0]]
        if name not in names:
            raise _refused(
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
            raise _read_failure(self.path, error) from error
        return None, None

    def rows(
        self, sheet: Any, *, job: JobState = UNWATCHED, stop_after: int | None = None
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
                        raise _refused(
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
                        raise _refused(
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
            raise _read_failure(path, error) from error
        return rows, merges, notes


def _check_dimensions(
    path: Path, title: str, max_row: int | None, max_column: int | None, limits: ReadLimits
) -> None:
    """A sheet's own <dimension> says how big it claims to be: a billion cells are refused unread."""
    if max_row is not None and max_row > limits.max_rows + 1000:
        raise _refused(
            path,
            f"工作表“{title}”标明有 {max_row:,} 行（{max_column or 0:,} 列），超过单次导入上限 "
            f"{limits.max_rows:,} 行：可能是恶意构造的文件，已拒绝；正常的台账请拆分后再导入",
        )
    if (
        max_row is not None
        and max_column is not None
        and max_row * min(max_column, 16384) > limits.max_cells * 4
    ):
        raise _refused(
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


def _fill_merged(
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


# ---------------------------------------------------------------------------------------- read models
@dataclass(frozen=True)
class SourceRow:
    number: int  # the row number Excel shows
    values: tuple[object, ...]

    def value(self, index: int) -> object:
        return self.values[index] if index < len(self.values) else None


@dataclass(frozen=True)
class SheetInfo:
    name: str
    rows: int | None  # as the sheet states it, if it does
    hidden: bool
    header_row: int | None  # where a header was found among the first rows, if one was


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
        return (
            self.columns[index].label if index < len(self.columns) else get_column_letter(index + 1) + " 列"
        )


def list_sheets(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> list[SheetInfo]:
    """The sheets of a workbook and where each one's header seems to be (reads a few rows of each)."""
    with _Workbook(path, limits) as book:
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
    job: JobState = UNWATCHED,
) -> LedgerTable:
    """Read a sheet (the first one with a recognisable header if none is named) and find its header.

    ``header_row`` (as Excel numbers rows) overrides the detection when the worker points at it.
    """
    path = Path(path)
    with collector_paused(), _Workbook(path, limits) as book:
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
        _fill_merged(head_rows, merges, header_last=head_last, limits=limits),
        header_row,
    )
    rows = _fill_merged(rows, merges, header_last=guess.last_row, limits=limits)
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


def _first_sheet_with_header(book: _Workbook) -> str | None:
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
        titles = tuple(normalise_text(cell_text(v)) for v in row.values)
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


# ------------------------------------------------------------------------------------------ the mapping
@dataclass(frozen=True)
class MappingSuggestion:
    mapping: dict[int, str]
    remembered: bool  # True when the worker confirmed this mapping for a file with the same headers


def suggest_mapping(db: Database, table: LedgerTable) -> MappingSuggestion:
    with db.reading() as session:
        stored = session.get(LedgerMapping, table.signature)
        if stored is not None:
            mapping = {
                int(index): key
                for index, key in stored.mapping.items()
                if index.isdigit() and int(index) < len(table.columns) and (not key or key in FIELDS_BY_KEY)
            }
            return MappingSuggestion(mapping, True)
    return MappingSuggestion(guess_mapping(table.titles), False)


def remember_mapping(db: Database, *, actor: Actor, table: LedgerTable, mapping: Mapping[int, str]) -> None:
    """Keep the worker's mapping for the next file with the same headers."""
    with db.transaction() as session:
        _store_mapping(session, actor, table, mapping)


def _store_mapping(session: Session, actor: Actor, table: LedgerTable, mapping: Mapping[int, str]) -> None:
    stored = session.get(LedgerMapping, table.signature)
    values = {str(index): key for index, key in sorted(mapping.items())}
    if stored is None:
        stored = LedgerMapping(signature=table.signature, headers=list(table.titles), mapping=values)
    stored.mapping = values
    stored.headers = list(table.titles)
    stored.updated_at = utcnow()
    stored.updated_by = actor.user_name
    stored.uses += 1
    session.add(stored)


def validate_mapping(table: LedgerTable, mapping: Mapping[int, str]) -> None:
    """Refuse a mapping the import cannot run with (no name or ID column, a field twice, venture
    columns without the venture's name)."""
    check_mapping(mapping)
    mapped = {key for key in mapping.values() if key}
    venture_fields = [FIELDS_BY_KEY[k].label for k in mapped if FIELDS_BY_KEY[k].group == VENTURE]
    if venture_fields and "venture.name" not in mapped:
        raise ValidationError(
            "列对应关系",
            None,
            f"已选择了创业项目的列（{'、'.join(venture_fields)}），还需要为“创业项目/经营主体名称”选择对应的列",
        )
    for index in mapping:
        if index >= len(table.columns):
            raise ValidationError("列对应关系", index, f"第 {index + 1} 列不存在")


# --------------------------------------------------------------------------------------------- the plan
class RowKind(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    SKIPPED = "skipped"

    @property
    def label(self) -> str:
        return {
            "create": "新增",
            "update": "更新",
            "unchanged": "无变化",
            "refused": "未导入",
            "skipped": "跳过",
        }[self.value]


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class RowOutcome:
    row: int
    kind: RowKind
    name: str
    id_number_masked: str
    detail: str = ""
    problems: tuple[RowProblem, ...] = ()

    @property
    def reason(self) -> str:
        return "；".join(p.reason for p in self.problems) if self.problems else self.detail


@dataclass(frozen=True)
class ImportOptions:
    allow_possible_duplicates: bool = False  # same name and birth date as a file on record: import anyway


@dataclass(frozen=True)
class ImportPlan:
    """What an import does (or did): per row, and in people."""

    file_name: str
    sheet: str
    rows: tuple[RowOutcome, ...]
    created: int
    updated: int
    unchanged: int
    refused: int
    skipped: int
    ventures_created: int
    ventures_updated: int
    notes: tuple[str, ...] = ()

    @property
    def problems(self) -> list[RowProblem]:
        return [p for row in self.rows for p in row.problems]

    @property
    def refused_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.kind is RowKind.REFUSED]

    @property
    def changes_anything(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self, *, done: bool) -> str:
        head = "导入完成" if done else "预览（尚未写入）"
        verb = "" if done else "将"
        parts = [f"{verb}新增 {self.created:,} 人", f"{verb}更新 {self.updated:,} 人"]
        if self.unchanged:
            parts.append(f"{self.unchanged:,} 人无变化")
        if self.refused:
            parts.append(f"{self.refused:,} 行未导入")
        if self.skipped:
            parts.append(f"跳过 {self.skipped:,} 行（合计、说明或重复行）")
        return f"{head}：" + "，".join(parts)


@dataclass
class _Group:
    """One person in the file: the rows that name the same ID number."""

    id_number: str
    first_row: int
    rows: list[int]
    raw: dict[str, object]
    person: PersonData
    existing: Entrepreneur | None
    existing_ventures: list[Venture]
    new_ventures: list[tuple[int, VentureData]] = field(default_factory=list)
    venture_updates: dict[str, tuple[Venture, dict[str, Any]]] = field(default_factory=dict)
    row_details: dict[int, list[str]] = field(default_factory=dict)
    signatures: dict[tuple[object, ...], int] = field(default_factory=dict)
    refused: RowProblem | None = None
    person_changes: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.existing is None or self.person_changes or self.new_ventures or self.venture_updates)


@dataclass
class _Planned:
    plan: ImportPlan
    groups: list[_Group]


def _labels_for(table: LedgerTable, mapping: Mapping[int, str]) -> dict[str, int]:
    """Validator label (姓名, 统一社会信用代码 …) → the column it came from, to place each message."""
    found: dict[str, int] = {}
    for index, key in mapping.items():
        if key:
            found[form_label(key)] = index
            found[FIELDS_BY_KEY[key].label] = index
    return found


def _problem(
    table: LedgerTable, row: SourceRow, labels: Mapping[str, int], error: ValidationError
) -> RowProblem:
    index = labels.get(error.field)
    if index is None:
        return RowProblem(row.number, "", cell_text(error.value), error.message)
    return RowProblem(row.number, table.column_label(index), cell_text(row.value(index)), error.message)


def _errors(error: ValidationError) -> list[ValidationError]:
    return list(error.errors) if isinstance(error, InvalidRecord) else [error]


def _person_form(record: Entrepreneur) -> dict[str, object]:
    return {
        "name": record.name,
        "id_number": record.id_number,
        "phone": record.phone,
        "key_groups": frozenset(key_groups_from_bits(record.key_groups)),
        "education": Education(record.education) if record.education else None,
        "graduation_date": record.graduation_date,
        "household_region": record.household_region or "",
        "address": record.address,
        "notes": record.notes,
    }


def _venture_form(record: Venture) -> dict[str, object]:
    return {
        "name": record.name,
        "entity_type": EntityType(record.entity_type),
        "stage": Stage(record.stage),
        "credit_code": record.credit_code or "",
        "registration_date": record.registration_date,
        "industry": record.industry or "",
        "address": record.address,
        "jobs_created": record.jobs_created,
    }


def _venture_key(raw: Mapping[str, object]) -> tuple[str, str]:
    code = normalise_text(raw.get("credit_code")).upper().replace(" ", "")
    return code, normalise_text(raw.get("name"))


def _same_venture(raw: Mapping[str, object], code: str | None, name: str) -> bool:
    wanted_code, wanted_name = _venture_key(raw)
    if wanted_code and code:
        return wanted_code == code
    return wanted_name == name


def _field_label(key: str) -> str:
    from models.entrepreneur import PERSON_LABELS

    return PERSON_LABELS.get(key, key)


def _shown(value: object) -> str:
    if isinstance(value, frozenset | set | list | tuple):
        return "、".join(sorted(getattr(v, "label", str(v)) for v in value)) or "（空）"
    if isinstance(value, KeyGroup | Education):
        return value.label
    text = cell_text(value)
    return text or "（空）"


def _plan(
    session: Session,
    *,
    table: LedgerTable,
    mapping: Mapping[int, str],
    options: ImportOptions,
    job: JobState,
    today: date,
) -> _Planned:
    validate_mapping(table, mapping)
    active = {index: key for index, key in mapping.items() if key}
    labels = _labels_for(table, active)
    id_column = next(index for index, key in active.items() if key == "id_number")
    name_column = next(index for index, key in active.items() if key == "name")
    total = len(table.rows)

    # Existing files for every ID number in the file that parses: one query per 500.
    identities: dict[int, IdNumber] = {}
    for row in table.rows:
        try:
            identities[row.number] = parse_id_number(
                person_raw({"id_number": row.value(id_column)}).get("id_number"),
                field=form_label("id_number"),
                today=today,
            )
        except ValidationError:
            continue
    candidates = {identity.number for identity in identities.values()}
    existing: dict[str, Entrepreneur] = {}
    ordered = sorted(candidates)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        for found in session.exec(select(Entrepreneur).where(col(Entrepreneur.id_number).in_(chunk))).all():
            existing[found.id_number] = found
    ventures: dict[str, list[Venture]] = {}
    live_ids = [found.id for found in existing.values()]
    for start in range(0, len(live_ids), 500):
        chunk = live_ids[start : start + 500]
        for venture in session.exec(
            select(Venture)
            .where(col(Venture.entrepreneur_id).in_(chunk), col(Venture.deleted).is_(False))
            .order_by(col(Venture.created_at), col(Venture.id))
        ).all():
            ventures.setdefault(venture.entrepreneur_id, []).append(venture)

    outcomes: dict[int, RowOutcome] = {}
    key_group_cache: dict[str, frozenset[KeyGroup] | None] = {}
    ordered_keys = sorted(active.values())
    row_names: dict[int, str] = {}
    groups: dict[str, _Group] = {}
    group_of_row: dict[int, _Group] = {}
    columns = list(active.items())
    for position, row in enumerate(table.rows):
        if position % 500 == 0:
            job.report(position, total, f"正在检查第 {row.number:,} 行")
        cells, width = row.values, len(row.values)
        values = {key: cells[index] if index < width else None for index, key in columns}
        name_text = normalise_text(cell_text(row.value(name_column)))
        row_names[row.number] = name_text
        reason = non_data_reason(cells)
        if reason is not None:
            masked = _masked(row.value(id_column))
            outcomes[row.number] = RowOutcome(row.number, RowKind.SKIPPED, name_text, masked, reason)
            continue
        p_raw = person_raw(values)
        v_raw = venture_raw(values)
        if not p_raw and not v_raw and all(is_blank(v) for v in values.values()):
            outcomes[row.number] = RowOutcome(
                row.number, RowKind.SKIPPED, "", "", "所选的列都是空的（其他列有内容）"
            )
            continue
        groups_text = p_raw.get("key_groups")
        if isinstance(groups_text, str):
            # The same few wordings repeat on every row: parse each once (the form's own parser);
            # a wording it refuses is left as text so the validator reports it with the row.
            if groups_text not in key_group_cache:
                try:
                    key_group_cache[groups_text] = parse_key_groups(groups_text, form_label("key_groups"))
                except ValidationError:
                    key_group_cache[groups_text] = None
            parsed_groups = key_group_cache[groups_text]
            if parsed_groups is not None:
                p_raw["key_groups"] = parsed_groups

        def refuse(problems: list[RowProblem], row: SourceRow = row, name: str = name_text) -> None:
            outcomes[row.number] = RowOutcome(
                row.number, RowKind.REFUSED, name, _masked(row.value(id_column)), "", tuple(problems)
            )

        identity = identities.get(row.number)
        if identity is None:
            try:
                validate_person(p_raw)
            except ValidationError as error:
                refuse([_problem(table, row, labels, e) for e in _errors(error)])
            continue
        group = groups.get(identity.number)
        record = existing.get(identity.number) if group is None else group.existing
        if record is not None and record.deleted:
            masked = _masked(row.value(id_column))
            match_text = duplicate_message(_match(record), identity.number)
            refuse(
                [
                    RowProblem(
                        row.number,
                        table.column_label(id_column),
                        masked,
                        f"{match_text}：请先在回收站中恢复该档案，再导入",
                    )
                ]
            )
            continue
        base = _person_form(record) if record is not None else {}
        merged = {**base, **(group.raw if group is not None else {}), **p_raw}
        problems: list[RowProblem] = []
        try:  # the row's ID number was checked above, with the same validator: not again
            person = validate_person(merged, identity=identity)
        except ValidationError as error:
            problems += [_problem(table, row, labels, e) for e in _errors(error)]
            person = None
        if record is not None and person is not None and person.name != record.name:
            # Matched by ID number, but the name says someone else: a typing error far more often than a
            # change of name, which the file's form is for.
            problems.append(
                RowProblem(
                    row.number,
                    table.column_label(name_column),
                    person.name,
                    f"身份证号码 {mask_id_number(record.id_number)} 已有档案：{record.name}"
                    f"（档案号 {record.case_number}），与本行姓名“{person.name}”不同：请核对身份证号码；"
                    "如确实改了名，请在档案中修改姓名",
                )
            )
        if group is not None and person is not None and not problems:
            conflict = _conflict(group, p_raw, merged, base)
            if conflict:
                label, before, after = conflict
                problems.append(
                    RowProblem(
                        row.number,
                        table.column_label(labels.get(label, name_column)),
                        after,
                        f"与第 {group.first_row} 行是同一身份证号码，但{label}不同"
                        f"（第 {group.first_row} 行：{before}；本行：{after}），请核对后合并成一行再导入",
                    )
                )
        signature = tuple(values[key] for key in ordered_keys)  # cells as read: hashable values
        if group is not None and not problems and signature in group.signatures:
            outcomes[row.number] = RowOutcome(
                row.number,
                RowKind.SKIPPED,
                name_text,
                _masked(row.value(id_column)),
                f"与第 {group.signatures[signature]} 行重复，已跳过",
            )
            continue
        # The venture on this row, if any: matched to one on file (credit code, else name) or new.
        venture_plan: tuple[str, Any] | None = None
        if v_raw:
            if is_blank(v_raw.get("name")):
                index = labels.get(form_label("venture.name"), name_column)
                problems.append(
                    RowProblem(
                        row.number,
                        table.column_label(index),
                        "",
                        "填写了创业项目的信息，但“创业项目/经营主体名称”是空的，请补上名称",
                    )
                )
            else:
                try:
                    venture_plan = _plan_venture(
                        group,
                        ventures.get(record.id, []) if record is not None else [],
                        v_raw,
                        today,
                    )
                except ValidationError as error:
                    problems += [_problem(table, row, labels, e) for e in _errors(error)]
                if venture_plan is not None and venture_plan[0] == "conflict":
                    problems.append(
                        RowProblem(
                            row.number,
                            table.column_label(labels.get(form_label("venture.name"), name_column)),
                            cell_text(v_raw.get("name")),
                            f"与第 {venture_plan[1]} 行是同一个创业项目，但内容不同，"
                            "请核对后合并成一行再导入",
                        )
                    )
        if problems or person is None:
            refuse(problems)
            continue
        if group is None:
            group = _Group(
                id_number=identity.number,
                first_row=row.number,
                rows=[],
                raw=dict(p_raw),
                person=person,
                existing=record,
                existing_ventures=ventures.get(record.id, []) if record is not None else [],
            )
            groups[identity.number] = group
        else:
            group.raw.update(p_raw)
            group.person = person
        group.rows.append(row.number)
        group.signatures.setdefault(signature, row.number)
        group_of_row[row.number] = group
        details = group.row_details.setdefault(row.number, [])
        if venture_plan is not None:
            kind, payload = venture_plan
            if kind == "new":
                group.new_ventures.append((row.number, payload))
                details.append(f"新增创业项目“{payload.name}”")
            elif kind == "update":
                venture, changes = payload
                if changes:
                    previous = group.venture_updates.get(venture.id, (venture, {}))[1]
                    group.venture_updates[venture.id] = (venture, {**previous, **changes})
                    details.append(
                        f"更新创业项目“{venture.name}”：" + "、".join(_venture_label(k) for k in changes)
                    )

    # Person changes of files on record, and same-name-same-birth-date checks for new files.
    for group in groups.values():
        if group.existing is not None:
            wanted = group.person.column_values()
            group.person_changes = {
                key: value for key, value in wanted.items() if getattr(group.existing, key) != value
            }
    if not options.allow_possible_duplicates:
        _flag_possible_duplicates(
            session, [g for g in groups.values() if g.existing is None], table, name_column
        )

    created = updated = unchanged = 0
    ventures_created = ventures_updated = 0
    for group in groups.values():
        if group.refused is not None:
            for number in group.rows:
                problem = RowProblem(number, group.refused.column, group.refused.value, group.refused.reason)
                outcomes[number] = RowOutcome(
                    number,
                    RowKind.REFUSED,
                    row_names[number],
                    mask_id_number(group.id_number),
                    "",
                    (problem,),
                )
            continue
        if group.existing is None:
            kind = RowKind.CREATE
            created += 1
        elif group.changed:
            kind = RowKind.UPDATE
            updated += 1
        else:
            kind = RowKind.UNCHANGED
            unchanged += 1
        ventures_created += len(group.new_ventures)
        ventures_updated += len(group.venture_updates)
        for number in group.rows:
            details = list(group.row_details.get(number, []))
            if number == group.first_row and group.person_changes:
                details.insert(
                    0,
                    "；".join(
                        f"{_field_label(k)}：{_shown(getattr(group.existing, k))} → {_shown(v)}"
                        for k, v in group.person_changes.items()
                        if k not in ("birth_date", "sex")
                    ),
                )
            if kind is RowKind.CREATE and number == group.first_row:
                details.insert(0, "新建档案")
            elif number != group.first_row:
                details.insert(0, f"同第 {group.first_row} 行的人")
            outcomes[number] = RowOutcome(
                number,
                kind,
                group.person.name,
                mask_id_number(group.id_number),
                "；".join(d for d in details if d),
            )
    job.report(total, total, "检查完毕")
    ordered_outcomes = tuple(outcomes[number] for number in sorted(outcomes))
    plan = ImportPlan(
        file_name=table.path.name,
        sheet=table.sheet,
        rows=ordered_outcomes,
        created=created,
        updated=updated,
        unchanged=unchanged,
        refused=sum(1 for o in ordered_outcomes if o.kind is RowKind.REFUSED),
        skipped=sum(1 for o in ordered_outcomes if o.kind is RowKind.SKIPPED),
        ventures_created=ventures_created,
        ventures_updated=ventures_updated,
        notes=table.notes,
    )
    return _Planned(plan, [g for g in groups.values() if g.refused is None])


def _masked(value: object) -> str:
    text = normalise_text(cell_text(value)).upper()
    return mask_id_number(text) if len(text) == 18 else text


def _match(record: Entrepreneur) -> DuplicateMatch:
    return DuplicateMatch(
        id=record.id,
        case_number=record.case_number,
        name=record.name,
        birth_date=record.birth_date,
        id_number_masked=mask_id_number(record.id_number),
        deleted=record.deleted,
    )


def _venture_label(key: str) -> str:
    from models.entrepreneur import VENTURE_LABELS

    return VENTURE_LABELS.get(key, key)


def _conflict(
    group: _Group, p_raw: Mapping[str, object], merged: Mapping[str, object], base: Mapping[str, object]
) -> tuple[str, str, str] | None:
    """A person value this row gives that differs from what an earlier row of the same person gave."""
    if not p_raw:
        return None
    earlier = validate_person({**base, **group.raw})
    now = validate_person(merged)
    before, after = earlier.column_values(), now.column_values()
    for key in p_raw:
        if key in group.raw and before.get(key) != after.get(key):
            return _field_label(key), _shown(getattr(earlier, key)), _shown(getattr(now, key))
    return None


def _plan_venture(
    group: _Group | None, on_file: list[Venture], raw: Mapping[str, object], today: date
) -> tuple[str, Any]:
    """("new", VentureData) | ("update", (Venture, changes)) | ("same", None) | ("conflict", row)."""
    if group is not None:
        for number, planned in group.new_ventures:
            if _same_venture(raw, planned.credit_code, planned.name):
                again = validate_venture(prepare_venture({**_data_form(planned), **raw}, today))
                if again.column_values() == planned.column_values():
                    return "same", None
                return "conflict", number
    for venture in on_file:
        if _same_venture(raw, venture.credit_code, venture.name):
            data = validate_venture({**_venture_form(venture), **raw})
            changes = {k: v for k, v in data.column_values().items() if getattr(venture, k) != v}
            if group is not None and venture.id in group.venture_updates:
                earlier = group.venture_updates[venture.id][1]
                if any(k in earlier and earlier[k] != v for k, v in changes.items()):
                    return "conflict", group.first_row
            return "update", (venture, changes)
    return "new", validate_venture(prepare_venture(raw, today))


def _data_form(data: VentureData) -> dict[str, object]:
    return {
        "name": data.name,
        "entity_type": data.entity_type,
        "stage": data.stage,
        "credit_code": data.credit_code or "",
        "registration_date": data.registration_date,
        "industry": data.industry or "",
        "address": data.address,
        "jobs_created": data.jobs_created,
    }


def _flag_possible_duplicates(
    session: Session, new_groups: list[_Group], table: LedgerTable, name_column: int
) -> None:
    """The form asks before it files a person with the name and birth date of a file on record; an import
    cannot ask per row, so such rows are refused with the reason unless the worker allowed them."""
    by_name: dict[str, list[_Group]] = {}
    for group in new_groups:
        by_name.setdefault(group.person.name, []).append(group)
    names = sorted(by_name)
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        rows = session.exec(
            select(Entrepreneur).where(
                col(Entrepreneur.name).in_(chunk), col(Entrepreneur.deleted).is_(False)
            )
        ).all()
        for record in rows:
            for group in by_name.get(record.name, []):
                if group.person.birth_date == record.birth_date and group.refused is None:
                    group.refused = RowProblem(
                        group.first_row,
                        table.column_label(name_column),
                        group.person.name,
                        f"与已有档案 {record.name}（档案号 {record.case_number}，"
                        f"{mask_id_number(record.id_number)}）"
                        "同名同出生日期，可能是同一人：请核对身份证号码；确认不是同一人时，"
                        "勾选“同名同出生日期的也导入”后再导入",
                    )


# ------------------------------------------------------------------------------------- preview, apply
def preview_import(
    db: Database,
    *,
    table: LedgerTable,
    mapping: Mapping[int, str],
    options: ImportOptions | None = None,
    job: JobState = UNWATCHED,
    today: date | None = None,
) -> ImportPlan:
    """What :func:`apply_import` would do; writes nothing (``--dry-run``)."""
    with collector_paused(), db.reading() as session:
        return _plan(
            session,
            table=table,
            mapping=mapping,
            options=options or ImportOptions(),
            job=job,
            today=today or china_today(),
        ).plan


def apply_import(
    db: Database,
    *,
    actor: Actor,
    table: LedgerTable,
    mapping: Mapping[int, str],
    options: ImportOptions | None = None,
    job: JobState = UNWATCHED,
    today: date | None = None,
) -> ImportPlan:
    """Import in one transaction. Cancelled (``job``) or killed before the end: nothing is written."""
    day = today or china_today()
    with collector_paused(), db.transaction() as session:
        planned = _plan(
            session, table=table, mapping=mapping, options=options or ImportOptions(), job=job, today=day
        )
        label = f"导入台账 {table.path.name}"[:100]
        _write_new_people(
            session,
            actor,
            label=label,
            groups=[g for g in planned.groups if g.existing is None],
            today=day,
            job=job,
        )
        _write_updates(
            session, actor, label, [g for g in planned.groups if g.existing is not None and g.changed], job
        )
        _store_mapping(session, actor, table, {k: v for k, v in mapping.items()})
        Operation(session, actor, label).log_access(
            "import", "entrepreneur", "", f"{table.path.name}：{planned.plan.summary(done=True)}"
        )
        job.report(1, 1, "正在保存")
        return planned.plan


WRITE_CHUNK = 2000
_AS_IS = frozenset({str, int})  # what jsonable() gives back unchanged


def _change_row(
    common: dict[str, Any],
    *,
    change_id: str,
    operation_id: str,
    kind: str,
    record_id: str,
    subject_id: str,
    values: dict[str, Any],
) -> dict[str, Any]:
    """The change row :meth:`Operation.create` writes, for a record inserted in bulk (``common``: the
    columns every change row of the import shares, see :func:`_write_new_people`)."""
    return {
        "id": change_id,
        "operation_id": operation_id,
        **common,
        "record_kind": kind,
        "record_id": record_id,
        "subject_id": subject_id,
        "changes": {
            key: [None, value if type(value) in _AS_IS else jsonable(value)]
            for key, value in values.items()
            if key not in BOOKKEEPING_COLUMNS and value is not None
        },
    }


def _write_new_people(
    session: Session, actor: Actor, *, label: str, groups: list[_Group], today: date, job: JobState
) -> None:
    now = utcnow()
    book = {
        "station_code": actor.station_code,
        "created_at": now,
        "updated_at": now,
        "updated_by": actor.user_name,
        "version": 1,
        "deleted": False,
    }
    common = {
        "operation_label": label,
        "at": now,
        "user_name": actor.user_name,
        "station_code": actor.station_code,
        "action": ChangeAction.CREATE,
        "base_version": 0,
        "version": 1,
        "undone_by": None,
        "undoes": None,
    }
    people: list[dict[str, Any]] = []
    ventures: list[dict[str, Any]] = []
    searches: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    case_numbers = _reserve_case_numbers(session, actor.station_code, today.year, len(groups))
    for position, group in enumerate(groups):
        if position % 500 == 0:
            job.report(position, len(groups), f"正在建立档案 {position:,}/{len(groups):,}")
        operation_id = new_id()
        person_id = new_id()
        data = group.person
        keys = name_search_keys(data.name)
        new_ventures = [venture for _row, venture in group.new_ventures]
        values = {
            "case_number": case_numbers[position],
            "name_pinyin": keys[0] if keys else data.name,
            "current_stage": current_stage(new_ventures),
            **data.column_values(),
        }
        people.append({"id": person_id, **book, **values})
        changes.append(
            _change_row(
                common,
                change_id=new_id(),
                operation_id=operation_id,
                kind="entrepreneur",
                record_id=person_id,
                subject_id=person_id,
                values=values,
            )
        )
        for venture in new_ventures:
            venture_id = new_id()
            venture_values = {"entrepreneur_id": person_id, **venture.column_values()}
            ventures.append({"id": venture_id, **book, **venture_values})
            changes.append(
                _change_row(
                    common,
                    change_id=new_id(),
                    operation_id=operation_id,
                    kind="venture",
                    record_id=venture_id,
                    subject_id=person_id,
                    values=venture_values,
                )
            )
        searches.append(
            {
                "entrepreneur_id": person_id,
                "blob": search_blob(data.name, data.id_number, data.phone, [v.name for v in new_ventures]),
            }
        )
    for name, rows in (
        ("entrepreneur", people),
        ("venture", ventures),
        ("entrepreneur_search", searches),
        ("change_log", changes),
    ):
        for start in range(0, len(rows), WRITE_CHUNK):
            _insert_many(session, name, rows[start : start + WRITE_CHUNK])
            job.report(start + WRITE_CHUNK, len(rows), f"正在写入（{name}）")


def _insert_many(session: Session, table_name: str, rows: list[dict[str, Any]]) -> None:
    """One executemany of complete rows, each value through its column type's own bind processor (so
    dates, UTC times and JSON are stored exactly as the ORM stores them), without the per-row work of
    the ORM or of Core's statement compilation."""
    if not rows:
        return
    table = metadata.tables[table_name]
    connection = session.connection()
    dialect = connection.dialect
    if dialect.paramstyle != "qmark":  # not SQLite: let SQLAlchemy do it
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    marks = ", ".join("?" * len(names))
    sql = f"INSERT INTO {dialect.identifier_preparer.quote(table.name)} ({quoted}) VALUES ({marks})"
    take = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    columns = list(zip(*map(take, rows), strict=True))  # column by column: a processor runs over one list
    for index, name in enumerate(names):
        process = table.c[name].type.bind_processor(dialect)
        if process is None:
            continue
        column = columns[index]
        first = column[0]
        if column.count(first) == len(column):  # one value for all (the import's time): processed once
            columns[index] = (process(first),) * len(column)
        else:
            columns[index] = tuple(map(process, column))
    connection.exec_driver_sql(sql, list(zip(*columns, strict=True)))


def _reserve_case_numbers(session: Session, station_code: str, year: int, count: int) -> list[str]:
    """``count`` case numbers in a row, in the form :func:`models.station.next_case_number` gives them."""
    sequence = session.get(CaseSequence, year) or CaseSequence(year=year, last=0)
    first = sequence.last + 1
    sequence.last += count
    session.add(sequence)
    session.flush()
    return [f"{station_code}-{year}-{number:05d}" for number in range(first, first + count)]


def _write_updates(session: Session, actor: Actor, label: str, groups: list[_Group], job: JobState) -> None:
    for position, group in enumerate(groups):
        if position % 200 == 0:
            job.report(position, len(groups), f"正在更新档案 {position:,}/{len(groups):,}")
        record = group.existing
        assert record is not None
        operation = Operation(session, actor, label)
        for venture, changes in group.venture_updates.values():
            operation.update(venture, changes, subject_id=record.id)
        for _row, venture_data in group.new_ventures:
            venture = Venture(
                entrepreneur_id=record.id,
                station_code=actor.station_code,
                updated_by=actor.user_name,
                **venture_data.column_values(),
            )
            operation.create(venture, subject_id=record.id)
        session.flush()
        live = list(
            session.exec(
                select(Venture)
                .where(Venture.entrepreneur_id == record.id, col(Venture.deleted).is_(False))
                .order_by(col(Venture.created_at), col(Venture.id))
            ).all()
        )
        values = dict(group.person.column_values())
        keys = name_search_keys(group.person.name)
        values["name_pinyin"] = keys[0] if keys else group.person.name
        values["current_stage"] = current_stage(live)
        operation.update(record, values, subject_id=record.id)
        blob = search_blob(record.name, record.id_number, record.phone, [v.name for v in live])
        search = session.get(EntrepreneurSearch, record.id)
        if search is None:
            session.add(EntrepreneurSearch(entrepreneur_id=record.id, blob=blob))
        else:
            search.blob = blob


# ------------------------------------------------------------------------------------ one-call import
@dataclass(frozen=True)
class ImportRun:
    table: LedgerTable
    mapping: dict[int, str]
    plan: ImportPlan
    written: bool
    errors_workbook: Path | None = None


def import_ledger(
    db: Database,
    *,
    actor: Actor,
    path: Path,
    sheet: str | None = None,
    header_row: int | None = None,
    dry_run: bool = False,
    errors_out: Path | None = None,
    options: ImportOptions | None = None,
    job: JobState = UNWATCHED,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ImportRun:
    """Read, map (remembered or guessed), then preview (``dry_run``) or import; the CLI's one call."""
    table = open_ledger(path, sheet=sheet, header_row=header_row, limits=limits, job=job)
    mapping = suggest_mapping(db, table).mapping
    if dry_run:
        plan = preview_import(db, table=table, mapping=mapping, options=options, job=job)
    else:
        plan = apply_import(db, actor=actor, table=table, mapping=mapping, options=options, job=job)
    written_errors = None
    if errors_out is not None and plan.refused:
        write_errors_workbook(errors_out, table=table, plan=plan)
        written_errors = errors_out
    return ImportRun(table, dict(mapping), plan, not dry_run, written_errors)


# ------------------------------------------------------------------------------------ errors workbook
def write_errors_workbook(out: Path, *, table: LedgerTable, plan: ImportPlan) -> int:
    """The refused rows as they were, with the reasons: fix them there and import that file again.

    Sheet 1 repeats the ledger's header and each refused row (plus 原行号 and 未导入原因 at the right,
    which the import ignores); sheet 2 lists every problem: row, column, value, reason.
    """
    refused = {row.row: row for row in plan.refused_rows}
    width = len(table.columns)
    header = [
        Column(c.title or c.letter, width=max(10.0, min(30.0, len(c.title) * 2.2 + 4))) for c in table.columns
    ]
    header += [Column(ERRORS_EXTRA_TITLES[0], width=8, kind="int"), Column(ERRORS_EXTRA_TITLES[1], width=60)]
    source_rows: Iterator[list[object]] = (
        [*(row.value(i) for i in range(width)), row.number, refused[row.number].reason]
        for row in table.rows
        if row.number in refused
    )
    detail_columns = [
        Column("原行号", width=8, kind="int"),
        Column("列", width=22),
        Column("值", width=24),
        Column("原因", width=80),
    ]
    details = ([p.row, p.column, p.value, p.reason] for p in plan.problems)
    counts = write_tables(
        out,
        [
            TableSheet(
                "未导入的行",
                header,
                source_rows,
                title=f"{table.path.name}（{table.sheet}）中未导入的行：改正后可直接导入本文件",
            ),
            TableSheet("问题明细", detail_columns, details),
        ],
    )
    return counts[0]


# ------------------------------------------------------------------------------------------ template
TEMPLATE_ORDER = (
    "name",
    "id_number",
    "phone",
    "key_groups",
    "education",
    "graduation_date",
    "household_region",
    "address",
    "venture.name",
    "venture.entity_type",
    "venture.credit_code",
    "venture.registration_date",
    "venture.industry",
    "venture.address",
    "venture.jobs_created",
    "venture.stage",
    "notes",
)


def _template_example(today: date) -> dict[str, object]:
    from stdnum.cn import ric, uscc

    body = "33010619900307123"
    credit = "92330106MA2H" + "12345"
    return {
        "name": "示例：张三（导入时自动跳过本行）",
        "id_number": body + ric.calc_check_digit(body + "0"),
        "phone": "13812345678",
        "key_groups": "退役军人、高校毕业生",
        "education": "大学本科",
        "graduation_date": "2012-06",
        "household_region": "330106",
        "address": "文三路 100 号",
        "venture.name": "向阳便利店",
        "venture.entity_type": "个体工商户",
        "venture.credit_code": credit + uscc.calc_check_digit(credit),
        "venture.registration_date": date(today.year - 1, 3, 5),
        "venture.industry": "F 批发和零售业",
        "venture.address": "文三路 102 号",
        "venture.jobs_created": 3,
        "venture.stage": "初创",
        "notes": "",
    }


def write_import_template(out: Path, *, today: date | None = None) -> Path:
    """下载导入模板: the expected headers, an example row (skipped by the import), the ID column as text,
    choice lists for the closed vocabularies, and a sheet explaining each column."""
    from models.enums import Education as Edu

    day = today or china_today()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "创业者台账"
    example = _template_example(day)
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    choices = {
        "venture.entity_type": [e.label for e in EntityType],
        "venture.stage": [s.label for s in Stage],
        "education": [e.label for e in Edu],
    }
    for position, key in enumerate(TEMPLATE_ORDER, start=1):
        spec = FIELDS_BY_KEY[key]
        letter = get_column_letter(position)
        title = spec.synonyms[0] if key != "key_groups" else "人员类别"
        cell = sheet.cell(row=1, column=position, value=("*" if spec.required else "") + title)
        cell.font = Font(bold=True, color="C00000" if spec.required else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        value = example[key]
        example_cell = sheet.cell(row=2, column=position, value=value)
        example_cell.data_type = "s" if isinstance(value, str) else example_cell.data_type
        example_cell.font = Font(italic=True, color="7F7F7F")
        if isinstance(value, date):
            example_cell.number_format = "yyyy-mm-dd"
        sheet.column_dimensions[letter].width = 24 if key in ("id_number", "venture.credit_code") else 16
        if key in ("id_number", "phone", "venture.credit_code", "household_region"):
            for row in range(2, 1002):  # text, so Excel keeps every digit (and the X) of a code
                sheet.cell(row=row, column=position).number_format = "@"
        if key in choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choices[key]) + '"',
                allow_blank=True,
                showErrorMessage=False,
            )
            validation.add(f"{letter}2:{letter}1001")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写要求", "也可以叫"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for key in TEMPLATE_ORDER:
        spec = FIELDS_BY_KEY[key]
        notes.append(
            [
                spec.synonyms[0],
                "必填" if spec.required else "",
                spec.hint or _default_hint(key),
                "、".join(spec.synonyms[1:6]),
            ]
        )
    notes.append([])
    notes.append(
        [
            "说明",
            "",
            "第 2 行是示例，导入时会自动跳过；可以删掉。"
            "日期可写 2024-03-05、2024/3/5、2024年3月5日 或 20240305。",
        ]
    )
    notes.append(["", "", "同一人有多个创业项目时，可写成多行（身份证号码相同），也可以合并单元格。"])
    notes.append(["", "", "已有档案（身份证号码相同）的人：表中填了的格子会更新档案，空着的格子不改动档案。"])
    for letter, width in zip("ABCD", (18, 10, 70, 50), strict=True):
        notes.column_dimensions[letter].width = width
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".part")
    try:
        workbook.save(temporary)
        temporary.replace(out)
    finally:
        temporary.unlink(missing_ok=True)
    return out


def _default_hint(key: str) -> str:
    return {
        "name": "与身份证一致",
        "phone": "手机号 11 位，固定电话带区号（如 0571-88886666）",
        "education": "博士研究生、硕士研究生、大学本科、大学专科、高中/中专/技校、初中及以下",
        "graduation_date": "高校毕业生填写，可只写年月，如 2023-06",
        "household_region": "6 位行政区划代码，如 330106",
        "address": "",
        "venture.name": "有创业项目时填写；没有可空着",
        "venture.credit_code": "18 位，请按文本录入",
        "venture.registration_date": "营业执照上的成立日期",
        "venture.address": "",
        "venture.jobs_created": "不小于 0 的整数",
        "notes": "",
    }.get(key, "")


def field_choices() -> list[tuple[str, str]]:
    """(key, label) of every field a column can be mapped to, for the mapping step; "" is 不导入."""
    return [(IGNORED, "（不导入）")] + [
        (f.key, f.label + ("（必填）" if f.required else "")) for f in LEDGER_FIELDS
    ]

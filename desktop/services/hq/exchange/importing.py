"""Reading an exchange workbook back into a database (HQ's, or a fresh one) as ordinary changes.

The file passes the ledger importer's guards first (:class:`reports.ledger.workbook.LedgerWorkbook`: the
file checked before any XML is parsed, size and part caps, read-only mode, defused XML, cell and row
counts), and merged cells are refused. Then sheet by sheet, in the order of the workbook, inside ONE
transaction and one journal operation: every row is checked (header codes, each cell by its type,
ID number check digits, region codes, industry letters, dates, codes; duplicates; a reference must name
a record of an earlier sheet or one already in the database), then written — a new id is created
through the journal's bulk path, a known id is updated only in the fields that differ (so the same
workbook imported twice changes nothing). The first sheet with problems stops the import: the
transaction is rolled back and the Chinese message names each sheet, row and column."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from desktop.jobs import JobState
from desktop.services.hq.exchange.cells import CellError, blank, read_cell
from desktop.services.hq.exchange.columns import (
    DERIVED_WHEN_BLANK,
    FORMAT_NAME,
    FORMAT_VERSION,
    GUIDE_SHEET,
    HEADER_ROWS,
    REF,
    ExchangeSheet,
    exchange_sheets,
)
from desktop.services.hq.exchange.exporting import MASKED_MARK
from models.actor import Actor
from models.audit import Operation
from models.errors import ValidationError
from models.ledger.sheet import SourceRow, column_letter
from models.pinyin import name_search_keys
from models.validators import parse_id_number
from reports.ledger.limits import ReadLimits
from reports.ledger.workbook import LedgerWorkbook

FIELD = "交换工作簿"
MAX_ERRORS = 30
CHUNK = 500  # ids looked up in the database at a time
# A county's exchange: up to a million rows a sheet; the ledger's caps on parts and bytes still hold.
EXCHANGE_LIMITS = ReadLimits(max_rows=1_000_000, max_columns=60, max_cells=60_000_000, max_merged_fill=0)
# Values unique in the database, checked among the workbook's rows and against the records on file.
UNIQUE: dict[str, tuple[tuple[str, ...], ...]] = {
    "entrepreneur": (("case_number",), ("station_code", "id_number")),
    "course_type": (("code",),),
    "training_enrolment": (("certificate_number",),),
    "application": (("number",),),
    "loan": (("application_id",),),
}


@dataclass
class ImportSummary:
    path: Path
    created: dict[str, int] = field(default_factory=dict)  # sheet title -> records
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def text(self) -> str:
        parts = []
        for title in self.created:
            parts.append(
                f"{title} 新增 {self.created[title]:,}、更新 {self.updated[title]:,}、"
                f"未变 {self.unchanged[title]:,}"
            )
        return f"已导入交换工作簿 {self.path.name}：" + "；".join(parts)


class Problems:
    """The problems found so far, each naming its sheet, row and column."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []
        self.count = 0

    def add(self, sheet: str, row: int | None, column: int | None, code: str, text: str) -> None:
        self.count += 1
        if len(self.lines) < MAX_ERRORS:
            place = f"工作表“{sheet}”"
            if row is not None:
                place += f"第 {row:,} 行"
            if column is not None:
                place += f" {column_letter(column + 1)} 列（{code}）"
            self.lines.append(f"{place}：{text}")

    def raise_if_any(self) -> None:
        if not self.count:
            return
        more = f"\n……另有 {self.count - len(self.lines):,} 处问题" if self.count > len(self.lines) else ""
        raise refused(
            self.path,
            f"交换工作簿 {self.path.name} 未导入，数据库没有任何改变。发现 {self.count:,} 处问题：\n"
            + "\n".join(self.lines)
            + more,
        )


def refused(path: Path, message: str) -> ValidationError:
    return ValidationError(FIELD, path.name, message)


def import_into(session: Session, actor: Actor, path: Path, *, job: JobState) -> ImportSummary:
    """The whole import inside the caller's transaction (which rolls back if this raises)."""
    summary = ImportSummary(path)
    operation = Operation(session, actor, f"导入交换工作簿 {path.name}")
    touched: dict[str, set[str]] = {}
    with LedgerWorkbook(path, EXCHANGE_LIMITS) as book:
        _check_guide(book, path)
        names = set(book.book.sheetnames)
        missing = [sheet.title for sheet in exchange_sheets() if sheet.title not in names]
        if missing:
            raise refused(path, f"交换工作簿 {path.name} 缺少工作表：{'、'.join(missing)}，未做任何更改")
        for sheet in exchange_sheets():
            try:
                _import_sheet(
                    book, operation=operation, sheet=sheet, summary=summary, touched=touched, job=job
                )
            except IntegrityError as error:  # a constraint the checks above do not know
                raise refused(path, _integrity_message(path, error)) from error
    try:
        session.flush()
    except IntegrityError as error:
        raise refused(path, _integrity_message(path, error)) from error
    _recompute(session, touched)
    operation.log_access("import", "", "", f"交换工作簿 {path.name}：{summary.changed} 条新增或更新")
    return summary


def _import_sheet(
    book: LedgerWorkbook,
    *,
    operation: Operation,
    sheet: ExchangeSheet,
    summary: ImportSummary,
    touched: dict[str, set[str]],
    job: JobState,
) -> None:
    path, session = book.path, operation.session
    job.report(0, 0, f"正在读取{sheet.title}")
    rows, merges, _notes = book.rows(book.sheet(sheet.title), job=job)
    problems = Problems(path)
    if merges:
        problems.add(sheet.title, None, None, "", "含有合并单元格；交换工作簿的每个单元格应单独填写")
    parsed = _parse(sheet, rows, problems)
    problems.raise_if_any()
    _check_references(session, sheet, parsed, problems)
    _check_unique(session, sheet, parsed, problems)
    problems.raise_if_any()
    _write(operation, sheet=sheet, parsed=parsed, summary=summary, problems=problems, job=job)
    problems.raise_if_any()
    touched[sheet.table] = {values["id"] for _number, values in parsed}
    if sheet.table == "venture":
        touched.setdefault("entrepreneur", set()).update(v["entrepreneur_id"] for _n, v in parsed)


def _check_guide(book: LedgerWorkbook, path: Path) -> None:
    names = book.book.sheetnames
    not_ours = (
        f"文件 {path.name} 不是交换工作簿（第一个工作表应为“{GUIDE_SHEET}”，并注明格式 "
        f"{FORMAT_NAME}/{FORMAT_VERSION}）；请选择由 doorstep hq exchange-export 导出的工作簿"
    )
    if not names or names[0] != GUIDE_SHEET:
        raise refused(path, not_ours)
    rows, _merges, _notes = book.rows(book.sheet(GUIDE_SHEET), stop_after=40)
    entries = {str(row.value(0)): row.value(2) for row in rows if isinstance(row.value(0), str)}
    stated = entries.get("format")
    if stated != f"{FORMAT_NAME}/{FORMAT_VERSION}":
        if isinstance(stated, str) and stated.startswith(FORMAT_NAME + "/"):
            raise refused(
                path,
                f"交换工作簿 {path.name} 的格式版本为 {stated}，"
                f"本程序只能导入 {FORMAT_NAME}/{FORMAT_VERSION}；"
                "请用相同版本的程序导出",
            )
        raise refused(path, not_ours)
    personal = entries.get("personal_data")
    if isinstance(personal, str) and personal.startswith(MASKED_MARK):
        raise refused(
            path,
            f"交换工作簿 {path.name} 导出时身份证号码等个人信息已遮蔽（导出人无权查看完整个人信息），"
            "遮蔽的号码无法核对，不能导入；请由有权查看个人信息的人员重新导出完整的工作簿。未做任何更改",
        )


def _parse(
    sheet: ExchangeSheet, rows: Sequence[SourceRow], problems: Problems
) -> list[tuple[int, dict[str, Any]]]:
    codes = sheet.codes
    header = next((row for row in rows if row.number == 1), None)
    found = tuple("" if blank(v) else str(v).strip() for v in (header.values if header else ()))
    while found and not found[-1]:
        found = found[:-1]
    if found != codes:
        for index, expected in enumerate(codes):
            actual = found[index] if index < len(found) else ""
            if actual != expected:
                problems.add(
                    sheet.title,
                    1,
                    index,
                    expected,
                    f"第 1 行应为列代码“{expected}”，实为“{actual or '（空）'}”",
                )
                break
        else:
            problems.add(sheet.title, 1, len(codes), found[len(codes)], "第 1 行多出了不认识的列代码")
        return []
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: set[str] = set()
    for row in rows:
        if row.number <= HEADER_ROWS:
            continue
        values: dict[str, Any] = {}
        good = True
        for index, column in enumerate(sheet.columns):
            try:
                values[column.code] = read_cell(column, row.value(index))
            except (CellError, ValidationError) as error:
                text = error.message if isinstance(error, ValidationError) else f"{column.label}：{error}"
                problems.add(sheet.title, row.number, index, column.code, text)
                good = False
        extra = next((i for i in range(len(codes), len(row.values)) if not blank(row.values[i])), None)
        if extra is not None:
            problems.add(sheet.title, row.number, extra, "", "表头之外的单元格有内容，请删除")
            good = False
        if not good:
            continue
        if values["id"] in seen:
            problems.add(sheet.title, row.number, 0, "id", f"记录编号 {values['id']} 在本工作表中重复")
            continue
        seen.add(values["id"])
        _fill_and_check(sheet, row.number, values, problems)
        parsed.append((row.number, values))
    return parsed


def _fill_and_check(sheet: ExchangeSheet, number: int, values: dict[str, Any], problems: Problems) -> None:
    """What follows from other fields: a blank pinyin is made from the name; a person's birth date and sex
    must be those of the ID number."""
    for table, key in DERIVED_WHEN_BLANK:
        if table == sheet.table and not values.get(key):
            keys = name_search_keys(values["name"])
            values[key] = (keys[0] if table == "entrepreneur" and keys else " ".join(keys))[:200] or values[
                "name"
            ]
    if sheet.table == "entrepreneur":
        identity = parse_id_number(values["id_number"])
        codes = sheet.codes
        if values["birth_date"] != identity.birth_date:
            problems.add(
                sheet.title,
                number,
                codes.index("birth_date"),
                "birth_date",
                f"出生日期 {values['birth_date'].isoformat()} "
                f"与身份证号码中的 {identity.birth_date.isoformat()} 不符",
            )
        sex = "male" if identity.sex == "男" else "female"
        if values["sex"] != sex:
            problems.add(
                sheet.title,
                number,
                codes.index("sex"),
                "sex",
                f"性别与身份证号码不符（号码为{identity.sex}）",
            )


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _existing_ids(session: Session, table_name: str, ids: Iterable[str]) -> set[str]:
    from models.tables import travelling_tables

    table = travelling_tables()[table_name].__table__  # type: ignore[attr-defined]
    wanted = sorted(set(ids))
    found: set[str] = set()
    for chunk in _chunks(wanted):
        found.update(session.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
    return found


def _check_references(
    session: Session, sheet: ExchangeSheet, parsed: list[tuple[int, dict[str, Any]]], problems: Problems
) -> None:
    """A reference names a record of an earlier sheet (already written in this transaction) or on file."""
    session.flush()
    titles = {s.table: s.title for s in exchange_sheets()}
    for index, column in enumerate(sheet.columns):
        if column.kind != REF or column.ref is None:
            continue
        present = _existing_ids(session, column.ref, (v[column.code] for _n, v in parsed if v[column.code]))
        for number, values in parsed:
            target = values[column.code]
            if target and target not in present:
                problems.add(
                    sheet.title,
                    number,
                    index,
                    column.code,
                    f"{column.label} {target} "
                    f"既不在工作表“{titles.get(column.ref, column.ref)}”中，也不在数据库中",
                )


def _check_unique(
    session: Session, sheet: ExchangeSheet, parsed: list[tuple[int, dict[str, Any]]], problems: Problems
) -> None:
    table = sheet.model.__table__  # type: ignore[attr-defined]
    codes = sheet.codes
    for keys in UNIQUE.get(sheet.table, ()):
        where = codes.index(keys[-1])
        first: dict[tuple[Any, ...], tuple[int, str]] = {}
        for number, values in parsed:
            value = tuple(values[key] for key in keys)
            if None in value or "" in value:
                continue
            if value in first:
                problems.add(
                    sheet.title,
                    number,
                    where,
                    keys[-1],
                    f"{value[-1]} 与第 {first[value][0]:,} 行重复（应唯一）",
                )
            else:
                first[value] = (number, values["id"])
        last = keys[-1]
        values_wanted = sorted({value[-1] for value in first})
        for chunk in _chunks(values_wanted):
            columns = [table.c.id, *[table.c[key] for key in keys]]
            for row in session.execute(select(*columns).where(table.c[last].in_(chunk))):
                held = tuple(row[1:])
                mine = first.get(held)
                if mine is not None and mine[1] != row[0]:
                    problems.add(
                        sheet.title,
                        mine[0],
                        where,
                        last,
                        f"{held[-1]} 已被数据库中的另一条记录（{row[0]}）使用，应唯一",
                    )


def _write(
    operation: Operation,
    *,
    sheet: ExchangeSheet,
    parsed: list[tuple[int, dict[str, Any]]],
    summary: ImportSummary,
    problems: Problems,
    job: JobState,
) -> None:
    session = operation.session
    model = sheet.model
    created = updated = unchanged = 0
    new_rows: list[dict[str, Any]] = []
    for start in range(0, len(parsed), CHUNK):
        job.report(start, len(parsed), f"正在导入{sheet.title}")
        chunk = parsed[start : start + CHUNK]
        held = {
            record.id: record
            for record in session.scalars(
                select(model).where(col(model.id).in_([v["id"] for _n, v in chunk]))
            )
        }
        for number, values in chunk:
            record = held.get(values["id"])
            if record is None:
                new_rows.append(values)
                continue
            if record.station_code != values["station_code"]:
                problems.add(
                    sheet.title,
                    number,
                    1,
                    "station_code",
                    f"这条记录在数据库中属于服务站 {record.station_code}，"
                    f"工作簿中为 {values['station_code']}；"
                    "调档请用总部的调档功能",
                )
                continue
            own = {key: value for key, value in values.items() if key not in ("id", "station_code")}
            subject = _subject(sheet, values)
            changed = bool(operation.update(record, own, subject_id=subject))
            if record.deleted:
                operation.set_deleted(record, False, subject_id=subject)
                changed = True
            updated += changed
            unchanged += not changed
        if len(new_rows) >= 5 * CHUNK:
            created += _create(operation, sheet, new_rows)
            new_rows = []
    created += _create(operation, sheet, new_rows)
    summary.created[sheet.title] = created
    summary.updated[sheet.title] = updated
    summary.unchanged[sheet.title] = unchanged


def _subject(sheet: ExchangeSheet, values: dict[str, Any]) -> str | None:
    """The file a change shows in (its person), as every service sets it."""
    if sheet.table == "entrepreneur":
        return str(values["id"])
    subject = values.get("entrepreneur_id")
    return str(subject) if subject else None


def _create(operation: Operation, sheet: ExchangeSheet, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    operation.create_many(sheet.model, rows, subject_ids=[_subject(sheet, row) for row in rows])
    return len(rows)


def _recompute(session: Session, touched: dict[str, set[str]]) -> None:
    """The derived tables of the kinds written (search keys, case and certificate numbering)."""
    from desktop.services.areas import registry
    from desktop.services.entrepreneurs import rebuild_search
    from models.entrepreneur import EntrepreneurSearch

    areas = registry()
    kinds = areas.record_kinds
    projections = areas.projections
    search = str(EntrepreneurSearch.__tablename__)
    done: set[str] = set()
    for table, ids in touched.items():
        if not ids or table not in kinds:
            continue
        for derived in kinds[table].recompute:
            if derived == search:
                continue
            if derived not in done and derived in projections:
                projections[derived](session)
                done.add(derived)
    people = touched.get("entrepreneur", set())
    if people:
        rebuild_search(session, sorted(people))


def _integrity_message(path: Path, error: IntegrityError) -> str:
    detail = str(error.orig).splitlines()[0] if error.orig is not None else ""
    return (
        f"交换工作簿 {path.name} 未导入，数据库没有任何改变："
        f"有记录与数据库中已有的记录冲突（{detail[:200]}）。"
        "请核对工作簿中的编号是否与已有的档案重复"
    )

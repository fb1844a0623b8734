"""Exporting lists to xlsx: exactly what the list shows (columns, filter, sort), masked per DESIGN.md.

The entrepreneur list's query (:class:`desktop.services.entrepreneurs.ListQuery`) gives the ids in display
order; the rows are read in bulk and written by :func:`reports.xlsx.write_table`, which keeps any text
that starts with = + - @ (or a tab, a CR) as text. ID numbers and phones are masked unless the acting
user may see personal data *and* asked for an unmasked export; every export is written to the access log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.jobs import UNWATCHED, JobState
from desktop.services.entrepreneur_list import ListQuery, age_on, search_ids
from desktop.services.gate import service
from desktop.services.station import station_info
from models.actor import Actor
from models.audit import Operation
from models.base import CHINA_TZ, china_today
from models.database import Database
from models.enums import Sex, Stage, key_groups_from_bits
from models.errors import ValidationError
from models.masking import mask_id_number, mask_phone
from models.permissions import Permission
from models.regions import region_name
from reports.xlsx import Column, export_filename, write_table


@dataclass(frozen=True)
class ExportColumn:
    key: str
    title: str
    width: float
    kind: str = "text"


# The entrepreneur list's columns, in the list's order (ui/entrepreneurs/list_model.py uses the same keys).
ENTREPRENEUR_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("case_number", "档案号", 22),
    ExportColumn("name", "姓名", 10),
    ExportColumn("sex", "性别", 6),
    ExportColumn("age", "年龄", 6, "int"),
    ExportColumn("id_number", "身份证号", 21),
    ExportColumn("phone", "联系电话", 15),
    ExportColumn("key_groups", "重点群体", 22),
    ExportColumn("stage", "阶段", 10),
    ExportColumn("region", "户籍地", 24),
    ExportColumn("ventures", "创业项目", 30),
    ExportColumn("created_on", "建档日期", 12, "date"),
)
COLUMNS_BY_KEY = {column.key: column for column in ENTREPRENEUR_COLUMNS}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    masked: bool


@service(Permission.EXPORT_DATA)
def suggested_name(db: Database, actor: Actor, /, *, content: str, today: date | None = None) -> str:
    """``330106001_创业者名单_20251105.xlsx`` (UI.md)."""
    info = station_info(db)
    return export_filename(info.code if info else "doorstep", content, today or china_today())


def describe_query(query: ListQuery) -> str:
    """The filter in words, printed above the table so a printout says what it shows."""
    parts = []
    if query.recycle_bin:
        parts.append("回收站")
    if query.text.strip():
        parts.append(f"搜索“{query.text.strip()}”")
    if query.key_group is not None:
        parts.append(f"重点群体：{query.key_group.label}")
    if query.stage is not None:
        parts.append(f"阶段：{query.stage.label}")
    if query.region_prefix:
        parts.append(f"户籍地：{region_name(query.region_prefix) or query.region_prefix}")
    return "，".join(parts) if parts else "全部"


@service(Permission.EXPORT_DATA)
def export_entrepreneurs(
    db: Database,
    actor: Actor,
    /,
    *,
    out: Path,
    query: ListQuery | None = None,
    columns: Sequence[str] | None = None,
    unmasked: bool = False,
    job: JobState = UNWATCHED,
    today: date | None = None,
) -> ExportResult:
    """Write the list as it is shown: ``query`` (filter, sort) and ``columns`` (keys, in display order)."""
    query = query or ListQuery()
    keys = list(columns) if columns else [c.key for c in ENTREPRENEUR_COLUMNS]
    unknown = [key for key in keys if key not in COLUMNS_BY_KEY]
    if unknown:
        raise ValidationError(
            "导出列", unknown[0], f"没有名为“{unknown[0]}”的列，可选：{'、'.join(COLUMNS_BY_KEY)}"
        )
    reveal = unmasked and actor.may(Permission.VIEW_PERSONAL_DATA)
    day = today or china_today()
    job.report(0, 0, "正在查询")
    ids = search_ids(db, actor, query)
    rows = export_rows(db, actor, ids=ids, keys=keys, reveal=reveal, today=day, job=job)
    info = station_info(db)
    station = info.name if info else ""
    title = f"{station} 创业者名单（{describe_query(query)}，共 {len(ids):,} 人，导出于 {day.isoformat()}）"
    specs = [COLUMNS_BY_KEY[key] for key in keys]
    count = write_table(
        out,
        sheet_title="创业者名单",
        columns=[Column(spec.title, spec.width, spec.kind) for spec in specs],
        rows=rows,
        title=title.strip(),
    )
    with db.transaction() as session:
        Operation(session, actor, "导出创业者名单").log_access(
            "export",
            "entrepreneur",
            "",
            f"{out.name}：{count} 人，{describe_query(query)}，"
            f"{'未遮盖' if reveal else '已遮盖'}身份证号和电话",
        )
    return ExportResult(out, count, not reveal)


_FETCH = (
    "SELECT id, case_number, name, sex, birth_date, id_number, phone, key_groups, current_stage, "
    "household_region, created_at FROM entrepreneur"
)


@service(Permission.EXPORT_DATA)
def export_rows(
    db: Database,
    actor: Actor,
    /,
    *,
    ids: list[str],
    keys: list[str],
    reveal: bool,
    today: date,
    job: JobState,
) -> Iterator[list[Any]]:
    """The export's rows in the order of ``ids``, read in bulk (one scan when most rows are wanted).
    ID numbers and phones are shown in full only if ``reveal`` and the user may see personal data."""
    reveal = reveal and actor.may(Permission.VIEW_PERSONAL_DATA)
    return _rows(db, ids, keys, reveal=reveal, today=today, job=job)


def _rows(
    db: Database, ids: list[str], keys: list[str], *, reveal: bool, today: date, job: JobState
) -> Iterator[list[Any]]:
    people: dict[str, tuple[Any, ...]] = {}
    ventures: dict[str, list[str]] = {}
    wanted = set(ids)
    with db.engine.connect() as connection:
        total = connection.execute(text("SELECT count(*) FROM entrepreneur")).scalar_one()
        if len(ids) * 5 >= total:
            for row in connection.execute(text(_FETCH)):
                if row[0] in wanted:
                    people[row[0]] = tuple(row)
        else:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(f":p{i}" for i in range(len(chunk)))
                params = {f"p{i}": value for i, value in enumerate(chunk)}
                for row in connection.execute(text(f"{_FETCH} WHERE id IN ({marks})"), params):
                    people[row[0]] = tuple(row)
        if "ventures" in keys:
            for owner, name in connection.execute(
                text("SELECT entrepreneur_id, name FROM venture WHERE deleted = 0 ORDER BY created_at, id")
            ):
                if owner in wanted:
                    ventures.setdefault(owner, []).append(name)
    makers = _makers(reveal, today, ventures)
    row_makers = [makers[key] for key in keys]
    for position, person_id in enumerate(ids):
        if position % 5000 == 0:
            job.report(position, len(ids), f"正在写入第 {position:,} 行")
        person = people.get(person_id)
        if person is not None:
            yield [make(person) for make in row_makers]


def _makers(
    reveal: bool, today: date, ventures: dict[str, list[str]]
) -> dict[str, Callable[[tuple[Any, ...]], Any]]:
    group_labels: dict[int, str] = {}
    regions: dict[str, str] = {}
    sexes = {sex.value: sex.label for sex in Sex}
    stages = {stage.value: stage.label for stage in Stage}

    def groups(bits: int) -> str:
        if bits not in group_labels:
            group_labels[bits] = "、".join(g.label for g in key_groups_from_bits(bits))
        return group_labels[bits]

    def region(code: str | None) -> str:
        if not code:
            return ""
        if code not in regions:
            regions[code] = region_name(code) or code
        return regions[code]

    def created(value: Any) -> date:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return (
            (moment + timedelta(hours=8)).date()
            if moment.tzinfo is None
            else moment.astimezone(CHINA_TZ).date()
        )

    def birth(value: Any) -> date:
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    return {
        "case_number": lambda p: p[1],
        "name": lambda p: p[2],
        "sex": lambda p: sexes.get(p[3], p[3]),
        "age": lambda p: age_on(birth(p[4]), today),
        "id_number": (lambda p: p[5]) if reveal else (lambda p: mask_id_number(p[5])),
        "phone": (lambda p: p[6]) if reveal else (lambda p: mask_phone(p[6]) if p[6] else ""),
        "key_groups": lambda p: groups(p[7]),
        "stage": lambda p: stages.get(p[8], "") if p[8] else "",
        "region": lambda p: region(p[9]),
        "ventures": lambda p: "、".join(ventures.get(p[0], ())),
        "created_on": lambda p: created(p[10]),
    }

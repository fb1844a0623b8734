"""Writing the exchange workbook from a database (HQ's, or a station's): every live record of every sheet's
kind, of all stations or of those chosen, streamed from the database to the file in constant memory.

ID numbers, phones and the other personal fields are written in full only when the acting user may see
personal data; otherwise they are masked, the guide sheet says so, and the import refuses the workbook."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from desktop.jobs import JobState
from desktop.services.hq.exchange.columns import (
    BOOL,
    CODE_TABLES,
    CODES,
    DATE,
    FORMAT_NAME,
    FORMAT_VERSION,
    GUIDE_SHEET,
    ID_NUMBER,
    INDUSTRY_TABLE,
    JSON_LIST,
    KIND_LABELS,
    REF,
    ExchangeColumn,
    ExchangeSheet,
    code_table_name,
    exchange_sheets,
)
from models.actor import Actor
from models.base import CHINA_TZ, utcnow
from models.enums import Labelled
from models.masking import mask_id_number, mask_phone
from models.permissions import Permission
from reports.exchange_workbook import Cell, ExchangeWorkbookWriter

FETCH_ROWS = 2000  # rows fetched from the database at a time
PROGRESS_EVERY = 5000
MASKED_MARK = "已遮蔽"
FULL_MARK = "完整"


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    counts: dict[str, int]  # sheet title -> records written
    masked: bool
    stations: tuple[str, ...]  # the stations asked for (empty: all)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def text(self) -> str:
        parts = "，".join(f"{title} {count:,}" for title, count in self.counts.items())
        note = "（身份证号码等个人信息已遮蔽，此工作簿不能导入）" if self.masked else ""
        return f"已导出交换工作簿 {self.path.name}：{parts}{note}"


def _bits_encoder(codes: type[Labelled]) -> Callable[[Any], Cell]:
    members = list(codes)

    def encode(value: Any) -> Cell:
        if not value:
            return None
        return ";".join(member.value for index, member in enumerate(members) if value & (1 << index))

    return encode


def _encoder(column: ExchangeColumn, reveal: bool) -> Callable[[Any], Cell]:
    """How a stored value becomes a cell: text and whole numbers only."""
    if column.personal and not reveal:
        mask = mask_phone if column.code == "phone" else mask_id_number
        return lambda value: mask(str(value)) if value else None
    if column.kind == DATE:
        return lambda value: value.isoformat() if isinstance(value, date) else None
    if column.kind == BOOL:
        return lambda value: None if value is None else int(bool(value))
    if column.kind == CODES and column.codes is not None:
        return _bits_encoder(column.codes)
    if column.kind == JSON_LIST:
        return lambda value: json.dumps(value, ensure_ascii=False) if value else None
    return _plain


def _plain(value: Any) -> Cell:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    return str(value)


def _query(sheet: ExchangeSheet, stations: Sequence[str], own_code: str | None) -> Select[Any]:
    table = sheet.model.__table__  # type: ignore[attr-defined]
    query = select(*[table.c[code] for code in sheet.codes]).where(table.c.deleted.is_(False))
    if stations:  # the chosen stations' records, and the reference rows HQ itself made
        wanted = [*stations, *([own_code] if own_code else [])]
        query = query.where(table.c.station_code.in_(wanted))
    return query.order_by(table.c.id)


def _count(session: Session, query: Select[Any]) -> int:
    return int(
        session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    )


def source_of(session: Session) -> tuple[str, str]:
    """(who the data comes from, in words; its code) for the guide sheet."""
    from desktop.services.sync.node import node_or_none
    from models.station import Station
    from models.sync.tables import HQ

    node = node_or_none(session)
    if node is not None and node.role == HQ:
        return f"总部 {node.code} {node.name}".strip(), node.code
    station = (
        session.get(Station, node.code) if node is not None else session.scalars(select(Station)).first()
    )
    if station is None:
        return ("未登记的数据库", node.code if node is not None else "")
    return f"服务站 {station.code} {station.name}", station.code


def write_exchange(
    session: Session,
    actor: Actor,
    out: Path,
    *,
    stations: Sequence[str],
    reveal: bool,
    job: JobState,
) -> ExportSummary:
    """The workbook, written inside one read transaction (a consistent picture of the database)."""
    reveal = reveal and actor.may(Permission.VIEW_PERSONAL_DATA)
    sheets = exchange_sheets()
    source, own_code = source_of(session)
    queries = [_query(sheet, stations, own_code) for sheet in sheets]
    job.report(0, 0, "正在统计记录数")
    totals = [_count(session, query) for query in queries]
    grand_total = sum(totals)
    counts: dict[str, int] = {}
    done = 0
    with ExchangeWorkbookWriter(out, GUIDE_SHEET) as book:
        _guide_head(book, source=source, stations=stations, reveal=reveal, actor=actor)
        for sheet, query, total in zip(sheets, queries, totals, strict=True):
            writer = book.data_sheet(sheet.title, sheet.codes, [column.label for column in sheet.columns])
            encoders = [_encoder(column, reveal) for column in sheet.columns]
            result = session.execute(query.execution_options(yield_per=FETCH_ROWS))
            for row in result:
                writer.append([encode(value) for encode, value in zip(encoders, row, strict=True)])
                done += 1
                if done % PROGRESS_EVERY == 0:
                    job.report(done, grand_total, f"正在写出{sheet.title}：{writer.rows:,} / {total:,}")
            counts[sheet.title] = writer.rows
            job.report(done, grand_total, f"已写出{sheet.title} {writer.rows:,} 条")
        _guide_tail(book, counts)
    return ExportSummary(out, counts, not reveal, tuple(stations))


def _guide_head(
    book: ExchangeWorkbookWriter, *, source: str, stations: Sequence[str], reveal: bool, actor: Actor
) -> None:
    now = utcnow().astimezone(CHINA_TZ)
    book.guide_title("创业服务数据交换工作簿（Doorstep）")
    book.guide_row("代码", "项目", "内容")
    book.guide_row("format", "格式", f"{FORMAT_NAME}/{FORMAT_VERSION}")
    book.guide_row(
        "about",
        "这是什么",
        "本工作簿按统一的列代码和代码表导出创业者、创业项目、走访、跟踪陪跑、培训和申请贷款记录，"
        "供省、国家级系统接收，也可由 doorstep hq exchange-import 导回（列说明见 docs/exchange.md）",
    )
    book.guide_row("exported_on", "导出日期", now.date().isoformat())
    book.guide_row("exported_at", "导出时间", now.isoformat(timespec="seconds"))
    book.guide_row("source", "数据来源", source)
    book.guide_row("stations", "服务站范围", "、".join(stations) if stations else "全部")
    book.guide_row("exported_by", "导出人", actor.user_name)
    book.guide_row(
        "personal_data",
        "身份证号码等个人信息",
        FULL_MARK if reveal else f"{MASKED_MARK}（导出人无权查看完整个人信息；遮蔽的工作簿不能导入）",
    )
    book.guide_row("dates", "日期", "ISO 8601：YYYY-MM-DD")
    book.guide_row("money", "金额", "以“分”为单位的整数（1 元 = 100 分），列名中注明“（分）”")
    book.guide_row("regions", "行政区划", "GB/T 2260 六位代码；身份证号码按 GB 11643 校验")
    book.guide_row("industry", "行业", "GB/T 4754-2017 国民经济行业分类门类字母 A–T（见下方代码表）")
    book.guide_row(
        "header", "表头", "各工作表第 1 行为列代码（稳定，供系统对接），第 2 行为中文列名，第 3 行起为数据"
    )


def _guide_tail(book: ExchangeWorkbookWriter, counts: dict[str, int]) -> None:
    book.guide_heading("各工作表记录数")
    for title, count in counts.items():
        book.guide_row("count", title, count)
    book.guide_heading("列说明")
    book.guide_row("工作表 / 列代码", "中文列名", "类型；代码表；是否必填")
    for sheet in exchange_sheets():
        for column in sheet.columns:
            kind = KIND_LABELS[column.kind]
            if column.codes is not None:
                kind += f"；代码表“{code_table_name(column.codes)}”"
            if column.kind == REF and column.ref:
                kind += f"；引用“{_title_of(column.ref)}”"
            if column.max_length and column.kind not in (ID_NUMBER, REF):
                kind += f"；最长 {column.max_length} 字"
            book.guide_row(
                f"{sheet.title}.{column.code}",
                column.label,
                f"{kind}；{'必填' if column.required else '可空'}",
            )
    for name, table in CODE_TABLES:
        book.guide_heading(f"代码表：{name}")
        for member in table:
            book.guide_row("code", member.value, member.label)
    book.guide_heading(f"代码表：{INDUSTRY_TABLE[0]}")
    for letter, label in INDUSTRY_TABLE[1].items():
        book.guide_row("code", letter, label)


def _title_of(table: str) -> str:
    return next(sheet.title for sheet in exchange_sheets() if sheet.table == table)

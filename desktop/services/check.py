"""`doorstep check`: integrity, schema version and record counts by kind."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, inspect, text
from sqlmodel import select

from desktop.services.gate import service
from models.actor import Actor
from models.base import metadata
from models.database import Database, current_revisions, schema_heads
from models.permissions import Permission


@dataclass
class CheckReport:
    ok: bool
    integrity: list[str]
    schema: list[str]
    expected_schema: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    station: str = ""


@service(Permission.VIEW_FILES)
def check_database(db: Database, actor: Actor, /) -> CheckReport:
    """The integrity check, the schema version and the record counts (``doorstep check``)."""
    problems: list[str] = []
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            problems = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
            problems = [] if problems == ["ok"] else problems
            problems += [
                f"外键错误：{row[0]} 行 {row[1]}"
                for row in connection.exec_driver_sql("PRAGMA foreign_key_check")
            ]
        counts: dict[str, int] = {}
        deleted: dict[str, int] = {}
        present = set(inspect(connection).get_table_names())
        for table in metadata.sorted_tables:
            if table.name not in present:
                problems.append(f"缺少数据表 {table.name}")
                continue
            counts[table.name] = connection.execute(select(func.count()).select_from(table)).scalar_one()
            if "deleted" in table.c:
                deleted[table.name] = connection.execute(
                    select(func.count()).select_from(table).where(table.c.deleted.is_(True))
                ).scalar_one()
        station_row = (
            connection.execute(text("SELECT code, name FROM station")).first()
            if "station" in present
            else None
        )
    current = sorted(current_revisions(db.engine))
    expected = sorted(schema_heads())
    if current != expected:
        problems.append(f"结构版本 {current} 与程序的 {expected} 不一致")
    return CheckReport(
        ok=not problems,
        integrity=problems,
        schema=current,
        expected_schema=expected,
        counts=counts,
        deleted=deleted,
        station=f"{station_row[0]} {station_row[1]}" if station_row else "",
    )

"""The simulation's checks: do a station and HQ agree on every record they share (the agreement digests,
and row by row), did every change land or stand in a list a person sees, and does every node's journal
rebuild its tables (DESIGN.md "Sync by packages", docs/simulation.md)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import col

from models.audit import Change
from models.base import jsonable
from models.database import Database, open_database
from models.journal import journal_writing, replay
from models.sync.tables import SyncConflict, SyncQuarantine, SyncWaiting
from models.tables import travelling_tables

Rows = dict[str, dict[str, Any]]  # record id -> column -> value


@dataclass(frozen=True)
class Disagreement:
    """The first difference found: where, and each side's value."""

    check: str  # "digest", "rows", "journal", "accounting"
    table: str
    record_id: str
    column: str
    values: Mapping[str, Any]  # node -> value

    def line(self) -> str:
        shown = "；".join(f"{node}={value!r}" for node, value in self.values.items())
        return f"[{self.check}] 表 {self.table} 记录 {self.record_id} 字段 {self.column}：{shown}"


# ------------------------------------------------------------------------------------------ reading
def table_rows(connection: Connection, table_name: str, where: Any = None) -> Rows:
    """A table's rows by id, every column as a JSON value (alike on SQLite and PostgreSQL)."""
    table = travelling_tables()[table_name].__table__  # type: ignore[attr-defined]
    query = select(table) if where is None else select(table).where(where(table))
    return {
        str(row["id"]): {key: jsonable(value) for key, value in row.items()}
        for row in (r._mapping for r in connection.execute(query))
    }


def first_difference(
    check: str, table: str, left: tuple[str, Rows], right: tuple[str, Rows]
) -> Disagreement | None:
    """The first record (by id) or column whose values differ between two nodes' rows."""
    (left_name, left_rows), (right_name, right_rows) = left, right
    for record_id in sorted(set(left_rows) | set(right_rows)):
        one, other = left_rows.get(record_id), right_rows.get(record_id)
        if one is None or other is None:
            return Disagreement(
                check,
                table,
                record_id,
                "(整条记录)",
                {left_name: "有" if one else "没有", right_name: "有" if other else "没有"},
            )
        for column in sorted(set(one) | set(other)):
            if one.get(column) != other.get(column):
                return Disagreement(
                    check,
                    table,
                    record_id,
                    column,
                    {left_name: one.get(column), right_name: other.get(column)},
                )
    return None


# ---------------------------------------------------------------------------------- shared records
def shared_rows(
    db: Database, station: str, hq_code: str, hq_kinds: Iterable[str], leave_out: set[tuple[str, str]]
) -> dict[str, Rows]:
    """Every record a station and HQ share, as this node holds it: the station's own records and HQ's
    reference data, less those quarantined on either side (as the digests count them)."""
    reference = set(hq_kinds)
    found: dict[str, Rows] = {}
    with db.engine.connect() as connection:
        for kind in sorted(travelling_tables()):
            owners = {station, hq_code} if kind in reference else {station}
            rows = table_rows(connection, kind, lambda table, owners=owners: table.c.station_code.in_(owners))
            found[kind] = {i: row for i, row in rows.items() if (kind, i) not in leave_out}
    return found


def compare_shared(
    station: tuple[str, dict[str, Rows]], hq: tuple[str, dict[str, Rows]]
) -> Disagreement | None:
    for kind in sorted(station[1]):
        found = first_difference("rows", kind, (station[0], station[1][kind]), (hq[0], hq[1].get(kind, {})))
        if found is not None:
            return found
    return None


def compare_digests(station: str, ours: Mapping[str, str], theirs: Mapping[str, str]) -> Disagreement | None:
    for bucket in sorted(set(ours) | set(theirs)):
        if ours.get(bucket) != theirs.get(bucket):
            return Disagreement(
                "digest", bucket, "", "(摘要)", {station: ours.get(bucket), "HQ": theirs.get(bucket)}
            )
    return None


# ------------------------------------------------------------------------------------- accounting
@dataclass
class Accounts:
    """Where every change made in the run ended up."""

    made: int = 0
    at_hq: int = 0
    conflict_losers: int = 0
    waiting: int = 0
    quarantined: int = 0
    lost_to_restore: int = 0  # made at a station after its backup, never sent before the restore
    missing: list[str] = field(default_factory=list)


def change_ids(db: Database, *, own: bool) -> set[str]:
    with db.reading() as session:
        query = select(col(Change.id))
        if own:
            query = query.where(col(Change.received_in).is_(None))
        return set(session.scalars(query))


def listed_ids(db: Database) -> tuple[set[str], set[str], set[str]]:
    """(conflict losers, waiting, quarantined) change ids at a node."""
    with db.reading() as session:
        losers = set(session.scalars(select(col(SyncConflict.loser_change))))
        waiting = set(session.scalars(select(col(SyncWaiting.change_id))))
        quarantined = set(session.scalars(select(col(SyncQuarantine.change_id))))
    return losers, waiting, quarantined


def account(made: set[str], restored_away: set[str], hq: Database, nodes: Iterable[Database]) -> Accounts:
    """Every change made anywhere is in HQ's log, or a conflict's loser, or waiting or quarantined at
    some node; one a restore took from its station before it ever left is counted apart."""
    at_hq = change_ids(hq, own=False)
    losers: set[str] = set()
    waiting: set[str] = set()
    quarantined: set[str] = set()
    for db in nodes:
        one, two, three = listed_ids(db)
        losers |= one
        waiting |= two
        quarantined |= three
    accounts = Accounts(made=len(made))
    for change_id in sorted(made):
        if change_id in at_hq:
            accounts.at_hq += 1
        elif change_id in losers:
            accounts.conflict_losers += 1
        elif change_id in waiting:
            accounts.waiting += 1
        elif change_id in quarantined:
            accounts.quarantined += 1
        elif change_id in restored_away:
            accounts.lost_to_restore += 1
        else:
            accounts.missing.append(change_id)
    return accounts


# ---------------------------------------------------------------------------------------- journal
class ReplayTemplates:
    """Empty migrated databases to replay a node's log into (made once, copied for each check)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.station = folder / "empty-station.sqlite"
        self.hq = folder / "empty-hq.sqlite"
        self.copies = 0
        if not self.station.exists():
            open_database(self.station).close()
            shutil.copyfile(self.station, self.hq)
            from models.sync.hq_schema import widen_for_hq

            db = open_database(self.hq)
            with db.engine.begin() as connection, journal_writing(connection):
                widen_for_hq(connection)
            db.close()

    def fresh(self, hq: bool) -> Database:
        """A copy of the empty schema under a name no other run (or process) sharing the folder uses."""
        self.copies += 1
        handle, name = tempfile.mkstemp(prefix="replay-", suffix=".sqlite", dir=self.folder)
        os.close(handle)
        target = Path(name)
        shutil.copyfile(self.hq if hq else self.station, target)
        return open_database(target)


def check_journal(name: str, db: Database, templates: ReplayTemplates, *, hq: bool) -> Disagreement | None:
    """The node's whole change log replayed into an empty schema rebuilds every travelling table."""
    with db.reading() as session:
        changes = list(session.scalars(select(Change).order_by(col(Change.seq))))
    fresh = templates.fresh(hq)
    try:
        with fresh.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            replay(connection, changes)
        with db.engine.connect() as mine, fresh.engine.connect() as rebuilt:
            for table in sorted(travelling_tables()):
                found = first_difference(
                    "journal",
                    table,
                    (name, table_rows(mine, table)),
                    (f"{name}（由日志重放）", table_rows(rebuilt, table)),
                )
                if found is not None:
                    return found
    finally:
        fresh.close()
        assert fresh.path is not None
        for path in fresh.path.parent.glob(fresh.path.name + "*"):
            path.unlink()
    return None

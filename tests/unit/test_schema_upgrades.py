"""A station file from every released schema upgrades to this program's schema and loses nothing.

The files in tests/data/schemas/ were written by each release's own program (tests/data/schemas/README.md
says how); they are copied, opened with :func:`models.database.open_database` (backup, then migrate) and
compared, row by row, with plain ``sqlite3`` reads of the untouched copy.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from desktop.services import entrepreneurs as svc
from desktop.services.check import check_database
from desktop.services.entrepreneur_list import ListQuery, count_entrepreneurs, search_ids
from desktop.services.station import default_actor, station_info
from models.database import connect, current_revisions, open_database
from models.schema import HEADS
from models.tables import travelling_tables
from tests.unit.test_journal import assert_replay_rebuilds

SCHEMAS = Path(__file__).parent.parent / "data" / "schemas"
# each file's Alembic revisions: one branch per area off 0001, and 0003 was committed before 0002
RELEASED: dict[str, set[str]] = {
    "0001": {"0001"},
    "0002": {"0002", "0003"},
    "0003": {"0003"},
    "0004": {"0002", "0003", "0004"},
    "0005": {"0002", "0003", "0004", "0005"},
    "0006": {"0002", "0003", "0004", "0005", "0006"},
}
STATION = ("330106001", "测试站")  # what make_schemas.py passes to `doorstep init`

# Tables and columns a migration drops or renames, so that the old rows cannot be found under the old
# name: (table, None) for a whole table, (table, column) for one column. 0007 drops change_log.undone_by:
# an undone operation is told by its compensating rows (``undoes``), which every undo already wrote.
DROPPED_OR_RENAMED: frozenset[tuple[str, str | None]] = frozenset({("change_log", "undone_by")})
# Old values a migration may fill in, by (table, column). None: 0007 adds baseline rows and edits none.
FILLED_IN: dict[tuple[str, str], frozenset[object]] = {}

Rows = dict[tuple[Any, ...], dict[str, Any]]


def read_tables(path: Path) -> dict[str, Rows]:
    """Every table's rows by primary key (rowid for a table without one), as stdlib sqlite3 reads them."""
    tables: dict[str, Rows] = {}
    with closing(connect(path, read_only=True)) as connection:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        names = [row[0] for row in connection.execute(sql)]
        for name in names:
            info = connection.execute(f'PRAGMA table_info("{name}")').fetchall()
            columns = [row[1] for row in info]
            key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5] > 0] or ["rowid"]
            selected = ", ".join(f'"{c}"' if c != "rowid" else "rowid" for c in [*key, *columns])
            rows: Rows = {}
            for values in connection.execute(f'SELECT {selected} FROM "{name}"'):
                rows[tuple(values[: len(key)])] = dict(zip(columns, values[len(key) :], strict=True))
            tables[name] = rows
    return tables


def sqlite_checks(path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    with closing(connect(path)) as connection:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    return integrity, foreign


def upgrade(name: str, tmp_path: Path) -> Path:
    """A copy of the released file, opened (backed up and migrated) and closed again."""
    station = tmp_path / "station.sqlite"
    shutil.copyfile(SCHEMAS / f"{name}.sqlite", station)
    open_database(station).close()
    return station


def test_every_released_schema_has_a_file() -> None:
    stored = sorted(path.stem for path in SCHEMAS.glob("*.sqlite"))
    assert stored == list(RELEASED)
    for name, revisions in RELEASED.items():
        path = SCHEMAS / f"{name}.sqlite"
        assert path.stat().st_size < 1_000_000
        assert not path.with_name(f"{name}.sqlite-wal").exists()
        with closing(connect(path, read_only=True)) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            found = {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
        assert found == revisions, name


@pytest.mark.parametrize("name", RELEASED)
def test_released_schema_upgrades_and_keeps_every_row(name: str, tmp_path: Path) -> None:
    source = SCHEMAS / f"{name}.sqlite"
    station = tmp_path / "station.sqlite"
    shutil.copyfile(source, station)
    before = read_tables(source)
    old_revisions = {key[0] for key in before["alembic_version"]}
    assert old_revisions == RELEASED[name]

    db = open_database(station)
    try:
        assert current_revisions(db.engine) == set(HEADS)
        # the station opens in the app's services and reports its records
        report = check_database(db, default_actor(db))
        assert report.ok, report.integrity
        assert report.station == " ".join(STATION)
        assert sorted(report.schema) == sorted(HEADS)
        for table, rows in before.items():
            if table != "alembic_version" and (table, None) not in DROPPED_OR_RENAMED:
                assert report.counts.get(table, 0) >= len(rows), table
        info = station_info(db)
        assert info is not None and (info.code, info.name) == STATION
        actor = default_actor(db)
        people = before["entrepreneur"]
        live = sorted(key[0] for key, row in people.items() if not row["deleted"])
        assert count_entrepreneurs(db, actor) == len(live)
        assert count_entrepreneurs(db, actor, recycle_bin=True) == len(people) - len(live)
        assert sorted(search_ids(db, actor, ListQuery())) == live
        first = people[(live[0],)]
        assert live[0] in search_ids(db, actor, ListQuery(text=first["name"]))  # builds the search index
        one = svc.get_file(db, actor, entrepreneur_id=live[0])
        assert (one.name, one.id_number) == (first["name"], first["id_number"])
    finally:
        db.close()

    backups = list((tmp_path / "backups").glob("*.sqlite"))
    if old_revisions == set(HEADS):  # the newest release's file while it is this program's schema
        assert backups == []
    else:
        assert len(backups) == 1
        assert "+".join(sorted(old_revisions)) in backups[0].name
        assert read_tables(backups[0]) == before  # the backup is the file as it was

    after = read_tables(station)
    assert {key[0] for key in after["alembic_version"]} == set(HEADS)
    lost: list[str] = []
    for table, rows in before.items():
        if table == "alembic_version" or (table, None) in DROPPED_OR_RENAMED:
            continue
        assert table in after, f"table {table} is gone"
        new_rows = after[table]
        columns = [c for c in next(iter(rows.values()), {}) if (table, c) not in DROPPED_OR_RENAMED]
        for key, old in rows.items():
            new = new_rows.get(key)
            if new is None:
                lost.append(f"{table} {key}: row is gone")
                continue
            for column in columns:
                if column not in new:
                    lost.append(f"{table}.{column}: column is gone")
                elif new[column] != old[column] and old[column] not in FILLED_IN.get((table, column), ()):
                    lost.append(f"{table} {key}.{column}: {old[column]!r} became {new[column]!r}")
    assert not lost, "\n".join(lost[:20])

    integrity, foreign = sqlite_checks(station)
    assert integrity == ["ok"]
    assert foreign == []


@pytest.mark.parametrize("name", RELEASED)
def test_every_record_has_a_complete_baseline_change(name: str, tmp_path: Path) -> None:
    """After the upgrade every travelling record has a complete change holding its values — a 'create'
    made by the journal, or the 'baseline' 0007 writes with every column — the change log has a ``seq``
    column of distinct integers (the order in which changes were made, for sync), and replaying the
    log from an empty schema rebuilds every travelling table exactly."""
    station = upgrade(name, tmp_path)
    after = read_tables(station)
    changes = after["change_log"]
    assert changes
    created: set[tuple[str, str]] = set()
    for row in changes.values():
        if row["action"] in ("create", "baseline") and row["changes"] and json.loads(row["changes"]):
            created.add((row["record_kind"], row["record_id"]))
    missing: Counter[str] = Counter()
    for table in travelling_tables():
        for row in after.get(table, {}).values():
            if (table, row["id"]) not in created:
                missing[table] += 1
    problems = [f"records without a complete 'create' change, by table: {dict(missing)}"] if missing else []
    if not all("seq" in row for row in changes.values()):
        problems.append("change_log has no seq column")
    else:
        seqs = [row["seq"] for row in changes.values()]
        if not all(type(seq) is int for seq in seqs):
            problems.append("change_log.seq holds values that are not integers")
        elif len(set(seqs)) != len(seqs):
            problems.append("change_log.seq values repeat")
    assert not problems, "\n".join(problems)
    db = open_database(station)
    try:
        assert_replay_rebuilds(db, tmp_path / "replayed.sqlite")
    finally:
        db.close()

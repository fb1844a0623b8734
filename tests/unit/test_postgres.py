"""HQ on a real PostgreSQL server: the same migrations, services, bulk path, guard and replay as on a
station's SQLite file (issue 13, "PostgreSQL for real"; the server is tests/postgres.py's)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, inspect, select, text
from sqlmodel import col
from sqlmodel import select as orm_select

from desktop.services import entrepreneurs as svc
from desktop.services.station import DEFAULT_USER, init_station, operator
from models.audit import Actor, Change, Operation
from models.base import china_today
from models.database import Database, current_revisions, make_engine, open_database, schema_heads
from models.entrepreneur import Entrepreneur, Venture, validate_person
from models.errors import DatabaseError
from models.journal import JournalViolation, replay
from models.station import StationSetting
from models.tables import metadata, travelling_tables
from tests.conftest import STATION_CODE, STATION_NAME
from tests.postgres import SKIP_REASON, PostgresServer, pg_available, pg_bin_dir
from tests.unit.test_entrepreneur_services import person, valid_uscc, venture

LI_SI = "110101199003074477"


@pytest.fixture
def hq(pg_db_url: str) -> Iterator[Database]:
    database = open_database(pg_db_url)
    init_station(database, operator(), code=STATION_CODE, name=STATION_NAME)
    yield database
    database.close()


@pytest.fixture
def hq_actor() -> Actor:
    # default_actor() reads the station through the raw sqlite3 reader, which a server has not
    return Actor(user_name=DEFAULT_USER, station_code=STATION_CODE)


@pytest.fixture
def empty_url(pg_server: PostgresServer) -> Iterator[str]:
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


def rows_of(db: Database, table: str) -> list[tuple[Any, ...]]:
    with db.reading() as session:
        found = metadata.tables[table]
        return [tuple(row) for row in session.execute(select(found).order_by(found.c.id))]


def test_the_newest_debian_binaries_are_found_unless_a_folder_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    debian = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "pg_ctl").exists()]
    if not debian:
        pytest.skip(SKIP_REASON)
    newest = max(debian, key=lambda path: int(path.parent.name.split(".")[0]))
    monkeypatch.delenv("DOORSTEP_PG_BIN", raising=False)
    assert pg_bin_dir() == newest and pg_available()
    monkeypatch.setenv("DOORSTEP_PG_BIN", str(tmp_path))  # no binaries there: not taken
    assert pg_bin_dir() == newest


def test_an_empty_database_gets_every_table_and_a_second_open_changes_nothing(
    empty_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="models.database"):
        db = open_database(empty_url)
    assert any(record.getMessage().startswith("migrating") for record in caplog.records)
    try:
        assert current_revisions(db.engine) == schema_heads()
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == set(metadata.tables) | {"alembic_version"}
    finally:
        db.close()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="models.database"):
        again = open_database(empty_url)
    again.close()
    assert not [record for record in caplog.records if record.getMessage().startswith("migrating")]


def test_the_migrations_build_the_models_schema_on_the_server(pg_db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db = open_database(pg_db_url)
    try:
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    finally:
        db.close()


def test_the_schema_is_the_station_files_schema(pg_db_url: str, template_db: Path) -> None:
    def shape(url_or_path: str | Path) -> dict[str, list[tuple[str, bool]]]:
        engine, _ = make_engine(url_or_path)
        try:
            with engine.connect() as connection:
                found = inspect(connection)
                return {
                    table: [(c["name"], bool(c["nullable"])) for c in found.get_columns(table)]
                    for table in sorted(found.get_table_names())
                }
        finally:
            engine.dispose()

    server, station = shape(pg_db_url), shape(template_db)
    assert list(server) == list(station)
    for table in station:
        assert server[table] == station[table], table


def test_a_postgresql_url_means_psycopg_3_with_a_lock_timeout(pg_db_url: str) -> None:
    plain = pg_db_url.replace("postgresql+psycopg://", "postgresql://")
    db = open_database(plain)
    try:
        assert db.engine.dialect.driver == "psycopg" and db.path is None
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW lock_timeout").scalar() == "5s"
            assert connection.exec_driver_sql("SHOW application_name").scalar() == "doorstep"
        with pytest.raises(DatabaseError, match="SQLite"), db.raw():
            pass
    finally:
        db.close()


def test_an_unreachable_server_is_a_clear_error_without_the_password(pg_server: PostgresServer) -> None:
    url = f"postgresql://doorstep:secret@/none?host={pg_server.root / 'missing'}"
    with pytest.raises(DatabaseError, match="无法打开数据库") as refused:
        open_database(url)
    assert "secret" not in str(refused.value)


def test_the_services_keep_files_as_on_a_station(hq: Database, hq_actor: Actor, db: Database) -> None:
    """The same service calls on the server and on a station file: the same file, the same log."""
    station_actor = Actor(user_name=DEFAULT_USER, station_code=STATION_CODE)

    def work(target: Database, actor: Actor) -> tuple[Any, ...]:
        made = svc.create_entrepreneur(
            target, actor, person=person(), ventures=[venture(credit_code=valid_uscc("92330106MA2H4K5X1"))]
        )
        svc.update_entrepreneur(target, actor, entrepreneur_id=made, person=person(phone="13900001111"))
        file = svc.get_file(target, actor, entrepreneur_id=made)
        history = [
            (line.label, line.action, [field for field in line.fields if made not in field])
            for line in svc.file_history(target, actor, entrepreneur_id=made)
        ]
        with target.reading() as session:
            log = [
                (c.record_kind, c.action, c.base_version, c.version, sorted(c.changes))
                for c in session.exec(orm_select(Change).order_by(col(Change.seq)))
            ]
        shown = (file.name, file.phone, file.case_number, file.birth_date, file.stage, len(file.ventures))
        return shown, history, log

    on_server = work(hq, hq_actor)
    assert on_server == work(db, station_actor)
    assert on_server[0][1:4] == (
        "13900001111",
        f"{STATION_CODE}-{china_today().year}-00001",
        date(1990, 1, 1),
    )


def test_the_bulk_path_writes_records_and_change_rows(hq: Database, hq_actor: Actor) -> None:
    rows = []
    for index in range(3):
        body = f"11010119900307{447 + index}"
        from stdnum.cn import ric

        row = dict(validate_person(person(id_number=body + ric.calc_check_digit(body + "0"))).column_values())
        row.update(case_number=f"{STATION_CODE}-2026-0999{index}", name_pinyin="zhangsan", current_stage=None)
        rows.append(row)
    with hq.transaction() as session:
        made = Operation(session, hq_actor, "批量").create_many(Entrepreneur, rows, subject_ids=made_ids(3))
    with hq.reading() as session:
        stored = [session.get(Entrepreneur, record_id) for record_id in made]
        changes = list(session.exec(orm_select(Change).order_by(col(Change.seq))))
    assert [record.id_number for record in stored if record is not None] == [r["id_number"] for r in rows]
    assert [change.record_id for change in changes] == made
    assert [change.seq for change in changes] == [1, 2, 3]
    assert changes[0].changes["birth_date"] == [None, "1990-03-07"]


def made_ids(count: int) -> list[str | None]:
    return [None] * count


def test_times_and_json_come_back_as_they_went(hq: Database, hq_actor: Actor) -> None:
    moments = [
        datetime(2025, 1, 5, 13, 25, tzinfo=timezone(timedelta(hours=8))),
        datetime(2025, 1, 5, 5, 25, 0, 1, tzinfo=UTC),
    ]
    rows = []
    for index, moment in enumerate(moments):
        row = dict(validate_person(person(id_number=[LI_SI, "33010619900101123X"][index])).column_values())
        row.update(case_number=f"{STATION_CODE}-2026-0888{index}", name_pinyin="x", current_stage=None)
        rows.append({**row, "created_at": moment})
    value = {"名称": "文新", "list": [1, 2.5, None, True], "nested": {"a": "b"}}
    with hq.transaction() as session:
        made = Operation(session, hq_actor, "批量").create_many(Entrepreneur, rows, subject_ids=made_ids(2))
        session.add(StationSetting(key="k", value=value))
    with hq.reading() as session:
        back = [session.get(Entrepreneur, record_id) for record_id in made]
        setting = session.get(StationSetting, "k")
        stored = session.execute(text("SELECT created_at::text FROM entrepreneur ORDER BY created_at")).all()
        change = session.exec(orm_select(Change).where(Change.record_id == made[0])).one()
    assert [record.created_at for record in back if record is not None] == moments
    assert all(record is not None and record.created_at.tzinfo is UTC for record in back)
    assert [row[0] for row in stored] == ["2025-01-05 05:25:00", "2025-01-05 05:25:00.000001"]
    assert setting is not None and setting.value == value
    assert change.at == moments[0] and change.changes["name"] == [None, "张三"]


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO entrepreneur (id) VALUES ('x')",
        "insert into \"venture\" (id) values ('x')",
        "UPDATE entrepreneur SET name = ''",
        "DELETE FROM change_log",
        "INSERT INTO public.entrepreneur (id) VALUES ('x')",
        "UPDATE ONLY venture SET name = ''",
        "TRUNCATE TABLE entrepreneur CASCADE",
        "truncate change_log",
        "MERGE INTO venture v USING venture w ON v.id = w.id WHEN MATCHED THEN DELETE",
    ],
)
def test_a_direct_write_of_a_travelling_table_is_refused(
    hq: Database, hq_actor: Actor, statement: str
) -> None:
    svc.create_entrepreneur(hq, hq_actor, person=person())
    before = rows_of(hq, "entrepreneur"), rows_of(hq, "change_log")
    with pytest.raises(JournalViolation), hq.transaction() as session:
        session.connection().exec_driver_sql(statement)
    with pytest.raises(JournalViolation), hq.transaction() as session:
        session.execute(insert(Venture), [{"id": "x"}])
    assert (rows_of(hq, "entrepreneur"), rows_of(hq, "change_log")) == before


def test_replay_rebuilds_every_travelling_table_exactly(
    hq: Database, hq_actor: Actor, pg_server: PostgresServer
) -> None:
    zhang = svc.create_entrepreneur(
        hq, hq_actor, person=person(), ventures=[venture(credit_code=valid_uscc("92330106MA2H4K5X1"))]
    )
    svc.update_entrepreneur(
        hq, hq_actor, entrepreneur_id=zhang, person=person(phone="13900001111"), ventures=[]
    )
    other = svc.create_entrepreneur(hq, hq_actor, person=person(id_number=LI_SI, name="李四"))
    svc.delete_entrepreneur(hq, hq_actor, entrepreneur_id=other)
    svc.restore_entrepreneur(hq, hq_actor, entrepreneur_id=other)
    svc.undo_last_change(hq, hq_actor, entrepreneur_id=zhang)
    with hq.reading() as session:
        changes = list(session.exec(orm_select(Change).order_by(col(Change.seq))))
    name = pg_server.migrated_database()
    fresh = open_database(pg_server.url(name))
    try:
        with fresh.engine.begin() as connection:
            assert replay(connection, changes) == len(changes)
        for table in travelling_tables():
            assert rows_of(fresh, table) == rows_of(hq, table), table
        assert rows_of(hq, "entrepreneur") and rows_of(hq, "venture")
    finally:
        fresh.close()
        pg_server.drop_database(name)


def test_processes_opening_a_new_database_together_migrate_it_once(empty_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def opened(_: int) -> set[str]:
        db = open_database(empty_url)
        try:
            return current_revisions(db.engine)
        finally:
            db.close()

    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(opened, range(3))) == [schema_heads()] * 3


def test_indexes_are_not_deferred_on_a_server(hq: Database, hq_actor: Actor) -> None:
    from models.journal import indexes_deferred

    def indexes() -> list[tuple[str, str]]:
        with hq.engine.connect() as connection:
            query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
            return [(row[0], row[1]) for row in connection.exec_driver_sql(query)]

    before = indexes()
    assert any(name == "ix_change_log_undoes" and "WHERE" in sql for name, sql in before)  # partial
    with hq.transaction() as session, indexes_deferred(session.connection(), ["change_log", "entrepreneur"]):
        assert indexes() == before  # another connection sees every index while the bulk write runs
        svc.create_entrepreneur_in(session, hq_actor, validate_person(person()))
    assert indexes() == before


def test_the_bulk_copy_outside_the_journal_is_refused(hq: Database) -> None:
    from models.journal import insert_columns

    with pytest.raises(JournalViolation, match="COPY"), hq.transaction() as session:
        insert_columns(session.connection(), "change_log", ["id"], [("x",)])
    with hq.transaction() as session:  # a table that does not travel is the caller's to fill
        insert_columns(session.connection(), "station_setting", ["key", "value"], [("k", {"v": [1]})])
    with hq.reading() as session:
        setting = session.get(StationSetting, "k")
    assert setting is not None and setting.value == {"v": [1]}


def test_the_journal_migration_numbers_and_baselines_rows_on_a_server(empty_url: str) -> None:
    """Migration 0007 on a server holding rows from before it (PostgreSQL has no rowid)."""
    from alembic import command

    from models.database import alembic_config
    from models.journal import journal_writing

    engine, _ = make_engine(empty_url)
    try:
        with engine.begin() as connection, journal_writing(connection):
            for branch_head in ("0002", "0003", "0004", "0005", "0006"):  # every head before 0007
                command.upgrade(alembic_config(connection), branch_head)
            station = {"code": STATION_CODE, "name": "站", "created_at": datetime.now(UTC), "is_demo": False}
            put(connection, "station", station)
            mentor = {"id": "m1", "station_code": STATION_CODE, "created_at": datetime.now(UTC), "version": 3}
            mentor.update(updated_at=datetime(2026, 1, 2, 3, 4, 5), updated_by="u", deleted=False, name="王")
            mentor.update(name_pinyin="wang", phone="", organisation="", kind="mentor", expertise=0)
            mentor.update(service_regions="", active=True, user_name="", source="local", notes="")
            put(connection, "mentor", mentor)
            for number, day in ((1, date(2026, 1, 1)), (2, date(2025, 12, 31))):
                change: dict[str, Any] = {"id": f"c{number}", "operation_id": "o", "user_name": "u"}
                change.update(at=datetime(day.year, day.month, day.day), station_code=STATION_CODE)
                change.update(
                    record_kind="mentor", record_id="m1", action="update", changes="{}", operation_label=""
                )
                put(connection, "change_log", {**change, "base_version": 0, "version": 1})
    finally:
        engine.dispose()
    db = open_database(empty_url)
    try:
        assert current_revisions(db.engine) == schema_heads()
        with db.reading() as session:
            log = list(session.exec(orm_select(Change).order_by(col(Change.seq))))
    finally:
        db.close()
    assert [(c.id, c.seq) for c in log[:2]] == [("c2", 1), ("c1", 2)]  # in time order
    (baseline,) = log[2:]
    assert (baseline.seq, baseline.action, baseline.record_id, baseline.version) == (3, "baseline", "m1", 3)
    assert baseline.at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert baseline.changes["name"] == [None, "王"] and baseline.changes["active"] == [None, True]


def put(connection: Any, table: str, row: dict[str, Any]) -> None:
    """A row as a released schema's program wrote it (its own columns, by plain SQL)."""
    names = ", ".join(row)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + k for k in row)})"), row)

"""The journal: complete, append-only, numbered change rows; undo by compensation; the write guard;
the bulk path; and replay from an empty schema (DESIGN.md "The journal")."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlmodel import col, select

from desktop.services import entrepreneurs as svc
from models.audit import Actor, Change, ChangeAction, Operation
from models.database import Database, connect, open_database
from models.entrepreneur import Entrepreneur, Venture, validate_person
from models.journal import JournalViolation, guarded_tables, replay
from models.tables import travelling_tables
from tests.unit.test_entrepreneur_services import person, valid_uscc, venture

LI_SI = "110101199003074477"


def log_rows(db: Database) -> list[tuple[object, ...]]:
    assert db.path is not None
    with closing(connect(db.path, query_only=True)) as raw:
        return raw.execute("SELECT * FROM change_log ORDER BY seq").fetchall()


def changes_of(db: Database) -> list[Change]:
    with db.reading() as session:
        return list(session.exec(select(Change).order_by(col(Change.seq))).all())


def table_rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with closing(connect(path, query_only=True)) as raw:
        return raw.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


@pytest.fixture
def zhang(db: Database, actor: Actor) -> str:
    return svc.create_entrepreneur(
        db, actor, person=person(), ventures=[venture(credit_code=valid_uscc("92330106MA2H4K5X1"))]
    )


def test_a_create_logs_every_field_and_numbers_the_rows(db: Database, zhang: str) -> None:
    changes = changes_of(db)
    assert [c.seq for c in changes] == list(range(changes[0].seq, changes[0].seq + len(changes)))
    created = next(c for c in changes if c.record_kind == "entrepreneur")
    assert created.action == ChangeAction.CREATE and created.base_version == 0 and created.version == 1
    with db.reading() as session:
        record = session.get(Entrepreneur, zhang)
        assert record is not None
        assert created.at == record.created_at == record.updated_at
    logged = {key: pair[1] for key, pair in created.changes.items()}
    assert logged["name"] == "张三" and logged["id_number"] == person()["id_number"]
    assert logged["birth_date"] == "1990-01-01" and logged["name_pinyin"] and logged["case_number"]
    assert {c.operation_id for c in changes} == {created.operation_id}  # one undo step


def test_updates_and_deletes_log_before_after_and_the_version_they_were_based_on(
    db: Database, actor: Actor, zhang: str
) -> None:
    svc.update_entrepreneur(db, actor, entrepreneur_id=zhang, person=person(phone="13900001111"))
    svc.delete_entrepreneur(db, actor, entrepreneur_id=zhang)
    mine = [c for c in changes_of(db) if c.record_id == zhang]
    update, delete = mine[-2], mine[-1]
    assert update.changes["phone"] == ["13812345678", "13900001111"]
    assert (update.base_version, update.version) == (1, 2)
    assert delete.action == ChangeAction.DELETE and delete.changes == {"deleted": [False, True]}
    assert (delete.base_version, delete.version) == (2, 3)


def test_undo_appends_compensating_rows_and_never_edits_an_old_one(
    db: Database, actor: Actor, zhang: str
) -> None:
    svc.update_entrepreneur(db, actor, entrepreneur_id=zhang, person=person(phone="13900001111"))
    before = log_rows(db)
    assert svc.undo_last_change(db, actor, entrepreneur_id=zhang) is not None
    after = log_rows(db)
    assert after[: len(before)] == before  # every earlier row exactly as it was
    undo_rows = after[len(before) :]
    assert undo_rows and all(row[0] not in {r[0] for r in before} for row in undo_rows)
    history = svc.file_history(db, actor, entrepreneur_id=zhang)
    assert history[0].label.startswith("撤销") and not history[0].undone
    assert history[1].undone  # the edit shows as undone, told by the compensating rows alone
    with db.reading() as session:
        record = session.get(Entrepreneur, zhang)
        assert record is not None and record.phone == "13812345678" and record.version == 3


def test_a_record_changed_outside_the_unit_of_work_is_refused_and_nothing_is_written(
    db: Database, zhang: str
) -> None:
    before = log_rows(db)
    with pytest.raises(JournalViolation, match="工作单元之外"), db.transaction() as session:
        record = session.get(Entrepreneur, zhang)
        assert record is not None
        record.phone = "13700000000"
    with pytest.raises(JournalViolation, match="墓碑"), db.transaction() as session:
        session.delete(session.get(Entrepreneur, zhang))
    with pytest.raises(JournalViolation, match="只能追加"), db.transaction() as session:
        row = session.exec(select(Change)).first()
        assert row is not None
        row.operation_label = "改过"
    with db.reading() as session:
        stored = session.get(Entrepreneur, zhang)
        assert stored is not None and stored.phone == "13812345678" and not stored.deleted
    assert log_rows(db) == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE entrepreneur SET phone = '13700000000'",
        "DELETE FROM venture",
        "INSERT INTO change_log (id) VALUES ('x')",
        "  update  OR REPLACE training_class SET title = ''",
    ],
)
def test_raw_sql_on_a_travelling_table_is_refused(db: Database, zhang: str, statement: str) -> None:
    before = log_rows(db)
    with pytest.raises(JournalViolation), db.transaction() as session:
        session.connection().exec_driver_sql(statement)
    assert log_rows(db) == before


def test_a_core_insert_outside_the_journal_is_refused(db: Database, actor: Actor, zhang: str) -> None:
    with pytest.raises(JournalViolation), db.transaction() as session:
        session.execute(insert(Venture), [{"id": "x"}])


def test_every_travelling_table_is_guarded() -> None:
    assert set(travelling_tables()) | {"change_log"} == guarded_tables()
    assert "entrepreneur_search" not in guarded_tables()  # derived: rebuilt, not journaled


def test_the_bulk_path_writes_complete_rows_as_the_orm_would(db: Database, actor: Actor) -> None:
    row = dict(validate_person(person(id_number=LI_SI, name="李四")).column_values())
    row.update(case_number="330106001-2026-09999", name_pinyin="lisi", current_stage=None)
    with db.transaction() as session:
        operation = Operation(session, actor, "批量")
        (made,) = operation.create_many(Entrepreneur, [row], subject_ids=[None])
    with db.reading() as session:
        stored = session.get(Entrepreneur, made)
        assert stored is not None and stored.name == "李四" and stored.version == 1
        change = session.exec(select(Change).where(Change.record_id == made)).one()
    assert change.changes["id_number"] == [None, LI_SI] and change.at == stored.created_at
    assert change.user_name == stored.updated_by == actor.user_name


def test_replaying_the_log_into_an_empty_schema_rebuilds_every_travelling_table(
    db: Database, actor: Actor, zhang: str, tmp_path: Path
) -> None:
    svc.update_entrepreneur(db, actor, entrepreneur_id=zhang, person=person(phone="13900001111"), ventures=[])
    other = svc.create_entrepreneur(db, actor, person=person(id_number=LI_SI, name="李四"))
    svc.delete_entrepreneur(db, actor, entrepreneur_id=other)
    svc.restore_entrepreneur(db, actor, entrepreneur_id=other)
    svc.undo_last_change(db, actor, entrepreneur_id=zhang)
    assert_replay_rebuilds(db, tmp_path / "replayed.sqlite")


def assert_replay_rebuilds(db: Database, target: Path) -> None:
    """Replay ``db``'s whole log into a fresh schema and compare every travelling table row by row."""
    assert db.path is not None
    fresh = open_database(target)
    try:
        with fresh.engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            replay(connection, changes_of(db))
        for table in travelling_tables():
            assert table_rows(target, table) == table_rows(db.path, table), table
    finally:
        fresh.close()


def test_no_code_outside_the_journal_reaches_the_driver_to_write() -> None:
    """A raw executemany on the driver's cursor would pass the engine's guard unseen: only the journal
    and migrations may run one."""
    root = Path(__file__).resolve().parents[2]
    allowed = {root / "models" / "journal.py"}
    offenders = []
    for folder in ("models", "desktop", "reports", "ui"):
        for path in (root / folder).rglob("*.py"):
            if path in allowed or "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            for needle in (
                "driver_connection",
                "executemany(",
                'exec_driver_sql("INSERT',
                "exec_driver_sql(sql",
            ):
                if needle in source:
                    offenders.append(f"{path.relative_to(root)}: {needle}")
    assert offenders == []


@pytest.fixture
def raw(db: Database) -> Iterator[sqlite3.Connection]:
    assert db.path is not None
    with closing(connect(db.path, query_only=True)) as connection:
        yield connection


def test_the_sequence_is_unique_and_increases_across_transactions(
    db: Database, actor: Actor, zhang: str, raw: sqlite3.Connection
) -> None:
    svc.update_entrepreneur(db, actor, entrepreneur_id=zhang, person=person(phone="13900001111"))
    seqs = [row[0] for row in raw.execute("SELECT seq FROM change_log ORDER BY rowid")]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    with db.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM change_log")).scalar_one() == len(seqs)


def test_ids_for_a_bulk_write_are_uuid7_unique_and_in_order() -> None:
    import uuid

    from models.base import new_ids

    first, second = new_ids(3000), new_ids(3000)
    together = first + second
    assert len(set(together)) == 6000 and first == sorted(first) and second == sorted(second)
    assert all(uuid.UUID(i).version == 7 and uuid.UUID(i).variant == uuid.RFC_4122 for i in together)
    assert new_ids(0) == []


def test_bulk_times_and_dates_are_stored_as_the_orm_stores_them(db: Database, actor: Actor) -> None:
    """The bulk path formats many different times and dates itself: the text must be SQLAlchemy's, to
    the microsecond (zero microseconds included), and a naive time is refused as the ORM refuses it."""
    from datetime import UTC, datetime, timedelta, timezone

    from sqlalchemy import Date
    from sqlalchemy.dialects import sqlite
    from stdnum.cn import ric

    from models.base import UTCDateTime

    dialect = sqlite.dialect()
    time_text = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    date_text = Date().dialect_impl(dialect).bind_processor(dialect)
    assert time_text is not None and date_text is not None
    moments = [
        datetime(2025, 1, 5, 13, 25, tzinfo=timezone(timedelta(hours=8))),
        datetime(2025, 1, 5, 5, 25, 0, 1, tzinfo=UTC),
        datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ]
    rows = []
    for index, moment in enumerate(moments):
        body = f"11010119900307{447 + index}"
        number = body + ric.calc_check_digit(body + "0")  # python-stdnum reads 18 characters
        row = dict(validate_person(person(id_number=number, name="李四")).column_values())
        row.update(case_number=f"330106001-2026-0999{index}", name_pinyin="lisi", current_stage=None)
        row.update(created_at=moment, birth_date=(moment - timedelta(days=9000 + index)).date())
        rows.append(row)
    with db.transaction() as session:
        made = Operation(session, actor, "批量").create_many(Entrepreneur, rows, subject_ids=[None] * 3)
    assert db.path is not None
    with closing(connect(db.path, query_only=True)) as raw:
        query = "SELECT created_at, updated_at, birth_date FROM entrepreneur WHERE id = ?"
        stored = [raw.execute(query, (record_id,)).fetchone() for record_id in made]
    assert [row[0] for row in stored] == [
        "2025-01-05 05:25:00.000000",
        "2025-01-05 05:25:00.000001",
        "2024-12-31 23:59:59.999999",
    ]
    for (created, updated, born), row in zip(stored, rows, strict=True):
        assert created == updated == time_text(row["created_at"])
        assert born == date_text(row["birth_date"])
    with db.reading() as session:
        assert [session.get(Entrepreneur, record_id).created_at for record_id in made] == moments  # type: ignore[union-attr]
    naive = dict(rows[0], created_at=datetime(2025, 1, 5, 5, 25), case_number="330106001-2026-09990")
    with pytest.raises(ValueError, match="naive"), db.transaction() as session:
        Operation(session, actor, "批量").create_many(Entrepreneur, [rows[1], naive], subject_ids=[None] * 2)


def test_the_log_keeps_chinese_text_as_itself(db: Database, zhang: str) -> None:
    assert db.path is not None
    with closing(connect(db.path, query_only=True)) as raw:
        (stored,) = raw.execute("SELECT changes FROM change_log WHERE record_id = ?", (zhang,)).fetchone()
    assert "张" in stored and "\\u" not in stored and ", " not in stored


def test_indexes_deferred_for_a_bulk_write_come_back_as_they_were(db: Database, zhang: str) -> None:
    from models.journal import indexes_deferred

    assert db.path is not None

    def indexes() -> list[tuple[str, str]]:
        with closing(connect(db.path or "", query_only=True)) as raw:
            return raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
            ).fetchall()

    before = indexes()
    assert any(name == "ix_change_log_subject_id" for name, _ in before)
    with db.transaction() as session, indexes_deferred(session.connection(), ["change_log", "entrepreneur"]):
        names = {row[0] for row in session.connection().exec_driver_sql("SELECT name FROM sqlite_master")}
        assert "ix_change_log_subject_id" not in names and "ix_entrepreneur_list" not in names
        assert "sqlite_autoindex_change_log_2" in names  # a unique index (seq) stays
    assert indexes() == before
    with (
        pytest.raises(RuntimeError, match="boom"),
        db.transaction() as session,
        indexes_deferred(session.connection(), ["change_log"]),
    ):
        raise RuntimeError("boom")
    assert indexes() == before

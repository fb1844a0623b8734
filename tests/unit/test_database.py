"""The one function that opens a database: settings, migrations, backups, refusals."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.services import entrepreneurs as svc
from desktop.services.entrepreneur_list import ListQuery, fetch_rows, search_ids
from desktop.services.station import default_actor, init_station, operator
from models.database import connect, current_revisions, open_database, schema_heads
from models.errors import DatabaseError
from models.schema import HEADS

DATA = Path(__file__).parent.parent / "data"


def test_connection_settings(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.sqlite")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.close()


def test_transaction_really_begins_and_rolls_back(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.sqlite")
    init_station(db, operator(), code="330106001", name="测试站")
    with pytest.raises(RuntimeError), db.transaction() as session:
        session.execute(text("UPDATE station SET name = '改了'"))
        raise RuntimeError("boom")
    with db.reading() as session:
        assert session.execute(text("SELECT name FROM station")).scalar() == "测试站"
    db.close()


def test_empty_database_migrates_to_heads(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.sqlite")
    assert current_revisions(db.engine) == schema_heads()
    db.close()


def test_the_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models.base import metadata

    db = open_database(tmp_path / "compare.sqlite")
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    db.close()


def test_the_heads_kept_as_data_are_the_migration_scripts_heads() -> None:
    """models.schema.HEADS lets a current file open without Alembic; a new migration must update it."""
    assert set(HEADS) == schema_heads()


def test_a_current_file_opens_without_loading_alembic_or_sqlalchemy(tmp_path: Path) -> None:
    path = tmp_path / "current.sqlite"
    open_database(path).close()
    code = (
        "import sys; from models.database import open_database; "
        f"db = open_database({str(path)!r}); "
        "print(sorted(m for m in ('alembic', 'sqlalchemy', 'sqlmodel') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_current_file_opens_by_a_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(tmp_path / "here.sqlite").close()
    monkeypatch.chdir(tmp_path)
    db = open_database("here.sqlite")
    assert current_revisions(db.engine) == schema_heads()
    db.close()


def test_a_file_that_is_not_a_database_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are not the droids" * 100)
    with pytest.raises(DatabaseError, match=r"notes\.sqlite"):
        open_database(path)
    assert path.read_bytes() == b"these are not the droids" * 100


def test_database_from_first_schema_upgrades_with_backup(tmp_path: Path) -> None:
    """tests/data/schema_0001.sqlite was saved by the first release's schema with two files in it."""
    copy = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "schema_0001.sqlite", copy)
    backups = tmp_path / "backups"
    db = open_database(copy, backup_dir=backups)
    assert current_revisions(db.engine) == schema_heads()
    actor = default_actor(db)
    ids = search_ids(db, actor, ListQuery(sort="case_number", descending=False))
    assert [row.name for row in fetch_rows(db, actor, ids)] == ["张三", "王𠮷"]
    svc.update_entrepreneur(
        db,
        actor,
        entrepreneur_id=ids[0],
        person=svc.get_file(db, actor, entrepreneur_id=ids[0]).form_values(),
    )
    db.close()
    if {"0001"} != schema_heads():  # a backup is taken only when there was something to migrate
        assert len(list(backups.glob("*.sqlite"))) == 1


def test_newer_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    open_database(path).close()
    with connect(path) as connection:
        connection.execute("DELETE FROM alembic_version")  # one row per head; a newer program left another
        connection.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="比本程序新"):
        open_database(path)
    assert path.read_bytes() == before


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="无法打开数据库"):
        open_database(path)


def test_missing_file_is_refused_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="不存在"):
        open_database(tmp_path / "nope.sqlite", create=False)

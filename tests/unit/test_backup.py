"""Backups (issue 12, 4): through SQLite's online backup API, consistent while the program writes,
the last N automatic ones kept, and a restore that checks the backup and backs up the current
database first — bad input refused in Chinese with the current database untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from stdnum.cn import ric

from desktop.services import entrepreneurs as svc
from desktop.services.backup import (
    AUTOMATIC,
    BackupError,
    automatic_backup,
    back_up,
    backup_due_today,
    backup_name,
    inspect_backup,
    prune,
    restore_backup,
)
from models.actor import Actor
from models.clock import utcnow
from models.database import Database, connect, integrity_problems, open_database
from tests.unit.test_entrepreneur_services import person
from tests.unit.test_journal import assert_replay_rebuilds


def id_number(serial: int) -> str:
    body = f"33010619900101{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def chinese_name(serial: int) -> str:
    return "王" + "".join("零一二三四五六七八九"[int(digit)] for digit in str(serial))


def names(path: Path) -> list[str]:
    with closing(connect(path, query_only=True)) as raw:
        return [row[0] for row in raw.execute("SELECT name FROM entrepreneur ORDER BY name")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_taken_while_the_program_writes_is_consistent_and_its_log_replays(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        serial = 0
        try:
            while not stop.is_set() and serial < 400:
                serial += 1
                made = svc.create_entrepreneur(
                    db, actor, person=person(name=chinese_name(serial), id_number=id_number(serial))
                )
                svc.update_entrepreneur(
                    db,
                    actor,
                    entrepreneur_id=made,
                    person=person(
                        name=chinese_name(serial), id_number=id_number(serial), phone="13900001111"
                    ),
                    ventures=[],
                )
                written.append(serial)
        except BaseException as error:  # reported below: a writer that failed proves nothing
            errors.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    backups = []
    try:
        while len(written) < 3 and thread.is_alive():
            thread.join(0.01)
        assert errors == []
        for number in range(4):
            backups.append(back_up(db, actor, out=tmp_path / f"b{number}.sqlite"))
            thread.join(0.05)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    counts = [info.entrepreneurs for info in backups]
    assert counts == sorted(counts) and counts[-1] > 0 and counts[0] < len(written)  # taken mid-writing
    for info in backups:
        assert integrity_problems(info.path) == []
        copy = open_database(info.path)
        try:
            assert copy.path is not None
            assert_replay_rebuilds(copy, tmp_path / f"replayed-{info.path.stem}.sqlite")
            # each person in a backup is whole: created and then updated in two operations, never half
            with closing(connect(copy.path, query_only=True)) as raw:
                assert raw.execute("SELECT count(*) FROM entrepreneur").fetchone()[0] == info.entrepreneurs
        finally:
            copy.close()


def test_a_backup_holds_what_is_still_in_the_wal_file(db: Database, actor: Actor, tmp_path: Path) -> None:
    assert db.path is not None
    svc.create_entrepreneur(db, actor, person=person(name="只在日志里"))
    wal = db.path.with_name(db.path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # committed, not yet checkpointed into the file
    info = back_up(db, actor, out=tmp_path)
    assert info.path.parent == tmp_path and info.path.name.startswith("330106001_备份_")
    assert names(info.path) == ["只在日志里"]
    assert not info.path.with_name(info.path.name + "-wal").exists()  # one file, for a USB stick


def test_automatic_backups_keep_the_last_n_and_know_whether_today_has_one(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    folder = tmp_path / "auto"
    assert backup_due_today(folder, "330106001")
    for days in (5, 4, 3, 2):  # older automatic backups, and one of another kind that is never pruned
        back_up(db, actor, out=folder / backup_name("330106001", AUTOMATIC, utcnow() - timedelta(days=days)))
    manual = back_up(db, actor, out=folder)
    assert backup_due_today(folder, "330106001")
    info = automatic_backup(db, actor, folder=folder, keep=3)
    assert not backup_due_today(folder, "330106001")
    kept = sorted(path.name for path in folder.glob(f"*_{AUTOMATIC}_*.sqlite"))
    assert len(kept) == 3 and info.path.name in kept
    assert manual.path.exists()
    assert prune(folder, keep=0, station_code="330106001") == [folder / kept[0], folder / kept[1]]


def test_restore_checks_the_backup_backs_up_the_current_database_then_replaces_it(
    db: Database, actor: Actor, db_path: Path, tmp_path: Path
) -> None:
    svc.create_entrepreneur(db, actor, person=person(name="备份时在"))
    saved = back_up(db, actor, out=tmp_path / "saved.sqlite")
    svc.create_entrepreneur(db, actor, person=person(name="备份后建", id_number=id_number(7)))
    db.close()
    result = restore_backup(saved.path, target=db_path, safety_folder=tmp_path / "safety")
    assert result.safety_copy is not None and result.safety_copy.name.startswith("330106001_恢复前备份_")
    assert names(result.safety_copy) == ["备份后建", "备份时在"]  # nothing is lost by a restore
    assert result.previous_station.startswith("330106001")
    assert names(db_path) == ["备份时在"]
    reopened = open_database(db_path)
    reopened.close()
    assert integrity_problems(db_path) == []


def _sqlite_without_doorstep(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
        connection.commit()
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.write_text("台账，不是数据库", encoding="utf-8"), "不是 SQLite 数据库文件"),
        (lambda p: p.write_bytes(p.with_name("saved.sqlite").read_bytes()[:20000]), "已损坏或不完整"),
        (_sqlite_without_doorstep, "不是 Doorstep 的数据库备份"),
        (lambda p: None, "找不到备份文件"),
    ],
    ids=["text-file", "truncated", "other-sqlite", "missing"],
)
def test_bad_backups_are_refused_in_chinese_and_the_database_is_untouched(  # noqa: PLR0917
    db: Database, actor: Actor, db_path: Path, tmp_path: Path, make: object, words: str
) -> None:
    svc.create_entrepreneur(db, actor, person=person())
    back_up(db, actor, out=tmp_path / "saved.sqlite")
    db.close()
    bad = tmp_path / "bad.sqlite"
    assert callable(make)
    make(bad)
    before = digest(db_path)
    with pytest.raises(BackupError, match=words):
        restore_backup(bad, target=db_path, safety_folder=tmp_path / "safety")
    assert digest(db_path) == before
    assert not (tmp_path / "safety").exists()  # refused before anything was written


def test_a_backup_from_a_newer_program_is_refused(db: Database, actor: Actor, tmp_path: Path) -> None:
    info = back_up(db, actor, out=tmp_path / "newer.sqlite")
    with closing(sqlite3.connect(info.path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()
    with pytest.raises(BackupError, match="更新版本的 Doorstep"):
        inspect_backup(info.path)


def test_a_backup_to_a_folder_that_cannot_be_made_says_so_and_leaves_nothing(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    (tmp_path / "usb").mkdir()
    blocker = tmp_path / "usb" / "U盘"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(BackupError, match=r"备份没有完成.*现在的数据库没有改动"):
        back_up(db, actor, out=blocker / "backup.sqlite")
    assert sorted(p.name for p in (tmp_path / "usb").iterdir()) == ["U盘"]

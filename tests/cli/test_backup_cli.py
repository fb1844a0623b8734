"""`doorstep backup` and `doorstep restore` as a worker runs them: real processes, real files; a full
disk (a size limit on the process's files) and a bad backup are refused in Chinese, nothing changed."""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from desktop.services import entrepreneurs as svc
from models.actor import Actor
from models.database import Database, connect
from tests.unit.test_entrepreneur_services import person


def doorstep(*args: str, home: Path, file_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOORSTEP_HOME=str(home), QT_QPA_PLATFORM="offscreen")

    def limit() -> None:  # the disk is "full" once a file of the process reaches this size
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run(
        [sys.executable, "-m", "desktop.app", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        preexec_fn=limit,
    )


def people(path: Path) -> list[str]:
    with closing(connect(path, query_only=True)) as raw:
        return [row[0] for row in raw.execute("SELECT name FROM entrepreneur ORDER BY name")]


@pytest.fixture
def station(db: Database, actor: Actor, db_path: Path) -> Path:
    svc.create_entrepreneur(db, actor, person=person(name="张三"))
    db.close()
    return db_path


def test_backup_then_restore_brings_back_the_station_and_keeps_what_was_replaced(
    station: Path, tmp_path: Path
) -> None:
    usb = tmp_path / "U盘"
    usb.mkdir()
    made = doorstep("backup", "--db", str(station), "--out", str(usb), home=tmp_path / "home")
    assert made.returncode == 0, made.stderr
    assert "已备份" in made.stdout and "1 人" in made.stdout
    (backup,) = usb.glob("330106001_备份_*.sqlite")
    with closing(connect(station)) as raw:  # the day goes on: 张三 is renamed after the backup
        raw.execute("UPDATE entrepreneur SET name = '张小三'")
    restored = doorstep("restore", str(backup), "--db", str(station), home=tmp_path / "home")
    assert restored.returncode == 0, restored.stderr
    assert "恢复前的数据库已备份到" in restored.stdout
    assert people(station) == ["张三"]
    (safety,) = (station.parent / "backups").glob("330106001_恢复前备份_*.sqlite")
    assert people(safety) == ["张小三"]
    check = doorstep("check", "--db", str(station), home=tmp_path / "home")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_full_disk_is_named_and_leaves_no_half_backup(station: Path, tmp_path: Path) -> None:
    out = tmp_path / "full"
    out.mkdir()
    size = station.stat().st_size
    assert size > 4 * 65536  # room for the station's own -shm and -wal files below the limit
    result = doorstep(
        "backup", "--db", str(station), "--out", str(out), home=tmp_path / "home", file_limit=size // 2
    )
    assert result.returncode == 1
    assert "空间不足" in result.stderr and "现在的数据库没有改动" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(out.iterdir()) == []
    assert people(station) == ["张三"]


def test_restoring_a_file_that_is_not_a_backup_changes_nothing(station: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(b"PK\x03\x04 not a database")
    before = hashlib.sha256(station.read_bytes()).hexdigest()
    result = doorstep("restore", str(ledger), "--db", str(station), home=tmp_path / "home")
    assert result.returncode == 1
    assert "不是 Doorstep 的数据库备份" in result.stderr and "Traceback" not in result.stderr
    assert hashlib.sha256(station.read_bytes()).hexdigest() == before
    assert not (station.parent / "backups").exists()

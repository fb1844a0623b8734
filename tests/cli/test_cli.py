"""The `doorstep` command as a user runs it: a real process, real files, exit codes 0/1/2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.database import connect


def doorstep(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOORSTEP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "desktop.app", *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_init_demo_check_counts(tmp_path: Path, home: Path) -> None:
    db = str(tmp_path / "station.sqlite")
    created = doorstep(
        "init", "--db", db, "--station", "330106001", "--station-name", "文新街道服务站", home=home
    )
    assert created.returncode == 0, created.stderr
    assert "330106001" in created.stdout
    demo = doorstep("demo", "--db", db, "--entrepreneurs", "120", "--seed", "7", home=home)
    assert demo.returncode == 0, demo.stderr
    check = doorstep("check", "--db", db, "--json", home=home)
    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout)
    assert report["ok"] is True
    assert report["counts"]["entrepreneur"] == 120
    assert report["counts"]["entrepreneur_search"] == 120
    assert report["counts"]["venture"] > 0
    assert report["station"].startswith("330106001")
    assert report["schema"] == report["expected_schema"]


def test_demo_is_deterministic_for_a_seed(tmp_path: Path, home: Path) -> None:
    dumps = []
    for name in ("a", "b"):
        db = str(tmp_path / f"{name}.sqlite")
        assert doorstep("demo", "--db", db, "--entrepreneurs", "40", "--seed", "3", home=home).returncode == 0

        with connect(db) as connection:
            dumps.append(
                connection.execute(
                    "SELECT id, name, id_number, phone FROM entrepreneur ORDER BY id"
                ).fetchall()
            )
        connection.close()
    assert dumps[0] == dumps[1]
    assert len(dumps[0]) == 40


def test_refusals_exit_1_with_a_chinese_message(tmp_path: Path, home: Path) -> None:
    db = str(tmp_path / "station.sqlite")
    bad = doorstep("init", "--db", db, "--station", "33010600", "--station-name", "x", home=home)
    assert bad.returncode == 1
    assert "服务站编码" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = doorstep("check", "--db", str(tmp_path / "none.sqlite"), home=home)
    assert missing.returncode == 1
    assert "不存在" in missing.stderr


def test_usage_errors_exit_2(home: Path) -> None:
    assert doorstep("no-such-command", home=home).returncode == 2
    assert doorstep("init", home=home).returncode == 2


def test_demo_data_never_mixes_into_a_real_stations_files(tmp_path: Path, home: Path) -> None:
    """On a real station that has files the demo is refused by name and nothing is written; a demo station
    asked for more demo data continues its own case numbers (no traceback, no clash)."""
    from tests.data import ledgers as fx

    real = str(tmp_path / "real.sqlite")
    assert (
        doorstep(
            "init", "--db", real, "--station", "330106001", "--station-name", "文新", home=home
        ).returncode
        == 0
    )
    ledger = fx.simple_ledger(
        tmp_path / "台账.xlsx", [["王五", fx.WANG, "13712345678", "农民工", None, None, None]]
    )
    assert doorstep("import-excel", str(ledger), "--db", real, home=home).returncode == 0
    before = Path(real).read_bytes()
    refused = doorstep("demo", "--db", real, "--entrepreneurs", "5", home=home)
    assert refused.returncode == 1 and "已有正式档案" in refused.stderr and "Traceback" not in refused.stderr
    assert Path(real).read_bytes() == before

    demo = str(tmp_path / "demo.sqlite")
    for seed in ("1", "2"):
        made = doorstep("demo", "--db", demo, "--entrepreneurs", "20", "--seed", seed, home=home)
        assert made.returncode == 0, made.stderr
    check = json.loads(doorstep("check", "--db", demo, "--json", home=home).stdout)
    assert check["ok"] and check["counts"]["entrepreneur"] == 40

"""Visits from the command line, as a user runs it: the demo makes mentors, visits and a key project pool;
`export-excel visits --month`, `print visit-sheet --id`, `workbench`; refusals exit 1 in Chinese."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from models.base import china_today
from models.database import connect


def doorstep(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOORSTEP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "desktop.app", *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("visits-cli")
    db, home = folder / "station.sqlite", folder / "home"
    made = doorstep("demo", "--db", str(db), "--entrepreneurs", "120", "--seed", "5", home=home)
    assert made.returncode == 0, made.stderr
    assert re.search(r"导师 5，走访 \d+", made.stdout), made.stdout
    return db, home


def test_demo_makes_mentors_visits_and_a_pool_deterministically(
    station: tuple[Path, Path], tmp_path: Path
) -> None:
    db, home = station
    with connect(db) as connection:
        people = connection.execute("SELECT count(*) FROM entrepreneur").fetchone()[0]
        visits = connection.execute("SELECT count(*) FROM visit").fetchone()[0]
        assigned = connection.execute(
            "SELECT count(DISTINCT entrepreneur_id) FROM mentor_assignment"
        ).fetchone()[0]
        pool = connection.execute("SELECT count(*) FROM key_project").fetchone()[0]
        orphans = connection.execute(
            "SELECT count(*) FROM visit v LEFT JOIN change_log c ON c.record_id = v.id WHERE c.id IS NULL"
        ).fetchone()[0]
        first = connection.execute("SELECT id, visit_date, advice FROM visit ORDER BY id LIMIT 5").fetchall()
    connection.close()
    assert people == 120 and assigned == 120
    assert 3 * people <= visits <= 8 * people  # about five per person
    assert pool >= 1
    assert orphans == 0  # every demo record is in the change log, as a real one would be
    again = tmp_path / "again.sqlite"
    assert (
        doorstep("demo", "--db", str(again), "--entrepreneurs", "120", "--seed", "5", home=home).returncode
        == 0
    )
    with connect(again) as connection:
        assert (
            connection.execute("SELECT id, visit_date, advice FROM visit ORDER BY id LIMIT 5").fetchall()
            == first
        )
    connection.close()


def test_export_visits_of_a_month_masked(station: tuple[Path, Path], tmp_path: Path) -> None:
    db, home = station
    month = china_today().strftime("%Y-%m")
    out = tmp_path / "visits.xlsx"
    done = doorstep("export-excel", "visits", "--db", str(db), "--out", str(out), "--month", month, home=home)
    assert done.returncode == 0, done.stderr
    found = re.search(r"（(\d+) 行）", done.stdout)
    assert found is not None, done.stdout
    rows = int(found.group(1))
    with connect(db) as connection:
        expected = connection.execute(
            "SELECT count(*) FROM visit WHERE deleted = 0 "
            "AND visit_date >= ? AND visit_date < date(?, '+1 month')",
            (f"{month}-01", f"{month}-01"),
        ).fetchone()[0]
    connection.close()
    assert rows == expected > 0
    sheet = load_workbook(out).active
    assert sheet is not None
    assert sheet["A1"].value == f"走访记录（{china_today():%Y年%m月}）"
    ids = [sheet.cell(row=r, column=4).value for r in range(3, 3 + rows)]
    assert all(isinstance(v, str) and "*" in v for v in ids)
    bad = doorstep(
        "export-excel", "visits", "--db", str(db), "--out", str(out), "--month", "2025-13", home=home
    )
    assert bad.returncode == 1 and "月份" in bad.stderr and "Traceback" not in bad.stderr


def test_print_a_files_visit_sheets(station: tuple[Path, Path], tmp_path: Path) -> None:
    db, home = station
    with connect(db) as connection:
        person, name, count = connection.execute(
            "SELECT e.id, e.name, count(*) FROM visit v JOIN entrepreneur e ON e.id = v.entrepreneur_id "
            "GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 1"
        ).fetchone()
        visit_id, advice = connection.execute(
            "SELECT id, advice FROM visit WHERE entrepreneur_id = ? ORDER BY visit_date DESC LIMIT 1",
            (person,),
        ).fetchone()
    connection.close()
    out = tmp_path / "sheets.pdf"
    done = doorstep("print", "visit-sheet", "--db", str(db), "--id", person, "--out", str(out), home=home)
    assert done.returncode == 0, done.stderr
    assert f"（{count} 页）" in done.stdout
    one = tmp_path / "one.pdf"
    assert (
        doorstep(
            "print",
            "visit-sheet",
            "--db",
            str(db),
            "--id",
            visit_id,
            "--out",
            str(one),
            "--redacted",
            home=home,
        ).returncode
        == 0
    )
    text = subprocess.run(["pdftotext", str(one), "-"], check=True, capture_output=True).stdout.decode()
    squeezed = re.sub(r"\s+", "", text)
    assert name in squeezed and re.sub(r"\s+", "", advice) in squeezed and "脱敏件" in squeezed
    missing = doorstep(
        "print", "visit-sheet", "--db", str(db), "--id", "nobody", "--out", str(one), home=home
    )
    assert missing.returncode == 1 and "找不到编号为 nobody" in missing.stderr


def test_workbench_lists_todays_tasks_for_the_station_and_a_mentor(station: tuple[Path, Path]) -> None:
    db, home = station
    whole = doorstep("workbench", "--db", str(db), home=home)
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout.startswith(f"{china_today():%Y年%m月}：新增创业者")  # UI.md's order of figures
    assert "，走访 " in whole.stdout.splitlines()[0]
    assert "今天要办的事" in whole.stdout
    with connect(db) as connection:
        mentor = connection.execute(
            "SELECT name FROM mentor WHERE active = 1 ORDER BY id LIMIT 1"
        ).fetchone()[0]
    connection.close()
    own = doorstep("workbench", "--db", str(db), "--mentor", mentor, home=home)
    assert own.returncode == 0, own.stderr
    assert _task_count(own.stdout) <= _task_count(whole.stdout)
    unknown = doorstep("workbench", "--db", str(db), "--mentor", "没有这人", home=home)
    assert unknown.returncode == 1 and "导师库中没有名为 没有这人 的导师" in unknown.stderr


def _task_count(output: str) -> int:
    found = re.search(r"今天要办的事（(\d+) 项）", output)
    assert found is not None, output
    return int(found.group(1))

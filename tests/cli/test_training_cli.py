"""Training on the command line, as a user runs it: a real process, real PDFs and workbooks, exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from desktop.services import training as svc
from desktop.services.entrepreneurs import create_entrepreneur
from models.audit import Actor
from models.database import Database
from models.training import HalfDay

START = date(2025, 3, 3)


def doorstep(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOORSTEP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "desktop.app", *args], capture_output=True, text=True, env=env, check=False
    )


def id_number(serial: int) -> str:
    head = f"33010619900101{serial:03d}"
    return head + ric.calc_check_digit(head + "0")


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool
    return subprocess.run(
        [tool, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def station(db: Database, actor: Actor, db_path: Path) -> tuple[str, str]:
    """A finished, assessed SYB class of two; returns (db path, class id)."""
    svc.ensure_course_catalogue(db, actor)
    class_id = svc.create_class(
        db,
        actor,
        data={
            "course_id": svc.course_id_for("SYB"),
            "class_number": "SYB202501",
            "title": "创办你的企业培训2025年第1期",
            "start_date": START,
            "end_date": START + timedelta(days=1),
            "capacity": 30,
        },
    )
    svc.add_sessions(
        db,
        actor,
        class_id=class_id,
        first_day=START,
        last_day=START + timedelta(days=1),
        half_days=[HalfDay.AM, HalfDay.PM],
        hours=4,
    )
    for serial, name in ((1, "张三"), (3, "李四")):
        person = create_entrepreneur(db, actor, person={"name": name, "id_number": id_number(serial)})
        enrolment = svc.enrol(db, actor, class_id=class_id, entrepreneur_id=person)
        svc.set_exam_score(db, actor, enrolment_id=enrolment, score=88)
    for session in svc.list_sessions(db, actor, class_id=class_id):
        svc.mark_column(db, actor, session_id=session.id)
    svc.assess_class(db, actor, class_id=class_id, today=date(2025, 3, 10))
    return str(db_path), class_id


def test_print_certificates_roster_and_sign_in_sheets(station: tuple[str, str], tmp_path: Path) -> None:
    db, class_id = station
    home = tmp_path / "home"
    out = tmp_path / "certificates.pdf"
    done = doorstep("print", "certificate", "--db", db, "--id", "SYB202501", "--out", str(out), home=home)
    assert done.returncode == 0, done.stderr
    assert "（2 页）" in done.stdout
    text = pdf_text(out)
    assert "330106001-SYB-2025-00001" in text and "330106001-SYB-2025-00002" in text
    roster = tmp_path / "roster.pdf"
    done = doorstep("print", "training-roster", "--db", db, "--id", class_id, "--out", str(roster), home=home)
    assert done.returncode == 0, done.stderr
    roster_text = pdf_text(roster)
    assert "创业培训补贴花名册" in roster_text.replace(" ", "")
    assert id_number(1) in roster_text and id_number(3) in roster_text
    sheets = tmp_path / "sign-in.pdf"
    done = doorstep("print", "sign-in-sheet", "--db", db, "--id", class_id, "--out", str(sheets), home=home)
    assert done.returncode == 0, done.stderr
    assert "（4 页）" in done.stdout
    assert id_number(1) not in pdf_text(sheets)


def test_refusals_exit_1_with_a_chinese_message(station: tuple[str, str], tmp_path: Path) -> None:
    db, _ = station
    home = tmp_path / "home"
    out = tmp_path / "x.pdf"
    unknown = doorstep("print", "certificate", "--db", db, "--id", "SYB209901", "--out", str(out), home=home)
    assert unknown.returncode == 1
    assert "找不到编号为 SYB209901 的培训班" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    assert not out.exists()


def test_export_attendance_by_month(station: tuple[str, str], tmp_path: Path) -> None:
    db, _ = station
    home = tmp_path / "home"
    out = tmp_path / "attendance.xlsx"
    done = doorstep(
        "export-excel", "attendance", "--db", db, "--out", str(out), "--month", "2025-03", home=home
    )
    assert done.returncode == 0, done.stderr
    assert "（8 行）" in done.stdout
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert rows[1][-1] == "考勤" and rows[2][-1] == "出勤"
    assert not any(id_number(1) in str(cell) for row in rows for cell in row)


def test_import_attendance_lists_unmatched_rows(station: tuple[str, str], tmp_path: Path) -> None:
    db, _ = station
    home = tmp_path / "home"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号码", "2025-03-03 上午", "2025-03-03 下午"])
    sheet.append(["张三", id_number(1), "迟", "出"])
    sheet.append(["孙七", id_number(11), "出", "出"])
    path = tmp_path / "sign-in.xlsx"
    book.save(path)
    dry = doorstep("import-attendance", str(path), "--db", db, "--class", "SYB202501", "--dry-run", home=home)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith(
        "预检完成：1 人，将记考勤 1 条（另有 1 条与已有记录相同）；1 行未匹配到本班学员"
    )
    assert "未匹配到本班学员：第 3 行 孙七" in dry.stderr

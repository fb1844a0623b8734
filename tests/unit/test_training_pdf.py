"""Printed training forms, read back from real PDFs with poppler's pdftotext and pdffonts."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from stdnum.cn import ric

from desktop.services import training as svc
from desktop.services.entrepreneurs import create_entrepreneur
from models.audit import AccessLog, Actor
from models.database import Database
from models.errors import NotAllowed
from models.training import AttendanceMark, HalfDay

pytestmark = pytest.mark.pdf
START = date(2025, 3, 3)
NAMES = ["张三", "\U00020bb7堃", "欧阳玥"]  # 𠮷堃: a name outside the Basic Multilingual Plane


def id_number(serial: int) -> str:
    head = f"33010619900101{serial:03d}"
    return head + ric.calc_check_digit(head + "0")


def pdf_pages(path: Path) -> list[str]:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is needed: apt-get install poppler-utils"
    out = subprocess.run([tool, "-layout", str(path), "-"], check=True, capture_output=True)
    pages = out.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_fonts(path: Path) -> list[list[str]]:
    tool = shutil.which("pdffonts")
    assert tool
    out = subprocess.run([tool, str(path)], check=True, capture_output=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def assessed(db: Database, actor: Actor) -> str:
    """A class of three on 3–4 March 2025: 张三 and 𠮷堃 complete, 欧阳玥 misses too much."""
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
            "provider": "西湖区职业技能培训中心",
            "venue": "文新街道社区服务中心三楼",
        },
    )
    svc.add_sessions(
        db, actor, class_id=class_id, first_day=START, last_day=START + timedelta(days=1),
        half_days=[HalfDay.AM, HalfDay.PM], hours=4, topic="创业计划书",
    )  # fmt: skip
    enrolments = []
    for serial, name in enumerate(NAMES, start=1):
        person = create_entrepreneur(
            db, actor, person={"name": name, "id_number": id_number(serial * 2), "phone": "13812345678"}
        )
        enrolments.append(svc.enrol(db, actor, class_id=class_id, entrepreneur_id=person))
        svc.set_exam_score(db, actor, enrolment_id=enrolments[-1], score=70 + serial)
    sessions = svc.list_sessions(db, actor, class_id=class_id)
    for s in sessions:
        svc.mark_column(db, actor, session_id=s.id)
    svc.mark_attendance(
        db,
        actor,
        class_id=class_id,
        marks=[(enrolments[2], s.id, AttendanceMark.ABSENT) for s in sessions[:2]],
    )
    svc.assess_class(db, actor, class_id=class_id, today=date(2025, 3, 10))
    return class_id


def test_certificates_one_per_page_with_names_and_numbers(
    db: Database, actor: Actor, assessed: str, tmp_path: Path
) -> None:
    out = tmp_path / "certificates.pdf"
    assert svc.print_certificates(db, actor, out=out, class_id=assessed) == 2
    pages = pdf_pages(out)
    assert len(pages) == 2
    first, second = (squeeze(page) for page in pages)
    assert "结业证书" in first
    assert "证书编号：330106001-SYB-2025-00001" in first
    assert (
        f"张三（身份证号码{id_number(2)}）于2025年3月3日至2025年3月4日参加西湖区职业技能培训中心举办的"
        in first
    )
    assert "完成培训16学时，经考核合格，准予结业。" in first
    assert "\U00020bb7堃" in second and "330106001-SYB-2025-00002" in second
    assert "欧阳玥" not in first + second
    assert "第1页共1页" in first
    fonts = pdf_fonts(out)
    assert fonts and all(row[-5] == "yes" for row in fonts)
    with db.reading() as session:
        logged = session.exec(select(AccessLog).where(AccessLog.action == "print")).all()
        assert [entry.detail for entry in logged] == ["结业证书 2 张"]


def test_redacted_certificate_masks_the_id_number(
    db: Database, actor: Actor, assessed: str, tmp_path: Path
) -> None:
    one = svc.completed_trainees(db, actor, class_id=assessed)[0]
    out = tmp_path / "one.pdf"
    assert svc.print_certificates(db, actor, out=out, enrolment_ids=[one.enrolment_id], redacted=True) == 1
    text = squeeze(pdf_pages(out)[0])
    assert id_number(2) not in text
    assert "330***********" + id_number(2)[-4:] in text
    assert "脱敏件" in text
    not_completed = svc.roster(db, actor, class_id=assessed)[2].enrolment_id
    with pytest.raises(NotAllowed, match="所选 2 人中只有 1 人已结业"):
        svc.print_certificates(db, actor, out=out, enrolment_ids=[one.enrolment_id, not_completed])


def test_training_roster_lists_completed_trainees_with_id_numbers(
    db: Database, actor: Actor, assessed: str, tmp_path: Path
) -> None:
    out = tmp_path / "roster.pdf"
    assert svc.print_training_roster(db, actor, class_id=assessed, out=out) == 1
    text = pdf_pages(out)[0]
    flat = squeeze(text)
    assert "创业培训补贴花名册" in flat
    assert "报名人数3人" in flat and "结业人数2人" in flat
    for name, serial, number in (("张三", 2, "00001"), ("\U00020bb7堃", 4, "00002")):
        line = next(line for line in text.splitlines() if name in line)
        assert id_number(serial) in line
        assert f"330106001-SYB-2025-{number}" in line
        assert "16/16" in line and "100.0%" in line
    assert "欧阳玥" not in flat
    assert "合计：结业2人。" in flat
    redacted = tmp_path / "redacted.pdf"
    svc.print_training_roster(db, actor, class_id=assessed, out=redacted, redacted=True)
    masked = squeeze(pdf_pages(redacted)[0])
    assert id_number(2) not in masked and "138****5678" in masked


def test_roster_is_refused_before_anyone_completed(db: Database, actor: Actor, tmp_path: Path) -> None:
    svc.ensure_course_catalogue(db, actor)
    class_id = svc.create_class(
        db,
        actor,
        data={
            "course_id": svc.course_id_for("IYB"),
            "class_number": "IYB202501",
            "title": "改善你的企业培训2025年第1期",
            "start_date": START,
            "end_date": START,
            "capacity": 30,
        },
    )
    with pytest.raises(NotAllowed, match="还没有结业学员"):
        svc.print_training_roster(db, actor, class_id=class_id, out=tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_sign_in_sheet_masks_ids_and_has_signature_columns(
    db: Database, actor: Actor, assessed: str, tmp_path: Path
) -> None:
    session_id = svc.list_sessions(db, actor, class_id=assessed)[1].id
    out = tmp_path / "sign-in.pdf"
    assert svc.print_sign_in_sheets(db, actor, record_id=session_id, out=out) == 1
    text = pdf_pages(out)[0]
    flat = squeeze(text)
    assert "创业培训签到表" in flat
    assert "第2次课2025年3月3日下午" in flat
    assert "签到（本人签名）" in flat and "签退（本人签名）" in flat
    assert "应到3人" in flat
    for serial, name in enumerate(NAMES, start=1):
        assert name in flat
        assert id_number(serial * 2) not in flat
        assert "330***********" + id_number(serial * 2)[-4:] in flat
    every = tmp_path / "all.pdf"
    assert svc.print_sign_in_sheets(db, actor, record_id=assessed, out=every) == 4

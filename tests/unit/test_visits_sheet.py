"""走访记录表 as a real PDF: its text read back with pdftotext (name, advice, actions, changes), the fonts
embedded (pdffonts), personal data masked on a redacted copy, one form per visit for a whole file."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from stdnum.cn import ric

from desktop.services import entrepreneurs as people
from desktop.services import visits as svc
from desktop.services.visits import mentors as mentor_svc
from models.audit import AccessLog, Actor
from models.database import Database
from models.errors import NotFound

pytestmark = pytest.mark.pdf
NAME = "\U00020bb7玥"  # 𠮷玥: a name outside the Basic Multilingual Plane must print, not become a box
ID_NUMBER = "33010619900101123" + ric.calc_check_digit("33010619900101123" + "0")


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is needed: apt-get install poppler-utils"
    return subprocess.run([tool, "-layout", str(path), "-"], check=True, capture_output=True).stdout.decode()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def person(db: Database, actor: Actor) -> str:
    return people.create_entrepreneur(
        db,
        actor,
        person={"name": NAME, "id_number": ID_NUMBER, "phone": "13812345678", "key_groups": "退役军人"},
        ventures=[
            {
                "name": "向阳餐饮店",
                "entity_type": "个体工商户",
                "stage": "筹备",
                "registration_date": "2024-03-05",
                "jobs_created": 2,
            }
        ],
    )


def visit(db: Database, actor: Actor, person: str, day: date, advice: str, **over: object) -> str:
    values: dict[str, object] = {
        "entrepreneur_id": person,
        "visit_date": day,
        "mode": "上门走访",
        "duration_minutes": 45,
        "topics": "融资、财税",
        "problems": "资金周转紧张，进货款不足",
        "advice": advice,
    }
    values.update(over)
    return svc.record_visit(db, actor, visit=values, today=date(2025, 12, 31))


def test_one_visit_sheet_has_the_name_the_advice_and_what_changed(
    db: Database, actor: Actor, person: str, tmp_path: Path
) -> None:
    mentor = mentor_svc.create_mentor(
        db, actor, mentor={"name": "李明", "kind": "企业家", "organisation": "浙江向阳实业有限公司"}
    )
    venture = people.get_file(db, actor, entrepreneur_id=person).ventures[0].id
    visit_id = visit(
        db,
        actor,
        person,
        date(2025, 3, 5),
        "建议申请创业担保贷款，已告知所需材料",
        mentor_id=mentor,
        actions=[("提交贷款申请材料", "2025-03-20")],
        next_visit_date="2025-04-05",
        outcome={"venture_id": venture, "stage": "初创", "jobs_created": 4},
    )
    out = tmp_path / "visit.pdf"
    pages = svc.print_visit_sheet(db, actor, record_id=visit_id, out=out)
    assert pages == 1
    text = squeeze(pdf_text(out))
    for expected in (
        "走访记录表",
        NAME,
        "建议申请创业担保贷款，已告知所需材料",
        "资金周转紧张，进货款不足",
        "提交贷款申请材料",
        "2025年3月5日",
        "☑上门走访",
        "☐电话",
        "李明",
        "浙江向阳实业有限公司",
        "创业阶段：筹备→初创",
        "带动就业：2→4人",
        "2025年4月5日",
        ID_NUMBER,  # the worker may see personal data: printed in full
        "第1页共1页",
    ):
        assert squeeze(expected) in text, expected
    fonts = subprocess.run(
        [shutil.which("pdffonts") or "pdffonts", str(out)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # every font embedded
    with db.reading() as session:
        printed = session.exec(select(AccessLog).where(AccessLog.action == "print")).one()
    assert printed.record_id == visit_id and "未遮盖" in printed.detail


def test_a_whole_file_prints_one_form_per_visit_and_a_redacted_copy_masks(
    db: Database, actor: Actor, person: str, tmp_path: Path
) -> None:
    visit(db, actor, person, date(2025, 1, 10), "第一次：推荐参加创业培训")
    visit(db, actor, person, date(2025, 2, 10), "第二次：建议开通线上店铺")
    out = tmp_path / "file.pdf"
    case_number = people.get_file(db, actor, entrepreneur_id=person).case_number
    pages = svc.print_visit_sheet(db, actor, record_id=case_number, out=out, redacted=True)
    assert pages == 2
    forms = pdf_text(out).split("\f")
    assert "第一次：推荐参加创业培训" in squeeze(forms[0])
    assert "第二次：建议开通线上店铺" in squeeze(forms[1])
    whole = squeeze("".join(forms))
    assert ID_NUMBER not in whole and "13812345678" not in whole
    assert "138****5678" in whole and "脱敏件" in whole


def test_nothing_to_print_says_why(db: Database, actor: Actor, person: str, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="还没有走访记录"):
        svc.print_visit_sheet(db, actor, record_id=person, out=tmp_path / "none.pdf")
    with pytest.raises(NotFound, match="找不到编号为 x 的走访记录或档案"):
        svc.print_visit_sheet(db, actor, record_id="x", out=tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()

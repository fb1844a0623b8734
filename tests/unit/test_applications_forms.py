"""Printed application forms, checked as a reader would: fonts embedded (``pdffonts``), the text on the page
(``pdftotext``) — name, ID number, amounts in figures and capitals, masked in the redacted profile,
markup printed literally — and the code that detects a changed printout (``verify``)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from desktop.services.applications import (
    ApplicationInput,
    LoanInput,
    advance_application,
    create_application,
    get_application,
    payloads_in,
    print_application,
    print_approved_month,
    set_document,
    update_application,
    verify_payload,
    verify_pdf,
)
from desktop.services.training import course_id_for, ensure_course_catalogue
from models.applications import ApplicationStatus
from models.audit import Actor, Operation
from models.database import Database
from models.errors import NotFound, ValidationError
from models.training import Enrolment, TrainingClass
from tests.unit.test_applications_loans import PARTNERSHIP_VENTURE
from tests.unit.test_policy_support import id_number, make_person

pytestmark = pytest.mark.pdf

S = ApplicationStatus
DAY = date(2025, 11, 5)
BIRTH = date(1995, 3, 8)


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdffonts(path: Path) -> list[list[str]]:
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return [line.split() for line in lines[2:] if line.strip()]


def flat(text: str) -> str:
    return "".join(text.split())


def approve(db: Database, actor: Actor, app: str, *, on: date = DAY, disburse: bool = False) -> None:
    for name, _ in get_application(db, actor, application_id=app).documents:
        set_document(db, actor, application_id=app, document=name, ticked=True)
    steps = [S.SUBMITTED, S.REVIEWING, S.APPROVED] + ([S.DISBURSED] if disburse else [])
    for step in steps:
        advance_application(db, actor, application_id=app, to=step, on=on)


def test_startup_subsidy_form_prints_the_applicant_and_the_amount_in_capitals(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    out = tmp_path / "startup.pdf"
    assert print_application(db, actor, application_id=app, out=out) == 1
    fonts = pdffonts(out)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # the "emb" column of every font
    text = pdftotext(out)
    assert "一次性创业补贴申请表" in text
    assert "张三" in text
    assert id_number(BIRTH) in text
    assert "13800138000" in text
    assert "¥5,000.00" in text and "伍仟元整" in text
    assert "☐ 1. 申请人身份证复印件" in text  # the checklist, nothing received yet
    assert "申请人签字" in text and "（盖章）" in text
    assert "第 1 页 共 1 页" in text
    assert "本表一式三份" in text and "示例政策参数" in text
    assert "2025年11月5日" in text  # dates on paper
    assert "人社部发〔2025〕5号 (十五)" in text and "5号文" not in text  # by document number


def test_the_station_box_names_who_signs_as_handler(db: Database, actor: Actor, tmp_path: Path) -> None:
    """设置's 经办人 is printed in the station's opinion box; without one the line is left to write by
    hand. The name is not part of what the digest covers: a form printed either way verifies."""
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    signed, blank = tmp_path / "signed.pdf", tmp_path / "blank.pdf"
    print_application(db, actor, application_id=app, out=signed, handler=" 李敏 ")
    print_application(db, actor, application_id=app, out=blank)
    assert "经办人：李敏" in flat(pdftotext(signed)) and "审核人：李敏" not in flat(pdftotext(signed))
    assert "李敏" not in pdftotext(blank) and "经办人：" in flat(pdftotext(blank))
    assert all(result.matches for pdf in (signed, blank) for result in verify_pdf(db, actor, path=pdf))


def test_redacted_profile_masks_id_numbers_and_phones(db: Database, actor: Actor, tmp_path: Path) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    out = tmp_path / "redacted.pdf"
    print_application(db, actor, application_id=app, out=out, redacted=True)
    text = pdftotext(out)
    number = id_number(BIRTH)
    assert number not in text and "13800138000" not in text
    assert f"{number[:3]}***********{number[-4:]}" in text
    assert "138****8000" in text
    assert "张三" in text and "伍仟元整" in text
    assert "脱敏件" in text
    # a user who may not see personal data always gets the redacted copy
    worker = Actor(actor.user_name, actor.station_code, can_see_personal_data=False)
    plain = tmp_path / "plain.pdf"
    print_application(db, worker, application_id=app, out=plain)
    assert number not in pdftotext(plain)


def test_markup_in_records_prints_literally(db: Database, actor: Actor, tmp_path: Path) -> None:
    venture = {
        "name": "<b>青禾</b>&amp;<font color=red>餐饮</font>",
        "entity_type": "个体工商户",
        "stage": "初创",
        "registration_date": "2024-01-10",
    }
    person = make_person(db, actor, ventures=[venture])
    app = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="startup_subsidy",
        data=ApplicationInput(notes="<i>加急</i> <br/> 5 < 6 & 7 > 3"),
        today=DAY,
    )
    out = tmp_path / "markup.pdf"
    print_application(db, actor, application_id=app, out=out)
    text = flat(pdftotext(out))
    assert flat("<b>青禾</b>&amp;<font color=red>餐饮</font>") in text
    assert flat("<i>加急</i> <br/> 5 < 6 & 7 > 3") in text


@pytest.mark.parametrize(
    ("item_code", "amount_fen", "figures", "capitals", "data", "loan"),
    [
        ("startup_subsidy", 0, "¥0.00", "零元整", ApplicationInput(amount_fen=0), None),
        ("startup_subsidy", 1000, "¥10.00", "壹拾元整", ApplicationInput(amount_fen=1000), None),
        (
            "guaranteed_loan_individual",
            10_000_100,
            "¥100,001.00",
            "壹拾万零壹元整",
            ApplicationInput(),
            LoanInput(bank="中国农业银行", amount_fen=10_000_100),
        ),
        (
            "guaranteed_loan_partnership",
            100_000_050,
            "¥1,000,000.50",
            "壹佰万元零伍角",
            ApplicationInput(partners=4),
            LoanInput(bank="中国建设银行", amount_fen=100_000_050),
        ),
    ],
)
def test_amounts_in_capitals_on_the_form(  # noqa: PLR0917 (pytest passes parameters by position)
    db: Database,
    actor: Actor,
    tmp_path: Path,
    item_code: str,
    amount_fen: int,
    figures: str,
    capitals: str,
    data: ApplicationInput,
    loan: LoanInput | None,
) -> None:
    # A partnership borrows for a 合伙企业; a 个体工商户 is one person's business (issue 12).
    ventures = [PARTNERSHIP_VENTURE] if item_code == "guaranteed_loan_partnership" else None
    person = make_person(db, actor, ventures=ventures)
    app = create_application(
        db, actor, entrepreneur_id=person, item_code=item_code, data=data, loan=loan, today=DAY
    )
    assert get_application(db, actor, application_id=app).amount_fen == amount_fen
    out = tmp_path / "amount.pdf"
    print_application(db, actor, application_id=app, out=out)
    text = pdftotext(out)
    assert figures in text
    assert capitals in flat(text)


def test_loan_form_has_the_loan_terms(db: Database, actor: Actor, tmp_path: Path) -> None:
    person = make_person(db, actor)
    app = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="guaranteed_loan_individual",
        loan=LoanInput(
            bank="杭州联合农村商业银行", amount_fen=20_000_000, term_months=24, annual_rate_bp=365
        ),
        today=DAY,
    )
    approve(db, actor, app, disburse=True)
    out = tmp_path / "loan.pdf"
    pages = print_application(db, actor, application_id=app, out=out)
    text = pdftotext(out)
    assert "创业担保贷款申请表" in text
    for expected in (
        "杭州联合农村商业银行",
        "24 个月",
        "3.65%",
        "50%",
        "2025年11月5日",
        "2027年11月5日",
        "免除反担保",
    ):
        assert expected in text, expected
    assert "贰拾万元整" in flat(text)
    assert "经办银行意见" in text
    assert f"共 {pages} 页" in text


def test_social_insurance_form_shows_months(db: Database, actor: Actor, tmp_path: Path) -> None:
    person = make_person(db, actor, key_groups="就业困难人员")
    app = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="social_insurance_subsidy",
        data=ApplicationInput(social_insurance_months=12),
        today=DAY,
    )
    assert get_application(db, actor, application_id=app).amount_fen == 600_000
    out = tmp_path / "si.pdf"
    print_application(db, actor, application_id=app, out=out)
    text = pdftotext(out)
    assert "社会保险补贴申请表" in text and "12 个月" in text and "陆仟元整" in flat(text)


def _completed_class(db: Database, actor: Actor, people: list[str]) -> str:
    ensure_course_catalogue(db, actor)
    now = datetime(2025, 10, 1, tzinfo=UTC)
    common = {"station_code": actor.station_code, "created_at": now, "updated_by": "测试"}
    class_id = "01990000-0000-7000-8000-000000000001"
    with db.transaction() as session:
        operation = Operation(session, actor, "培训班结业（测试数据）")
        operation.create_many(
            TrainingClass,
            [
                {
                    **common,
                    "id": class_id,
                    "course_id": course_id_for("SYB"),
                    "class_number": "SYB202509",
                    "title": "SYB 创办你的企业",
                    "start_date": date(2025, 9, 1),
                    "end_date": date(2025, 9, 10),
                    "capacity": 30,
                    "min_attendance_percent": 80,
                    "exam_required": False,
                    "pass_mark": 60,
                    "excused_policy": "absent",
                    "assessed_on": date(2025, 9, 12),
                }
            ],
            subject_ids=[None],
        )
        operation.create_many(
            Enrolment,
            [
                {
                    **common,
                    "id": f"01990000-0000-7000-8000-00000000010{index}",
                    "class_id": class_id,
                    "entrepreneur_id": person,
                    "enrolled_on": date(2025, 8, 20),
                    "status": "enrolled",
                    "result": "completed",
                    "completed_on": date(2025, 9, 12),
                    "certificate_number": f"330106001-SYB-2025-0000{index}",
                }
                for index, person in enumerate(people, start=1)
            ],
            subject_ids=people,
        )
    return class_id


def test_training_subsidy_form_attaches_the_class_roster(db: Database, actor: Actor, tmp_path: Path) -> None:
    zhang = make_person(db, actor)
    li = make_person(db, actor, name="李四", birth=date(1990, 1, 1), sequence=222, phone="13900139000")
    class_id = _completed_class(db, actor, [zhang, li])
    app = create_application(
        db,
        actor,
        entrepreneur_id=zhang,
        item_code="training_subsidy",
        data=ApplicationInput(training_class_id=class_id),
        today=DAY,
    )
    out = tmp_path / "training.pdf"
    pages = print_application(db, actor, application_id=app, out=out)
    assert pages == 2
    text = pdftotext(out)
    assert "创业培训补贴申请表" in text and "壹仟元整" in flat(text)
    assert "附：培训班花名册（SYB 创办你的企业（第 SYB202509 期））" in text
    assert "李四" in text and id_number(date(1990, 1, 1), 222) in text
    assert "330106001-SYB-2025-00002" in text and "共 2 人结业" in text
    redacted = tmp_path / "training-redacted.pdf"
    print_application(db, actor, application_id=app, out=redacted, redacted=True)
    assert id_number(date(1990, 1, 1), 222) not in pdftotext(redacted)
    approve(db, actor, app)  # a class is chosen, the completion is on file: submission accepted


def test_verify_detects_a_changed_record(db: Database, actor: Actor, tmp_path: Path) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    out = tmp_path / "form.pdf"
    print_application(db, actor, application_id=app, out=out)
    [payload] = payloads_in(pdftotext(out))
    assert payload.startswith(f"DOORSTEP:1:application:{app}:")
    [result] = verify_pdf(db, actor, path=out)
    assert result.matches and result.message.startswith("一致")
    update_application(db, actor, application_id=app, data=ApplicationInput(amount_fen=400_000), today=DAY)
    changed = verify_payload(db, actor, payload=payload)
    assert not changed.matches
    assert "不一致" in changed.message and "¥4,000.00" in changed.message
    forged = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    assert not verify_payload(db, actor, payload=forged).matches
    with pytest.raises(ValidationError, match="不是本系统打印的表格编码"):
        verify_payload(db, actor, payload="hello")
    missing = verify_payload(
        db, actor, payload=f"DOORSTEP:1:application:{'0' * 8}-0000-7000-8000-{'0' * 12}:{'A' * 16}"
    )
    assert not missing.matches and "找不到这份申请" in missing.message


def test_batch_print_of_a_month_verifies_each_form(db: Database, actor: Actor, tmp_path: Path) -> None:
    apps = []
    for index, name in enumerate(("赵一", "钱二", "孙三")):
        person = make_person(db, actor, name=name, sequence=500 + index)
        app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
        apps.append(app)
    approve(db, actor, apps[0], on=date(2025, 11, 10))
    approve(db, actor, apps[1], on=date(2025, 11, 28), disburse=True)
    approve(db, actor, apps[2], on=date(2025, 12, 1))
    out = tmp_path / "month.pdf"
    forms, pages = print_approved_month(db, actor, month=date(2025, 11, 1), out=out)
    assert (forms, pages) == (2, 2)
    text = pdftotext(out)
    assert "赵一" in text and "钱二" in text and "孙三" not in text
    results = verify_pdf(db, actor, path=out)
    assert [r.record_id for r in results] == apps[:2] and all(r.matches for r in results)
    with pytest.raises(NotFound, match="2025年10月没有已批准的申请"):
        print_approved_month(db, actor, month=date(2025, 10, 1), out=tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="zbarimg absent"
)
def test_the_printed_qr_code_scans_back_to_the_record(db: Database, actor: Actor, tmp_path: Path) -> None:
    """Render the printed page, scan its QR code as a reader would, and check the printout with it."""
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    out = tmp_path / "form.pdf"
    print_application(db, actor, application_id=app, out=out)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(out), str(tmp_path / "page")], check=True
    )
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page-1.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert scanned.startswith(f"DOORSTEP:1:application:{app}:")
    assert verify_payload(db, actor, payload=scanned).matches

"""Issue 12 §5, rules a reviewer would check, on a real database: no attendance for a session not yet
held; enrolling after a class ended or in two classes of one course at once warns; a schedule short of
the course's hours warns; a running class is not an ended one in the 月报; a failed alternative of a
condition that held is "one of these holds"; no partnership loan for a one-person 个体工商户."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.services import monthly
from desktop.services import training as svc
from desktop.services.policy import eligibility
from models.audit import Actor
from models.base import china_today
from models.database import Database
from models.enums import KeyGroup
from models.errors import NotAllowed
from models.policy import Condition, ConditionType, Eligibility, ItemCode, Outcome, evaluate_item
from models.training import AttendanceMark, HalfDay
from tests.unit.test_policy_support import facts, item, make_person
from tests.unit.test_training_services import person

TODAY = date(2025, 3, 5)  # a Wednesday: the class below runs Monday 3 to Friday 7 March 2025
START = date(2025, 3, 3)


def running_class(
    db: Database,
    actor: Actor,
    *,
    number: str = "SYB202501",
    start: date = START,
    days: int = 5,
    half_days: tuple[HalfDay, ...] = (HalfDay.AM, HalfDay.PM),
    skip_weekends: bool = True,
) -> str:
    """An SYB class of ``days`` days from ``start``, with its sessions (4 学时 each)."""
    svc.ensure_course_catalogue(db, actor)
    last_day = start + timedelta(days=days - 1)
    class_id = svc.create_class(
        db,
        actor,
        data={
            "course_id": svc.course_id_for("SYB"),
            "class_number": number,
            "title": f"创办你的企业培训 {number}",
            "start_date": start,
            "end_date": last_day,
            "capacity": 30,
        },
    )
    svc.add_sessions(
        db,
        actor,
        class_id=class_id,
        first_day=start,
        last_day=last_day,
        half_days=list(half_days),
        hours=4,
        skip_weekends=skip_weekends,
    )
    return class_id


# ------------------------------------------------------------------------ no attendance for tomorrow
def test_a_mark_for_a_session_not_yet_held_is_refused(db: Database, actor: Actor) -> None:
    class_id = running_class(db, actor)
    zhang = svc.enrol(db, actor, class_id=class_id, entrepreneur_id=person(db, actor, "张三", 1))
    sessions = svc.list_sessions(db, actor, class_id=class_id)
    today_am = next(s for s in sessions if s.session_date == TODAY and s.half_day is HalfDay.AM)
    tomorrow = next(s for s in sessions if s.session_date == TODAY + timedelta(days=1))
    marked = svc.mark_attendance(
        db, actor, class_id=class_id, marks=[(zhang, today_am.id, AttendanceMark.PRESENT)], today=TODAY
    )
    assert len(marked) == 1  # today's session: yes
    with pytest.raises(NotAllowed, match=r"2025-03-06 上午.*还没有上（今天是 2025-03-05），不能记考勤"):
        svc.mark_attendance(
            db, actor, class_id=class_id, marks=[(zhang, tomorrow.id, AttendanceMark.PRESENT)], today=TODAY
        )
    with pytest.raises(NotAllowed, match="还没有上"):
        svc.mark_column(db, actor, session_id=tomorrow.id, today=TODAY)
    grid = svc.attendance_grid(db, actor, class_id=class_id, today=TODAY)
    assert {(e, s) for e, s in grid.marks} == {(zhang, today_am.id)}  # nothing of the refused stored
    assert [grid.is_future(s) for s in grid.sessions].count(True) == 4  # Thursday and Friday
    # a mark that is there by mistake can still be cleared
    cleared = svc.mark_attendance(
        db, actor, class_id=class_id, marks=[(zhang, tomorrow.id, None)], today=TODAY
    )
    assert cleared == []


def test_an_imported_sign_in_sheet_leaves_out_the_sessions_ahead(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    class_id = running_class(db, actor)
    svc.enrol(db, actor, class_id=class_id, entrepreneur_id=person(db, actor, "张三", 1))
    sheet = tmp_path / "签到表.xlsx"
    svc.write_sign_in_workbook(db, actor, class_id=class_id, out=sheet)
    book = load_workbook(sheet)
    page = book.active
    assert page is not None
    header_row = next(
        r for r in range(1, 10) if page.cell(r, 2).value == "姓名" or page.cell(r, 1).value == "序号"
    )
    row = header_row + 1
    filled = 0
    for column in range(1, page.max_column + 1):
        if "上午" in str(page.cell(header_row, column).value or "") or "下午" in str(
            page.cell(header_row, column).value or ""
        ):
            page.cell(row, column).value = "√"  # a worker ticks every column, the future ones too
            filled += 1
    assert filled == 10
    book.save(sheet)
    result = svc.import_attendance(db, actor, class_id=class_id, path=sheet, today=TODAY)
    assert result.marks_changed == 6  # Monday to Wednesday
    reasons = [p.reason for p in result.malformed]
    assert len(reasons) == 4 and all("还没有上" in r and "1 个考勤未导入" in r for r in reasons), reasons


# ------------------------------------------------------------------------------- enrolment warnings
def test_enrolling_after_the_class_ended_warns(db: Database, actor: Actor) -> None:
    class_id = running_class(db, actor)
    zhang = person(db, actor, "张三", 1)
    assert svc.enrolment_warnings(db, actor, class_id=class_id, entrepreneur_id=zhang, today=TODAY) == []
    after = svc.enrolment_warnings(
        db, actor, class_id=class_id, entrepreneur_id=zhang, today=date(2025, 3, 10)
    )
    assert len(after) == 1
    assert "第 SYB202501 期已于 2025-03-07 结束（今天是 2025-03-10）" in after[0]
    # the walk-in (no file yet) is warned about the class too
    assert svc.enrolment_warnings(db, actor, class_id=class_id, today=date(2025, 3, 10)) == after


def test_two_classes_of_one_course_at_once_warns(db: Database, actor: Actor) -> None:
    first = running_class(db, actor)
    overlapping = running_class(db, actor, number="SYB202502", start=START + timedelta(days=2))
    later = running_class(db, actor, number="SYB202503", start=START + timedelta(days=14))
    zhang = person(db, actor, "张三", 1)
    svc.enrol(db, actor, class_id=first, entrepreneur_id=zhang)
    warned = svc.enrolment_warnings(db, actor, class_id=overlapping, entrepreneur_id=zhang, today=START)
    assert len(warned) == 1
    assert "张三 已在同一课程" in warned[0] and "第 SYB202501 期（2025-03-03 至 2025-03-07）" in warned[0]
    assert "同时参加两期" in warned[0]
    assert svc.enrolment_warnings(db, actor, class_id=later, entrepreneur_id=zhang, today=START) == []
    li = person(db, actor, "李四", 2)  # not on any roster
    assert svc.enrolment_warnings(db, actor, class_id=overlapping, entrepreneur_id=li, today=START) == []
    # a warning, not a refusal: the worker may confirm and enrol
    assert svc.enrol(db, actor, class_id=overlapping, entrepreneur_id=zhang)


# ---------------------------------------------------------------------------------- schedule hours
def test_a_schedule_short_of_the_course_hours_warns(db: Database, actor: Actor) -> None:
    class_id = running_class(db, actor)  # 10 sessions × 4 = 40 学时
    detail = svc.get_class(db, actor, class_id=class_id)
    syb = next(c for c in svc.list_courses(db, actor) if c.code == "SYB")
    assert detail.standard_hours == syb.standard_hours == 80  # the example catalogue's SYB
    assert detail.schedule_shortfall == 40
    assert detail.schedule_warning == (
        f"已排 10 个课次共 40 学时，少于{syb.name}要求的 80 学时（还差 40 学时）"
    )
    svc.update_class(
        db,
        actor,
        class_id=class_id,
        data={**detail.form_values(), "end_date": START + timedelta(days=60)},
    )
    svc.add_sessions(
        db,
        actor,
        class_id=class_id,
        first_day=START + timedelta(days=7),
        last_day=START + timedelta(days=60),
        half_days=[HalfDay.AM, HalfDay.PM],
        hours=4,
    )
    enough = svc.get_class(db, actor, class_id=class_id)
    assert enough.total_hours >= syb.standard_hours
    assert enough.schedule_shortfall == 0 and enough.schedule_warning == ""


# ------------------------------------------------------------------------------------ the 月报
def test_a_class_still_running_is_not_counted_as_ended(db: Database, actor: Actor) -> None:
    today = china_today()
    svc.ensure_course_catalogue(db, actor)
    running = svc.create_class(
        db,
        actor,
        data={
            "course_id": svc.course_id_for("SYB"),
            "class_number": "SYB209901",
            "title": "仍在上课的班",
            "start_date": today - timedelta(days=3),
            "end_date": today,  # its last day is today: it runs until tonight
            "capacity": 30,
        },
    )
    zhang = person(db, actor, "张三", 1)
    svc.enrol(db, actor, class_id=running, entrepreneur_id=zhang)
    month = today.replace(day=1)
    rows = {row.key: row for row in monthly.training_section(db, actor, month)}
    assert rows["training.classes"].total == 0
    assert rows["training.trained"].total == 0
    trend = monthly.monthly_trend(db, actor, end=today, months=1, keys=["training.trained"])
    assert [point.values["training.trained"] for point in trend] == [0]  # the chart agrees


# ------------------------------------------------------------------------------------- eligibility
def test_a_failed_alternative_of_a_condition_that_held_decides_nothing() -> None:
    answer = evaluate_item(item("startup_subsidy"), facts(), date(2025, 11, 5))  # a veteran
    assert answer.eligibility is Eligibility.ELIGIBLE
    group = next(r for r in answer.conditions if r.condition is ConditionType.ANY_OF)
    assert group.outcome is Outcome.HELD and not group.moot
    graduate, veteran = group.children
    assert graduate.outcome is Outcome.FAILED and graduate.moot  # 毕业 2 年内的高校毕业生: not him
    assert all(child.moot for child in graduate.children)
    assert "满足其一即可" in graduate.shown_text
    assert veteran.outcome is Outcome.HELD and not veteran.moot
    assert answer.failed == [] and answer.missing == []


def test_a_failed_alternative_still_counts_when_no_alternative_held() -> None:
    answer = evaluate_item(
        item("startup_subsidy"), facts(groups=frozenset({KeyGroup.OTHER})), date(2025, 11, 5)
    )
    group = next(r for r in answer.conditions if r.condition is ConditionType.ANY_OF)
    assert group.outcome is Outcome.FAILED
    assert not any(child.moot for child in group.children)
    assert answer.eligibility is Eligibility.NOT_ELIGIBLE


def test_no_partnership_loan_for_a_one_person_individual_business(db: Database, actor: Actor) -> None:
    shopkeeper = make_person(db, actor)  # a veteran with 青禾餐饮店, a 个体工商户
    report = eligibility(db, actor, entrepreneur_id=shopkeeper, as_of=date(2025, 11, 5))
    partnership = report.answer(ItemCode.LOAN_PARTNERSHIP)
    assert partnership is not None and partnership.eligibility is Eligibility.NOT_ELIGIBLE
    assert [r.text for r in partnership.failed] == [
        "创业主体“青禾餐饮店”为个体工商户，由一人经营，不是合伙创业（可申请个人创业担保贷款）"
    ]
    personal = report.answer(ItemCode.LOAN_INDIVIDUAL)
    assert personal is not None and personal.eligibility is Eligibility.ELIGIBLE


def test_partnership_counts_the_partners() -> None:
    partnership = item("guaranteed_loan_partnership")
    day = date(2025, 11, 5)
    assert evaluate_item(partnership, facts(partners=3), day).eligibility is Eligibility.ELIGIBLE
    alone = evaluate_item(partnership, facts(partners=1), day)
    assert alone.eligibility is Eligibility.NOT_ELIGIBLE
    assert "合伙人数 1 人，合伙创业至少 2 人" in alone.summary
    from models.policy import VentureFacts

    firm = (VentureFacts("v2", "禾木科技有限公司", "small_firm", "startup", date(2024, 1, 10), 6),)
    unknown = evaluate_item(partnership, facts(ventures=firm), day)
    assert unknown.eligibility is Eligibility.MISSING_DATA
    assert "未填写合伙人数" in unknown.summary
    # a set may state the test itself, with its own minimum
    from dataclasses import replace

    three = replace(
        partnership, conditions=(*partnership.conditions, Condition(ConditionType.PARTNERSHIP, count=3))
    )
    assert evaluate_item(three, facts(partners=2), day).eligibility is Eligibility.NOT_ELIGIBLE

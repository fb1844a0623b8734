"""Training services on a real database: classes, sessions, roster, attendance, completion, registries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select
from stdnum.cn import ric

from desktop.services import training as svc
from desktop.services.entrepreneurs import PossibleDuplicate, create_entrepreneur, file_history
from desktop.services.timeline import timeline
from desktop.services.workbench import Urgency, month_figures, tasks_for
from models.audit import Actor, Change
from models.database import Database
from models.errors import Conflict, NotAllowed, NotFound, ValidationError
from models.training import AttendanceMark, CertificateSequence, CompletionResult, EnrolmentStatus, HalfDay

START = date(2025, 3, 3)  # a Monday
P, L, E, A = AttendanceMark.PRESENT, AttendanceMark.LATE, AttendanceMark.EXCUSED, AttendanceMark.ABSENT


def id_number(serial: int, body: str = "33010619900101") -> str:
    head = f"{body}{serial:03d}"
    return head + ric.calc_check_digit(head + "0")


def person(db: Database, actor: Actor, name: str, serial: int) -> str:
    return create_entrepreneur(db, actor, person={"name": name, "id_number": id_number(serial)})


def new_class(db: Database, actor: Actor, *, code: str = "SYB", capacity: int = 30, number: str = "") -> str:
    svc.ensure_course_catalogue(db, actor)
    course = svc.course_id_for(code)
    return svc.create_class(
        db,
        actor,
        data={
            "course_id": course,
            "class_number": number or svc.suggest_class_number(db, actor, course_id=course, year=2025),
            "title": "创办你的企业培训2025年第1期",
            "start_date": START,
            "end_date": START + timedelta(days=4),
            "capacity": capacity,
            "provider": "西湖区职业技能培训中心",
        },
    )


def scheduled(db: Database, actor: Actor, class_id: str) -> list[svc.SessionView]:
    svc.add_sessions(
        db,
        actor,
        class_id=class_id,
        first_day=START,
        last_day=START + timedelta(days=4),
        half_days=[HalfDay.AM, HalfDay.PM],
        hours=4,
    )
    return svc.list_sessions(db, actor, class_id=class_id)


def test_default_catalogue_is_stored_once_with_stable_ids(db: Database, actor: Actor) -> None:
    notice, courses = svc.default_course_catalogue()
    assert "示例" in notice and "核对" in notice
    assert [c.code for c in courses] == ["SYB", "IYB", "EYB", "WC", "XLY", "JNCY"]
    assert svc.ensure_course_catalogue(db, actor) == 6
    assert svc.ensure_course_catalogue(db, actor) == 0
    stored = {c.code: c for c in svc.list_courses(db, actor)}
    assert stored["SYB"].id == svc.course_id_for("syb")
    assert stored["XLY"].rule.exam_required is False


def test_class_copies_the_course_rule_and_a_later_course_change_leaves_it(db: Database, actor: Actor) -> None:
    class_id = new_class(db, actor)
    detail = svc.get_class(db, actor, class_id=class_id)
    assert detail.class_number == "SYB202501"
    assert detail.rule.min_attendance_percent == 80
    course = next(c for c in svc.list_courses(db, actor) if c.code == "SYB")
    svc.update_course(
        db,
        actor,
        course_id=course.id,
        course={"code": "SYB", "name": course.name, "standard_hours": 80, "min_attendance_percent": 90},
    )
    assert svc.get_class(db, actor, class_id=class_id).rule.min_attendance_percent == 80
    assert svc.suggest_class_number(db, actor, course_id=course.id, year=2025) == "SYB202502"
    with pytest.raises(Conflict, match="期次编号 SYB202501 已被"):
        new_class(db, actor, number="SYB202501")


def test_sessions_refuse_a_taken_slot_and_a_day_outside_the_class(db: Database, actor: Actor) -> None:
    class_id = new_class(db, actor)
    sessions = scheduled(db, actor, class_id)
    assert len(sessions) == 10
    assert [s.number for s in sessions[:2]] == [1, 2]
    assert (sessions[0].half_day, sessions[1].half_day) == (HalfDay.AM, HalfDay.PM)
    again = svc.add_sessions(
        db, actor, class_id=class_id, first_day=START, last_day=START, half_days=[HalfDay.AM], hours=4
    )
    assert again == []
    with pytest.raises(Conflict, match="2025-03-03 上午 已有课次"):
        svc.add_session(
            db, actor, class_id=class_id, session_data={"session_date": START, "half_day": "全天", "hours": 8}
        )
    with pytest.raises(ValidationError, match="不在班级的 2025-03-03 至 2025-03-07 之内"):
        svc.add_session(db, actor, class_id=class_id, session_data={"session_date": "2025-03-10", "hours": 4})


def test_capacity_is_respected(db: Database, actor: Actor) -> None:
    class_id = new_class(db, actor, capacity=2)
    people = [person(db, actor, name, n) for n, name in enumerate(["张三", "李四", "王五"], start=1)]
    svc.enrol(db, actor, class_id=class_id, entrepreneur_id=people[0])
    svc.enrol(db, actor, class_id=class_id, entrepreneur_id=people[1])
    with pytest.raises(Conflict) as caught:
        svc.enrol(db, actor, class_id=class_id, entrepreneur_id=people[2])
    assert "已满：计划 2 人，已报名 2 人" in str(caught.value)
    # a walk-in is refused before a file is made
    with pytest.raises(Conflict, match="已满"):
        svc.enrol_walk_in(db, actor, class_id=class_id, name="赵六", id_number=id_number(9))
    with db.reading() as session:
        from models.entrepreneur import Entrepreneur

        assert session.exec(select(Entrepreneur).where(Entrepreneur.name == "赵六")).first() is None
    # withdrawing frees a place
    first = svc.roster(db, actor, class_id=class_id)[0]
    assert svc.withdraw(db, actor, enrolment_id=first.enrolment_id) == "张三"
    svc.enrol(db, actor, class_id=class_id, entrepreneur_id=people[2])
    assert [r.status for r in svc.roster(db, actor, class_id=class_id)] == [
        EnrolmentStatus.WITHDRAWN,
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.ENROLLED,
    ]


def test_duplicate_enrolment_is_refused_and_a_withdrawn_person_can_come_back(
    db: Database, actor: Actor
) -> None:
    class_id = new_class(db, actor)
    zhang = person(db, actor, "张三", 1)
    enrolment = svc.enrol(db, actor, class_id=class_id, entrepreneur_id=zhang)
    with pytest.raises(Conflict, match="张三 已在第 SYB202501 期的名单中") as caught:
        svc.enrol(db, actor, class_id=class_id, entrepreneur_id=zhang)
    assert caught.value.existing_id == enrolment
    svc.withdraw(db, actor, enrolment_id=enrolment)
    assert svc.enrol(db, actor, class_id=class_id, entrepreneur_id=zhang) == enrolment
    history = file_history(db, actor, entrepreneur_id=zhang)
    assert ("报名状态", "enrolled", "withdrawn") in history[1].fields
    assert not any(
        e.kind == "档案变更" and "报名" in e.title for e in timeline(db, actor, entrepreneur_id=zhang)
    )
    assert [h.label for h in history[:3]] == [
        "张三 报名 SYB202501 期创办你的企业（SYB）",
        "张三 退出 SYB202501 期",
        "张三 报名 SYB202501 期创办你的企业（SYB）",
    ]


def test_walk_in_makes_a_minimal_file_and_the_duplicate_guard_applies(db: Database, actor: Actor) -> None:
    class_id = new_class(db, actor)
    zhang = person(db, actor, "张三", 1)
    with pytest.raises(Conflict) as caught:
        svc.enrol_walk_in(db, actor, class_id=class_id, name="张三", id_number=id_number(1))
    assert caught.value.existing_id == zhang
    # same name and birth date, another ID number: maybe the same person
    with pytest.raises(PossibleDuplicate):
        svc.enrol_walk_in(db, actor, class_id=class_id, name="张三", id_number=id_number(3))
    person_id, enrolment_id = svc.enrol_walk_in(
        db, actor, class_id=class_id, name="张三", id_number=id_number(3), confirm_possible_duplicate=True
    )
    assert person_id != zhang
    assert svc.roster(db, actor, class_id=class_id)[0].enrolment_id == enrolment_id
    with pytest.raises(ValidationError, match="身份证号码 330106199001010031 的最后一位应为"):
        svc.enrol_walk_in(db, actor, class_id=class_id, name="李四", id_number="330106199001010031")


def completed_class(
    db: Database, actor: Actor, names: list[str], *, number: str = ""
) -> tuple[str, list[str]]:
    class_id = new_class(db, actor, number=number)
    sessions = scheduled(db, actor, class_id)
    people = [person(db, actor, name, 50 + n + (100 if number else 0)) for n, name in enumerate(names)]
    enrolments = [
        svc.enrol(db, actor, class_id=class_id, entrepreneur_id=p, confirm_repeat=True) for p in people
    ]
    for s in sessions:
        svc.mark_column(db, actor, session_id=s.id)
    for enrolment in enrolments:
        svc.set_exam_score(db, actor, enrolment_id=enrolment, score=80)
    return class_id, enrolments


def test_warns_when_the_person_already_completed_the_same_course(db: Database, actor: Actor) -> None:
    first, _ = completed_class(db, actor, ["张三"])
    svc.assess_class(db, actor, class_id=first, today=date(2025, 4, 1))
    zhang = svc.roster(db, actor, class_id=first)[0].entrepreneur_id
    second = new_class(db, actor)
    with pytest.raises(svc.AlreadyCompleted) as caught:
        svc.enrol(db, actor, class_id=second, entrepreneur_id=zhang)
    assert "张三 已于 2025-03-07 在第 SYB202501 期结业，证书编号 330106001-SYB-2025-00001" in str(
        caught.value
    )
    assert "确认仍要报名吗" in str(caught.value)
    svc.enrol(db, actor, class_id=second, entrepreneur_id=zhang, confirm_repeat=True)
    # another course is no repeat
    iyb = new_class(db, actor, code="IYB")
    svc.enrol(db, actor, class_id=iyb, entrepreneur_id=zhang)


def test_marks_column_marking_keeps_exceptions_and_undo_steps_back(db: Database, actor: Actor) -> None:
    class_id = new_class(db, actor)
    sessions = scheduled(db, actor, class_id)
    enrolments = [
        svc.enrol(db, actor, class_id=class_id, entrepreneur_id=person(db, actor, n, i))
        for i, n in enumerate(["张三", "李四", "王五"], 1)
    ]
    first = sessions[0].id
    changed = svc.mark_attendance(db, actor, class_id=class_id, marks=[(enrolments[1], first, E)])
    assert changed == [svc.MarkChange(enrolments[1], first, E)]
    filled = svc.mark_column(db, actor, session_id=first)
    assert {c.enrolment_id for c in filled} == {enrolments[0], enrolments[2]}
    grid = svc.attendance_grid(db, actor, class_id=class_id)
    assert [grid.marks[(e, first)] for e in enrolments] == [P, E, P]
    assert [p.name for p in grid.people] == ["张三", "李四", "王五"]
    # marking the same again changes nothing
    assert svc.mark_column(db, actor, session_id=first) == []
    everyone_late = svc.mark_column(db, actor, session_id=first, mark=L, overwrite=True)
    assert len(everyone_late) == 3
    assert (
        svc.undo_last_class_change(db, actor, class_id=class_id) == "SYB202501 2025-03-03 上午 全部记为迟到"
    )
    grid = svc.attendance_grid(db, actor, class_id=class_id)
    assert [grid.marks[(e, first)] for e in enrolments] == [P, E, P]
    # clearing, then marking the cleared cell again
    svc.mark_attendance(db, actor, class_id=class_id, marks=[(enrolments[0], first, None)])
    assert (enrolments[0], first) not in svc.attendance_grid(db, actor, class_id=class_id).marks
    svc.mark_attendance(db, actor, class_id=class_id, marks=[(enrolments[0], first, A)])
    assert svc.attendance_grid(db, actor, class_id=class_id).marks[(enrolments[0], first)] is A
    with pytest.raises(NotFound, match="不在第 SYB202501 期的名单中"):
        svc.mark_attendance(db, actor, class_id=class_id, marks=[("nobody", first, P)])
    sessions_view = svc.list_sessions(db, actor, class_id=class_id)
    assert (sessions_view[0].marked, sessions_view[0].present) == (3, 1)  # 缺, 假, 出


def test_assessment_numbers_certificates_by_station_and_refuses_future_sessions(
    db: Database, actor: Actor
) -> None:
    class_id, enrolments = completed_class(db, actor, ["张三", "李四", "王五", "赵六"])
    sessions = svc.list_sessions(db, actor, class_id=class_id)
    # 李四: 2 of 10 sessions absent -> 80 % exactly; 王五: 3 absent -> 70 %; 赵六: score below the pass mark
    svc.mark_attendance(db, actor, class_id=class_id, marks=[(enrolments[1], s.id, A) for s in sessions[:2]])
    svc.mark_attendance(db, actor, class_id=class_id, marks=[(enrolments[2], s.id, A) for s in sessions[:3]])
    svc.set_exam_score(db, actor, enrolment_id=enrolments[3], score=59)
    with pytest.raises(NotAllowed, match="还有 10 个课次未上"):
        svc.assess_class(db, actor, class_id=class_id, today=START - timedelta(days=1))
    summary = svc.assess_class(db, actor, class_id=class_id, today=date(2025, 3, 10))
    assert (summary.assessed, summary.completed, summary.new_certificates) == (4, 2, 2)
    rows = svc.roster(db, actor, class_id=class_id)
    assert [r.result for r in rows] == [
        CompletionResult.COMPLETED,
        CompletionResult.COMPLETED,
        CompletionResult.NOT_COMPLETED,
        CompletionResult.NOT_COMPLETED,
    ]
    assert [r.certificate_number for r in rows[:2]] == [
        "330106001-SYB-2025-00001",
        "330106001-SYB-2025-00002",
    ]
    detail = svc.get_class(db, actor, class_id=class_id)
    assert detail.completion_text == "50%（2/4 人）"
    assert detail.assessed_on == date(2025, 3, 10)
    # a correction after the assessment: 赵六's score is fixed, 李四 loses an hour's attendance
    svc.set_exam_score(db, actor, enrolment_id=enrolments[3], score=61)
    svc.mark_attendance(db, actor, class_id=class_id, marks=[(enrolments[1], sessions[2].id, A)])
    stale = [p.row.name for p in svc.completion_preview(db, actor, class_id=class_id) if p.stale]
    assert stale == ["李四", "赵六"]
    again = svc.assess_class(db, actor, class_id=class_id, today=date(2025, 3, 11))
    assert (again.completed, again.new_certificates, again.revoked) == (2, 1, 1)
    rows = svc.roster(db, actor, class_id=class_id)
    assert rows[0].certificate_number == "330106001-SYB-2025-00001"  # kept
    assert rows[1].certificate_number is None  # revoked, never reused
    assert rows[3].certificate_number == "330106001-SYB-2025-00003"
    with db.reading() as session:
        assert session.get(CertificateSequence, 2025).last == 3  # type: ignore[union-attr]
    with pytest.raises(NotAllowed, match="已结业的学员不能退出名单"):
        svc.withdraw(db, actor, enrolment_id=enrolments[0])
    with pytest.raises(NotAllowed, match="已发放 2 张结业证书，不能删除"):
        svc.delete_class(db, actor, class_id=class_id)


def test_completed_trainees_for_the_subsidy_application(db: Database, actor: Actor) -> None:
    class_id, enrolments = completed_class(db, actor, ["张三", "李四"])
    svc.mark_attendance(
        db,
        actor,
        class_id=class_id,
        marks=[(enrolments[0], svc.list_sessions(db, actor, class_id=class_id)[0].id, E)],
    )
    assert svc.completed_trainees(db, actor, class_id=class_id) == []
    svc.assess_class(db, actor, class_id=class_id, today=date(2025, 3, 10))
    trainees = svc.completed_trainees(db, actor, class_id=class_id)
    assert [t.name for t in trainees] == ["张三", "李四"]
    assert trainees[0].id_number == id_number(50)  # unmasked, for the application
    assert (trainees[0].attended_hours, trainees[0].required_hours) == (36, 40)
    assert trainees[0].attendance_percent == 90.0
    assert trainees[0].certificate_number == "330106001-SYB-2025-00001"
    assert trainees[0].completed_on == date(2025, 3, 7)
    with pytest.raises(NotFound):
        svc.completed_trainees(db, actor, class_id="no-such-class")


def test_timeline_file_tab_and_workbench(db: Database, actor: Actor) -> None:
    class_id, _ = completed_class(db, actor, ["张三"])
    svc.assess_class(db, actor, class_id=class_id, today=date(2025, 3, 10))
    zhang = svc.roster(db, actor, class_id=class_id)[0].entrepreneur_id
    # enrolled now (the clock's today), completed on the last session day of 2025: order by time
    training = sorted(
        (e for e in timeline(db, actor, entrepreneur_id=zhang) if e.kind == "培训"), key=lambda e: e.at
    )
    assert [e.title for e in training] == [
        "结业 创办你的企业培训2025年第1期（第 SYB202501 期）",
        "报名 创办你的企业培训2025年第1期（第 SYB202501 期）",
    ]
    assert training[0].detail == "证书编号 330106001-SYB-2025-00001"
    assert training[0].open_kind == "training_class" and training[0].open_id == class_id
    rows = svc.person_training(db, actor, entrepreneur_id=zhang)
    assert [(r.class_number, r.state_text, r.attended_hours) for r in rows] == [("SYB202501", "结业", 40)]
    # a class today, another one waiting for its assessment
    waiting = new_class(db, actor, number="SYB202599")
    scheduled(db, actor, waiting)
    tasks = tasks_for(db, actor, today=START + timedelta(days=1))
    today = [t for t in tasks if t.kind_label == "今日课程"]
    assert [t.text for t in today] == [
        "第 SYB202501 期 上午（已点名）",
        "第 SYB202501 期 下午（已点名）",
        "第 SYB202599 期 上午（已点名 0/0 人）",
        "第 SYB202599 期 下午（已点名 0/0 人）",
    ]
    assert today[0].urgency is Urgency.TODAY and today[0].open_kind == "training_class"
    later = tasks_for(db, actor, today=date(2025, 4, 1))
    assert [t.text for t in later if t.kind_label == "待结业评定"] == [
        "第 SYB202599 期已于 2025-03-07 结束，请做结业评定"
    ]
    assert [f.value for f in month_figures(db, actor, today=date(2025, 3, 31)) if f.label == "培训结业"] == [
        "1 人"
    ]


def test_attendance_changes_are_logged_against_the_class(db: Database, actor: Actor) -> None:
    class_id = new_class(db, actor)
    sessions = scheduled(db, actor, class_id)
    enrolment = svc.enrol(db, actor, class_id=class_id, entrepreneur_id=person(db, actor, "张三", 1))
    svc.mark_column(db, actor, session_id=sessions[0].id)
    with db.reading() as session:
        rows = session.exec(select(Change).where(Change.record_kind == "training_attendance")).all()
        assert [(r.subject_id, r.action, r.changes["status"]) for r in rows] == [
            (class_id, "create", [None, "present"])
        ]
        enrolled = session.exec(select(Change).where(col(Change.record_id) == enrolment)).one()
        assert enrolled.subject_id != class_id  # an enrolment belongs to the person's file


def test_resolve_record_accepts_ids_class_numbers_and_certificate_numbers(db: Database, actor: Actor) -> None:
    class_id, enrolments = completed_class(db, actor, ["张三"])
    svc.assess_class(db, actor, class_id=class_id, today=date(2025, 3, 10))
    session_id = svc.list_sessions(db, actor, class_id=class_id)[0].id
    assert svc.resolve_record(db, actor, record_id=class_id) == ("class", class_id)
    assert svc.resolve_record(db, actor, record_id=" SYB202501 ") == ("class", class_id)
    assert svc.resolve_record(db, actor, record_id=session_id) == ("session", session_id)
    assert svc.resolve_record(db, actor, record_id="330106001-SYB-2025-00001") == ("enrolment", enrolments[0])
    with pytest.raises(NotFound, match="找不到编号为 SYB209901 的培训班"):
        svc.resolve_record(db, actor, record_id="SYB209901")

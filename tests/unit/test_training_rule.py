"""The completion rule (结业规则) and the parsing of what people write on sign-in sheets."""

from __future__ import annotations

from datetime import date

import pytest

from models.errors import ValidationError
from models.training import (
    AttendanceMark,
    CompletionRule,
    ExcusedPolicy,
    assess,
    check_class_field,
    parse_exam_score,
    parse_mark,
    validate_class,
    validate_course,
    validate_session,
)
from reports.training_forms import parse_date_header

P, L, E, A = AttendanceMark.PRESENT, AttendanceMark.LATE, AttendanceMark.EXCUSED, AttendanceMark.ABSENT
RULE = CompletionRule(min_attendance_percent=80, exam_required=True, pass_mark=60)


def sessions(*marks: AttendanceMark | None, hours: int = 4) -> list[tuple[int, AttendanceMark | None]]:
    return [(hours, mark) for mark in marks]


def test_exactly_the_minimum_share_completes() -> None:
    # 8 of 10 sessions of 4 hours: 32/40 = 80 % exactly
    outcome = assess(RULE, sessions(*[P] * 8, A, A), exam_score=60)
    assert outcome.completed
    assert (outcome.attended_hours, outcome.required_hours) == (32, 40)
    assert outcome.reasons == ()


def test_one_hour_below_the_minimum_does_not_complete() -> None:
    marks = [*sessions(*[P] * 7, A, A), (3, P), (1, A)]  # 31/40 = 77.5 %
    outcome = assess(RULE, marks, exam_score=90)
    assert not outcome.completed
    assert outcome.attended_hours == 31
    assert "出勤 31/40 学时（77.5%），低于 80%" in outcome.reasons[0]


def test_late_counts_as_attended_and_unmarked_as_absent() -> None:
    outcome = assess(RULE, sessions(*[L] * 8, None, None), exam_score=75)
    assert outcome.completed
    assert outcome.unmarked_sessions == 2
    assert "2 个课次未记考勤，按缺勤计" in outcome.reasons


def test_hours_weigh_more_than_sessions() -> None:
    # two full days attended (16 h) and four 1-hour evenings missed: 16/20 = 80 %, though 2 of 6 sessions
    marks = [(8, P), (8, P), (1, A), (1, A), (1, A), (1, A)]
    assert assess(RULE, marks, exam_score=60).completed


@pytest.mark.parametrize(
    ("policy", "completed", "attended", "required"),
    [
        (ExcusedPolicy.ABSENT, False, 28, 40),  # 请假按缺勤计: 28/40 = 70 %
        (ExcusedPolicy.EXCLUDED, True, 28, 32),  # 请假课次不计入应出勤: 28/32 = 87.5 %
        (ExcusedPolicy.PRESENT, True, 36, 40),  # 请假按出勤计: 36/40 = 90 %
    ],
)
def test_excused_absences_count_as_the_rule_says(
    policy: ExcusedPolicy, completed: bool, attended: int, required: int
) -> None:
    rule = CompletionRule(80, exam_required=False, pass_mark=60, excused_policy=policy)
    outcome = assess(rule, sessions(*[P] * 7, E, E, A), exam_score=None)
    assert outcome.completed is completed
    assert (outcome.attended_hours, outcome.required_hours) == (attended, required)


def test_excluded_excused_at_the_boundary() -> None:
    rule = CompletionRule(80, exam_required=False, pass_mark=60, excused_policy=ExcusedPolicy.EXCLUDED)
    # 4 present, 1 absent, 5 excused: 16/20 = 80 % exactly
    assert assess(rule, sessions(*[P] * 4, A, *[E] * 5), exam_score=None).completed
    # all excused: nothing required, so nothing completed
    outcome = assess(rule, sessions(E, E), exam_score=None)
    assert not outcome.completed
    assert "没有应出勤的学时" in outcome.reasons[0]


def test_exam_pass_mark_is_inclusive_and_required_when_the_rule_says() -> None:
    marks = sessions(*[P] * 10)
    assert assess(RULE, marks, exam_score=60).completed
    failed = assess(RULE, marks, exam_score=59)
    assert not failed.completed
    assert failed.reasons == ("考核成绩 59 分，低于及格线 60 分",)
    missing = assess(RULE, marks, exam_score=None)
    assert missing.reasons == ("没有考核成绩",)
    no_exam = CompletionRule(80, exam_required=False, pass_mark=60)
    assert assess(no_exam, marks, exam_score=None).completed


def test_rule_describes_itself_in_chinese() -> None:
    text = CompletionRule(85, True, 70, ExcusedPolicy.EXCLUDED).describe()
    assert text == "出勤学时不少于应出勤学时的 85%，考核成绩不低于 70 分；请假课次不计入应出勤学时"


@pytest.mark.parametrize(
    ("written", "mark"),
    [
        *[("出", P), ("√", P), ("1", P), (1, P), (1.0, P), ("c", P), ("迟到", L), ("L", L)],
        *[("请假", E), ("病假", E), ("假", E), ("缺", A), ("×", A), ("旷课", A), ("Q", A)],
        *[("", None), (None, None), ("  ", None)],
    ],
)
def test_marks_as_people_write_them(written: object, mark: AttendanceMark | None) -> None:
    assert parse_mark(written) is mark


def test_an_unreadable_mark_names_the_value_and_what_is_expected() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_mark("到了", field="第 D 列的考勤")
    assert "第 D 列的考勤“到了”无法识别" in caught.value.message
    assert "出（或 √、1）、迟、假（请假）、缺（或 ×）" in caught.value.message


def test_exam_scores() -> None:
    assert parse_exam_score("85") == 85
    assert parse_exam_score(" ") is None
    with pytest.raises(ValidationError, match="考核成绩 101 超过上限"):
        parse_exam_score(101)
    with pytest.raises(ValidationError, match=r"考核成绩 85\.5 不是整数"):
        parse_exam_score("85.5")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("2025-03-05", (date(2025, 3, 5), (3, 5), None)),
        ("2025-03-05 上午", (date(2025, 3, 5), (3, 5), "上午")),
        ("3月5日下午", (None, (3, 5), "下午")),
        ("03/05（周三）", (None, (3, 5), None)),
        ("2025年3月5日 晚上", (date(2025, 3, 5), (3, 5), "晚上")),
        (date(2025, 3, 5), (date(2025, 3, 5), (3, 5), None)),
        ("姓名", None),
        ("备注", None),
        ("13月5日", None),
    ],
)
def test_date_headers_of_sign_in_sheets(header: object, expected: object) -> None:
    assert parse_date_header(header) == expected


def test_class_validation_messages_name_field_value_and_expectation() -> None:
    raw = {
        "course_id": "x",
        "class_number": "SYB202501",
        "title": "创办你的企业培训2025年第1期",
        "start_date": "2025-03-10",
        "end_date": "2025-03-03",
        "capacity": 30,
    }
    with pytest.raises(ValidationError) as caught:
        validate_class(raw)
    assert caught.value.message == "结业日期 2025-03-03 早于开班日期 2025-03-10，请核对"
    with pytest.raises(ValidationError, match="计划人数 0 太小，应为 1–500 之间的整数"):
        validate_class({**raw, "end_date": "2025-03-20", "capacity": 0})
    with pytest.raises(ValidationError, match="请填写期次编号"):
        check_class_field("class_number", " ")
    with pytest.raises(ValidationError, match="最低出勤率（%） 120 超过上限"):
        check_class_field("min_attendance_percent", 120)


def test_session_must_fall_within_the_class_dates() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_session(
            {"session_date": "2025-04-01", "half_day": "上午", "hours": 4},
            start=date(2025, 3, 3),
            end=date(2025, 3, 14),
        )
    assert "上课日期 2025-04-01 不在班级的 2025-03-03 至 2025-03-14 之内" in caught.value.message
    with pytest.raises(ValidationError, match="时段“中午”无法识别"):
        validate_session(
            {"session_date": "2025-03-04", "half_day": "中午", "hours": 4},
            start=date(2025, 3, 3),
            end=date(2025, 3, 14),
        )


def test_course_validation() -> None:
    course = validate_course(
        {"code": "syb", "name": "创办你的企业", "standard_hours": 80, "min_attendance_percent": 80}
    )
    assert course.code == "SYB"
    assert course.rule == CompletionRule(80, True, 60, ExcusedPolicy.ABSENT)
    with pytest.raises(ValidationError, match="请假计算方式“sometimes”无法识别"):
        validate_course(
            {
                "code": "X",
                "name": "x",
                "standard_hours": 8,
                "min_attendance_percent": 80,
                "excused_policy": "sometimes",
            }
        )

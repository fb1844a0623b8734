"""Pure rules of the visits area: date arithmetic of tracking, due/overdue, and validation messages."""

from __future__ import annotations

from datetime import date

import pytest

from models.enums import Stage
from models.errors import ValidationError
from models.visits import (
    InstructorLevel,
    MentorKind,
    Topic,
    TrackingState,
    VisitMode,
    add_days,
    add_months,
    cadence_label,
    days_in_month,
    next_due_after,
    parse_topics,
    topics_from_bits,
    topics_to_bits,
    tracking_state,
    validate_key_project,
    validate_mentor,
    validate_template,
    validate_visit,
)

TODAY = date(2025, 3, 10)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 11, 15), 2, date(2026, 1, 15)),  # across the year end
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
        (date(2025, 5, 20), 0, date(2025, 5, 20)),
    ],
)
def test_add_months_clamps_to_the_end_of_shorter_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2024, 2, 28), 1, date(2024, 2, 29)),
        (date(2023, 2, 28), 1, date(2023, 3, 1)),
        (date(2024, 2, 15), 30, date(2024, 3, 16)),  # 29 days in February 2024
        (date(2023, 2, 15), 30, date(2023, 3, 17)),
        (date(2025, 12, 20), 14, date(2026, 1, 3)),
        (date(2024, 3, 1), -1, date(2024, 2, 29)),
    ],
)
def test_add_days_counts_leap_days(start: date, days: int, expected: date) -> None:
    assert add_days(start, days) == expected


def test_days_in_month_knows_the_gregorian_leap_rule() -> None:
    assert [days_in_month(y, 2) for y in (1900, 2000, 2023, 2024, 2100)] == [28, 29, 28, 29, 28]
    assert days_in_month(2025, 4) == 30
    assert days_in_month(2025, 12) == 31


def test_next_due_by_days_or_by_months() -> None:
    assert next_due_after(date(2024, 1, 31), cadence_days=0, cadence_months=1) == date(2024, 2, 29)
    assert next_due_after(date(2024, 1, 31), cadence_days=30, cadence_months=0) == date(2024, 3, 1)
    assert next_due_after(date(2025, 1, 31), cadence_days=30, cadence_months=0) == date(2025, 3, 2)
    assert next_due_after(date(2025, 11, 30), cadence_days=0, cadence_months=3) == date(2026, 2, 28)


def state(
    today: date, due: date | None, end: date = date(2026, 1, 1), left: date | None = None
) -> TrackingState:
    return tracking_state(today=today, next_due=due, planned_end=end, left_on=left)


def test_tracking_state_due_overdue_across_month_ends_and_leap_days() -> None:
    due = date(2024, 2, 29)
    assert state(date(2024, 2, 29), due) is TrackingState.DUE_SOON  # due today: amber
    assert state(date(2024, 3, 1), due) is TrackingState.OVERDUE  # the next day: red
    assert state(date(2024, 2, 22), due) is TrackingState.DUE_SOON  # a week before
    assert state(date(2024, 2, 21), due) is TrackingState.ON_TRACK
    assert state(date(2025, 1, 1), date(2024, 12, 31)) is TrackingState.OVERDUE  # across the year end
    assert state(date(2026, 1, 2), date(2026, 1, 30)) is TrackingState.PERIOD_ENDED
    assert state(date(2026, 1, 1), date(2026, 1, 1)) is TrackingState.DUE_SOON  # last day of the period
    assert state(date(2025, 5, 1), due, left=date(2025, 4, 1)) is TrackingState.LEFT


def test_cadence_labels() -> None:
    assert cadence_label(30, 0) == "每 30 天"
    assert cadence_label(7, 0) == "每周"
    assert cadence_label(0, 1) == "每月"
    assert cadence_label(0, 3) == "每 3 个月"


def test_topics_round_trip_through_bits_and_text() -> None:
    topics = {Topic.FINANCING, Topic.ECOMMERCE, Topic.PREMISES}
    assert set(topics_from_bits(topics_to_bits(topics))) == topics
    assert parse_topics("融资、电商 场地") == frozenset(topics)
    assert parse_topics(topics_to_bits(topics)) == frozenset(topics)
    assert parse_topics(None) == frozenset()
    with pytest.raises(ValidationError) as error:
        parse_topics("融资、炒股")
    assert "炒股" in str(error.value) and "融资" in str(error.value)


def visit(**over: object) -> dict[str, object]:
    values: dict[str, object] = {
        "entrepreneur_id": "p1",
        "visit_date": "2025-03-05",
        "mode": "上门走访",
        "duration_minutes": "45",
        "topics": "融资、营销",
        "problems": "资金周转紧张",
        "advice": "建议申请创业担保贷款",
        "next_visit_date": "2025-04-04",
        "actions": [("提交贷款申请材料", "2025-03-20")],
    }
    values.update(over)
    return values


def test_a_valid_visit() -> None:
    data = validate_visit(visit(), today=TODAY)
    assert data.mode is VisitMode.ONSITE
    assert data.duration_minutes == 45
    assert data.topics == {Topic.FINANCING, Topic.MARKETING}
    assert data.actions[0].due_date == date(2025, 3, 20)
    assert data.outcome.empty


@pytest.mark.parametrize(
    ("over", "words"),
    [
        ({"entrepreneur_id": ""}, "请选择被走访的创业者"),
        ({"visit_date": "2025-03-11"}, "走访日期 2025-03-11 晚于今天"),
        ({"visit_date": "2025-02-30"}, "走访日期"),
        ({"mode": "微信"}, "走访方式“微信”不在可选范围内"),
        ({"duration_minutes": "-5"}, "不能为负数"),
        ({"duration_minutes": "800"}, "超过上限"),
        ({"problems": "", "advice": " "}, "请至少填写“发现的问题”或“指导建议”中的一项"),
        ({"next_visit_date": "2025-03-05"}, "下次走访日期 2025-03-05 应晚于本次走访日期 2025-03-05"),
        ({"actions": [("提交材料", "2025-03-01")]}, "完成期限 2025-03-01 早于走访日期 2025-03-05"),
        ({"actions": [("", "2025-03-20")]}, "请填写跟进事项"),
        ({"actions": [("提交材料", "")]}, "请填写跟进事项“提交材料”的完成期限"),
        ({"outcome": {"stage": "初创"}}, "请选择是哪个创业项目"),
        ({"outcome": {"venture_id": "v1", "jobs_created": "三个"}}, "带动就业人数 三个 不是数字"),
    ],
)
def test_visit_refusals_name_field_value_and_expectation(over: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_visit(visit(**over), today=TODAY)
    assert words in str(error.value)


def test_outcome_with_new_venture_is_validated_like_the_file() -> None:
    data = validate_visit(
        visit(
            outcome={
                "venture_id": "v1",
                "stage": "成长",
                "jobs_created": 6,
                "new_venture": {"name": "青禾电商商行", "entity_type": "个体工商户", "stage": "筹备"},
            }
        ),
        today=TODAY,
    )
    assert data.outcome.stage is Stage.GROWTH
    assert data.outcome.jobs_created == 6
    assert data.outcome.new_venture is not None and data.outcome.new_venture.name == "青禾电商商行"
    with pytest.raises(ValidationError) as error:
        validate_visit(
            visit(outcome={"new_venture": {"name": "x", "entity_type": "个体工商户", "stage": "初创"}})
        )
    assert "登记注册日期" in str(error.value)


def test_mentor_validation() -> None:
    mentor = validate_mentor(
        {
            "name": "李 明",
            "kind": "创业指导师",
            "instructor_level": "三级/高级工",
            "phone": "138 1234 5678",
            "expertise": "融资、财税",
            "service_regions": "330106，330102",
        }
    )
    assert mentor.name == "李明"
    assert mentor.instructor_level is InstructorLevel.LEVEL3
    assert mentor.phone == "13812345678"
    assert mentor.service_regions == ("330106", "330102")
    assert mentor.column_values()["user_name"] == "李明"
    with pytest.raises(ValidationError) as error:
        validate_mentor({"name": "李明", "kind": "创业指导师"})
    assert "职业技能等级" in str(error.value)
    plain = validate_mentor(
        {"name": "王强", "kind": MentorKind.INVESTOR, "instructor_level": "一级/高级技师"}
    )
    assert plain.instructor_level is None
    with pytest.raises(ValidationError) as error:
        validate_mentor({"name": "王强", "kind": "投资人", "service_regions": "3301"})
    assert "服务区域" in str(error.value)


def test_key_project_validation() -> None:
    data = validate_key_project(
        {
            "venture_id": "v1",
            "reason": "成长性好",
            "entered_on": "2024-01-31",
            "period_months": 1,
            "cadence_months": 1,
        },
        today=TODAY,
    )
    assert data.planned_end == date(2024, 2, 29)
    for over, words in (
        ({"reason": ""}, "请填写入库理由"),
        ({"period_months": 40}, "陪跑期（月） 40 超过上限"),
        ({"cadence_days": 30, "cadence_months": 1}, "走访频次应为若干天"),
        ({"cadence_days": 0, "cadence_months": 0}, "走访频次应为若干天"),
        ({"entered_on": "2025-03-11"}, "入库日期 2025-03-11 晚于今天"),
    ):
        raw: dict[str, object] = {"venture_id": "v1", "reason": "成长性好", "cadence_days": 30}
        raw.update(over)
        with pytest.raises(ValidationError) as error:
            validate_key_project(raw, today=TODAY)
        assert words in str(error.value)


def test_template_validation() -> None:
    template = validate_template(
        {"name": "电话回访", "mode": "电话", "duration_minutes": 10, "actions": [["发送材料清单", 7]]}
    )
    assert template.mode is VisitMode.PHONE
    assert template.actions == (("发送材料清单", 7),)
    with pytest.raises(ValidationError):
        validate_template({"name": "", "mode": "电话"})

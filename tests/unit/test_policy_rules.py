"""Eligibility rules at every boundary: months since graduation (24 vs 25), registration exactly three years
ago, leap days, continuous operation, age, missing data, and the way conditions combine."""

from __future__ import annotations

from datetime import date

import pytest

from models.enums import KeyGroup
from models.policy import (
    Condition,
    ConditionType,
    Eligibility,
    ItemCode,
    Outcome,
    Receipt,
    VentureFacts,
    add_months,
    calendar_months_between,
    evaluate_item,
    loan_ceiling,
    proposed_amount,
    whole_months_between,
    within_months,
)
from tests.unit.test_policy_support import facts, item

GRADUATE = frozenset({KeyGroup.COLLEGE_GRADUATE})


# ------------------------------------------------------------------------------------------ month arithmetic
@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: clamped to the 29th
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # from a leap day to a common year
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # to the next leap day
        (date(2022, 11, 5), 36, date(2025, 11, 5)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),  # across the year end
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2022, 11, 5), date(2025, 11, 4), 35),
        (date(2022, 11, 5), date(2025, 11, 5), 36),
        (date(2022, 11, 5), date(2025, 11, 6), 36),
        (date(2024, 2, 29), date(2025, 2, 27), 11),
        (date(2024, 2, 29), date(2025, 2, 28), 12),  # a leap day's anniversary in a common year
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2025, 1, 1), date(2025, 1, 1), 0),
        (date(2025, 5, 10), date(2025, 3, 10), -2),
    ],
)
def test_whole_months_between(start: date, end: date, expected: int) -> None:
    assert whole_months_between(start, end) == expected


def test_within_months_includes_the_last_day() -> None:
    registered = date(2022, 11, 5)
    assert within_months(registered, 36, date(2025, 11, 5))
    assert not within_months(registered, 36, date(2025, 11, 6))
    assert not within_months(registered, 36, date(2022, 11, 4))  # before registration


def test_calendar_months_ignore_days() -> None:
    assert calendar_months_between(date(2023, 6, 30), date(2025, 6, 1)) == 24
    assert calendar_months_between(date(2023, 6, 1), date(2025, 7, 31)) == 25


# ---------------------------------------------------------------------------------------- graduation window
@pytest.mark.parametrize(
    ("as_of", "eligible", "text"),
    [
        (date(2025, 6, 30), True, "毕业时间 2023-06 距今 24 个月，在 24 个月以内"),
        (date(2025, 7, 1), False, "毕业时间 2023-06 距今 25 个月，超过 24 个月"),
        (date(2025, 11, 5), False, "毕业时间 2023-06 距今 29 个月，超过 24 个月"),
    ],
)
def test_graduate_window_24_vs_25_months(as_of: date, eligible: bool, text: str) -> None:
    answer = evaluate_item(
        item("startup_subsidy"),
        facts(groups=GRADUATE, graduation=date(2023, 6, 1), registered=date(2024, 1, 10)),
        as_of,
    )
    texts = [r.text for r in answer.held + answer.failed]
    assert text in texts
    assert (answer.eligibility is Eligibility.ELIGIBLE) is eligible
    if not eligible:
        assert answer.eligibility is Eligibility.NOT_ELIGIBLE
        assert text in [r.text for r in answer.failed]


def test_missing_graduation_date_is_missing_data_not_a_failure() -> None:
    answer = evaluate_item(
        item("startup_subsidy"), facts(groups=GRADUATE, graduation=None), date(2025, 11, 5)
    )
    assert answer.eligibility is Eligibility.MISSING_DATA
    assert any("档案未填写毕业时间" in r.text for r in answer.missing)


def test_another_key_group_makes_the_graduation_window_irrelevant() -> None:
    groups = frozenset({KeyGroup.COLLEGE_GRADUATE, KeyGroup.VETERAN})
    answer = evaluate_item(
        item("startup_subsidy"), facts(groups=groups, graduation=date(2019, 6, 1)), date(2025, 11, 5)
    )
    assert answer.eligibility is Eligibility.ELIGIBLE
    group = answer.conditions[0]
    assert group.condition is ConditionType.ANY_OF and group.outcome is Outcome.HELD
    assert any(child.outcome is Outcome.FAILED for child in group.children)  # the graduate branch, shown


def test_no_key_group_on_file_is_missing_data() -> None:
    answer = evaluate_item(item("incubator_space"), facts(groups=frozenset()), date(2025, 11, 5))
    assert answer.eligibility is Eligibility.MISSING_DATA
    assert "档案未填写重点群体" in answer.missing[0].text


def test_key_group_outside_the_list_fails_with_values() -> None:
    answer = evaluate_item(
        item("incubator_space"), facts(groups=frozenset({KeyGroup.OTHER})), date(2025, 11, 5)
    )
    assert answer.eligibility is Eligibility.NOT_ELIGIBLE
    assert answer.failed[0].text.startswith("重点群体 其他 不在 高校毕业生、")


# --------------------------------------------------------------------------------- registration windows
@pytest.mark.parametrize(
    ("as_of", "eligible"),
    [
        (date(2025, 11, 4), True),
        (date(2025, 11, 5), True),  # exactly three years after registration: still within
        (date(2025, 11, 6), False),
    ],
)
def test_incubator_space_registration_exactly_three_years_ago(as_of: date, eligible: bool) -> None:
    answer = evaluate_item(item("incubator_space"), facts(registered=date(2022, 11, 5)), as_of)
    assert (answer.eligibility is Eligibility.ELIGIBLE) is eligible
    if not eligible:
        assert answer.failed[0].text == (
            "创业主体“青禾餐饮店”登记注册于 2022-11-05，距今 36 个月，超过 36 个月（已于 2025-11-05 期满）"
        )


@pytest.mark.parametrize(
    ("as_of", "eligible"),
    [(date(2027, 2, 28), True), (date(2027, 3, 1), False)],
)
def test_registered_on_a_leap_day(as_of: date, eligible: bool) -> None:
    answer = evaluate_item(item("incubator_space"), facts(registered=date(2024, 2, 29)), as_of)
    assert (answer.eligibility is Eligibility.ELIGIBLE) is eligible


@pytest.mark.parametrize(
    ("as_of", "eligible"),
    [(date(2024, 8, 28), False), (date(2024, 8, 29), True)],
)
def test_six_months_of_operation_from_a_leap_day(as_of: date, eligible: bool) -> None:
    answer = evaluate_item(item("startup_subsidy"), facts(registered=date(2024, 2, 29)), as_of)
    assert (answer.eligibility is Eligibility.ELIGIBLE) is eligible
    if not eligible:
        assert "持续经营 5 个月，不足 6 个月（2024-08-29 满）" in answer.failed[0].text


def test_registration_after_the_date_asked_fails() -> None:
    answer = evaluate_item(item("incubator_space"), facts(registered=date(2025, 12, 1)), date(2025, 11, 5))
    assert answer.eligibility is Eligibility.NOT_ELIGIBLE
    assert "晚于判断日期 2025-11-05" in answer.failed[0].text


def test_venture_conditions_must_hold_for_one_venture() -> None:
    old = VentureFacts("old", "老店", "individual_business", "mature", date(2015, 1, 1), 3)
    young = VentureFacts("new", "新店", "individual_business", "startup", date(2025, 8, 1), 1)
    answer = evaluate_item(item("startup_subsidy"), facts(ventures=(old, young)), date(2025, 11, 5))
    # the old one is too old (registered_within 36), the new one too young (operating 6 months)
    assert answer.eligibility is Eligibility.NOT_ELIGIBLE
    later = evaluate_item(item("startup_subsidy"), facts(ventures=(old, young)), date(2026, 2, 1))
    assert later.eligibility is Eligibility.ELIGIBLE
    assert later.venture_id == "new"


def test_no_venture_on_file_is_missing_data_and_closed_ventures_fail() -> None:
    none = evaluate_item(item("startup_subsidy"), facts(ventures=()), date(2025, 11, 5))
    assert none.eligibility is Eligibility.MISSING_DATA
    assert "档案中还没有创业主体" in none.missing[0].text
    closed = VentureFacts("c", "旧店", "individual_business", "closed", date(2024, 1, 1), 0)
    answer = evaluate_item(item("startup_subsidy"), facts(ventures=(closed,)), date(2025, 11, 5))
    assert answer.eligibility is Eligibility.NOT_ELIGIBLE
    assert "名下创业主体均已歇业/注销" in answer.failed[0].text


def test_unregistered_venture_fails() -> None:
    answer = evaluate_item(item("incubator_space"), facts(registered=None), date(2025, 11, 5))
    assert answer.eligibility is Eligibility.NOT_ELIGIBLE
    assert answer.failed[0].text == "创业主体“青禾餐饮店”尚未登记注册"


# ------------------------------------------------------------------------------------- other conditions
@pytest.mark.parametrize(
    ("birth", "eligible"),
    [(date(1964, 11, 6), True), (date(1964, 11, 5), False)],  # still 60 / 61 on the day asked
)
def test_age_boundary(birth: date, eligible: bool) -> None:
    answer = evaluate_item(item("guaranteed_loan_individual"), facts(birth=birth), date(2025, 11, 5))
    assert (answer.eligibility is Eligibility.ELIGIBLE) is eligible
    if not eligible:
        assert answer.failed[0].text == "法定劳动年龄内：年龄 61 周岁，不在 16–60 周岁之间"


def test_social_insurance_months_missing_then_recorded() -> None:
    groups = frozenset({KeyGroup.EMPLOYMENT_DIFFICULTY})
    missing = evaluate_item(item("social_insurance_subsidy"), facts(groups=groups), date(2025, 11, 5))
    assert missing.eligibility is Eligibility.MISSING_DATA
    assert "未记录社会保险缴费月数" in missing.missing[0].text
    none = evaluate_item(
        item("social_insurance_subsidy"), facts(groups=groups, social_insurance_months=0), date(2025, 11, 5)
    )
    assert none.eligibility is Eligibility.NOT_ELIGIBLE
    assert none.failed[0].text == "已缴纳社会保险 0 个月，不足 1 个月"
    paid = facts(groups=groups, social_insurance_months=14)
    assert (
        evaluate_item(item("social_insurance_subsidy"), paid, date(2025, 11, 5)).eligibility
        is Eligibility.ELIGIBLE
    )
    assert proposed_amount(item("social_insurance_subsidy"), facts=paid) == 14 * 50_000
    long = facts(groups=groups, social_insurance_months=50)
    assert proposed_amount(item("social_insurance_subsidy"), facts=long) == 1_800_000  # 36 months at most


def test_jobs_created_and_entity_type_for_small_firms() -> None:
    firm = VentureFacts("f", "云帆科技有限公司", "small_firm", "growth", date(2023, 1, 1), 3)
    assert evaluate_item(
        item("guaranteed_loan_small_firm"), facts(ventures=(firm,)), date(2025, 11, 5)
    ).eligibility is (Eligibility.ELIGIBLE)
    few = VentureFacts("f", "云帆科技有限公司", "small_firm", "growth", date(2023, 1, 1), 2)
    answer = evaluate_item(item("guaranteed_loan_small_firm"), facts(ventures=(few,)), date(2025, 11, 5))
    assert answer.failed[0].text == "带动就业能力：创业主体“云帆科技有限公司”带动就业 2 人，不足 3 人"


def test_no_prior_receipt_for_a_one_time_subsidy() -> None:
    received = facts(receipts=(Receipt(ItemCode.STARTUP_SUBSIDY, date(2025, 3, 1)),))
    answer = evaluate_item(item("startup_subsidy"), received, date(2025, 11, 5))
    assert answer.eligibility is Eligibility.NOT_ELIGIBLE
    assert answer.failed[0].text == "已于 2025-03-01 享受过一次性创业补贴，同一人只能享受一次"


def test_interest_subsidy_needs_a_disbursed_loan_and_loans_one_at_a_time() -> None:
    assert evaluate_item(item("loan_interest_subsidy"), facts(), date(2025, 11, 5)).eligibility is (
        Eligibility.NOT_ELIGIBLE
    )
    with_loan = facts(
        receipts=(Receipt(ItemCode.LOAN_INDIVIDUAL, date(2025, 1, 2)),),
        outstanding_loans=frozenset({ItemCode.LOAN_INDIVIDUAL}),
    )
    assert evaluate_item(item("loan_interest_subsidy"), with_loan, date(2025, 11, 5)).eligibility is (
        Eligibility.ELIGIBLE
    )
    second = evaluate_item(item("guaranteed_loan_individual"), with_loan, date(2025, 11, 5))
    assert second.eligibility is Eligibility.NOT_ELIGIBLE
    assert "尚有未结清的创业担保贷款（个人）" in second.failed[0].text


def test_training_completion_missing_failed_held() -> None:
    rule = item("training_subsidy")
    assert evaluate_item(rule, facts(), date(2025, 11, 5)).eligibility is Eligibility.MISSING_DATA
    assert (
        evaluate_item(rule, facts(trainings_completed=0), date(2025, 11, 5)).eligibility
        is Eligibility.NOT_ELIGIBLE
    )
    assert (
        evaluate_item(rule, facts(trainings_completed=1), date(2025, 11, 5)).eligibility
        is Eligibility.ELIGIBLE
    )


def test_partnership_ceiling_and_counter_guarantee() -> None:
    partnership = item("guaranteed_loan_partnership")
    assert loan_ceiling(partnership, None) == 150_000_000
    assert loan_ceiling(partnership, 3) == 90_000_000
    assert loan_ceiling(partnership, 9) == 150_000_000  # five partners at most, and the total ceiling
    veteran = evaluate_item(partnership, facts(partners=2), date(2025, 11, 5))
    assert veteran.ceiling_fen == 60_000_000
    assert veteran.counter_guarantee_waived is True
    returnee = evaluate_item(
        item("guaranteed_loan_individual"),
        facts(groups=frozenset({KeyGroup.MIGRANT_RETURNEE})),
        date(2025, 11, 5),
    )
    assert returnee.counter_guarantee_waived is False


def test_all_of_any_of_combine_missing_and_failed() -> None:
    from models.policy import PolicyItem
    from models.policy.evaluation import _combine

    assert _combine([Outcome.HELD, Outcome.MISSING], all_of=True) is Outcome.MISSING
    assert _combine([Outcome.FAILED, Outcome.MISSING], all_of=True) is Outcome.FAILED
    assert _combine([Outcome.FAILED, Outcome.MISSING], all_of=False) is Outcome.MISSING
    assert _combine([Outcome.FAILED, Outcome.HELD], all_of=False) is Outcome.HELD
    nothing = PolicyItem(
        code=ItemCode.INCUBATOR_SPACE,
        name="孵化场地免费入驻",
        source="5号文 (十)",
        help="",
        one_time=False,
        amount_fen=0,
        ceiling_fen=0,
        per_month_fen=None,
        max_months=None,
        documents=("身份证",),
        conditions=(Condition(ConditionType.KEY_GROUP, groups=frozenset({KeyGroup.VETERAN})),),
    )
    assert evaluate_item(nothing, facts(), date(2025, 11, 5)).eligibility is Eligibility.ELIGIBLE

"""Properties of month arithmetic: the one ``add_months`` (models/dates.py), which the visits rules and
the policy rules both use."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from models import dates, policy, visits

AddMonths = Callable[[date, int], date]

# Records of the program lie between these years (models/validators.py refuses other dates).
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
month_counts = st.integers(min_value=-1200, max_value=1200)
# Month ends, where the clamping happens, are rare among random dates: ask for them on purpose.
month_ends = st.builds(
    lambda year, month, back: date(year, month, calendar.monthrange(year, month)[1]) - timedelta(days=back),
    st.integers(min_value=1900, max_value=2100),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=3),
)
any_day = st.one_of(days, month_ends)


@pytest.fixture(scope="module")
def add_months() -> AddMonths:
    return dates.add_months


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@given(day=any_day, months=month_counts)
@example(day=date(2024, 1, 31), months=1)  # → 2024-02-29
@example(day=date(2023, 1, 31), months=1)  # → 2023-02-28
@example(day=date(2024, 2, 29), months=12)  # → 2025-02-28
@example(day=date(2024, 12, 15), months=1)  # → 2025-01-15
@example(day=date(2025, 1, 15), months=-1)  # → 2024-12-15
def test_lands_in_the_target_month_on_the_same_day_or_its_last(
    add_months: AddMonths, day: date, months: int
) -> None:
    moved = add_months(day, months)
    assert month_index(moved) == month_index(day) + months  # year and month roll over together
    assert moved.day == min(day.day, last_day(moved.year, moved.month))
    if moved.day != day.day:  # clamped: to the very last day of that month
        assert (moved + timedelta(days=1)).day == 1
        assert day.day > moved.day


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 12, 31), 1, date(2025, 1, 31)),
        (date(2025, 1, 1), -1, date(2024, 12, 1)),
        (date(2024, 5, 31), 1, date(2024, 6, 30)),
        (date(2024, 1, 15), -13, date(2022, 12, 15)),
        (date(2024, 1, 15), 0, date(2024, 1, 15)),
    ],
)
def test_known_dates(add_months: AddMonths, day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@given(day=any_day)
def test_zero_months_is_the_same_day(add_months: AddMonths, day: date) -> None:
    assert add_months(day, 0) == day


@given(day=any_day, first=month_counts, second=month_counts)
def test_two_steps_equal_one_step_when_the_first_does_not_clamp(
    add_months: AddMonths, day: date, first: int, second: int
) -> None:
    step = add_months(day, first)
    both = add_months(step, second)
    at_once = add_months(day, first + second)
    assert month_index(both) == month_index(at_once)
    if step.day == day.day:
        assert both == at_once
    else:  # a clamped first step can only lose days, never gain them
        assert both <= at_once


@given(
    day=st.builds(
        date,
        st.integers(min_value=1900, max_value=2100),
        st.integers(min_value=1, max_value=12),
        st.integers(min_value=1, max_value=28),
    ),
    months=month_counts,
)
def test_going_back_undoes_going_forward_up_to_the_28th(
    add_months: AddMonths, day: date, months: int
) -> None:
    assert add_months(add_months(day, months), -months) == day


@given(day=any_day, months=month_counts)
def test_going_back_never_overshoots(add_months: AddMonths, day: date, months: int) -> None:
    back = add_months(add_months(day, months), -months)
    assert month_index(back) == month_index(day)
    assert back <= day


@given(first=any_day, second=any_day, months=month_counts)
def test_keeps_the_order_of_days(add_months: AddMonths, first: date, second: date, months: int) -> None:
    earlier, later = sorted((first, second))
    assert add_months(earlier, months) <= add_months(later, months)


@given(months=st.integers(min_value=0, max_value=1200), day=any_day)
def test_more_months_is_never_earlier(add_months: AddMonths, day: date, months: int) -> None:
    assert add_months(day, months) >= day
    assert add_months(day, months + 1) > add_months(day, months)


@st.composite
def in_range(draw: st.DrawFn) -> tuple[date, int]:
    """Any date Python has and any month count whose target month is still inside 0001-01 … 9999-12."""
    day = draw(st.dates())
    target = draw(st.integers(min_value=month_index(date.min), max_value=month_index(date.max)))
    return day, target - month_index(day)


@given(case=in_range())
@example(case=(date.min, 0))
@example(case=(date.max, 0))
@example(case=(date(1, 12, 31), -11))
@example(case=(date.max, month_index(date.min) - month_index(date.max)))
@example(case=(date.min, month_index(date.max) - month_index(date.min)))
def test_never_raises_inside_the_calendar(add_months: AddMonths, case: tuple[date, int]) -> None:
    day, months = case
    moved = add_months(day, months)
    assert month_index(moved) == month_index(day) + months


def test_the_visits_and_policy_rules_use_the_one_implementation() -> None:
    assert visits.add_months is policy.add_months is dates.add_months

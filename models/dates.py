"""Calendar arithmetic shared by the areas (pure functions, no database).

Month arithmetic, precisely (tested at every boundary):

- :func:`add_months` moves a date by whole calendar months and clamps to the month's last day
  (2024-01-31 + 1 month = 2024-02-29; 2024-02-29 + 12 months = 2025-02-28).
- A window "within N months of a day" (登记注册 N 个月内) includes its last day: registered 2022-11-05,
  "within 36 months" holds up to and including 2025-11-05 and fails from 2025-11-06.
  "At least N months" (经营满 N 个月) holds from ``add_months(start, N)`` on.
- Graduation is recorded by month (毕业时间 2023-06), so months since graduation count calendar months:
  2023-06 → 2025-06 is 24 months (within "24 个月内"), 2025-07 is 25 (outside), whatever the day.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_days(day: date, days: int) -> date:
    """``day`` moved by ``days`` calendar days (negative goes back); leap days count like any other."""
    return day + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative goes back); a day the target month lacks
    becomes its last day (01-31 + 1 month → 02-28, or 02-29 in a leap year; 02-29 + 12 months → 02-28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def whole_months_between(start: date, end: date) -> int:
    """Whole months elapsed from ``start`` to ``end``: the largest n with ``add_months(start, n) <= end``.

    Negative when ``end`` is before ``start`` (the smallest n, counted back, with the same rule mirrored).
    """
    if end < start:
        return -whole_months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def calendar_months_between(start: date, end: date) -> int:
    """Months between two year-months, days ignored (for facts recorded by month, such as graduation)."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def within_months(start: date, months: int, as_of: date) -> bool:
    """Whether ``as_of`` falls on or after ``start`` and no later than ``add_months(start, months)``."""
    return start <= as_of <= add_months(start, months)

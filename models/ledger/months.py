"""Months as the monthly report and the statistics count them: a month is its first day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from models.validators import parse_date


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def months_back(end: date, count: int) -> list[date]:
    """``count`` month starts ending with ``end``'s month, oldest first."""
    months = [month_start(end)]
    while len(months) < count:
        first = months[0]
        months.insert(0, date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1))
    return months


def parse_month(value: object, field: str = "月份") -> date:
    """``2025-03`` / ``2025年3月`` / a date → the first day of that month."""
    return parse_date(value, field=field, allow_month=True).replace(day=1)


def dedupe_keep_order(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))

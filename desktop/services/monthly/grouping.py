"""Shared by the sections and the charts: one value per key group, and a month as a UTC interval."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from models.base import CHINA_TZ
from models.enums import KeyGroup
from models.ledger.months import next_month
from reports.monthly_report import GROUP_COLUMNS

_GROUP_BITS = tuple(group.bit for group in KeyGroup)


def split_by_group(pairs: Iterable[tuple[int, int]]) -> tuple[int, ...]:
    """Sum ``(key_groups bits, amount)`` pairs into 合计 and one value per key group: a person in two
    groups counts in both groups and once in the total."""
    by_bits: dict[int, int] = {}
    for bits, value in pairs:
        key = int(bits or 0)
        by_bits[key] = by_bits.get(key, 0) + int(value or 0)
    values = [0] * len(GROUP_COLUMNS)
    for bits, amount in by_bits.items():
        values[0] += amount
        for index, bit in enumerate(_GROUP_BITS, start=1):
            if bits & bit:
                values[index] += amount
    return tuple(values)


def month_bounds_utc(month: date) -> tuple[datetime, datetime]:
    """The month in Asia/Shanghai as an aware UTC interval [start, end)."""
    start = datetime(month.year, month.month, 1, tzinfo=CHINA_TZ)
    following = next_month(month)
    end = datetime(following.year, following.month, 1, tzinfo=CHINA_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)

"""Shared by the sections and the charts: one value per key group, and a month as a UTC interval; at HQ,
the groupings (by station, by region) the same figures are split by."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, literal_column

from models.base import CHINA_TZ
from models.enums import KeyGroup
from models.ledger.months import next_month
from reports.monthly_report import GROUP_COLUMNS, FigureRow

Grouped = dict[str, list[FigureRow]]
"""A section's rows for each group of a :class:`Grouping` (HQ), by group key."""

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


# ------------------------------------------------------------------------- HQ: the figures split further
ALL = ""
"""The group key of figures that are not split: the station's own report, the county's total."""

ZERO = (0,) * len(GROUP_COLUMNS)


@dataclass(frozen=True)
class Grouping:
    """A split of the monthly figures at HQ, where one database holds every station: each figure is
    counted per value of a column of the person it counts (``person``, SQL over the table or alias
    ``{t}``), in the same query as the key groups (``GROUP BY key, key_groups``). ``klass`` splits the
    classes held (not about people) by a column of the class; ``None``: that figure is not split."""

    name: str
    person: str
    klass: str | None = None

    def person_column(self, table: str = "entrepreneur") -> ColumnElement[Any]:
        return literal_column(self.person.format(t=table)).label("group_key")

    def class_column(self, table: str = "training_class") -> ColumnElement[Any] | None:
        return None if self.klass is None else literal_column(self.klass.format(t=table)).label("group_key")


BY_STATION = Grouping("station", "{t}.station_code", "{t}.station_code")
BY_STATION_REGION = Grouping(
    "station_region", "substr({t}.station_code, 1, 6)", "substr({t}.station_code, 1, 6)"
)
BY_HOUSEHOLD_REGION = Grouping("household_region", "coalesce({t}.household_region, '')")
"""The station (its code), the station's region (the code's first 6 digits, GB/T 2260) and the
person's household region (户籍地; "" where it is not recorded)."""


def keyed(by: Grouping | None, table: str = "entrepreneur") -> list[ColumnElement[Any]]:
    """The group-key column a query selects first and groups by first (none for the station)."""
    return [] if by is None else [by.person_column(table)]


def with_key(rows: Iterable[Sequence[Any]], by: Grouping | None) -> list[tuple[Any, ...]]:
    """Query rows with their group key first: the column itself, or :data:`ALL` when not split."""
    if by is None:
        return [(ALL, *row) for row in rows]
    return [(str(row[0] or ""), *row[1:]) for row in rows]


def split_keyed(triples: Iterable[tuple[str, int, int]]) -> dict[str, tuple[int, ...]]:
    """:func:`split_by_group` for each group key: ``(key, key_groups bits, amount)`` triples."""
    pairs: dict[str, list[tuple[int, int]]] = {}
    for key, bits, value in triples:
        pairs.setdefault(key, []).append((bits, value))
    return {key: split_by_group(found) for key, found in pairs.items()}


def group_keys(by: Grouping | None, *found: Iterable[str]) -> list[str]:
    """Every group some figure was found in, in order (:data:`ALL` alone when not split)."""
    if by is None:
        return [ALL]
    keys: set[str] = set()
    for some in found:
        keys.update(some)
    return sorted(keys)

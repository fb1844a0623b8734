"""The 统计报表 page's series: each figure's trend over the last months, and everything the page shows in
one call (:func:`dashboard`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, literal_column
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from desktop.services.gate import service
from desktop.services.monthly.figures import monthly_figures
from desktop.services.monthly.grouping import month_bounds_utc
from desktop.services.monthly.report import monthly_report
from desktop.services.monthly.sections import MENTOR_PREFIX
from models.actor import Actor
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.ledger.months import month_start, months_back, next_month
from models.permissions import Permission
from models.training import Enrolment, EnrolmentStatus, TrainingClass
from models.visits import Visit
from reports.monthly_report import MonthlyReport


@dataclass(frozen=True)
class TrendPoint:
    month: date
    values: dict[str, int]  # figure key -> 合计


@dataclass(frozen=True)
class DashboardData:
    month: date
    report: MonthlyReport
    trend: tuple[TrendPoint, ...]
    trend_labels: dict[str, str]  # figure key -> label, for the series that exist
    by_mentor: tuple[tuple[str, int], ...]  # (mentor name, visits in the month), most first


TREND_KEYS = ("entrepreneurs.new", "ventures.new", "visits.total", "training.trained")


TrendSource = Callable[[Database, Sequence[date]], dict[str, int]]
"""(db, month starts) -> {"YYYY-MM": 合计}: one grouped query for all the months of a trend."""


def _month_of(db: Database, column: Any, *, beijing: bool = False) -> Any:
    """``"YYYY-MM"`` of a date column (or of a UTC time in Beijing time): SQLite's and PostgreSQL's
    spelling (HQ runs on either), so the trend is one grouped query on both."""
    if db.engine.dialect.name == "postgresql":
        moment = column + literal_column("interval '8 hours'") if beijing else column
        return func.to_char(moment, "YYYY-MM")
    if beijing:
        return func.strftime("%Y-%m", column, "+8 hours")
    return func.substr(column, 1, 7)


def _by_month(session: Session, query: Any) -> dict[str, int]:
    return {str(month): int(count) for month, count in session.execute(query).all() if month}


def _trend_new_entrepreneurs(db: Database, firsts: Sequence[date]) -> dict[str, int]:
    e = Entrepreneur
    start, _ = month_bounds_utc(firsts[0])
    _, end = month_bounds_utc(firsts[-1])
    month = _month_of(db, col(e.created_at), beijing=True)  # Beijing time, as the report counts
    with db.reading() as session:
        return _by_month(
            session,
            sa_select(month, func.count())
            .where(col(e.deleted).is_(False), col(e.created_at) >= start, col(e.created_at) < end)
            .group_by(month),
        )


def _trend_new_ventures(db: Database, firsts: Sequence[date]) -> dict[str, int]:
    e, v = Entrepreneur, Venture
    month = _month_of(db, col(v.registration_date))
    with db.reading() as session:
        return _by_month(
            session,
            sa_select(month, func.count())
            .select_from(v)
            .join(e, col(v.entrepreneur_id) == col(e.id))
            .where(
                col(e.deleted).is_(False),
                col(v.deleted).is_(False),
                col(v.registration_date) >= firsts[0],
                col(v.registration_date) < next_month(firsts[-1]),
            )
            .group_by(month),
        )


def _trend_visits(db: Database, firsts: Sequence[date]) -> dict[str, int]:
    e, v = Entrepreneur, Visit
    month = _month_of(db, col(v.visit_date))
    in_bin = sa_select(col(e.id)).where(col(e.deleted).is_(True))  # few: an anti-join, not a join
    with db.reading() as session:
        return _by_month(
            session,
            sa_select(month, func.count())
            .where(
                col(v.deleted).is_(False),
                col(v.visit_date) >= firsts[0],
                col(v.visit_date) < next_month(firsts[-1]),
                col(v.entrepreneur_id).not_in(in_bin),
            )
            .group_by(month),
        )


def _trend_trained(db: Database, firsts: Sequence[date]) -> dict[str, int]:
    e, c, n = Entrepreneur, TrainingClass, Enrolment
    month = _month_of(db, col(c.end_date))
    with db.reading() as session:
        return _by_month(
            session,
            sa_select(month, func.count(func.distinct(col(n.entrepreneur_id))))
            .select_from(n)
            .join(c, col(n.class_id) == col(c.id))
            .join(e, col(n.entrepreneur_id) == col(e.id))
            .where(
                col(c.deleted).is_(False),
                col(c.end_date) >= firsts[0],
                # ended by today, as in training_section: a class still running is not counted yet
                col(c.end_date) < min(next_month(firsts[-1]), china_today()),
                col(e.deleted).is_(False),
                col(n.deleted).is_(False),
                col(n.status) == EnrolmentStatus.ENROLLED.value,
            )
            .group_by(month),
        )


TREND_SOURCES: dict[str, TrendSource] = {
    "entrepreneurs.new": _trend_new_entrepreneurs,
    "ventures.new": _trend_new_ventures,
    "visits.total": _trend_visits,
    "training.trained": _trend_trained,
}
"""Figures whose trend has a one-query form (same conditions as their section, grouped by month).
A figure without one is computed month by month from the areas' monthly sections."""


@service(Permission.VIEW_STATISTICS)
def monthly_trend(
    db: Database, actor: Actor, /, *, end: date, months: int = 12, keys: Sequence[str] = TREND_KEYS
) -> list[TrendPoint]:
    """The 合计 of some figures for each of the last ``months`` months (oldest first)."""
    firsts = months_back(month_start(end), months)
    fast = db.engine.dialect.name in {"sqlite", "postgresql"}  # the dialects _month_of spells
    series = {key: TREND_SOURCES[key](db, firsts) for key in keys if fast and key in TREND_SOURCES}
    slow = [key for key in keys if key not in series]
    points = []
    for first in firsts:
        values = {key: by_month.get(f"{first:%Y-%m}", 0) for key, by_month in series.items()}
        if slow:
            rows = {row.key: row.total for row in monthly_figures(db, actor, month=first)}
            values.update({key: rows[key] for key in slow if key in rows})
        points.append(TrendPoint(first, {key: values[key] for key in keys if key in values}))
    return points


@service(Permission.VIEW_STATISTICS)
def dashboard(db: Database, actor: Actor, /, *, month: date, months: int = 12) -> DashboardData:
    """Everything the 统计报表 page shows, in one call (run it off the GUI thread)."""
    report = monthly_report(db, actor, month=month)
    trend = monthly_trend(db, actor, end=month, months=months)
    labels = {row.key: row.label for row in report.rows if row.key in TREND_KEYS}
    mentors = sorted(
        ((row.label, row.total) for row in report.rows if row.key.startswith(MENTOR_PREFIX)),
        key=lambda item: (-item[1], item[0]),
    )
    return DashboardData(month_start(month), report, tuple(trend), labels, tuple(mentors))

"""The date arithmetic of tracking: when the next visit is due, and where a pool project stands."""

from __future__ import annotations

from datetime import date

from models.dates import add_days, add_months
from models.visits.vocabulary import DUE_SOON_DAYS, TrackingState


def next_due_after(visit: date, *, cadence_days: int, cadence_months: int) -> date:
    """When the next tracking visit is due after one on ``visit`` (cadence in days or in months)."""
    if cadence_months > 0:
        return add_months(visit, cadence_months)
    return add_days(visit, max(cadence_days, 1))


def tracking_state(
    *, today: date, next_due: date | None, planned_end: date, left_on: date | None
) -> TrackingState:
    """Due today counts as due (amber), the day after as overdue (red); past the period, it waits to
    leave the pool with an outcome."""
    if left_on is not None:
        return TrackingState.LEFT
    if today > planned_end:
        return TrackingState.PERIOD_ENDED
    if next_due is None:
        return TrackingState.ON_TRACK
    if next_due < today:
        return TrackingState.OVERDUE
    if next_due <= add_days(today, DUE_SOON_DAYS):
        return TrackingState.DUE_SOON
    return TrackingState.ON_TRACK


def cadence_label(cadence_days: int, cadence_months: int) -> str:
    if cadence_months > 0:
        return "每月" if cadence_months == 1 else f"每 {cadence_months} 个月"
    return "每周" if cadence_days == 7 else f"每 {cadence_days} 天"


# Choices the form offers for the cadence: (label, days, months).
CADENCES: tuple[tuple[str, int, int], ...] = (
    ("每周", 7, 0),
    ("每两周", 14, 0),
    ("每 30 天", 30, 0),
    ("每月（同一天）", 0, 1),
    ("每 60 天", 60, 0),
    ("每季度", 0, 3),
)

"""The station's clock: UTC for stored moments, Asia/Shanghai for "today" (DESIGN.md "Data conventions").

Standard library only, so that everything that asks for the date stays cheap to import.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, timezone

# China has observed UTC+8 without daylight saving since 1991; a fixed offset needs no tz database,
# which Windows Pythons do not ship.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def _clock_shift() -> timedelta:
    """``DOORSTEP_CLOCK_SHIFT`` (seconds, may be negative) moves the application's clock.

    The test suite sets it so a run never straddles midnight at the station: a test that reads "today"
    while it is collected and again while it runs must see the same day. Child processes inherit it.
    """
    raw = os.environ.get("DOORSTEP_CLOCK_SHIFT", "").strip()
    try:
        return timedelta(seconds=float(raw or 0))
    except ValueError:
        raise ValueError(f"DOORSTEP_CLOCK_SHIFT 应为秒数，实际为 {raw!r}") from None


CLOCK_SHIFT = _clock_shift()


def utcnow() -> datetime:
    return datetime.now(UTC) + CLOCK_SHIFT


def china_today() -> date:
    """Today's date at the station (Asia/Shanghai), whatever the machine's clock zone."""
    return to_china(utcnow()).date()


def to_china(moment: datetime) -> datetime:
    return moment.astimezone(CHINA_TZ)

"""Conventions shared by every stored record (DESIGN.md "Data conventions").

Records that travel between a station and headquarters carry a time-ordered UUIDv7 key, the station
where they were created, UTC timestamps, who changed them last, a per-record version and a tombstone
(``deleted``) instead of a hard delete.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

import uuid6
from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from models.clock import CHINA_TZ, china_today, to_china, utcnow

__all__ = ["CHINA_TZ", "china_today", "to_china", "utcnow"]


# Constraint names must be stable for Alembic's batch mode on SQLite (STYLE.md 7).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def new_id() -> str:
    """A time-ordered UUIDv7 as text: sorts by creation time, unique across stations."""
    return str(uuid6.uuid7())


def uuid_text(value: int) -> str:
    """The canonical text of a 128-bit UUID (as ``str(uuid.UUID(int=value))``, at a third of its cost)."""
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_RUN = (1 << 24) - 1  # the low bits of one UUIDv7 that a run of ids counts up in


def new_ids(count: int) -> list[str]:
    """``count`` UUIDv7s in a row for a bulk write: uuid6 makes one for each 16 million, the others count
    up from it in its random low bits (version and variant untouched). uuid6 gives each call its own
    millisecond, so runs never overlap; 52 random bits are left against other stations' ids. One
    ``uuid7()`` call costs about ten times one of these."""
    ids: list[str] = []
    while len(ids) < count:
        first = uuid6.uuid7().int & ~_RUN
        take = min(count - len(ids), _RUN + 1)
        ids.extend(uuid_text(first + step) for step in range(take))
    return ids


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and gives them back aware; refuses naive input."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store UTC-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class TravellingRecord(SQLModel):
    """Columns every record that travels in sync packages carries."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    station_code: str = Field(max_length=9)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: str = Field(max_length=64)
    version: int = 1
    deleted: bool = False


# Columns the audit trail never reports as "changed by the user".
BOOKKEEPING_COLUMNS = frozenset(
    {"id", "station_code", "created_at", "updated_at", "updated_by", "version", "deleted"}
)


def jsonable(value: Any) -> Any:
    """A value as it is written into the change log (JSON): dates as ISO text, enums by value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value

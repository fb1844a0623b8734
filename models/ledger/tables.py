"""The two tables of the ledger area: the remembered column mappings (by header signature) and the
frozen monthly report snapshots (月报报送快照). ``__tablename__``s and columns as migration 0005 made them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.base import TravellingRecord, UTCDateTime, utcnow


class LedgerMapping(SQLModel, table=True):
    """A column mapping the worker confirmed, offered again for a file with the same headers.

    Station-local (it does not travel): it is a working preference, not a record of a person.
    """

    __tablename__ = "ledger_mapping"

    signature: str = Field(primary_key=True, max_length=64)
    headers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    mapping: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: str = Field(default="", max_length=64)
    uses: int = 0


class MonthlySnapshot(TravellingRecord, table=True):
    """The figures of a month as they were reported (冻结/报送). Later edits to old records show as
    differences from these, never as a silent change of what was sent. One per station and month; a
    month frozen again is an update, so every version sent stays in the change log."""

    __tablename__ = "monthly_snapshot"
    __table_args__ = (Index("ix_monthly_snapshot_station_month", "station_code", "month", unique=True),)

    month: date  # the first day of the month
    frozen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    frozen_by: str = Field(default="", max_length=64)
    figures: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=500)

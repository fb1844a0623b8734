"""HQ's frozen monthly statistics (统计冻结): the county's figures of a month as HQ froze them, for the
county and for each station and district, in numbered versions.

A local table: it never travels (a station's own 报送 is :class:`models.ledger.MonthlySnapshot`, which
does). A version is never changed once written: a late package that changes a frozen figure shows as a
revision beside it, and freezing the revision writes the next version, the old one kept
(docs/hq-statistics.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, new_id, utcnow

COUNTY = "county"
STATION = "station"
STATION_REGION = "station_region"
HOUSEHOLD_REGION = "household_region"
SCOPES = (COUNTY, STATION, STATION_REGION, HOUSEHOLD_REGION)
"""What a snapshot row is about: the county, one station, one station region, one household region."""


class HqSnapshot(SQLModel, table=True):
    """One scope's figures (``FigureRow.to_json`` rows) in one version of a month's freeze."""

    __tablename__ = "hq_snapshot"
    __table_args__ = (
        Index("ix_hq_snapshot_month_version_scope", "month", "version", "scope", "group_key", unique=True),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    month: date  # the first day of the month
    version: int  # 1 for the first freeze, then one more for each revision frozen
    scope: str = Field(max_length=20)  # one of SCOPES
    group_key: str = Field(default="", max_length=9)  # station code or region code; "" for the county
    group_name: str = Field(default="", max_length=100)
    frozen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    frozen_by: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=500)
    figures: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))

"""The station this database belongs to, its settings and its case-number sequence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, select

from models.base import UTCDateTime, utcnow
from models.errors import NotFound


class Station(SQLModel, table=True):
    """One row: the station that owns this database file."""

    code: str = Field(primary_key=True, max_length=9)
    name: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    is_demo: bool = False


class StationSetting(SQLModel, table=True):
    """Station-wide settings stored with the data (user preferences live in the settings file)."""

    __tablename__ = "station_setting"

    key: str = Field(primary_key=True, max_length=60)
    value: Any = Field(default=None, sa_column=Column(JSON))


class CaseSequence(SQLModel, table=True):
    """Next case number per year; the station code prefix makes numbers unique across stations."""

    __tablename__ = "case_sequence"

    year: int = Field(primary_key=True)
    last: int = 0


def get_station(*, session: Session) -> Station:
    station = session.exec(select(Station)).first()
    if station is None:
        raise NotFound("这个数据库还没有建立服务站，请先运行 doorstep init 或在首次启动向导中创建服务站")
    return station


def next_case_number(*, session: Session, station_code: str, year: int) -> str:
    """``330106001-2026-00001``: station code, year, a sequence that only this station advances."""
    sequence = session.get(CaseSequence, year)
    if sequence is None:
        sequence = CaseSequence(year=year, last=0)
    sequence.last += 1
    session.add(sequence)
    return f"{station_code}-{year}-{sequence.last:05d}"

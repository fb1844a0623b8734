"""The policy area's stored table: the sets installed at the station."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Text
from sqlmodel import Field

from models.base import TravellingRecord


class InstalledPolicySet(TravellingRecord, table=True):
    """A policy set installed at the station (sent by headquarters, or loaded from a file), kept as the
    exact text that was checked, so that the same digest and the same answers come back."""

    __tablename__ = "policy_set"

    set_id: str = Field(max_length=64, index=True)
    set_version: int
    name: str = Field(max_length=100)
    region: str = Field(max_length=6)
    effective_from: date
    effective_to: date | None = None
    content: str = Field(sa_type=Text)
    digest: str = Field(max_length=64)
    origin: str = Field(default="", max_length=200)

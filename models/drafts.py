"""Drafts: what a worker half-typed in a dialog (a visit, a file), kept so that a crash or a closed window
loses nothing; offered back the next time the dialog opens, removed once saved or thrown away.

Station-local: a draft is this machine's working state, not a record of a person, so it never travels
and is written without the journal (the write guard watches travelling tables only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, new_id, utcnow


class Draft(SQLModel, table=True):
    """One dialog's unsaved input for one user: ``kind`` names the dialog, ``key`` what it was opened for."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("kind", "key", "user_name"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    kind: str = Field(max_length=20)  # "visit", "file"
    key: str = Field(default="", max_length=40)  # the file it belongs to ("" for a new one)
    user_name: str = Field(max_length=64)
    title: str = Field(default="", max_length=100)  # what the offer says ("张三 的走访")
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    saved_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

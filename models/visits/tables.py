"""The visits area's stored tables: mentors and their assignments, visits and agreed actions, the key
project pool and the station's own visit templates."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field

from models.base import TravellingRecord


class Mentor(TravellingRecord, table=True):
    """A mentor of the pool. ``source`` is "station" for the station's own, "hq" for HQ's (later)."""

    name: str = Field(max_length=50)
    name_pinyin: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=30)
    organisation: str = Field(default="", max_length=100)
    kind: str = Field(max_length=20)
    instructor_level: str | None = Field(default=None, max_length=20)
    expertise: int = 0
    service_regions: str = Field(default="", max_length=200)  # 6-digit region codes, comma separated
    active: bool = True
    user_name: str = Field(default="", max_length=64)  # the sign-in name when the mentor uses Doorstep
    source: str = Field(default="station", max_length=10)
    notes: str = Field(default="", max_length=500)


class MentorAssignment(TravellingRecord, table=True):
    """An entrepreneur assigned to a mentor; ending an assignment keeps it in the history."""

    __tablename__ = "mentor_assignment"
    __table_args__ = (
        Index("ix_mentor_assignment_mentor", "mentor_id", "ended_on", "entrepreneur_id"),
        Index("ix_mentor_assignment_entrepreneur", "entrepreneur_id"),
    )

    mentor_id: str = Field(foreign_key="mentor.id", max_length=36)
    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36)
    assigned_on: date
    ended_on: date | None = None


class Visit(TravellingRecord, table=True):
    """One contact with an entrepreneur, and what it changed in the file (the outcome columns)."""

    __table_args__ = (
        # a file's visits and a person's last contact (max visit_date per person without a table read)
        Index("ix_visit_entrepreneur", "entrepreneur_id", "deleted", "visit_date"),
        Index("ix_visit_mentor", "mentor_id", "visit_date"),
        # a month's visits, counted and listed from the index alone
        Index("ix_visit_date", "deleted", "visit_date", "entrepreneur_id"),
    )

    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36)
    mentor_id: str | None = Field(default=None, foreign_key="mentor.id", max_length=36)
    venture_id: str | None = Field(default=None, foreign_key="venture.id", max_length=36)
    key_project_id: str | None = Field(default=None, max_length=36)
    visit_date: date
    mode: str = Field(max_length=20)
    duration_minutes: int = 0
    topics: int = 0
    problems: str = Field(default="", max_length=2000)
    advice: str = Field(default="", max_length=2000)
    next_visit_date: date | None = None
    stage_before: str | None = Field(default=None, max_length=20)
    stage_after: str | None = Field(default=None, max_length=20)
    jobs_before: int | None = None
    jobs_after: int | None = None
    new_venture_id: str | None = Field(default=None, max_length=36)


class AgreedAction(TravellingRecord, table=True):
    """A follow-up agreed during a visit (跟进事项), with its due date and whether it is done."""

    __tablename__ = "agreed_action"
    __table_args__ = (
        Index("ix_agreed_action_open", "done_on", "deleted", "due_date"),
        Index("ix_agreed_action_entrepreneur", "entrepreneur_id", "done_on"),
        Index("ix_agreed_action_visit", "visit_id"),
    )

    visit_id: str = Field(foreign_key="visit.id", max_length=36)
    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36)
    text: str = Field(max_length=200)
    due_date: date
    done_on: date | None = None
    done_by: str = Field(default="", max_length=64)


class KeyProject(TravellingRecord, table=True):
    """An entry of the key project pool (重点孵化项目库, 5号文 (十)) with its 跟踪陪跑 plan."""

    __tablename__ = "key_project"
    __table_args__ = (
        Index("ix_key_project_due", "left_on", "next_due"),
        Index("ix_key_project_entrepreneur", "entrepreneur_id"),
        Index("ix_key_project_venture", "venture_id"),
    )

    venture_id: str = Field(foreign_key="venture.id", max_length=36)
    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36)
    mentor_id: str | None = Field(default=None, foreign_key="mentor.id", max_length=36)
    reason: str = Field(max_length=500)
    entered_on: date
    period_months: int = 12
    cadence_days: int = 30
    cadence_months: int = 0
    planned_end: date
    next_due: date | None = None
    last_visit_date: date | None = None
    left_on: date | None = None
    outcome: str | None = Field(default=None, max_length=20)
    outcome_note: str = Field(default="", max_length=500)


class VisitTemplate(TravellingRecord, table=True):
    """A station's own template for a frequent kind of visit (the shipped ones are in code)."""

    __tablename__ = "visit_template"

    name: str = Field(max_length=40)
    mode: str = Field(max_length=20)
    duration_minutes: int = 30
    topics: int = 0
    problems: str = Field(default="", max_length=2000)
    advice: str = Field(default="", max_length=2000)
    actions: list[list[Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))

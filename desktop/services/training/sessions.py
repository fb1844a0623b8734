"""The sessions (课次) of a class: the schedule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from desktop.services.gate import service
from desktop.services.training._common import _get_class, _get_session, _live_sessions, _session_view
from desktop.services.training.views import SessionView
from models.audit import Actor, Operation
from models.database import Database
from models.errors import Conflict
from models.permissions import Permission
from models.training import (
    Attendance,
    AttendanceMark,
    Enrolment,
    EnrolmentStatus,
    HalfDay,
    SessionData,
    TrainingClass,
    TrainingSession,
    validate_session,
)


@service(Permission.MANAGE_TRAINING)
def add_session(
    db: Database, actor: Actor, /, *, class_id: str, session_data: SessionData | Mapping[str, object]
) -> str:
    with db.transaction() as session:
        return add_session_in(session, actor, class_id, session_data)


def add_session_in(
    session: Session, actor: Actor, class_id: str, session_data: SessionData | Mapping[str, object]
) -> str:
    """The core of :func:`add_session` (the data is checked against the class's dates); never commits."""
    record = _get_class(session, class_id)
    data = _session_data(session_data, record)
    _refuse_same_slot(session, class_id, data)
    new = TrainingSession(
        class_id=class_id,
        station_code=actor.station_code,
        updated_by=actor.user_name,
        **data.column_values(),
    )
    label = f"{data.session_date.isoformat()} {data.half_day.label}"
    Operation(session, actor, f"{record.class_number} 增加课次 {label}").create(new, subject_id=class_id)
    return new.id


@service(Permission.MANAGE_TRAINING)
def add_sessions(
    db: Database,
    actor: Actor,
    /,
    *,
    class_id: str,
    first_day: date,
    last_day: date,
    half_days: Sequence[HalfDay],
    hours: int,
    skip_weekends: bool = True,
    topic: str = "",
) -> list[str]:
    """Fill in a schedule: one session per chosen half-day on every (week)day from first to last day.

    Slots that already have a session are skipped, so the schedule can be filled in twice safely.
    """
    with db.transaction() as session:
        return add_sessions_in(
            session,
            actor,
            class_id,
            first_day=first_day,
            last_day=last_day,
            half_days=half_days,
            hours=hours,
            skip_weekends=skip_weekends,
            topic=topic,
        )


def add_sessions_in(
    session: Session,
    actor: Actor,
    class_id: str,
    *,
    first_day: date,
    last_day: date,
    half_days: Sequence[HalfDay],
    hours: int,
    skip_weekends: bool = True,
    topic: str = "",
) -> list[str]:
    """The core of :func:`add_sessions`; never commits."""
    record = _get_class(session, class_id)
    existing = {
        (d, h)
        for d, h in session.exec(
            select(col(TrainingSession.session_date), col(TrainingSession.half_day)).where(
                col(TrainingSession.class_id) == class_id, col(TrainingSession.deleted).is_(False)
            )
        ).all()
    }
    operation = Operation(session, actor, f"{record.class_number} 排课")
    made: list[str] = []
    day = first_day
    while day <= last_day:
        if not (skip_weekends and day.weekday() >= 5):
            for half in half_days:
                if (day, half.value) in existing:
                    continue
                data = _session_data(
                    {"session_date": day, "half_day": half, "hours": hours, "topic": topic}, record
                )
                new = TrainingSession(
                    class_id=class_id,
                    station_code=actor.station_code,
                    updated_by=actor.user_name,
                    **data.column_values(),
                )
                operation.create(new, subject_id=class_id)
                made.append(new.id)
        day += timedelta(days=1)
    return made


@service(Permission.MANAGE_TRAINING)
def update_session(
    db: Database, actor: Actor, /, *, session_id: str, session_data: SessionData | Mapping[str, object]
) -> bool:
    with db.transaction() as session:
        return update_session_in(session, actor, session_id, session_data)


def update_session_in(
    session: Session, actor: Actor, session_id: str, session_data: SessionData | Mapping[str, object]
) -> bool:
    """The core of :func:`update_session`; never commits."""
    record = _get_session(session, session_id)
    klass = _get_class(session, record.class_id)
    data = _session_data(session_data, klass)
    _refuse_same_slot(session, klass.id, data, exclude_id=session_id)
    operation = Operation(session, actor, f"{klass.class_number} 修改课次")
    operation.update(record, data.column_values(), subject_id=klass.id)
    return bool(operation.changes)


@service(Permission.MANAGE_TRAINING)
def delete_session(db: Database, actor: Actor, /, *, session_id: str) -> None:
    """Send a session and its attendance marks to the recycle bin (one undo step)."""
    with db.transaction() as session:
        delete_session_in(session, actor, session_id)


def delete_session_in(session: Session, actor: Actor, session_id: str) -> None:
    """The core of :func:`delete_session`; never commits."""
    record = _get_session(session, session_id)
    klass = _get_class(session, record.class_id)
    label = f"{record.session_date.isoformat()} {HalfDay(record.half_day).label}"
    operation = Operation(session, actor, f"{klass.class_number} 删除课次 {label}")
    for mark in session.exec(
        select(Attendance).where(col(Attendance.session_id) == session_id, col(Attendance.deleted).is_(False))
    ).all():
        operation.set_deleted(mark, True, subject_id=klass.id)
    operation.set_deleted(record, True, subject_id=klass.id)


@service(Permission.VIEW_FILES)
def list_sessions(db: Database, actor: Actor, /, *, class_id: str) -> list[SessionView]:
    with db.reading() as session:
        _get_class(session, class_id)
        counts: dict[str, tuple[int, int]] = {}
        for session_id, marked, present in session.execute(
            sa_select(
                col(Attendance.session_id),
                func.count(),
                func.sum(
                    case(
                        (
                            col(Attendance.status).in_(
                                (AttendanceMark.PRESENT.value, AttendanceMark.LATE.value)
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
            )
            .join(TrainingSession, col(TrainingSession.id) == Attendance.session_id)
            .join(Enrolment, col(Enrolment.id) == Attendance.enrolment_id)
            .where(
                col(TrainingSession.class_id) == class_id,
                col(Attendance.deleted).is_(False),
                col(Enrolment.deleted).is_(False),
                col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
            )
            .group_by(Attendance.session_id)
        ).all():
            counts[session_id] = (int(marked), int(present or 0))
        return [
            _session_view(number, s, *counts.get(s.id, (0, 0)))
            for number, s in enumerate(_live_sessions(session, class_id), start=1)
        ]


def _session_data(raw: SessionData | Mapping[str, object], klass: TrainingClass) -> SessionData:
    if isinstance(raw, SessionData):
        return validate_session(
            raw.column_values() | {"half_day": raw.half_day}, start=klass.start_date, end=klass.end_date
        )
    return validate_session(raw, start=klass.start_date, end=klass.end_date)


def _refuse_same_slot(
    session: Session, class_id: str, data: SessionData, exclude_id: str | None = None
) -> None:
    query = select(TrainingSession).where(
        col(TrainingSession.class_id) == class_id,
        col(TrainingSession.session_date) == data.session_date,
        col(TrainingSession.deleted).is_(False),
    )
    for other in session.exec(query).all():
        if other.id == exclude_id:
            continue
        clash = other.half_day == data.half_day.value or HalfDay.FULL.value in (
            other.half_day,
            data.half_day.value,
        )
        if clash:
            raise Conflict(
                f"{data.session_date.isoformat()} {HalfDay(other.half_day).label} 已有课次，"
                f"不能再排 {data.half_day.label} 的课",
                existing_id=other.id,
            )

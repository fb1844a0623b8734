"""Attendance marks: the grid read model, marking cells and whole sessions, undo on the class page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from desktop.services.gate import service
from desktop.services.training._common import (
    _apply_marks,
    _attendance_records,
    _get_class,
    _get_session,
    _live_sessions,
    _marks,
    _session_view,
    refuse_future_sessions,
)
from desktop.services.training.views import AttendanceGrid, GridPerson, MarkChange
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.errors import NotFound
from models.masking import mask_id_number
from models.permissions import Permission
from models.training import Attendance, AttendanceMark, Enrolment, EnrolmentStatus, HalfDay, rule_of
from models.undo import last_undoable_operation, undo_changes


@service(Permission.VIEW_FILES)
def attendance_grid(
    db: Database, actor: Actor, /, *, class_id: str, today: date | None = None
) -> AttendanceGrid:
    """Everything the attendance grid shows, in three queries (enrolled people only); ``today`` tells
    the grid which sessions are still ahead (they cannot be marked)."""
    with db.reading() as session:
        klass = _get_class(session, class_id)
        sessions = tuple(
            _session_view(n, s) for n, s in enumerate(_live_sessions(session, class_id), start=1)
        )
        people_rows = session.execute(
            sa_select(
                col(Enrolment.id),
                col(Enrolment.entrepreneur_id),
                col(Entrepreneur.name),
                col(Entrepreneur.id_number),
            )
            .join(Entrepreneur, col(Entrepreneur.id) == Enrolment.entrepreneur_id)
            .where(
                col(Enrolment.class_id) == class_id,
                col(Enrolment.deleted).is_(False),
                col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
            )
            .order_by(col(Enrolment.created_at), col(Enrolment.id))
        ).all()
        people = tuple(
            GridPerson(row[0], row[1], number, row[2], mask_id_number(row[3]))
            for number, row in enumerate(people_rows, start=1)
        )
        marks = _marks(session, class_id)
        return AttendanceGrid(
            class_id, klass.title, rule_of(klass), sessions, people, marks, today or china_today()
        )


@service(Permission.MANAGE_TRAINING)
def mark_attendance(
    db: Database,
    actor: Actor,
    /,
    *,
    class_id: str,
    marks: Sequence[tuple[str, str, AttendanceMark | None]],
    label: str = "",
    today: date | None = None,
) -> list[MarkChange]:
    """Set (or with ``None`` clear) the marks of the given (enrolment, session) cells in one step.

    A mark for a session after ``today`` (default: today at the station) is refused with
    :class:`~models.errors.NotAllowed`; clearing one is allowed. Returns the cells that really changed.
    """
    if not marks:
        return []
    with db.transaction() as session:
        return mark_attendance_in(session, actor, class_id, marks, label=label, today=today)


def mark_attendance_in(
    session: Session,
    actor: Actor,
    class_id: str,
    marks: Sequence[tuple[str, str, AttendanceMark | None]],
    *,
    label: str = "",
    today: date | None = None,
) -> list[MarkChange]:
    """The core of :func:`mark_attendance`: every mark through one :class:`Operation`; never commits."""
    klass = _get_class(session, class_id)
    live = {s.id: s for s in _live_sessions(session, class_id)}
    session_ids = set(live)
    enrolment_ids = set(
        session.exec(
            select(col(Enrolment.id)).where(
                col(Enrolment.class_id) == class_id,
                col(Enrolment.deleted).is_(False),
                col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
            )
        ).all()
    )
    for enrolment_id, session_id, _ in marks:
        if session_id not in session_ids:
            raise NotFound(f"课次 {session_id} 不属于第 {klass.class_number} 期，或已删除")
        if enrolment_id not in enrolment_ids:
            raise NotFound(f"学员 {enrolment_id} 不在第 {klass.class_number} 期的名单中")
    refuse_future_sessions(
        klass, [live[s] for s in {s for _, s, mark in marks if mark is not None}], today or china_today()
    )
    wanted = {(e, s): m for e, s, m in marks}
    existing = _attendance_records(session, [e for e, _ in wanted], [s for _, s in wanted])
    operation = Operation(session, actor, label or f"{klass.class_number} 记考勤")
    return _apply_marks(operation, klass.id, wanted, existing)


@service(Permission.MANAGE_TRAINING)
def mark_column(
    db: Database,
    actor: Actor,
    /,
    *,
    session_id: str,
    mark: AttendanceMark = AttendanceMark.PRESENT,
    overwrite: bool = False,
    today: date | None = None,
) -> list[MarkChange]:
    """Mark a whole session for every enrolled person (全部出勤). Without ``overwrite`` only the cells
    still unmarked are filled, so the exceptions marked first (请假, 缺勤) stay. Refused for a session
    after ``today``."""
    with db.transaction() as session:
        return mark_column_in(session, actor, session_id, mark=mark, overwrite=overwrite, today=today)


def mark_column_in(
    session: Session,
    actor: Actor,
    session_id: str,
    *,
    mark: AttendanceMark = AttendanceMark.PRESENT,
    overwrite: bool = False,
    today: date | None = None,
) -> list[MarkChange]:
    """The core of :func:`mark_column`; never commits."""
    record = _get_session(session, session_id)
    klass = _get_class(session, record.class_id)
    refuse_future_sessions(klass, [record], today or china_today())
    enrolment_ids = session.exec(
        select(col(Enrolment.id)).where(
            col(Enrolment.class_id) == klass.id,
            col(Enrolment.deleted).is_(False),
            col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
        )
    ).all()
    existing = {
        (a.enrolment_id, a.session_id): a
        for a in session.exec(select(Attendance).where(col(Attendance.session_id) == session_id)).all()
    }
    wanted: dict[tuple[str, str], AttendanceMark | None] = {}
    for enrolment_id in enrolment_ids:
        current = existing.get((enrolment_id, session_id))
        if not overwrite and current is not None and not current.deleted:
            continue
        wanted[(enrolment_id, session_id)] = mark
    day = f"{record.session_date.isoformat()} {HalfDay(record.half_day).label}"
    operation = Operation(session, actor, f"{klass.class_number} {day} 全部记为{mark.label}")
    return _apply_marks(operation, klass.id, wanted, existing)


@service(Permission.MANAGE_TRAINING)
def undo_last_class_change(db: Database, actor: Actor, /, *, class_id: str) -> str | None:
    """Ctrl+Z on the class page: undo the newest change to its sessions, marks, scores or assessment."""
    with db.transaction() as session:
        return undo_last_class_change_in(session, actor, class_id)


def undo_last_class_change_in(session: Session, actor: Actor, class_id: str) -> str | None:
    """The core of :func:`undo_last_class_change`; never commits."""
    changes = last_undoable_operation(session=session, subject_id=class_id)
    if not changes:
        return None
    label = changes[0].operation_label
    operation = Operation(session, actor, f"撤销：{label}", undoes=changes[0].operation_id)
    undo_changes(operation, changes)
    return label

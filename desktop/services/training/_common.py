"""Helpers and constants the training modules share: lookups that refuse deleted records, the live
sessions, roster and marks of a class, and the row builders several read models use.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from desktop.services.training.views import MarkChange, RosterRow, SessionView
from models.audit import Operation
from models.entrepreneur import Entrepreneur
from models.enums import Sex, key_groups_from_bits
from models.errors import NotAllowed, NotFound
from models.masking import mask_id_number, mask_phone
from models.training import (
    Attendance,
    AttendanceMark,
    CompletionResult,
    CompletionRule,
    CourseData,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    HalfDay,
    TrainingClass,
    TrainingSession,
)

CLASS_KIND = "training_class"
HALF_DAY_ORDER = {HalfDay.AM.value: 0, HalfDay.FULL.value: 1, HalfDay.PM.value: 2, HalfDay.EVENING.value: 3}
_COURSE_NAMESPACE = uuid.UUID("6f1c3d0e-5b7a-4c1e-9a53-2b8f4e7d0c11")


def course_id_for(code: str) -> str:
    """The id of a catalogue course: the same on every station, so HQ can later update it in place."""
    return str(uuid.uuid5(_COURSE_NAMESPACE, f"doorstep/course/{code.upper()}"))


def _course_row(course: CourseData, station_code: str, now: datetime) -> dict[str, Any]:
    return {
        "id": course_id_for(course.code),
        "station_code": station_code,
        "created_at": now,
        "updated_at": now,
        "updated_by": "默认课程目录",  # catalogue.CATALOGUE_USER
        "version": 1,
        "deleted": False,
        "source": "default",
        **course.column_values(),
    }


def _session_view(number: int, s: TrainingSession, marked: int = 0, present: int = 0) -> SessionView:
    return SessionView(
        id=s.id,
        number=number,
        session_date=s.session_date,
        half_day=HalfDay(s.half_day),
        hours=s.hours,
        topic=s.topic,
        teacher=s.teacher,
        marked=marked,
        present=present,
    )


def _roster_row(number: int, e: Enrolment, p: Entrepreneur, attended: int, required: int) -> RosterRow:
    return RosterRow(
        enrolment_id=e.id,
        entrepreneur_id=p.id,
        number=number,
        name=p.name,
        case_number=p.case_number,
        id_number_masked=mask_id_number(p.id_number),
        sex=Sex(p.sex).label,
        phone_masked=mask_phone(p.phone) if p.phone else "",
        key_groups="、".join(g.label for g in key_groups_from_bits(p.key_groups)),
        enrolled_on=e.enrolled_on,
        status=EnrolmentStatus(e.status),
        exam_score=e.exam_score,
        result=CompletionResult(e.result) if e.result else None,
        certificate_number=e.certificate_number,
        attended_hours=attended,
        required_hours=required,
    )


def _apply_marks(
    operation: Operation,
    class_id: str,
    wanted: Mapping[tuple[str, str], AttendanceMark | None],
    existing: Mapping[tuple[str, str], Attendance],
) -> list[MarkChange]:
    changed: list[MarkChange] = []
    actor = operation.actor
    for (enrolment_id, session_id), mark in wanted.items():
        record = existing.get((enrolment_id, session_id))
        if mark is None:
            if record is not None and not record.deleted:
                operation.set_deleted(record, True, subject_id=class_id)
                changed.append(MarkChange(enrolment_id, session_id, None))
            continue
        if record is None:
            record = Attendance(
                enrolment_id=enrolment_id,
                session_id=session_id,
                status=mark.value,
                station_code=actor.station_code,
                updated_by=actor.user_name,
            )
            operation.create(record, subject_id=class_id)
        elif record.deleted:
            operation.set_deleted(record, False, subject_id=class_id)
            operation.update(record, {"status": mark.value}, subject_id=class_id)
        elif record.status != mark.value:
            operation.update(record, {"status": mark.value}, subject_id=class_id)
        else:
            continue
        changed.append(MarkChange(enrolment_id, session_id, mark))
    return changed


def _attendance_records(
    session: Session, enrolment_ids: Iterable[str], session_ids: Iterable[str]
) -> dict[tuple[str, str], Attendance]:
    wanted_sessions = set(session_ids)
    found: dict[tuple[str, str], Attendance] = {}
    enrolments = list(set(enrolment_ids))
    for start in range(0, len(enrolments), 500):
        for record in session.exec(
            select(Attendance).where(
                col(Attendance.enrolment_id).in_(enrolments[start : start + 500]),
                col(Attendance.session_id).in_(wanted_sessions),
            )
        ).all():
            found[(record.enrolment_id, record.session_id)] = record
    return found


def _rule_values(rule: CompletionRule) -> dict[str, Any]:
    return {
        "min_attendance_percent": rule.min_attendance_percent,
        "exam_required": rule.exam_required,
        "pass_mark": rule.pass_mark,
        "excused_policy": rule.excused_policy.value,
    }


def _get_course(session: Session, course_id: str) -> CourseType:
    record = session.get(CourseType, course_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到课程 {course_id}；请先在课程目录中选择课程")
    return record


def _get_class(session: Session, class_id: str) -> TrainingClass:
    record = session.get(TrainingClass, class_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到培训班 {class_id}（可能已删除）")
    return record


def _get_session(session: Session, session_id: str) -> TrainingSession:
    record = session.get(TrainingSession, session_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到课次 {session_id}（可能已删除）")
    return record


def _get_enrolment(session: Session, enrolment_id: str) -> Enrolment:
    record = session.get(Enrolment, enrolment_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到报名记录 {enrolment_id}")
    return record


def _enrolled_count(session: Session, class_id: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(Enrolment)
        .where(
            col(Enrolment.class_id) == class_id,
            col(Enrolment.deleted).is_(False),
            col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
        )
    ).one()


def _live_sessions(session: Session, class_id: str) -> list[TrainingSession]:
    rows = session.exec(
        select(TrainingSession).where(
            col(TrainingSession.class_id) == class_id, col(TrainingSession.deleted).is_(False)
        )
    ).all()
    return sorted(rows, key=lambda s: (s.session_date, HALF_DAY_ORDER.get(s.half_day, 9), s.id))


def _enrolments_with_people(session: Session, class_id: str) -> list[tuple[Enrolment, Entrepreneur]]:
    return list(
        session.exec(
            select(Enrolment, Entrepreneur)
            .join(Entrepreneur, col(Entrepreneur.id) == Enrolment.entrepreneur_id)
            .where(col(Enrolment.class_id) == class_id, col(Enrolment.deleted).is_(False))
            .order_by(col(Enrolment.created_at), col(Enrolment.id))
        ).all()
    )


def _marks(session: Session, class_id: str) -> dict[tuple[str, str], AttendanceMark]:
    rows = session.execute(
        sa_select(col(Attendance.enrolment_id), col(Attendance.session_id), col(Attendance.status))
        .join(TrainingSession, col(TrainingSession.id) == Attendance.session_id)
        .where(
            col(TrainingSession.class_id) == class_id,
            col(TrainingSession.deleted).is_(False),
            col(Attendance.deleted).is_(False),
        )
    ).all()
    lookup = {m.value: m for m in AttendanceMark}
    return {(row[0], row[1]): lookup[row[2]] for row in rows}


def refuse_future_sessions(
    klass: TrainingClass, sessions: Iterable[TrainingSession], today: date, *, what: str = "记考勤"
) -> None:
    """No attendance for a session that has not been held yet: a mark for tomorrow is a guess, and a
    guess on the sign-in record is what a reviewer of the training subsidy (5号文 (二)) looks for."""
    ahead = sorted((s for s in sessions if s.session_date > today), key=lambda s: s.session_date)
    if ahead:
        first = ahead[0]
        more = f"等 {len(ahead)} 个课次" if len(ahead) > 1 else "的课次"
        raise NotAllowed(
            f"第 {klass.class_number} 期 {first.session_date.isoformat()} {HalfDay(first.half_day).label}"
            f"{more}还没有上（今天是 {today.isoformat()}），不能{what}；请在上课当天或之后再记"
        )

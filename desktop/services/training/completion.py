"""Completion: exam scores, the rule preview, 结业评定 with certificate numbers, completed trainees."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from desktop.services.gate import service
from desktop.services.training._common import (
    _enrolments_with_people,
    _get_class,
    _get_course,
    _get_enrolment,
    _live_sessions,
    _marks,
    _roster_row,
)
from desktop.services.training.views import CompletedTrainee, CompletionPreview, CompletionSummary
from models.audit import Actor, Change, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.enums import Sex, key_groups_from_bits
from models.errors import NotAllowed
from models.permissions import Permission
from models.station import Station
from models.training import (
    CertificateSequence,
    CompletionResult,
    Enrolment,
    EnrolmentStatus,
    assess,
    attended_hours,
    certificate_number,
    parse_exam_score,
    rule_of,
)


@service(Permission.MANAGE_TRAINING)
def set_exam_score(db: Database, actor: Actor, /, *, enrolment_id: str, score: object) -> int | None:
    """Enter (or with a blank clear) one exam score, 0–100. Returns the stored score."""
    value = parse_exam_score(score)
    with db.transaction() as session:
        return set_exam_score_in(session, actor, enrolment_id, value)


def set_exam_score_in(session: Session, actor: Actor, enrolment_id: str, value: int | None) -> int | None:
    """The core of :func:`set_exam_score` (``value`` already checked); never commits."""
    record = _get_enrolment(session, enrolment_id)
    person = session.get(Entrepreneur, record.entrepreneur_id)
    name = person.name if person else ""
    Operation(session, actor, f"{name} 考核成绩").update(
        record, {"exam_score": value}, subject_id=record.class_id
    )
    return value


@service(Permission.VIEW_FILES)
def completion_preview(db: Database, actor: Actor, /, *, class_id: str) -> list[CompletionPreview]:
    """What the rule says now about each enrolled trainee (before or after the assessment)."""
    with db.reading() as session:
        klass = _get_class(session, class_id)
        sessions = _live_sessions(session, class_id)
        marks = _marks(session, class_id)
        rule = rule_of(klass)
        previews: list[CompletionPreview] = []
        number = 0
        for enrolment, person in _enrolments_with_people(session, class_id):
            number += 1
            if enrolment.status != EnrolmentStatus.ENROLLED.value:
                continue
            outcome = assess(
                rule, [(s.hours, marks.get((enrolment.id, s.id))) for s in sessions], enrolment.exam_score
            )
            previews.append(
                CompletionPreview(
                    _roster_row(number, enrolment, person, outcome.attended_hours, outcome.required_hours),
                    outcome,
                )
            )
        return previews


@service(Permission.MANAGE_TRAINING)
def assess_class(
    db: Database, actor: Actor, /, *, class_id: str, today: date | None = None
) -> CompletionSummary:
    """结业评定: apply the class's rule to every enrolled trainee and number the new certificates.

    Refused while a session lies in the future. Completed trainees keep a certificate number they already
    have; one who no longer meets the rule loses it (numbers are never reused; the change log keeps it).
    """
    with db.transaction() as session:
        return assess_class_in(session, actor, class_id, today=today or china_today())


def assess_class_in(session: Session, actor: Actor, class_id: str, *, today: date) -> CompletionSummary:
    """The core of :func:`assess_class`; never commits."""
    klass = _get_class(session, class_id)
    sessions = _live_sessions(session, class_id)
    if not sessions:
        raise NotAllowed(f"第 {klass.class_number} 期还没有课次，无法结业评定")
    future = [s for s in sessions if s.session_date > today]
    if future:
        raise NotAllowed(
            f"第 {klass.class_number} 期还有 {len(future)} 个课次未上（最后一次在 "
            f"{future[-1].session_date.isoformat()}），请在课程结束后再做结业评定"
        )
    course = _get_course(session, klass.course_id)
    station = session.exec(select(Station)).first()
    station_code = station.code if station else actor.station_code
    marks = _marks(session, class_id)
    rule = rule_of(klass)
    finished_on = sessions[-1].session_date
    operation = Operation(session, actor, f"第 {klass.class_number} 期结业评定")
    assessed = completed = new = revoked = 0
    for enrolment, _person in _enrolments_with_people(session, class_id):
        if enrolment.status != EnrolmentStatus.ENROLLED.value:
            continue
        assessed += 1
        outcome = assess(
            rule, [(s.hours, marks.get((enrolment.id, s.id))) for s in sessions], enrolment.exam_score
        )
        values: dict[str, Any]
        if outcome.completed:
            completed += 1
            values = {"result": CompletionResult.COMPLETED.value, "completed_on": finished_on}
            if not enrolment.certificate_number:
                values["certificate_number"] = _next_certificate(
                    session, station_code, course.code, finished_on.year
                )
                new += 1
        else:
            if enrolment.certificate_number:
                revoked += 1
            values = {
                "result": CompletionResult.NOT_COMPLETED.value,
                "completed_on": None,
                "certificate_number": None,
            }
        operation.update(enrolment, values, subject_id=class_id)
    operation.update(klass, {"assessed_on": today}, subject_id=class_id)
    return CompletionSummary(class_id, assessed, completed, new, revoked)


def _next_certificate(session: Session, station_code: str, course_code: str, year: int) -> str:
    sequence = session.get(CertificateSequence, year) or CertificateSequence(year=year, last=0)
    while True:
        sequence.last += 1
        number = certificate_number(station_code, course_code, year, sequence.last)
        taken = session.exec(
            select(col(Enrolment.id)).where(col(Enrolment.certificate_number) == number)
        ).first()
        if taken is None:
            break
    session.add(sequence)
    return number


def rebuild_certificate_sequence(session: Session) -> int:
    """The projection ``training_certificate_sequence`` rebuilt from the certificates on file: per year,
    the highest sequence of this station's numbers ever issued — on an enrolment now, or in the change
    log (a revoked number is never reused). Returns how many years it wrote."""
    station = session.exec(select(Station)).first()
    prefix = f"{station.code}-" if station else ""
    numbers = {number for number in session.exec(select(col(Enrolment.certificate_number))).all() if number}
    for (diff,) in session.execute(
        select(col(Change.changes)).where(col(Change.record_kind) == Enrolment.__tablename__)
    ).all():
        for value in diff.get("certificate_number") or ():
            if isinstance(value, str):
                numbers.add(value)
    last: dict[int, int] = {}
    for number in numbers:
        if not number.startswith(prefix):
            continue
        parts = number.rsplit("-", 2)
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            year, sequence = int(parts[1]), int(parts[2])
            last[year] = max(last.get(year, 0), sequence)
    session.execute(delete(CertificateSequence))
    for year, sequence in sorted(last.items()):
        session.add(CertificateSequence(year=year, last=sequence))
    session.flush()
    return len(last)


@service(Permission.VIEW_FILES)
def completed_trainees(db: Database, actor: Actor, /, *, class_id: str) -> list[CompletedTrainee]:
    """Trainees of a class who completed it, roster order — the 花名册 of the training-subsidy application.

    Stable interface for the policy area (issue 5): ``completed_trainees(db, actor, *, class_id)``, or
    :func:`completed_trainees_in` inside the caller's session. Personal data is returned unmasked; see
    :class:`CompletedTrainee`. An unknown class raises :class:`NotFound`.
    """
    with db.reading() as session:
        return completed_trainees_in(session, class_id)


def completed_trainees_in(session: Session, class_id: str) -> list[CompletedTrainee]:
    """The core of :func:`completed_trainees` (a read: the caller's gate decides who may call it)."""
    klass = _get_class(session, class_id)
    sessions = _live_sessions(session, class_id)
    marks = _marks(session, class_id)
    rule = rule_of(klass)
    found: list[CompletedTrainee] = []
    for enrolment, person in _enrolments_with_people(session, class_id):
        if (
            enrolment.result != CompletionResult.COMPLETED.value
            or enrolment.status != EnrolmentStatus.ENROLLED.value
        ):
            continue
        attended, required, _, _ = attended_hours(
            rule, [(s.hours, marks.get((enrolment.id, s.id))) for s in sessions]
        )
        found.append(
            CompletedTrainee(
                enrolment_id=enrolment.id,
                entrepreneur_id=person.id,
                name=person.name,
                sex=Sex(person.sex).label,
                id_number=person.id_number,
                phone=person.phone,
                key_groups=tuple(g.label for g in key_groups_from_bits(person.key_groups)),
                attended_hours=attended,
                required_hours=required,
                exam_score=enrolment.exam_score,
                certificate_number=enrolment.certificate_number or "",
                completed_on=enrolment.completed_on or sessions[-1].session_date,
            )
        )
    return found

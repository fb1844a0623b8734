"""The roster of a class: enrolling (also walk-ins), withdrawing, the roster rows and the enrol search."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from desktop.services.entrepreneur_list import ListQuery, fetch_rows, search_ids
from desktop.services.entrepreneurs import create_entrepreneur_in
from desktop.services.gate import authorize, service
from desktop.services.training._common import (
    _enrolled_count,
    _enrolments_with_people,
    _get_class,
    _get_course,
    _get_enrolment,
    _live_sessions,
    _marks,
    _roster_row,
)
from desktop.services.training.views import AlreadyCompleted, Candidate, PreviousCompletion, RosterRow
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, PersonData, validate_person
from models.errors import Conflict, NotAllowed, NotFound
from models.permissions import Permission
from models.training import (
    CompletionResult,
    Enrolment,
    EnrolmentStatus,
    TrainingClass,
    attended_hours,
    rule_of,
)


@service(Permission.MANAGE_TRAINING)
def enrol(
    db: Database,
    actor: Actor,
    /,
    *,
    class_id: str,
    entrepreneur_id: str,
    confirm_repeat: bool = False,
    today: date | None = None,
) -> str:
    """Put a person on a class's roster. Refuses a full class and a second enrolment in the same class;
    raises :class:`AlreadyCompleted` (confirm with ``confirm_repeat``) if they completed the same course."""
    with db.transaction() as session:
        return enrol_in(session, actor, class_id, entrepreneur_id, confirm_repeat=confirm_repeat, today=today)


def enrol_in(
    session: Session,
    actor: Actor,
    class_id: str,
    entrepreneur_id: str,
    *,
    confirm_repeat: bool = False,
    today: date | None = None,
) -> str:
    """The core of :func:`enrol`; never commits."""
    klass = _get_class(session, class_id)
    person = session.get(Entrepreneur, entrepreneur_id)
    if person is None or person.deleted:
        raise NotFound(f"找不到档案 {entrepreneur_id}（可能已在回收站）")
    existing = session.exec(
        select(Enrolment).where(
            col(Enrolment.class_id) == class_id, col(Enrolment.entrepreneur_id) == entrepreneur_id
        )
    ).first()
    if existing is not None and not existing.deleted and existing.status == EnrolmentStatus.ENROLLED.value:
        raise Conflict(
            f"{person.name} 已在第 {klass.class_number} 期的名单中，无需重复报名", existing_id=existing.id
        )
    _refuse_full(session, klass)
    course = _get_course(session, klass.course_id)
    if not confirm_repeat:
        previous = _previous_completions(session, entrepreneur_id, klass.course_id, exclude_class=class_id)
        if previous:
            raise AlreadyCompleted(person.name, course.name, previous)
    operation = Operation(session, actor, f"{person.name} 报名 {klass.class_number} 期{course.name}")
    day = today or china_today()
    if existing is None:
        record = Enrolment(
            class_id=class_id,
            entrepreneur_id=entrepreneur_id,
            enrolled_on=day,
            station_code=actor.station_code,
            updated_by=actor.user_name,
        )
        operation.create(record, subject_id=entrepreneur_id)
        return record.id
    if existing.deleted:
        operation.set_deleted(existing, False, subject_id=entrepreneur_id)
    operation.update(
        existing,
        {"status": EnrolmentStatus.ENROLLED.value, "enrolled_on": day, "result": None},
        subject_id=entrepreneur_id,
    )
    return existing.id


@service(Permission.VIEW_FILES)
def enrolment_warnings(
    db: Database,
    actor: Actor,
    /,
    *,
    class_id: str,
    entrepreneur_id: str | None = None,
    today: date | None = None,
) -> list[str]:
    """What the worker should confirm before enrolling (warnings, not refusals; the GUI asks first):

    - the class has already ended (enrolling afterwards is a late entry: the trainee attended nothing
      this roster shows);
    - the person is on the roster of another class of the same course whose dates overlap this one's
      (one person cannot attend two classes of one course at once, and the training subsidy is paid
      once per course, 5号文 (二), 推进行动 计划4).

    ``entrepreneur_id`` ``None`` (a walk-in without a file yet) checks the class alone.
    """
    with db.reading() as session:
        return enrolment_warnings_in(session, class_id, entrepreneur_id, today=today or china_today())


def enrolment_warnings_in(
    session: Session, class_id: str, entrepreneur_id: str | None, *, today: date
) -> list[str]:
    """The core of :func:`enrolment_warnings`."""
    klass = _get_class(session, class_id)
    warnings: list[str] = []
    if klass.end_date < today:
        warnings.append(
            f"第 {klass.class_number} 期已于 {klass.end_date.isoformat()} 结束"
            f"（今天是 {today.isoformat()}），结束后报名只能补录名单，此人没有本班的考勤"
        )
    if entrepreneur_id is None:
        return warnings
    rows = session.execute(
        sa_select(col(TrainingClass.class_number), col(TrainingClass.start_date), col(TrainingClass.end_date))
        .join(Enrolment, col(Enrolment.class_id) == TrainingClass.id)
        .where(
            col(Enrolment.entrepreneur_id) == entrepreneur_id,
            col(Enrolment.deleted).is_(False),
            col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
            col(TrainingClass.course_id) == klass.course_id,
            col(TrainingClass.id) != klass.id,
            col(TrainingClass.deleted).is_(False),
            col(TrainingClass.start_date) <= klass.end_date,
            col(TrainingClass.end_date) >= klass.start_date,
        )
        .order_by(col(TrainingClass.start_date))
    ).all()
    if rows:
        course = _get_course(session, klass.course_id)
        person = session.get(Entrepreneur, entrepreneur_id)
        name = person.name if person else ""
        others = "、".join(f"第 {n} 期（{start.isoformat()} 至 {end.isoformat()}）" for n, start, end in rows)
        warnings.append(
            f"{name} 已在同一课程{course.name}的{others}名单中，与本期时间重叠；同一人不能同时参加两期"
        )
    return warnings


@service(Permission.MANAGE_TRAINING)
def enrol_walk_in(
    db: Database,
    actor: Actor,
    /,
    *,
    class_id: str,
    name: str,
    id_number: str,
    phone: str = "",
    confirm_possible_duplicate: bool = False,
    today: date | None = None,
) -> tuple[str, str]:
    """A walk-in person: open a minimal file (ID number and name; the duplicate guard applies) and enrol,
    in one transaction (a refused enrolment leaves no file behind). Opening the file also needs the
    permission to make files.

    Returns ``(entrepreneur_id, enrolment_id)``. A :class:`~models.errors.Conflict` with ``existing_id``
    means the ID number already has a file: enrol that file instead. Capacity is checked first, so a full
    class creates no file.
    """
    authorize(db, actor, Permission.EDIT_FILES, f"{__name__}.enrol_walk_in")
    person = validate_person({"name": name, "id_number": id_number, "phone": phone})
    with db.transaction() as session:
        return enrol_walk_in_in(
            session,
            actor,
            class_id,
            person,
            confirm_possible_duplicate=confirm_possible_duplicate,
            today=today,
        )


def enrol_walk_in_in(
    session: Session,
    actor: Actor,
    class_id: str,
    person: PersonData,
    *,
    confirm_possible_duplicate: bool = False,
    today: date | None = None,
) -> tuple[str, str]:
    """The core of :func:`enrol_walk_in`: :func:`~desktop.services.entrepreneurs.create_entrepreneur_in`
    and :func:`enrol_in` in the caller's transaction; never commits."""
    _refuse_full(session, _get_class(session, class_id))
    person_id = create_entrepreneur_in(
        session, actor, person, confirm_possible_duplicate=confirm_possible_duplicate, today=today
    )
    enrolment_id = enrol_in(session, actor, class_id, person_id, confirm_repeat=True, today=today)
    return person_id, enrolment_id


@service(Permission.MANAGE_TRAINING)
def withdraw(db: Database, actor: Actor, /, *, enrolment_id: str) -> str:
    """Take a person off the roster (their marks stay); refused once they completed. Returns the name."""
    with db.transaction() as session:
        return withdraw_in(session, actor, enrolment_id)


def withdraw_in(session: Session, actor: Actor, enrolment_id: str) -> str:
    """The core of :func:`withdraw`; never commits."""
    record = _get_enrolment(session, enrolment_id)
    if record.result == CompletionResult.COMPLETED.value:
        raise NotAllowed("已结业的学员不能退出名单；如结业有误，请先修改考勤或成绩后重新评定")
    person = session.get(Entrepreneur, record.entrepreneur_id)
    klass = _get_class(session, record.class_id)
    name = person.name if person else ""
    Operation(session, actor, f"{name} 退出 {klass.class_number} 期").update(
        record, {"status": EnrolmentStatus.WITHDRAWN.value}, subject_id=record.entrepreneur_id
    )
    return name


@service(Permission.VIEW_FILES)
def roster(
    db: Database, actor: Actor, /, *, class_id: str, include_withdrawn: bool = True
) -> list[RosterRow]:
    with db.reading() as session:
        klass = _get_class(session, class_id)
        sessions = _live_sessions(session, class_id)
        marks = _marks(session, class_id)
        rule = rule_of(klass)
        rows: list[RosterRow] = []
        for number, (enrolment, person) in enumerate(_enrolments_with_people(session, class_id), start=1):
            if enrolment.status == EnrolmentStatus.WITHDRAWN.value and not include_withdrawn:
                continue
            attended, required, _, _ = attended_hours(
                rule, [(s.hours, marks.get((enrolment.id, s.id))) for s in sessions]
            )
            rows.append(_roster_row(number, enrolment, person, attended, required))
        return rows


@service(Permission.VIEW_FILES)
def find_candidates(
    db: Database, actor: Actor, /, *, class_id: str, text: str, limit: int = 50
) -> list[Candidate]:
    """People to enrol, found as in the files list (name, pinyin initials, ID tail, phone)."""
    if not text.strip():
        return []
    ids = search_ids(db, actor, ListQuery(text=text))[:limit]
    rows = fetch_rows(db, actor, ids)
    with db.reading() as session:
        here = set(
            session.exec(
                select(col(Enrolment.entrepreneur_id)).where(
                    col(Enrolment.class_id) == class_id,
                    col(Enrolment.entrepreneur_id).in_(ids),
                    col(Enrolment.deleted).is_(False),
                    col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
                )
            ).all()
        )
    return [
        Candidate(
            entrepreneur_id=r.id,
            name=r.name,
            case_number=r.case_number,
            id_number_masked=r.id_number_masked,
            age=r.age,
            key_groups=r.key_groups,
            enrolled_here=r.id in here,
        )
        for r in rows
    ]


def _refuse_full(session: Session, klass: TrainingClass) -> None:
    enrolled = _enrolled_count(session, klass.id)
    if enrolled >= klass.capacity:
        raise Conflict(
            f"第 {klass.class_number} 期已满：计划 {klass.capacity} 人，已报名 {enrolled} 人；"
            "如需增加名额，请先修改班级的计划人数"
        )


def _previous_completions(
    session: Session, entrepreneur_id: str, course_id: str, *, exclude_class: str
) -> list[PreviousCompletion]:
    rows = session.execute(
        sa_select(
            col(TrainingClass.id),
            col(TrainingClass.class_number),
            col(Enrolment.completed_on),
            col(Enrolment.certificate_number),
        )
        .join(Enrolment, col(Enrolment.class_id) == TrainingClass.id)
        .where(
            col(Enrolment.entrepreneur_id) == entrepreneur_id,
            col(TrainingClass.course_id) == course_id,
            col(TrainingClass.id) != exclude_class,
            col(TrainingClass.deleted).is_(False),
            col(Enrolment.deleted).is_(False),
            col(Enrolment.result) == CompletionResult.COMPLETED.value,
        )
        .order_by(col(Enrolment.completed_on).desc())
    ).all()
    return [PreviousCompletion(*row) for row in rows]

"""PDF printing (签到表, 结业证书, 培训补贴花名册) and resolving the ids given on the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services.gate import service
from desktop.services.training._common import (
    CLASS_KIND,
    _enrolments_with_people,
    _get_class,
    _get_course,
    _live_sessions,
)
from desktop.services.training.classes import get_class
from desktop.services.training.completion import completed_trainees_in
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.enums import Sex
from models.errors import NotAllowed, NotFound, ValidationError
from models.masking import mask_id_number, mask_phone
from models.permissions import Permission
from models.station import Station
from models.training import (
    CompletionResult,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    HalfDay,
    TrainingClass,
    TrainingSession,
)
from reports.training_forms import (
    Certificate,
    RosterLine,
    SignInSheet,
    TrainingRoster,
    write_certificates,
    write_sign_in_sheets,
    write_training_roster,
)


@service(Permission.PRINT_FORMS)
def print_sign_in_sheets(db: Database, actor: Actor, /, *, record_id: str, out: Path) -> int:
    """签到表 of one session, or of every session of a class (``record_id`` is either). ID numbers are
    always masked: the sheet goes round the room. Returns the page count."""
    with db.transaction() as session:
        target = session.get(TrainingSession, record_id)
        if target is not None and not target.deleted:
            klass = _get_class(session, target.class_id)
        else:
            klass = _get_class(session, record_id)
        sessions = _live_sessions(session, klass.id)
        if target is not None and not target.deleted:
            chosen = [(n, s) for n, s in enumerate(sessions, start=1) if s.id == target.id]
        else:
            chosen = list(enumerate(sessions, start=1))
        if not chosen:
            raise NotAllowed(f"第 {klass.class_number} 期还没有课次，没有可打印的签到表")
        course = _get_course(session, klass.course_id)
        people = tuple(
            (n, p.name, mask_id_number(p.id_number))
            for n, (e, p) in enumerate(
                [
                    pair
                    for pair in _enrolments_with_people(session, klass.id)
                    if pair[0].status == EnrolmentStatus.ENROLLED.value
                ],
                start=1,
            )
        )
        station = _station_name(session)
        sheets = [
            SignInSheet(
                session_id=s.id,
                station_name=station,
                class_title=klass.title,
                class_number=klass.class_number,
                course_name=course.name,
                provider=klass.provider,
                venue=klass.venue,
                session_date=s.session_date,
                half_day=HalfDay(s.half_day).label,
                hours=s.hours,
                session_number=n,
                topic=s.topic,
                teacher=s.teacher or klass.teachers,
                rows=people,
            )
            for n, s in chosen
        ]
        Operation(session, actor, "打印").log_access(
            "print", CLASS_KIND, klass.id, f"签到表 {len(sheets)} 份"
        )
    return write_sign_in_sheets(out, sheets)


@service(Permission.PRINT_FORMS)
def certificates_for(
    db: Database,
    actor: Actor,
    /,
    *,
    class_id: str | None = None,
    enrolment_ids: Sequence[str] | None = None,
    redacted: bool = False,
) -> list[Certificate]:
    """The values printed on 结业证书: every completed trainee of ``class_id``, or the given enrolments
    (which must have completed). ID numbers in full only for a role that may see personal data and when
    not ``redacted``."""
    with db.reading() as session:
        return _certificates(session, actor, class_id, enrolment_ids, redacted)


def _certificates(
    session: Session,
    actor: Actor,
    class_id: str | None,
    enrolment_ids: Sequence[str] | None,
    redacted: bool,
) -> list[Certificate]:
    reveal = actor.may(Permission.VIEW_PERSONAL_DATA) and not redacted
    statement = (
        sa_select(Enrolment, Entrepreneur, TrainingClass, CourseType)
        .join(Entrepreneur, col(Entrepreneur.id) == Enrolment.entrepreneur_id)
        .join(TrainingClass, col(TrainingClass.id) == Enrolment.class_id)
        .join(CourseType, col(CourseType.id) == TrainingClass.course_id)
        .where(
            col(Enrolment.deleted).is_(False),
            col(TrainingClass.deleted).is_(False),
            col(Enrolment.result) == CompletionResult.COMPLETED.value,
            col(Enrolment.certificate_number).is_not(None),
        )
        .order_by(col(TrainingClass.class_number), col(Enrolment.created_at), col(Enrolment.id))
    )
    if class_id is not None:
        _get_class(session, class_id)
        statement = statement.where(col(Enrolment.class_id) == class_id)
    elif enrolment_ids is not None:
        statement = statement.where(col(Enrolment.id).in_(list(enrolment_ids)))
    else:
        raise ValidationError("打印范围", None, "请指定培训班或报名记录")
    rows = session.execute(statement).all()
    if not rows:
        raise NotAllowed("没有已结业的学员，无证书可打印；请先做结业评定")
    if enrolment_ids is not None and class_id is None and len(rows) < len(set(enrolment_ids)):
        raise NotAllowed(
            f"所选 {len(set(enrolment_ids))} 人中只有 {len(rows)} 人已结业，请只选择已结业的学员"
        )
    hours_by_class: dict[str, int] = {}
    for klass_id in {row[2].id for row in rows}:
        hours_by_class[klass_id] = int(
            session.exec(
                select(func.coalesce(func.sum(TrainingSession.hours), 0)).where(
                    col(TrainingSession.class_id) == klass_id, col(TrainingSession.deleted).is_(False)
                )
            ).one()
        )
    issuer = _station_name(session)
    today = china_today()
    return [
        Certificate(
            enrolment_id=e.id,
            certificate_number=e.certificate_number or "",
            name=p.name,
            sex=Sex(p.sex).label,
            id_number=p.id_number if reveal else mask_id_number(p.id_number),
            course_name=c.name,
            class_number=k.class_number,
            class_title=k.title,
            provider=k.provider,
            start_date=k.start_date,
            end_date=e.completed_on or k.end_date,
            hours=hours_by_class[k.id],
            exam_score=e.exam_score if k.exam_required else None,
            issuer=issuer,
            issued_on=today,
        )
        for e, p, k, c in rows
    ]


@service(Permission.PRINT_FORMS)
def print_certificates(
    db: Database,
    actor: Actor,
    /,
    *,
    out: Path,
    class_id: str | None = None,
    enrolment_ids: Sequence[str] | None = None,
    redacted: bool = False,
    job: JobState = UNWATCHED,
) -> int:
    """结业证书, one per page (see :func:`certificates_for`); the print is logged. Returns the page
    count; a cancelled job writes nothing."""
    reveal = actor.may(Permission.VIEW_PERSONAL_DATA) and not redacted
    with db.transaction() as session:
        certificates = _certificates(session, actor, class_id, enrolment_ids, redacted)
        Operation(session, actor, "打印").log_access(
            "print",
            CLASS_KIND,
            class_id or "",
            f"结业证书 {len(certificates)} 张{'' if reveal else '（脱敏）'}",
        )
    total = len(certificates)

    def progress(done: int) -> None:
        if done % 25 == 0 or done == total:
            job.report(done, total, f"正在生成结业证书 {done}/{total}")

    return write_certificates(out, certificates, redacted=not reveal, progress=progress)


@service(Permission.PRINT_FORMS)
def training_roster(
    db: Database, actor: Actor, /, *, class_id: str, redacted: bool = False
) -> TrainingRoster:
    """The 花名册 values of a class (for the policy area to draw into its own PDF with
    :func:`reports.training_forms.start_training_roster`). Full ID numbers and phones only for a role
    that may see personal data and when not ``redacted``."""
    reveal = actor.may(Permission.VIEW_PERSONAL_DATA) and not redacted
    with db.reading() as session:
        trainees = completed_trainees_in(session, class_id)
        station = _station_name(session)
        standard = _subsidy_standard(session)
    detail = get_class(db, actor, class_id=class_id)
    return TrainingRoster(
        class_id=class_id,
        station_name=station,
        class_title=detail.title,
        class_number=detail.class_number,
        course_name=detail.course_name,
        provider=detail.provider,
        venue=detail.venue,
        start_date=detail.start_date,
        end_date=detail.end_date,
        total_hours=detail.total_hours,
        enrolled=detail.enrolled,
        funded=detail.funded,
        rule_text=detail.rule.describe(),
        lines=tuple(
            RosterLine(
                number=n,
                name=t.name,
                sex=t.sex,
                id_number=t.id_number if reveal else mask_id_number(t.id_number),
                key_groups="、".join(t.key_groups),
                phone=t.phone if reveal else (mask_phone(t.phone) if t.phone else ""),
                attended_hours=t.attended_hours,
                required_hours=t.required_hours,
                exam_score=t.exam_score,
                certificate_number=t.certificate_number,
            )
            for n, t in enumerate(trainees, start=1)
        ),
        printed_on=china_today(),
        redacted=not reveal,
        standard_fen=standard if detail.funded else 0,
    )


def _subsidy_standard(session: Session) -> int:
    """The training subsidy per person of the policy set in force (5号文 (二), 推进行动 计划4), within its
    ceiling; 0 when the policy area is not installed or its set has no such item."""
    try:
        from desktop.services.policy import policy_set_in_force_in
    except ImportError:  # the policy area is not installed
        return 0
    item = policy_set_in_force_in(session).item("training_subsidy")
    return min(item.amount_fen, item.ceiling_fen) if item is not None else 0


@service(Permission.PRINT_FORMS)
def print_training_roster(
    db: Database, actor: Actor, /, *, class_id: str, out: Path, redacted: bool = False
) -> int:
    """培训补贴花名册 of a class as a PDF; returns the page count.

    Stable interface for the policy area (issue 5): ``print_training_roster(db, actor, *, class_id, out,
    redacted=False) -> pages``. Refused (:class:`NotAllowed`) while nobody of the class has completed.
    """
    roster = training_roster(db, actor, class_id=class_id, redacted=redacted)
    if not roster.lines:
        raise NotAllowed(f"第 {roster.class_number} 期还没有结业学员，请先做结业评定后再打印花名册")
    with db.transaction() as session:
        Operation(session, actor, "打印").log_access(
            "print",
            CLASS_KIND,
            class_id,
            f"培训补贴花名册 {len(roster.lines)} 人{'（脱敏）' if roster.redacted else ''}",
        )
    return write_training_roster(out, roster)


@service(Permission.VIEW_FILES)
def resolve_record(db: Database, actor: Actor, /, *, record_id: str) -> tuple[str, str]:
    """What an id given on the command line names: ``("class" | "session" | "enrolment", id)``.

    A class may also be named by its 期次编号 (``SYB202501``) and an enrolment by its certificate number.
    """
    text = record_id.strip()
    with db.reading() as session:
        for kind, model in (("class", TrainingClass), ("session", TrainingSession), ("enrolment", Enrolment)):
            found = session.get(model, text)
            if found is not None and not found.deleted:
                return kind, found.id
        klass = session.exec(
            select(TrainingClass).where(
                col(TrainingClass.class_number) == text, col(TrainingClass.deleted).is_(False)
            )
        ).first()
        if klass is not None:
            return "class", klass.id
        enrolment = session.exec(
            select(Enrolment).where(
                col(Enrolment.certificate_number) == text, col(Enrolment.deleted).is_(False)
            )
        ).first()
        if enrolment is not None:
            return "enrolment", enrolment.id
    raise NotFound(f"找不到编号为 {text} 的培训班、课次或报名记录（也可用期次编号，如 SYB202501）")


def _station_name(session: Session) -> str:
    station = session.exec(select(Station)).first()
    return station.name if station else ""

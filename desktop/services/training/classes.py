"""Training classes and their sessions (the schedule)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from desktop.services.gate import service
from desktop.services.training._common import _enrolled_count, _get_class, _get_course, _rule_values
from desktop.services.training.views import ClassDetail, ClassRow, class_status
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.errors import Conflict, NotAllowed, ValidationError
from models.permissions import Permission
from models.training import (
    ClassData,
    CompletionResult,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    TrainingClass,
    TrainingSession,
    rule_of,
    validate_class,
)


@dataclass(frozen=True)
class ClassQuery:
    text: str = ""
    course_id: str | None = None
    status: str | None = None
    year: int | None = None


@service(Permission.VIEW_FILES)
def suggest_class_number(db: Database, actor: Actor, /, *, course_id: str, year: int) -> str:
    """``SYB202503``: course code, year and the next free two-digit number of that course this year."""
    with db.reading() as session:
        course = _get_course(session, course_id)
        prefix = f"{course.code}{year}"
        taken = set(
            session.exec(
                select(col(TrainingClass.class_number)).where(
                    col(TrainingClass.class_number).startswith(prefix), col(TrainingClass.deleted).is_(False)
                )
            ).all()
        )
    number = 1
    while f"{prefix}{number:02d}" in taken:
        number += 1
    return f"{prefix}{number:02d}"


def default_title(course_name: str, year: int, number: int) -> str:
    """``创办你的企业培训2025年第3期`` from the course name (without its bracketed code)."""
    base = course_name.split("（", maxsplit=1)[0].strip()
    return f"{base if base.endswith('培训') else base + '培训'}{year}年第{number}期"


@service(Permission.MANAGE_TRAINING)
def create_class(db: Database, actor: Actor, /, *, data: ClassData | Mapping[str, object]) -> str:
    """Open a class; its completion rule is copied from the course unless ``data`` carries one."""
    values = data if isinstance(data, ClassData) else validate_class(data)
    with db.transaction() as session:
        return create_class_in(session, actor, values)


def create_class_in(session: Session, actor: Actor, values: ClassData) -> str:
    """The core of :func:`create_class`; never commits."""
    course = _get_course(session, values.course_id)
    _refuse_duplicate_number(session, values.class_number)
    rule = values.rule or rule_of(course)
    record = TrainingClass(
        station_code=actor.station_code,
        updated_by=actor.user_name,
        **{**values.column_values(), **_rule_values(rule)},
    )
    Operation(session, actor, f"新建培训班 {values.class_number}").create(record)
    return record.id


@service(Permission.MANAGE_TRAINING)
def update_class(
    db: Database,
    actor: Actor,
    /,
    *,
    class_id: str,
    data: ClassData | Mapping[str, object],
    expected_version: int | None = None,
) -> bool:
    values = data if isinstance(data, ClassData) else validate_class(data)
    with db.transaction() as session:
        return update_class_in(session, actor, class_id, values, expected_version=expected_version)


def update_class_in(
    session: Session, actor: Actor, class_id: str, values: ClassData, *, expected_version: int | None = None
) -> bool:
    """The core of :func:`update_class`; never commits."""
    record = _get_class(session, class_id)
    if expected_version is not None and record.version != expected_version:
        raise Conflict(
            f"培训班 {record.class_number} 在您编辑期间已被修改（{record.updated_by}），请重新打开"
        )
    if values.class_number != record.class_number:
        _refuse_duplicate_number(session, values.class_number)
    _get_course(session, values.course_id)
    outside = session.exec(
        select(col(TrainingSession.session_date)).where(
            col(TrainingSession.class_id) == class_id,
            col(TrainingSession.deleted).is_(False),
            or_(
                col(TrainingSession.session_date) < values.start_date,
                col(TrainingSession.session_date) > values.end_date,
            ),
        )
    ).first()
    if outside is not None:
        raise ValidationError(
            "开班日期",
            values.start_date,
            f"已有 {outside.isoformat()} 的课次，不在 {values.start_date.isoformat()} 至 "
            f"{values.end_date.isoformat()} 之内；请先调整或删除该课次",
        )
    enrolled = _enrolled_count(session, class_id)
    if values.capacity < enrolled:
        raise ValidationError(
            "计划人数", values.capacity, f"计划人数 {values.capacity} 少于已报名的 {enrolled} 人"
        )
    operation = Operation(session, actor, f"修改培训班 {values.class_number}")
    operation.update(record, values.column_values(), subject_id=class_id)
    return bool(operation.changes)


@service(Permission.MANAGE_TRAINING)
def delete_class(db: Database, actor: Actor, /, *, class_id: str) -> str:
    """Send a class to the recycle bin; refused once certificates were issued. Returns its number."""
    with db.transaction() as session:
        return delete_class_in(session, actor, class_id)


def delete_class_in(session: Session, actor: Actor, class_id: str) -> str:
    """The core of :func:`delete_class`; never commits."""
    record = _get_class(session, class_id)
    issued = session.exec(
        select(func.count())
        .select_from(Enrolment)
        .where(
            col(Enrolment.class_id) == class_id,
            col(Enrolment.deleted).is_(False),
            col(Enrolment.certificate_number).is_not(None),
        )
    ).one()
    if issued:
        raise NotAllowed(f"培训班 {record.class_number} 已发放 {issued} 张结业证书，不能删除")
    Operation(session, actor, f"删除培训班 {record.class_number}").set_deleted(record, True)
    return record.class_number


@service(Permission.VIEW_FILES)
def list_classes(
    db: Database, actor: Actor, /, *, query: ClassQuery = ClassQuery(), today: date | None = None
) -> list[ClassRow]:
    """Classes for the list, newest first, with their counts."""
    today = today or china_today()
    enrolled = _count_subquery(completed=False)
    completed = _count_subquery(completed=True)
    sessions = (
        sa_select(func.count())
        .where(col(TrainingSession.class_id) == TrainingClass.id, col(TrainingSession.deleted).is_(False))
        .scalar_subquery()
    )
    statement = (
        sa_select(
            col(TrainingClass.id),
            col(TrainingClass.class_number),
            col(TrainingClass.title),
            col(CourseType.code),
            col(CourseType.name),
            col(TrainingClass.provider),
            col(TrainingClass.start_date),
            col(TrainingClass.end_date),
            col(TrainingClass.capacity),
            col(TrainingClass.funded),
            enrolled,
            completed,
            sessions,
            col(TrainingClass.assessed_on),
        )
        .join(CourseType, col(CourseType.id) == TrainingClass.course_id)
        .where(col(TrainingClass.deleted).is_(False))
        .order_by(col(TrainingClass.start_date).desc(), col(TrainingClass.class_number).desc())
    )
    if query.course_id:
        statement = statement.where(col(TrainingClass.course_id) == query.course_id)
    if query.year:
        statement = statement.where(
            col(TrainingClass.start_date) <= date(query.year, 12, 31),
            col(TrainingClass.end_date) >= date(query.year, 1, 1),
        )
    needle = query.text.strip()
    if needle:
        like = f"%{needle}%"
        statement = statement.where(
            or_(
                col(TrainingClass.class_number).like(like),
                col(TrainingClass.title).like(like),
                col(TrainingClass.provider).like(like),
                col(TrainingClass.venue).like(like),
            )
        )
    with db.reading() as session:
        rows = [
            ClassRow(
                id=r[0],
                class_number=r[1],
                title=r[2],
                course_code=r[3],
                course_name=r[4],
                provider=r[5],
                start_date=r[6],
                end_date=r[7],
                capacity=r[8],
                funded=r[9],
                enrolled=r[10],
                completed=r[11],
                sessions=r[12],
                assessed_on=r[13],
                status=class_status(r[6], r[7], r[13], today),
            )
            for r in session.execute(statement).all()
        ]
    if query.status:
        rows = [r for r in rows if r.status == query.status]
    return rows


def _count_subquery(*, completed: bool) -> Any:
    conditions = [
        col(Enrolment.class_id) == TrainingClass.id,
        col(Enrolment.deleted).is_(False),
        col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
    ]
    if completed:
        conditions.append(col(Enrolment.result) == CompletionResult.COMPLETED.value)
    return sa_select(func.count()).where(and_(*conditions)).scalar_subquery()


@service(Permission.VIEW_FILES)
def get_class(db: Database, actor: Actor, /, *, class_id: str, today: date | None = None) -> ClassDetail:
    with db.reading() as session:
        record = _get_class(session, class_id)
        course = _get_course(session, record.course_id)
        enrolled = _enrolled_count(session, class_id)
        completed = session.exec(
            select(func.count())
            .select_from(Enrolment)
            .where(
                col(Enrolment.class_id) == class_id,
                col(Enrolment.deleted).is_(False),
                col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
                col(Enrolment.result) == CompletionResult.COMPLETED.value,
            )
        ).one()
        count, hours = session.execute(
            sa_select(func.count(), func.coalesce(func.sum(TrainingSession.hours), 0)).where(
                col(TrainingSession.class_id) == class_id, col(TrainingSession.deleted).is_(False)
            )
        ).one()
        return ClassDetail(
            id=record.id,
            course_id=course.id,
            course_code=course.code,
            course_name=course.name,
            class_number=record.class_number,
            title=record.title,
            provider=record.provider,
            teachers=record.teachers,
            venue=record.venue,
            start_date=record.start_date,
            end_date=record.end_date,
            capacity=record.capacity,
            funded=record.funded,
            notes=record.notes,
            rule=rule_of(record),
            assessed_on=record.assessed_on,
            version=record.version,
            enrolled=enrolled,
            completed=completed,
            sessions=int(count),
            total_hours=int(hours),
            status=class_status(
                record.start_date, record.end_date, record.assessed_on, today or china_today()
            ),
            standard_hours=course.standard_hours,
        )


def _refuse_duplicate_number(session: Session, number: str) -> None:
    clash = session.exec(
        select(TrainingClass).where(
            col(TrainingClass.class_number) == number, col(TrainingClass.deleted).is_(False)
        )
    ).first()
    if clash is not None:
        raise Conflict(f"期次编号 {number} 已被“{clash.title}”使用，请换一个编号", existing_id=clash.id)

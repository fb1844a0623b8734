"""The course catalogue (course types): the default catalogue, listing and editing courses."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from desktop.services.gate import service
from desktop.services.training._common import _course_row
from desktop.services.training.views import CourseView
from models.audit import Actor, Operation
from models.database import Database
from models.errors import Conflict, NotFound
from models.permissions import Permission
from models.training import CourseData, CourseType, rule_of, validate_course
from resources import resource_path


def default_course_catalogue() -> tuple[str, list[CourseData]]:
    """(notice, courses) from ``resources/courses/default_courses.json`` — an example to confirm locally."""
    raw = json.loads(resource_path("courses", "default_courses.json").read_text(encoding="utf-8"))
    return str(raw.get("notice", "")), [validate_course(item) for item in raw["courses"]]


CATALOGUE_USER = "默认课程目录"


@service(Permission.MANAGE_TRAINING)
def ensure_course_catalogue(db: Database, actor: Actor, /) -> int:
    """Store every default course not yet in the catalogue; returns how many were added.

    Safe to call at every start: courses already present (default, from HQ or edited) are left alone.
    The courses are stored as made by the default catalogue (:data:`CATALOGUE_USER`).
    """
    with db.transaction() as session:
        return ensure_course_catalogue_in(session, actor)


def ensure_course_catalogue_in(session: Session, actor: Actor) -> int:
    """The core of :func:`ensure_course_catalogue` inside the caller's transaction; never commits."""
    return add_default_courses(Operation(session, actor, CATALOGUE_USER))


def add_default_courses(operation: Operation) -> int:
    """The missing default courses, inside the caller's unit of work (the demo's too), through the
    journal's bulk path, each with its complete change row."""
    _, courses = default_course_catalogue()
    present = set(operation.session.exec(select(col(CourseType.code))).all())
    missing = [c for c in courses if c.code not in present]
    rows = [_course_row(c, operation.actor.station_code, operation.at) for c in missing]
    operation.create_many(CourseType, rows, subject_ids=[None] * len(rows))
    return len(missing)


@service(Permission.VIEW_FILES)
def list_courses(db: Database, actor: Actor, /, *, include_inactive: bool = False) -> list[CourseView]:
    with db.reading() as session:
        query = select(CourseType).where(col(CourseType.deleted).is_(False))
        if not include_inactive:
            query = query.where(col(CourseType.active).is_(True))
        rows = session.exec(query.order_by(col(CourseType.sort_order), col(CourseType.code))).all()
        return [_course_view(c) for c in rows]


@service(Permission.MANAGE_TRAINING)
def update_course(
    db: Database, actor: Actor, /, *, course_id: str, course: CourseData | Mapping[str, object]
) -> bool:
    """Change a catalogue course (its rule applies to classes created afterwards, not to existing ones)."""
    data = course if isinstance(course, CourseData) else validate_course(course)
    with db.transaction() as session:
        return update_course_in(session, actor, course_id, data)


def update_course_in(session: Session, actor: Actor, course_id: str, data: CourseData) -> bool:
    """The core of :func:`update_course`; never commits."""
    record = session.get(CourseType, course_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到课程 {course_id}")
    clash = session.exec(
        select(CourseType).where(col(CourseType.code) == data.code, col(CourseType.id) != course_id)
    ).first()
    if clash is not None:
        raise Conflict(f"课程代码 {data.code} 已被“{clash.name}”使用", existing_id=clash.id)
    operation = Operation(session, actor, f"修改课程 {data.code}")
    values: dict[str, Any] = dict(data.column_values())
    values["source"] = "local"
    operation.update(record, values)
    return bool(operation.changes)


def _course_view(c: CourseType) -> CourseView:
    return CourseView(
        id=c.id,
        code=c.code,
        name=c.name,
        standard_hours=c.standard_hours,
        rule=rule_of(c),
        description=c.description,
        active=c.active,
        source=c.source,
    )

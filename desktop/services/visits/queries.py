"""Reading visits back: the read models, a file's visits, the visit list, what the quick-entry form needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from desktop.services.gate import service
from models.actor import Actor
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture, live_ventures
from models.enums import Stage
from models.errors import NotFound, ValidationError
from models.permissions import Permission
from models.pinyin import normalise_query
from models.visits import (
    DEFAULT_NEXT_VISIT_DAYS,
    AgreedAction,
    KeyProject,
    Mentor,
    MentorAssignment,
    Topic,
    Visit,
    VisitMode,
    add_days,
    add_months,
    cadence_label,
    next_due_after,
    topics_from_bits,
    topics_label,
)

KIND = "visit"


# ---------------------------------------------------------------------------------------------- read models
@dataclass(frozen=True)
class ActionView:
    id: str
    visit_id: str
    entrepreneur_id: str
    text: str
    due_date: date
    done_on: date | None
    done_by: str

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class VisitView:
    """A whole visit as its detail view and the visit sheet show it."""

    id: str
    entrepreneur_id: str
    entrepreneur_name: str
    case_number: str
    mentor_id: str | None
    mentor_name: str
    venture_id: str | None
    venture_name: str
    key_project_id: str | None
    visit_date: date
    mode: VisitMode
    duration_minutes: int
    topics: tuple[Topic, ...]
    problems: str
    advice: str
    next_visit_date: date | None
    actions: tuple[ActionView, ...]
    changes: tuple[str, ...]  # "创业阶段：筹备 → 初创", "带动就业：2 → 5 人", "新创业项目：…"
    created_at: datetime
    updated_by: str
    deleted: bool

    @property
    def topics_label(self) -> str:
        return "、".join(t.label for t in self.topics)


@dataclass(frozen=True)
class VisitRow:
    """One line of the visit list."""

    id: str
    visit_date: date
    entrepreneur_id: str
    entrepreneur_name: str
    case_number: str
    mentor_name: str
    mode: VisitMode
    duration_minutes: int
    topics: str
    problems: str
    advice: str
    next_visit_date: date | None


@dataclass(frozen=True)
class VentureChoice:
    id: str
    name: str
    stage: Stage
    jobs_created: int
    key_project_id: str | None  # its open pool entry, if it is under tracking


@dataclass(frozen=True)
class VisitContext:
    """What the quick-entry dialog needs once a person is chosen."""

    entrepreneur_id: str
    name: str
    case_number: str
    ventures: tuple[VentureChoice, ...]
    mentor_ids: tuple[str, ...]
    last_visit_date: date | None


@dataclass(frozen=True)
class VisitQuery:
    """What the visit list shows: a month (its first day), a mentor, a mode, and search text."""

    month: date | None = None
    mentor_id: str | None = None
    mode: VisitMode | None = None
    text: str = ""
    entrepreneur_id: str | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.month or self.mentor_id or self.mode or self.text.strip() or self.entrepreneur_id)


# ---------------------------------------------------------------------------------------------------- reads
@service(Permission.VIEW_FILES)
def visit_context(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> VisitContext:
    with db.reading() as session:
        person = _person(session, entrepreneur_id)
        projects = {
            p.venture_id: p.id
            for p in session.exec(
                select(KeyProject).where(
                    KeyProject.entrepreneur_id == entrepreneur_id,
                    col(KeyProject.left_on).is_(None),
                    col(KeyProject.deleted).is_(False),
                )
            ).all()
        }
        mentor_ids = session.exec(
            select(MentorAssignment.mentor_id)
            .where(
                MentorAssignment.entrepreneur_id == entrepreneur_id,
                col(MentorAssignment.ended_on).is_(None),
                col(MentorAssignment.deleted).is_(False),
            )
            .order_by(col(MentorAssignment.assigned_on))
        ).all()
        last = session.exec(
            select(col(Visit.visit_date))
            .where(Visit.entrepreneur_id == entrepreneur_id, col(Visit.deleted).is_(False))
            .order_by(col(Visit.visit_date).desc())
            .limit(1)
        ).first()
        return VisitContext(
            entrepreneur_id=person.id,
            name=person.name,
            case_number=person.case_number,
            ventures=tuple(
                VentureChoice(v.id, v.name, Stage(v.stage), v.jobs_created, projects.get(v.id))
                for v in live_ventures(session, person.id)
            ),
            mentor_ids=tuple(mentor_ids),
            last_visit_date=last,
        )


@service(Permission.VIEW_FILES)
def proposed_next_visit(
    db: Database, actor: Actor, /, *, entrepreneur_id: str, venture_id: str | None, visit_date: date
) -> tuple[date, str]:
    """The next visit date the form proposes, and why: the tracking cadence for a project in the pool
    (5号文 (十) 跟踪陪跑), otherwise 30 days later."""
    with db.reading() as session:
        project = _open_key_project(session, entrepreneur_id, venture_id)
        if project is not None:
            due = next_due_after(
                visit_date, cadence_days=project.cadence_days, cadence_months=project.cadence_months
            )
            return due, f"重点项目陪跑：{cadence_label(project.cadence_days, project.cadence_months)}走访一次"
    return add_days(visit_date, DEFAULT_NEXT_VISIT_DAYS), f"默认 {DEFAULT_NEXT_VISIT_DAYS} 天后回访"


@service(Permission.VIEW_FILES)
def visits_of(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> list[VisitView]:
    """A file's visits, newest first, with their actions and outcomes (the file's 走访 tab)."""
    with db.reading() as session:
        return visits_of_in(session, entrepreneur_id)


def visits_of_in(session: Session, entrepreneur_id: str) -> list[VisitView]:
    """The core of :func:`visits_of` (the timeline composes it)."""
    records = session.exec(
        select(Visit)
        .where(Visit.entrepreneur_id == entrepreneur_id, col(Visit.deleted).is_(False))
        .order_by(col(Visit.visit_date).desc(), col(Visit.id).desc())
    ).all()
    return _views(session, list(records))


@service(Permission.VIEW_FILES)
def get_visit(db: Database, actor: Actor, /, *, visit_id: str) -> VisitView:
    with db.reading() as session:
        return _views(session, [_visit(session, visit_id)])[0]


def _views(session: Session, records: list[Visit]) -> list[VisitView]:
    if not records:
        return []
    people = {
        p.id: p
        for p in session.exec(
            select(Entrepreneur).where(col(Entrepreneur.id).in_({r.entrepreneur_id for r in records}))
        ).all()
    }
    mentor_ids = {r.mentor_id for r in records if r.mentor_id}
    mentors = (
        dict(session.exec(select(Mentor.id, Mentor.name).where(col(Mentor.id).in_(mentor_ids))).all())
        if mentor_ids
        else {}
    )
    venture_ids = {v for r in records for v in (r.venture_id, r.new_venture_id) if v}
    ventures = (
        dict(session.exec(select(Venture.id, Venture.name).where(col(Venture.id).in_(venture_ids))).all())
        if venture_ids
        else {}
    )
    actions: dict[str, list[ActionView]] = {}
    for a in session.exec(
        select(AgreedAction)
        .where(col(AgreedAction.visit_id).in_([r.id for r in records]), col(AgreedAction.deleted).is_(False))
        .order_by(col(AgreedAction.due_date), col(AgreedAction.id))
    ).all():
        actions.setdefault(a.visit_id, []).append(
            ActionView(a.id, a.visit_id, a.entrepreneur_id, a.text, a.due_date, a.done_on, a.done_by)
        )
    views = []
    for r in records:
        person = people[r.entrepreneur_id]
        views.append(
            VisitView(
                id=r.id,
                entrepreneur_id=r.entrepreneur_id,
                entrepreneur_name=person.name,
                case_number=person.case_number,
                mentor_id=r.mentor_id,
                mentor_name=mentors.get(r.mentor_id, "") if r.mentor_id else "",
                venture_id=r.venture_id,
                venture_name=ventures.get(r.venture_id, "") if r.venture_id else "",
                key_project_id=r.key_project_id,
                visit_date=r.visit_date,
                mode=VisitMode(r.mode),
                duration_minutes=r.duration_minutes,
                topics=tuple(topics_from_bits(r.topics)),
                problems=r.problems,
                advice=r.advice,
                next_visit_date=r.next_visit_date,
                actions=tuple(actions.get(r.id, [])),
                changes=outcome_lines(r, ventures.get(r.new_venture_id or "", "")),
                created_at=r.created_at,
                updated_by=r.updated_by,
                deleted=r.deleted,
            )
        )
    return views


def outcome_lines(record: Visit, new_venture_name: str) -> tuple[str, ...]:
    lines = []
    if record.stage_after is not None:
        before = Stage(record.stage_before).label if record.stage_before else "（空）"
        lines.append(f"创业阶段：{before} → {Stage(record.stage_after).label}")
    if record.jobs_after is not None:
        lines.append(f"带动就业：{record.jobs_before or 0} → {record.jobs_after} 人")
    if record.new_venture_id is not None:
        lines.append(f"新创业项目：{new_venture_name}")
    return tuple(lines)


@service(Permission.VIEW_FILES)
def visit_ids(db: Database, actor: Actor, /, *, query: VisitQuery) -> list[str]:
    """Ids of the visits the list shows, newest first: one indexed query, rows fetched by page."""
    return _select_visit_ids(db, query)


def _select_visit_ids(db: Database, query: VisitQuery) -> list[str]:
    """The query of :func:`visit_ids`, ungated (the export, gated by its own permission, runs it)."""
    conditions = ["v.deleted = 0"]
    params: dict[str, Any] = {}
    joins = ""
    if query.month is not None:
        start = query.month.replace(day=1)
        conditions.append("v.visit_date >= :start AND v.visit_date < :end")
        params.update(start=start.isoformat(), end=add_months(start, 1).isoformat())
    if query.mentor_id:
        conditions.append("v.mentor_id = :mentor")
        params["mentor"] = query.mentor_id
    if query.mode is not None:
        conditions.append("v.mode = :mode")
        params["mode"] = query.mode.value
    if query.entrepreneur_id:
        conditions.append("v.entrepreneur_id = :person")
        params["person"] = query.entrepreneur_id
    needle = normalise_query(query.text)
    if needle:
        joins = "JOIN entrepreneur_search s ON s.entrepreneur_id = v.entrepreneur_id"
        conditions.append("instr(s.blob, :needle) > 0")
        params["needle"] = needle
    sql = (
        f"SELECT v.id FROM visit v {joins} WHERE {' AND '.join(conditions)} "
        "ORDER BY v.visit_date DESC, v.id DESC"
    )
    with db.engine.connect() as connection:
        return [row[0] for row in connection.execute(text(sql), params)]


@service(Permission.VIEW_FILES)
def fetch_visit_rows(db: Database, actor: Actor, /, *, ids: Sequence[str]) -> list[VisitRow]:
    """The list rows for a page of ids, in the order given."""
    if not ids:
        return []
    with db.reading() as session:
        rows = session.exec(
            select(Visit, Entrepreneur.name, Entrepreneur.case_number, Mentor.name)
            .join(Entrepreneur, col(Entrepreneur.id) == col(Visit.entrepreneur_id))
            .outerjoin(Mentor, col(Mentor.id) == col(Visit.mentor_id))
            .where(col(Visit.id).in_(ids))
        ).all()
    by_id = {
        v.id: VisitRow(
            id=v.id,
            visit_date=v.visit_date,
            entrepreneur_id=v.entrepreneur_id,
            entrepreneur_name=name,
            case_number=case_number,
            mentor_name=mentor_name or "",
            mode=VisitMode(v.mode),
            duration_minutes=v.duration_minutes,
            topics=topics_label(v.topics),
            problems=v.problems,
            advice=v.advice,
            next_visit_date=v.next_visit_date,
        )
        for v, name, case_number, mentor_name in rows
    }
    return [by_id[i] for i in ids if i in by_id]


def _not_theirs(person: Entrepreneur, venture_id: str | None) -> ValidationError:
    return ValidationError("创业项目", venture_id, f"所选创业项目不属于 {person.name}，请重新选择")


def _person(session: Session, entrepreneur_id: str, *, allow_deleted: bool = False) -> Entrepreneur:
    record = session.get(Entrepreneur, entrepreneur_id)
    if record is None or (record.deleted and not allow_deleted):
        raise NotFound(f"找不到创业者档案 {entrepreneur_id}（可能已删除到回收站）")
    return record


def _visit(session: Session, visit_id: str) -> Visit:
    record = session.get(Visit, visit_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到走访记录 {visit_id}")
    return record


def _open_key_project(session: Session, entrepreneur_id: str, venture_id: str | None) -> KeyProject | None:
    """The open pool entry this visit counts for: that of the venture, or the person's only one."""
    projects = session.exec(
        select(KeyProject).where(
            KeyProject.entrepreneur_id == entrepreneur_id,
            col(KeyProject.left_on).is_(None),
            col(KeyProject.deleted).is_(False),
        )
    ).all()
    if venture_id is not None:
        return next((p for p in projects if p.venture_id == venture_id), None)
    return projects[0] if len(projects) == 1 else None

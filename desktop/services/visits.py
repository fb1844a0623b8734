"""Visits (走访记录): log one in a single transaction with what it changed in the file; read them back.

推进行动 计划3 asks mentors to visit regularly (定期走访) and serve on the spot; 5号文 (十) asks for
"跟踪陪跑" of key projects — a visit to a project in the pool moves its next due date. A visit's outcome
(stage, jobs created, a new venture) updates the entrepreneur's file through the same operation, so the
change is audited with the visit and one Ctrl+Z takes both back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import text
from sqlmodel import Session, col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services.entrepreneur_list import age_on
from desktop.services.entrepreneurs import CHANGE_LABELS, search_blob
from desktop.services.timeline import OWN_ENTRY_KINDS, TIMELINE_SOURCES, TimelineEntry
from models.audit import Actor, Operation
from models.base import CHINA_TZ, china_today, to_china
from models.database import Database
from models.entrepreneur import Entrepreneur, EntrepreneurSearch, Venture, current_stage
from models.enums import Sex, Stage, key_groups_from_bits
from models.errors import NotFound, ValidationError
from models.masking import mask_id_number, mask_phone
from models.pinyin import normalise_query
from models.station import get_station
from models.visits import (
    ACTION_LABELS,
    DEFAULT_NEXT_VISIT_DAYS,
    KEY_PROJECT_LABELS,
    MENTOR_LABELS,
    SHIPPED_TEMPLATES,
    VISIT_LABELS,
    AgreedAction,
    KeyProject,
    Mentor,
    MentorAssignment,
    OutcomeData,
    PoolOutcome,
    TemplateData,
    Topic,
    Visit,
    VisitData,
    VisitMode,
    VisitTemplate,
    add_days,
    add_months,
    cadence_label,
    next_due_after,
    topics_from_bits,
    topics_label,
    topics_to_bits,
    validate_template,
    validate_visit,
)

if TYPE_CHECKING:  # the PDF and xlsx writers load only when something is printed or exported
    from reports.visit_sheet import SheetVisit

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


# --------------------------------------------------------------------------------------------------- writes
def record_visit(
    db: Database, *, actor: Actor, visit: VisitData | Mapping[str, object], today: date | None = None
) -> str:
    """Log a visit, its agreed actions, and any change to the file, as one operation. Returns its id."""
    data = visit if isinstance(visit, VisitData) else validate_visit(visit, today=today)
    with db.transaction() as session:
        person = _person(session, data.entrepreneur_id)
        mentor_name = ""
        if data.mentor_id is not None:
            mentor = session.get(Mentor, data.mentor_id)
            if mentor is None or mentor.deleted:
                raise NotFound(f"导师库中找不到所选导师（{data.mentor_id}）")
            mentor_name = mentor.name
        ventures = {v.id: v for v in _live_ventures(session, person.id)}
        if data.venture_id is not None and data.venture_id not in ventures:
            raise ValidationError(
                "创业项目", data.venture_id, f"所选创业项目不属于 {person.name}，请重新选择"
            )
        mode = data.mode
        operation = Operation(
            session,
            actor,
            f"记录走访：{person.name}（{mode.label}{'，' + mentor_name if mentor_name else ''}）",
        )
        record = Visit(
            station_code=actor.station_code,
            updated_by=actor.user_name,
            entrepreneur_id=person.id,
            mentor_id=data.mentor_id,
            venture_id=data.venture_id,
            visit_date=data.visit_date,
            mode=mode.value,
            duration_minutes=data.duration_minutes,
            topics=topics_to_bits(data.topics),
            problems=data.problems,
            advice=data.advice,
            next_visit_date=data.next_visit_date,
        )
        _apply_outcome(
            operation, session, person=person, ventures=ventures, visit=record, outcome=data.outcome
        )
        project = _open_key_project(session, person.id, data.venture_id or data.outcome.venture_id)
        if project is not None:
            record.key_project_id = project.id
        operation.create(record, subject_id=person.id)
        session.flush()  # the visit row first: its actions refer to it (no ORM relationship orders them)
        for action in data.actions:
            operation.create(
                AgreedAction(
                    station_code=actor.station_code,
                    updated_by=actor.user_name,
                    visit_id=record.id,
                    entrepreneur_id=person.id,
                    text=action.text,
                    due_date=action.due_date,
                ),
                subject_id=person.id,
            )
        if project is not None:
            _advance_tracking(operation, project, data.visit_date, data.next_visit_date)
        return record.id


def _apply_outcome(
    operation: Operation,
    session: Session,
    *,
    person: Entrepreneur,
    ventures: dict[str, Venture],
    visit: Visit,
    outcome: OutcomeData,
) -> None:
    """Write the visit's outcome into the file (audited, undoable with the visit)."""
    if outcome.empty:
        return
    if outcome.venture_id is not None and (outcome.stage is not None or outcome.jobs_created is not None):
        venture = ventures.get(outcome.venture_id)
        if venture is None:
            raise ValidationError(
                "创业项目", outcome.venture_id, f"所选创业项目不属于 {person.name}，请重新选择"
            )
        values: dict[str, Any] = {}
        if outcome.stage is not None:
            if (
                outcome.stage in (Stage.STARTUP, Stage.GROWTH, Stage.MATURE)
                and venture.registration_date is None
            ):
                raise ValidationError(
                    "创业阶段",
                    outcome.stage.label,
                    f"{venture.name} 还没有登记注册日期，不能改为“{outcome.stage.label}”；"
                    "请先在档案中补填登记注册日期",
                )
            visit.stage_before, visit.stage_after = venture.stage, outcome.stage.value
            values["stage"] = outcome.stage.value
        if outcome.jobs_created is not None:
            visit.jobs_before, visit.jobs_after = venture.jobs_created, outcome.jobs_created
            values["jobs_created"] = outcome.jobs_created
        visit.venture_id = visit.venture_id or venture.id
        operation.update(venture, values, subject_id=person.id)
    if outcome.new_venture is not None:
        created = Venture(
            entrepreneur_id=person.id,
            station_code=operation.actor.station_code,
            updated_by=operation.actor.user_name,
            **outcome.new_venture.column_values(),
        )
        operation.create(created, subject_id=person.id)
        visit.new_venture_id = created.id
        ventures[created.id] = created
    session.flush()
    live = _live_ventures(session, person.id)
    operation.update(person, {"current_stage": current_stage(live)}, subject_id=person.id)
    if outcome.new_venture is not None:
        row = session.get(EntrepreneurSearch, person.id)
        blob = search_blob(person.name, person.id_number, person.phone, [v.name for v in live])
        if row is None:
            session.add(EntrepreneurSearch(entrepreneur_id=person.id, blob=blob))
        else:
            row.blob = blob


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


def _advance_tracking(operation: Operation, project: KeyProject, visited: date, agreed: date | None) -> None:
    """A tracking visit moves the plan on: next due is the agreed date, else one cadence after the visit.
    A back-dated visit older than the last one leaves the plan as it is."""
    if project.last_visit_date is not None and visited < project.last_visit_date:
        return
    due = agreed or next_due_after(
        visited, cadence_days=project.cadence_days, cadence_months=project.cadence_months
    )
    operation.update(
        project, {"last_visit_date": visited, "next_due": due}, subject_id=project.entrepreneur_id
    )


def delete_visit(db: Database, *, actor: Actor, visit_id: str) -> None:
    """Send a visit and its open actions to the recycle bin. Changes it made to the file stay (undo
    the visit with Ctrl+Z on the file to take those back too)."""
    with db.transaction() as session:
        record = _visit(session, visit_id)
        person = _person(session, record.entrepreneur_id, allow_deleted=True)
        operation = Operation(
            session, actor, f"删除 {person.name} {record.visit_date.isoformat()} 的走访记录"
        )
        operation.set_deleted(record, True, subject_id=person.id)
        for action in session.exec(
            select(AgreedAction).where(
                AgreedAction.visit_id == visit_id, col(AgreedAction.deleted).is_(False)
            )
        ).all():
            operation.set_deleted(action, True, subject_id=person.id)


def mark_action_done(db: Database, *, actor: Actor, action_id: str, done_on: date | None = None) -> None:
    """Tick off an agreed action (跟进事项) from the workbench or the file."""
    with db.transaction() as session:
        action = session.get(AgreedAction, action_id)
        if action is None or action.deleted:
            raise NotFound(f"找不到这条跟进事项（{action_id}）")
        if action.done_on is not None:
            return
        person = _person(session, action.entrepreneur_id, allow_deleted=True)
        Operation(session, actor, f"完成跟进事项：{person.name} {action.text}").update(
            action, {"done_on": done_on or china_today(), "done_by": actor.user_name}, subject_id=person.id
        )


def reopen_action(db: Database, *, actor: Actor, action_id: str) -> None:
    with db.transaction() as session:
        action = session.get(AgreedAction, action_id)
        if action is None or action.deleted:
            raise NotFound(f"找不到这条跟进事项（{action_id}）")
        person = _person(session, action.entrepreneur_id, allow_deleted=True)
        Operation(session, actor, f"重新打开跟进事项：{person.name} {action.text}").update(
            action, {"done_on": None, "done_by": ""}, subject_id=person.id
        )


# ---------------------------------------------------------------------------------------------------- reads
def visit_context(db: Database, *, entrepreneur_id: str) -> VisitContext:
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
                for v in _live_ventures(session, person.id)
            ),
            mentor_ids=tuple(mentor_ids),
            last_visit_date=last,
        )


def proposed_next_visit(
    db: Database, *, entrepreneur_id: str, venture_id: str | None, visit_date: date
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


def visits_of(db: Database, *, entrepreneur_id: str) -> list[VisitView]:
    """A file's visits, newest first, with their actions and outcomes (the file's 走访 tab)."""
    with db.reading() as session:
        records = session.exec(
            select(Visit)
            .where(Visit.entrepreneur_id == entrepreneur_id, col(Visit.deleted).is_(False))
            .order_by(col(Visit.visit_date).desc(), col(Visit.id).desc())
        ).all()
        return _views(session, list(records))


def get_visit(db: Database, *, visit_id: str) -> VisitView:
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


def visit_ids(db: Database, query: VisitQuery) -> list[str]:
    """Ids of the visits the list shows, newest first: one indexed query, rows fetched by page."""
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


def fetch_visit_rows(db: Database, ids: Sequence[str]) -> list[VisitRow]:
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


def _live_ventures(session: Session, entrepreneur_id: str) -> list[Venture]:
    return list(
        session.exec(
            select(Venture)
            .where(Venture.entrepreneur_id == entrepreneur_id, col(Venture.deleted).is_(False))
            .order_by(col(Venture.created_at), col(Venture.id))
        ).all()
    )


# ------------------------------------------------------------------------------------------------ templates
def list_templates(db: Database) -> list[TemplateData]:
    """The shipped templates, then the station's own (newest last)."""
    with db.reading() as session:
        stored = session.exec(
            select(VisitTemplate)
            .where(col(VisitTemplate.deleted).is_(False))
            .order_by(col(VisitTemplate.created_at), col(VisitTemplate.id))
        ).all()
        own = [
            TemplateData(
                name=t.name,
                mode=VisitMode(t.mode),
                duration_minutes=t.duration_minutes,
                topics=frozenset(topics_from_bits(t.topics)),
                problems=t.problems,
                advice=t.advice,
                actions=tuple((str(text_), int(days)) for text_, days in t.actions),
                id=t.id,
            )
            for t in stored
        ]
    return [*SHIPPED_TEMPLATES, *own]


def save_template(db: Database, *, actor: Actor, template: TemplateData | Mapping[str, object]) -> str:
    """Keep what was typed as a template for the next visit of the same kind."""
    data = template if isinstance(template, TemplateData) else validate_template(template)
    with db.transaction() as session:
        record = VisitTemplate(
            station_code=actor.station_code,
            updated_by=actor.user_name,
            name=data.name,
            mode=data.mode.value,
            duration_minutes=data.duration_minutes,
            topics=topics_to_bits(data.topics),
            problems=data.problems,
            advice=data.advice,
            actions=[[text_, days] for text_, days in data.actions],
        )
        Operation(session, actor, f"保存走访模板 {data.name}").create(record)
        return record.id


def delete_template(db: Database, *, actor: Actor, template_id: str) -> None:
    with db.transaction() as session:
        record = session.get(VisitTemplate, template_id)
        if record is None or record.deleted:
            raise NotFound("找不到这个走访模板（内置模板不能删除）")
        Operation(session, actor, f"删除走访模板 {record.name}").set_deleted(record, True)


# ------------------------------------------------------------------------------------------------- timeline
def _moment(day: date, created: datetime) -> datetime:
    """A visit happened on a date; to sort it among timed changes, use the time it was logged."""
    logged = to_china(created)
    return datetime.combine(day, logged.time(), tzinfo=CHINA_TZ)


def timeline_entries(db: Database, entrepreneur_id: str) -> list[TimelineEntry]:
    """Visits, tracking and mentor assignments on a person's timeline (the change log shows the rest)."""
    entries = []
    for v in visits_of(db, entrepreneur_id=entrepreneur_id):
        lines = []
        if v.problems:
            lines.append(f"问题：{v.problems}")
        if v.advice:
            lines.append(f"建议：{v.advice}")
        lines += [
            f"跟进：{a.text}（{a.due_date.isoformat()} 前{'，已完成' if a.done else ''}）" for a in v.actions
        ]
        lines += list(v.changes)
        if v.next_visit_date:
            lines.append(f"下次走访：{v.next_visit_date.isoformat()}")
        who = f" · {v.mentor_name}" if v.mentor_name else ""
        topics = f" · {v.topics_label}" if v.topics else ""
        entries.append(
            TimelineEntry(
                _moment(v.visit_date, v.created_at),
                "走访",
                f"{v.mode.label}{who}{topics}",
                "\n".join(lines),
                KIND,
                v.id,
            )
        )
    with db.reading() as session:
        for p, venture_name in session.exec(
            select(KeyProject, Venture.name)
            .join(Venture, col(Venture.id) == col(KeyProject.venture_id))
            .where(KeyProject.entrepreneur_id == entrepreneur_id, col(KeyProject.deleted).is_(False))
        ).all():
            cadence = cadence_label(p.cadence_days, p.cadence_months)
            plan = f"陪跑期 {p.period_months} 个月（至 {p.planned_end.isoformat()}），{cadence}走访"
            entries.append(
                TimelineEntry(
                    _moment(p.entered_on, p.created_at),
                    "陪跑",
                    f"{venture_name} 进入重点孵化项目库",
                    f"理由：{p.reason}\n{plan}",
                    "key_project",
                    p.id,
                )
            )
            if p.left_on is not None:
                outcome = PoolOutcome(p.outcome).label if p.outcome else ""
                entries.append(
                    TimelineEntry(
                        _moment(p.left_on, p.updated_at),
                        "陪跑",
                        f"{venture_name} 出库：{outcome}",
                        p.outcome_note,
                        "key_project",
                        p.id,
                    )
                )
        for a, mentor_name in session.exec(
            select(MentorAssignment, Mentor.name)
            .join(Mentor, col(Mentor.id) == col(MentorAssignment.mentor_id))
            .where(
                MentorAssignment.entrepreneur_id == entrepreneur_id, col(MentorAssignment.deleted).is_(False)
            )
        ).all():
            entries.append(
                TimelineEntry(_moment(a.assigned_on, a.created_at), "导师", f"分配导师 {mentor_name}")
            )
            if a.ended_on is not None:
                entries.append(
                    TimelineEntry(
                        _moment(a.ended_on, a.updated_at), "导师", f"结束与导师 {mentor_name} 的分配"
                    )
                )
    return entries


# --------------------------------------------------------------------------------------------------- export
def export_visits(
    db: Database,
    *,
    actor: Actor,
    path: Path,
    month: date | None = None,
    unmasked: bool = False,
    job: JobState = UNWATCHED,
) -> int:
    """Write the visits of a month (or all) to xlsx. ID numbers and phones are masked unless the actor
    may see personal data and asked for an unmasked export (DESIGN.md); every export is logged."""
    from reports.xlsx import Column, write_table

    columns = (
        Column("走访日期", 12, "date"),
        Column("档案号", 22),
        Column("姓名", 10),
        Column("身份证号码", 21),
        Column("联系电话", 14),
        Column("创业项目", 20),
        Column("导师", 10),
        Column("走访方式", 10),
        Column("时长（分钟）", 8, "int"),
        Column("走访内容", 20),
        Column("发现的问题", 40),
        Column("指导建议", 40),
        Column("跟进事项", 40),
        Column("下次走访", 12, "date"),
        Column("情况变化", 30),
        Column("记录人", 12),
    )
    reveal = unmasked and actor.can_see_personal_data
    ids = list(reversed(visit_ids(db, VisitQuery(month=month))))
    title = f"走访记录（{month:%Y年%m月}）" if month else "走访记录（全部）"

    def rows() -> Iterator[list[object]]:
        for start in range(0, len(ids), 1000):
            job.report(start, len(ids), f"正在导出走访记录 {start:,}/{len(ids):,}")
            with db.reading() as session:
                chunk = ids[start : start + 1000]
                records = session.exec(
                    select(Visit, Entrepreneur)
                    .join(Entrepreneur, col(Entrepreneur.id) == col(Visit.entrepreneur_id))
                    .where(col(Visit.id).in_(chunk))
                ).all()
                by_id = {v.id: (v, p) for v, p in records}
                views = {v.id: v for v in _views(session, [by_id[i][0] for i in chunk if i in by_id])}
            for visit_id in chunk:
                if visit_id not in by_id:
                    continue
                _, person = by_id[visit_id]
                view = views[visit_id]
                yield [
                    view.visit_date,
                    view.case_number,
                    view.entrepreneur_name,
                    person.id_number if reveal else mask_id_number(person.id_number),
                    (person.phone if reveal else mask_phone(person.phone)) if person.phone else "",
                    view.venture_name,
                    view.mentor_name,
                    view.mode.label,
                    view.duration_minutes,
                    view.topics_label,
                    view.problems,
                    view.advice,
                    "；".join(
                        f"{a.text}（{a.due_date.isoformat()}{'，已完成' if a.done else ''}）"
                        for a in view.actions
                    ),
                    view.next_visit_date,
                    "；".join(view.changes),
                    view.updated_by,
                ]

    count = write_table(path, sheet_title="走访记录", columns=columns, rows=rows(), title=title)
    with db.transaction() as session:
        Operation(session, actor, "导出走访记录").log_access(
            "export",
            KIND,
            "",
            f"{path.name}：{title}，{count} 行，{'未遮盖' if reveal else '已遮盖'}身份证号码和电话",
        )
    return count


def _register() -> None:
    """Put visits on the file's timeline and name their fields in the change history (once)."""
    if timeline_entries not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(timeline_entries)
    OWN_ENTRY_KINDS.update({"visit", "agreed_action", "key_project", "mentor_assignment"})
    CHANGE_LABELS.update(
        {
            "visit": VISIT_LABELS,
            "agreed_action": ACTION_LABELS,
            "key_project": KEY_PROJECT_LABELS,
            "mentor_assignment": {"assigned_on": "分配日期", "ended_on": "结束日期"},
            "mentor": MENTOR_LABELS,
        }
    )


_register()


# ---------------------------------------------------------------------------------------------------- print
def print_visit_sheet(
    db: Database, *, actor: Actor, record_id: str, out: Path | BinaryIO, redacted: bool = False
) -> int:
    """Print 走访记录表: one visit (a visit id), or every visit of a file (an entrepreneur id or case
    number), one form each, into one PDF. Returns the page count; the print is logged."""
    from reports.visit_sheet import write_visit_sheets

    reveal = actor.can_see_personal_data and not redacted
    with db.reading() as session:
        visit = session.get(Visit, record_id)
        if visit is not None and not visit.deleted:
            records = [visit]
            person_id = visit.entrepreneur_id
        else:
            person = (
                session.get(Entrepreneur, record_id)
                or session.exec(select(Entrepreneur).where(Entrepreneur.case_number == record_id)).first()
            )
            if person is None:
                raise NotFound(f"找不到编号为 {record_id} 的走访记录或档案")
            person_id = person.id
            records = list(
                session.exec(
                    select(Visit)
                    .where(Visit.entrepreneur_id == person.id, col(Visit.deleted).is_(False))
                    .order_by(col(Visit.visit_date), col(Visit.id))
                ).all()
            )
            if not records:
                raise NotFound(f"{person.name}（档案号 {person.case_number}）还没有走访记录，无可打印")
        views = _views(session, records)
        sheets = _sheets(session, person_id, views, reveal=reveal)
    pages = write_visit_sheets(out, sheets, redacted=not reveal)
    with db.transaction() as session:
        Operation(session, actor, "打印走访记录表").log_access(
            "print",
            KIND,
            record_id,
            f"走访记录表 {len(sheets)} 份，{pages} 页，{'未遮盖' if reveal else '已遮盖'}身份证号码和电话",
        )
    return pages


def _sheets(session: Session, person_id: str, views: list[VisitView], *, reveal: bool) -> list[SheetVisit]:
    from reports.visit_sheet import SheetAction, SheetVisit

    person = session.get(Entrepreneur, person_id)
    if person is None:  # pragma: no cover - the visits were just read with their person
        raise NotFound(f"找不到创业者档案 {person_id}")
    station = get_station(session=session)
    ventures = {v.id: v for v in _live_ventures(session, person_id)}
    mentor_orgs = dict(
        session.exec(
            select(Mentor.id, Mentor.organisation).where(
                col(Mentor.id).in_({v.mentor_id for v in views if v.mentor_id})
            )
        ).all()
    )
    projects = {
        p.id: p for p in session.exec(select(KeyProject).where(KeyProject.entrepreneur_id == person_id)).all()
    }
    sheets = []
    for v in views:
        venture = ventures.get(v.venture_id or "") or next(iter(ventures.values()), None)
        project = projects.get(v.key_project_id or "")
        tracking = ""
        if project is not None:
            cadence = cadence_label(project.cadence_days, project.cadence_months)
            tracking = f"重点孵化项目，{cadence}走访，陪跑期至 {project.planned_end.isoformat()}"
        sheets.append(
            SheetVisit(
                id=v.id,
                station_name=station.name,
                entrepreneur_name=person.name,
                case_number=person.case_number,
                sex=Sex(person.sex).label,
                age=age_on(person.birth_date, v.visit_date),
                id_number=person.id_number if reveal else mask_id_number(person.id_number),
                phone=(person.phone if reveal else mask_phone(person.phone)) if person.phone else "",
                key_groups="、".join(g.label for g in key_groups_from_bits(person.key_groups)),
                address=person.address,
                venture=v.venture_name or (venture.name if venture else ""),
                stage=Stage(venture.stage).label if venture else "",
                mentor_name=v.mentor_name,
                mentor_organisation=mentor_orgs.get(v.mentor_id or "", ""),
                visit_date=v.visit_date,
                mode=v.mode.label,
                duration_minutes=v.duration_minutes,
                topics=v.topics_label,
                problems=v.problems,
                advice=v.advice,
                actions=tuple(SheetAction(a.text, a.due_date, a.done_on) for a in v.actions),
                changes=v.changes,
                next_visit_date=v.next_visit_date,
                tracking=tracking,
            )
        )
    return sheets

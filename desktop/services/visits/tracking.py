"""The key project pool and its follow-up (重点孵化项目库 / 跟踪陪跑, 5号文 (十)): entering the pool, the
plan (period, cadence, mentor), leaving it, and the pool as the 重点项目 tab lists it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from desktop.services.gate import service
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import Stage
from models.errors import Conflict, NotFound, ValidationError
from models.permissions import Permission
from models.visits import (
    KeyProject,
    KeyProjectData,
    Mentor,
    PoolOutcome,
    TrackingState,
    cadence_label,
    next_due_after,
    parse_choice,
    tracking_state,
    validate_key_project,
)


@dataclass(frozen=True)
class KeyProjectRow:
    id: str
    venture_id: str
    venture_name: str
    entrepreneur_id: str
    entrepreneur_name: str
    case_number: str
    mentor_id: str | None
    mentor_name: str
    reason: str
    entered_on: date
    period_months: int
    planned_end: date
    cadence_days: int
    cadence_months: int
    last_visit_date: date | None
    next_due: date | None
    left_on: date | None
    outcome: PoolOutcome | None
    outcome_note: str
    state: TrackingState

    @property
    def cadence(self) -> str:
        return cadence_label(self.cadence_days, self.cadence_months)


# --------------------------------------------------------------------------------------------------- writes
@service(Permission.RECORD_VISITS)
def add_to_pool(
    db: Database,
    actor: Actor,
    /,
    *,
    project: KeyProjectData | Mapping[str, object],
    today: date | None = None,
) -> str:
    """Put a venture into the pool with a reason, a tracking period and a visit cadence."""
    data = project if isinstance(project, KeyProjectData) else validate_key_project(project, today=today)
    with db.transaction() as session:
        return add_to_pool_in(session, actor, data)


def add_to_pool_in(session: Session, actor: Actor, data: KeyProjectData) -> str:
    """The core of :func:`add_to_pool`; never commits."""
    venture = session.get(Venture, data.venture_id)
    if venture is None or venture.deleted:
        raise NotFound(f"找不到要入库的创业项目（{data.venture_id}）")
    if venture.stage == Stage.CLOSED.value:
        raise ValidationError("创业项目", venture.name, f"{venture.name} 已歇业/注销，不能进入重点孵化项目库")
    person = session.get(Entrepreneur, venture.entrepreneur_id)
    if person is None or person.deleted:
        raise NotFound("这个创业项目所属的档案已删除")
    existing = session.exec(
        select(KeyProject).where(
            KeyProject.venture_id == venture.id,
            col(KeyProject.left_on).is_(None),
            col(KeyProject.deleted).is_(False),
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"{venture.name} 已在重点孵化项目库中（{existing.entered_on.isoformat()} 入库）",
            existing_id=existing.id,
        )
    _check_mentor(session, data.mentor_id)
    record = KeyProject(
        station_code=actor.station_code,
        updated_by=actor.user_name,
        venture_id=venture.id,
        entrepreneur_id=person.id,
        mentor_id=data.mentor_id,
        reason=data.reason,
        entered_on=data.entered_on,
        period_months=data.period_months,
        cadence_days=data.cadence_days,
        cadence_months=data.cadence_months,
        planned_end=data.planned_end,
        next_due=next_due_after(
            data.entered_on, cadence_days=data.cadence_days, cadence_months=data.cadence_months
        ),
    )
    Operation(session, actor, f"{venture.name} 进入重点孵化项目库").create(record, subject_id=person.id)
    return record.id


@service(Permission.RECORD_VISITS)
def change_plan(
    db: Database,
    actor: Actor,
    /,
    *,
    project_id: str,
    period_months: int,
    cadence_days: int,
    cadence_months: int,
    mentor_id: str | None,
) -> None:
    """Change a project's tracking period, cadence or mentor; the next due date follows the new cadence."""
    with db.transaction() as session:
        change_plan_in(
            session,
            actor,
            project_id,
            period_months=period_months,
            cadence_days=cadence_days,
            cadence_months=cadence_months,
            mentor_id=mentor_id,
        )


def change_plan_in(
    session: Session,
    actor: Actor,
    project_id: str,
    *,
    period_months: int,
    cadence_days: int,
    cadence_months: int,
    mentor_id: str | None,
) -> None:
    """The core of :func:`change_plan`; never commits."""
    record = _project(session, project_id)
    data = validate_key_project(
        {
            "venture_id": record.venture_id,
            "reason": record.reason,
            "entered_on": record.entered_on,
            "period_months": period_months,
            "cadence_days": cadence_days,
            "cadence_months": cadence_months,
            "mentor_id": mentor_id,
        },
        today=max(record.entered_on, china_today()),
    )
    _check_mentor(session, data.mentor_id)
    anchor = record.last_visit_date or record.entered_on
    Operation(session, actor, "调整陪跑计划").update(
        record,
        {
            "period_months": data.period_months,
            "cadence_days": data.cadence_days,
            "cadence_months": data.cadence_months,
            "planned_end": data.planned_end,
            "mentor_id": data.mentor_id,
            "next_due": next_due_after(
                anchor, cadence_days=data.cadence_days, cadence_months=data.cadence_months
            ),
        },
        subject_id=record.entrepreneur_id,
    )


@service(Permission.RECORD_VISITS)
def leave_pool(
    db: Database,
    actor: Actor,
    /,
    *,
    project_id: str,
    outcome: PoolOutcome | str,
    note: str = "",
    on: date | None = None,
) -> None:
    """Take a project out of the pool, recording how it went (5号文 (十): 转化落地 …)."""
    result = parse_choice(PoolOutcome, outcome, "出库结果")
    with db.transaction() as session:
        leave_pool_in(session, actor, project_id, outcome=result, note=note, on=on or china_today())


def leave_pool_in(
    session: Session, actor: Actor, project_id: str, *, outcome: PoolOutcome, note: str, on: date
) -> None:
    """The core of :func:`leave_pool`; never commits."""
    result, day = outcome, on
    record = _project(session, project_id)
    if day < record.entered_on:
        raise ValidationError(
            "出库日期", day, f"出库日期 {day.isoformat()} 早于入库日期 {record.entered_on.isoformat()}"
        )
    words = note.strip()
    if len(words) > 500:
        raise ValidationError("出库说明", note, f"出库说明过长：{len(words)} 个字，最多 500 个字")
    venture = session.get(Venture, record.venture_id)
    label = f"{venture.name if venture else '项目'} 出库：{result.label}"
    Operation(session, actor, label).update(
        record,
        {"left_on": day, "outcome": result.value, "outcome_note": words, "next_due": None},
        subject_id=record.entrepreneur_id,
    )


def _project(session: Session, project_id: str) -> KeyProject:
    record = session.get(KeyProject, project_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到这个重点项目（{project_id}）")
    if record.left_on is not None:
        raise Conflict(f"这个项目已于 {record.left_on.isoformat()} 出库")
    return record


def _check_mentor(session: Session, mentor_id: str | None) -> None:
    if mentor_id is None:
        return
    mentor = session.get(Mentor, mentor_id)
    if mentor is None or mentor.deleted:
        raise NotFound(f"导师库中找不到所选导师（{mentor_id}）")


# ---------------------------------------------------------------------------------------------------- reads
@service(Permission.VIEW_FILES)
def pool_rows(
    db: Database,
    actor: Actor,
    /,
    *,
    today: date | None = None,
    state: TrackingState | None = None,
    include_left: bool = False,
    entrepreneur_id: str | None = None,
) -> list[KeyProjectRow]:
    """The pool, most urgent first (a pool is ~3% of ventures, so it is read whole)."""
    day = today or china_today()
    with db.reading() as session:
        query = (
            select(KeyProject, col(Venture.name), col(Entrepreneur.name), col(Entrepreneur.case_number))
            .join(Venture, col(Venture.id) == col(KeyProject.venture_id))
            .join(Entrepreneur, col(Entrepreneur.id) == col(KeyProject.entrepreneur_id))
            .where(col(KeyProject.deleted).is_(False), col(Entrepreneur.deleted).is_(False))
        )
        if not include_left and state is not TrackingState.LEFT:
            query = query.where(col(KeyProject.left_on).is_(None))
        if entrepreneur_id is not None:
            query = query.where(KeyProject.entrepreneur_id == entrepreneur_id)
        mentors = dict(session.exec(select(Mentor.id, Mentor.name)).all())
        rows = [
            _row(
                p,
                venture=venture,
                person=person,
                case_number=number,
                mentor=mentors.get(p.mentor_id or ""),
                day=day,
            )
            for p, venture, person, number in session.exec(query).all()
        ]
    if state is not None:
        rows = [r for r in rows if r.state is state]
    order = list(TrackingState)
    return sorted(rows, key=lambda r: (order.index(r.state), r.next_due or date.max, r.venture_name))


def _row(
    p: KeyProject, *, venture: str, person: str, case_number: str, mentor: str | None, day: date
) -> KeyProjectRow:
    return KeyProjectRow(
        id=p.id,
        venture_id=p.venture_id,
        venture_name=venture,
        entrepreneur_id=p.entrepreneur_id,
        entrepreneur_name=person,
        case_number=case_number,
        mentor_id=p.mentor_id,
        mentor_name=mentor or "",
        reason=p.reason,
        entered_on=p.entered_on,
        period_months=p.period_months,
        planned_end=p.planned_end,
        cadence_days=p.cadence_days,
        cadence_months=p.cadence_months,
        last_visit_date=p.last_visit_date,
        next_due=p.next_due,
        left_on=p.left_on,
        outcome=PoolOutcome(p.outcome) if p.outcome else None,
        outcome_note=p.outcome_note,
        state=tracking_state(today=day, next_due=p.next_due, planned_end=p.planned_end, left_on=p.left_on),
    )

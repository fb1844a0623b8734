"""Visits (走访记录): log one in a single transaction with what it changed in the file, delete one, and
tick off (or reopen) its agreed actions (跟进事项).

推进行动 计划3 asks mentors to visit regularly (定期走访) and serve on the spot; 5号文 (十) asks for
"跟踪陪跑" of key projects — a visit to a project in the pool moves its next due date. A visit's outcome
(stage, jobs created, a new venture) updates the entrepreneur's file through the same operation, so the
change is audited with the visit and one Ctrl+Z takes both back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from desktop.services.entrepreneurs import rebuild_search
from desktop.services.gate import service
from desktop.services.visits.queries import _open_key_project, _person, _visit
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture, current_stage, live_ventures
from models.enums import Stage
from models.errors import NotFound, ValidationError
from models.permissions import Permission
from models.visits import (
    AgreedAction,
    KeyProject,
    Mentor,
    OutcomeData,
    Visit,
    VisitData,
    next_due_after,
    topics_to_bits,
    validate_visit,
)


# --------------------------------------------------------------------------------------------------- writes
@service(Permission.RECORD_VISITS)
def record_visit(
    db: Database, actor: Actor, /, *, visit: VisitData | Mapping[str, object], today: date | None = None
) -> str:
    """Log a visit, its agreed actions, and any change to the file, as one operation. Returns its id."""
    data = visit if isinstance(visit, VisitData) else validate_visit(visit, today=today)
    with db.transaction() as session:
        return record_visit_in(session, actor, data)


def record_visit_in(session: Session, actor: Actor, data: VisitData) -> str:
    """The core of :func:`record_visit` inside the caller's transaction; never commits."""
    person = _person(session, data.entrepreneur_id)
    mentor_name = ""
    if data.mentor_id is not None:
        mentor = session.get(Mentor, data.mentor_id)
        if mentor is None or mentor.deleted:
            raise NotFound(f"导师库中找不到所选导师（{data.mentor_id}）")
        mentor_name = mentor.name
    ventures = {v.id: v for v in live_ventures(session, person.id)}
    if data.venture_id is not None and data.venture_id not in ventures:
        raise ValidationError("创业项目", data.venture_id, f"所选创业项目不属于 {person.name}，请重新选择")
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
    _apply_outcome(operation, session, person=person, ventures=ventures, visit=record, outcome=data.outcome)
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
    live = live_ventures(session, person.id)
    operation.update(person, {"current_stage": current_stage(live)}, subject_id=person.id)
    if outcome.new_venture is not None:
        rebuild_search(session, [person.id])  # the new venture's name finds the person


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


@service(Permission.RECORD_VISITS)
def delete_visit(db: Database, actor: Actor, /, *, visit_id: str) -> None:
    """Send a visit and its open actions to the recycle bin. Changes it made to the file stay (undo
    the visit with Ctrl+Z on the file to take those back too)."""
    with db.transaction() as session:
        delete_visit_in(session, actor, visit_id)


def delete_visit_in(session: Session, actor: Actor, visit_id: str) -> None:
    """The core of :func:`delete_visit`; never commits."""
    record = _visit(session, visit_id)
    person = _person(session, record.entrepreneur_id, allow_deleted=True)
    operation = Operation(session, actor, f"删除 {person.name} {record.visit_date.isoformat()} 的走访记录")
    operation.set_deleted(record, True, subject_id=person.id)
    for action in session.exec(
        select(AgreedAction).where(AgreedAction.visit_id == visit_id, col(AgreedAction.deleted).is_(False))
    ).all():
        operation.set_deleted(action, True, subject_id=person.id)


@service(Permission.RECORD_VISITS)
def mark_action_done(db: Database, actor: Actor, /, *, action_id: str, done_on: date | None = None) -> None:
    """Tick off an agreed action (跟进事项) from the workbench or the file."""
    with db.transaction() as session:
        mark_action_done_in(session, actor, action_id, done_on)


def mark_action_done_in(session: Session, actor: Actor, action_id: str, done_on: date | None = None) -> None:
    """The core of :func:`mark_action_done`; never commits."""
    action = session.get(AgreedAction, action_id)
    if action is None or action.deleted:
        raise NotFound(f"找不到这条跟进事项（{action_id}）")
    if action.done_on is not None:
        return
    person = _person(session, action.entrepreneur_id, allow_deleted=True)
    Operation(session, actor, f"完成跟进事项：{person.name} {action.text}").update(
        action, {"done_on": done_on or china_today(), "done_by": actor.user_name}, subject_id=person.id
    )


@service(Permission.RECORD_VISITS)
def reopen_action(db: Database, actor: Actor, /, *, action_id: str) -> None:
    """Take back the tick of an agreed action."""
    with db.transaction() as session:
        reopen_action_in(session, actor, action_id)


def reopen_action_in(session: Session, actor: Actor, action_id: str) -> None:
    """The core of :func:`reopen_action`; never commits."""
    action = session.get(AgreedAction, action_id)
    if action is None or action.deleted:
        raise NotFound(f"找不到这条跟进事项（{action_id}）")
    person = _person(session, action.entrepreneur_id, allow_deleted=True)
    Operation(session, actor, f"重新打开跟进事项：{person.name} {action.text}").update(
        action, {"done_on": None, "done_by": ""}, subject_id=person.id
    )

"""Applications and loans on the workbench (tasks, figures) and on the file's timeline."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from desktop.services.applications.queries import loans_due_in
from desktop.services.applications.records import KIND
from desktop.services.applications.views import StepView
from desktop.services.gate import service
from desktop.services.timeline import TimelineEntry
from desktop.services.workbench import Figure, Task, Urgency
from models.applications import Application, ApplicationStatus, ApplicationStep, missing_documents
from models.audit import Actor
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.money import format_yuan
from models.permissions import Permission
from models.policy import ItemCode, add_months

PROCESSING_DAYS = 10  # a step waiting longer than this is overdue on the workbench


_NEXT_STEP = {
    ApplicationStatus.SUBMITTED: "待审核",
    ApplicationStatus.REVIEWING: "待审批",
    ApplicationStatus.APPROVED: "待发放",
    ApplicationStatus.RETURNED: "待补正后重新提交",
}


def _urgency(due: date, today: date) -> Urgency:
    if due < today:
        return Urgency.OVERDUE
    if due == today:
        return Urgency.TODAY
    if due <= today + timedelta(days=7):
        return Urgency.THIS_WEEK
    return Urgency.UPCOMING


STEP_LABELS = {"to_status": "状态", "on": "日期", "by": "办理人", "note": "说明"}


@service(Permission.VIEW_FILES)
def loan_tasks(db: Database, actor: Actor, /, today: date) -> list[Task]:
    """Loans due within 60 days (or overdue) on the workbench."""
    with db.reading() as session:
        due = loans_due_in(session, today=today, within_days=60)
    tasks = []
    for loan in due:
        when = "已逾期" if loan.due < today else "将于"
        bank = f"（{loan.bank}）" if loan.bank else ""
        amount = format_yuan(loan.amount_fen)
        tasks.append(
            Task(
                urgency=_urgency(loan.due, today),
                due=loan.due,
                kind_label="贷款到期",
                text=f"{loan.item_name} {amount} {when} {loan.due.isoformat()} 到期{bank}",
                open_kind=KIND,
                open_id=loan.application_id,
                subject_name=loan.name,
            )
        )
    return tasks


@service(Permission.VIEW_FILES)
def waiting_tasks(db: Database, actor: Actor, /, today: date) -> list[Task]:
    """Applications waiting for their next step; overdue after :data:`PROCESSING_DAYS` days.

    Applications are the station workers' work, so a mentor's workbench does not list them."""
    if actor.role == "mentor":
        return []
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT a.id, a.status, a.status_on, a.item_name, a.number, e.name FROM application a "
            "JOIN entrepreneur e ON e.id = a.entrepreneur_id "
            f"WHERE a.deleted = 0 AND a.status IN ({', '.join('?' for _ in _NEXT_STEP)})",
            tuple(s.value for s in _NEXT_STEP),
        ).fetchall()
    tasks = []
    for record_id, status_code, status_on, item_name, number, person_name in rows:
        status = ApplicationStatus(status_code)
        due = date.fromisoformat(str(status_on)) + timedelta(days=PROCESSING_DAYS)
        tasks.append(
            Task(
                urgency=_urgency(due, today),
                due=due,
                kind_label="申请待办",
                text=f"{item_name}（{number}）{status.label}，{_NEXT_STEP[status]}",
                open_kind=KIND,
                open_id=record_id,
                subject_name=person_name,
            )
        )
    return tasks


@service(Permission.VIEW_FILES)
def draft_tasks(db: Database, actor: Actor, /, today: date) -> list[Task]:
    """Drafts still missing materials (材料清单), naming what is missing: nothing can be submitted until
    they are in. Due :data:`PROCESSING_DAYS` days after the draft was opened; not on a mentor's bench."""
    if actor.role == "mentor":
        return []
    with db.reading() as session:
        rows = session.exec(
            select(Application, Entrepreneur.name)
            .join(Entrepreneur, col(Entrepreneur.id) == Application.entrepreneur_id)
            .where(col(Application.deleted).is_(False), Application.status == ApplicationStatus.DRAFT.value)
        ).all()
    tasks = []
    for record, person_name in rows:
        missing = missing_documents(list(record.documents_required), list(record.documents_ticked))
        if not missing:
            continue
        due = record.status_on + timedelta(days=PROCESSING_DAYS)
        named = "、".join(missing[:2]) + (f"等 {len(missing)} 项" if len(missing) > 2 else "")
        tasks.append(
            Task(
                urgency=_urgency(due, today),
                due=due,
                kind_label="草稿缺材料",
                text=f"{record.item_name}（{record.number}）草稿，还缺 {named}",
                open_kind=KIND,
                open_id=record.id,
                subject_name=str(person_name),
            )
        )
    return tasks


@service(Permission.VIEW_FILES)
def month_figures(db: Database, actor: Actor, /, today: date) -> list[Figure]:
    start = today.replace(day=1)
    with db.reading() as session:
        count, total = session.exec(
            select(func.count(), func.coalesce(func.sum(Application.amount_fen), 0)).where(
                col(Application.deleted).is_(False),
                Application.status == ApplicationStatus.DISBURSED.value,
                col(Application.disbursed_on) >= start,
                col(Application.disbursed_on) < add_months(start, 1),
                col(Application.item_code).in_(
                    [c.value for c in ItemCode if c.kind.value in ("subsidy", "interest_subsidy")]
                ),
            )
        ).one()
    return [Figure("补贴发放", f"{count} 笔 {format_yuan(int(total))}")]


@service(Permission.VIEW_FILES)
def timeline_entries(db: Database, actor: Actor, /, entrepreneur_id: str) -> list[TimelineEntry]:
    """Each step of the person's applications on the file's timeline."""
    with db.reading() as session:
        rows = session.exec(
            select(ApplicationStep, Application)
            .join(Application, col(Application.id) == ApplicationStep.application_id)
            .where(
                Application.entrepreneur_id == entrepreneur_id,
                col(ApplicationStep.deleted).is_(False),
                col(Application.deleted).is_(False),
            )
        ).all()
    entries = []
    for step, record in rows:
        view = StepView(
            ApplicationStatus(step.from_status) if step.from_status else None,
            ApplicationStatus(step.to_status),
            step.on,
            step.by,
            step.note,
        )
        detail = f"编号 {record.number}，{format_yuan(record.amount_fen)}，{step.on.isoformat()} {step.by}"
        if step.note:
            detail += f"：{step.note}"
        entries.append(
            TimelineEntry(
                step.created_at,
                "申请",
                f"{record.item_name}：{view.action}（{view.to_status.label}）",
                detail,
                KIND,
                record.id,
            )
        )
    return entries

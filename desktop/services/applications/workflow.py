"""Moving an application through the workflow; the recycle bin."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from desktop.services.applications.queries import application_view_in
from desktop.services.applications.records import (
    add_step,
    application_item,
    get_record,
    live_record,
    loan_of,
    refuse_open_or_received,
)
from desktop.services.applications.views import ApplicationView
from desktop.services.gate import service
from desktop.services.policy import person_facts
from models.applications import (
    EDITABLE_STATUSES,
    Application,
    ApplicationStatus,
    Loan,
    check_transition,
    final_due_date,
    missing_documents,
)
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.errors import NotAllowed, ValidationError
from models.permissions import Permission
from models.policy import Eligibility, ItemCode, PolicyItem, add_months, evaluate_item, facts_with
from models.validators import normalise_text


def _submission_problems(session: Session, record: Application, item: PolicyItem, on: date) -> list[str]:
    problems: list[str] = []
    missing = missing_documents(list(record.documents_required), list(record.documents_ticked))
    if missing:
        problems.append(f"材料清单中还有 {len(missing)} 项未收到：{'、'.join(missing)}")
    _, facts, _ = person_facts(session, record.entrepreneur_id, as_of=on, exclude_application=record.id)
    facts = facts_with(
        facts, social_insurance_months=record.social_insurance_months, partners=record.partners
    )
    answer = evaluate_item(item, facts, on, venture_id=record.venture_id)
    if answer.eligibility is Eligibility.NOT_ELIGIBLE:
        problems.append("不符合条件：" + "；".join(r.text for r in answer.failed[:3]))
    elif answer.eligibility is Eligibility.MISSING_DATA:
        problems.append("缺少资料：" + "；".join(r.text for r in answer.missing[:3]))
    if item.kind.value != "space" and record.amount_fen <= 0:
        problems.append("申请金额应大于 0")
    if item.code is ItemCode.TRAINING_SUBSIDY and not record.training_class_id:
        problems.append("请选择结业的培训班（花名册随申请表打印）")
    if item.is_loan:
        loan = loan_of(session, record.id)
        if loan is None or not loan.bank:
            problems.append("请填写经办银行")
    return problems


@service(Permission.HANDLE_APPLICATIONS)
def advance_application(
    db: Database,
    actor: Actor,
    /,
    *,
    application_id: str,
    to: ApplicationStatus | str,
    on: date | None = None,
    note: str = "",
) -> ApplicationView:
    """Move an application one step; refuses a step the workflow does not allow, and names what is missing."""
    with db.transaction() as session:
        advance_application_in(session, actor, application_id=application_id, to=to, on=on, note=note)
    with db.reading() as session:
        return application_view_in(session, actor, application_id=application_id, unmasked=False)


def advance_application_in(
    session: Session,
    actor: Actor,
    *,
    application_id: str,
    to: ApplicationStatus | str,
    on: date | None = None,
    note: str = "",
) -> None:
    """The core of :func:`advance_application` inside the caller's transaction; never commits."""
    day = on or china_today()
    to = ApplicationStatus(to)
    note = normalise_text(note) if note else ""
    record = live_record(session, application_id)
    current = ApplicationStatus(record.status)
    action = check_transition(current, to)
    if day < record.status_on:
        raise ValidationError(
            "办理日期", day, f"办理日期 {day.isoformat()} 早于上一步的日期 {record.status_on.isoformat()}"
        )
    item = application_item(session, record, day)
    values: dict[str, Any] = {"status": to.value, "status_on": day, "status_by": actor.user_name}
    if to is ApplicationStatus.RETURNED:
        if not note:
            raise ValidationError("退回原因", note, "退回申请时请填写退回原因，便于申请人补正")
        values["returned_reason"] = note[:500]
    if to is ApplicationStatus.SUBMITTED:
        problems = _submission_problems(session, record, item, day)
        if problems:
            raise NotAllowed(f"申请 {record.number} 还不能提交：" + "；".join(problems))
        values["submitted_on"] = day
    if to is ApplicationStatus.APPROVED:
        values["approved_on"] = day
    operation = Operation(session, actor, f"{action}{record.item_name}申请 {record.number}")
    if to is ApplicationStatus.DISBURSED:
        refuse_open_or_received(session, record.entrepreneur_id, item, exclude=record.id, open_too=False)
        values["disbursed_on"] = day
        loan = loan_of(session, record.id)
        if loan is not None:
            start = loan.start_date or day
            due = add_months(start, loan.term_months)
            operation.update(
                loan,
                {
                    "start_date": start,
                    "due_date": due,
                    "final_due_date": final_due_date(due, loan.extension_months),
                },
                subject_id=record.entrepreneur_id,
            )
    operation.update(record, values, subject_id=record.entrepreneur_id)
    add_step(operation, record, current, to, on=day, note=note)


@service(Permission.HANDLE_APPLICATIONS)
def delete_application(
    db: Database,
    actor: Actor,
    /,
    *,
    application_id: str,
) -> str:
    """Send a draft or returned application to the recycle bin; returns its number."""
    with db.transaction() as session:
        return delete_application_in(session, actor, application_id=application_id)


def delete_application_in(
    session: Session,
    actor: Actor,
    *,
    application_id: str,
) -> str:
    """The core of :func:`delete_application` inside the caller's transaction; never commits."""
    record = live_record(session, application_id)
    status = ApplicationStatus(record.status)
    if status not in EDITABLE_STATUSES:
        raise NotAllowed(f"申请 {record.number} 已“{status.label}”，只能删除草稿或已退回的申请")
    operation = Operation(session, actor, f"删除{record.item_name}申请 {record.number}")
    operation.set_deleted(record, True, subject_id=record.entrepreneur_id)
    loan = loan_of(session, record.id)
    if loan is not None:
        operation.set_deleted(loan, True, subject_id=record.entrepreneur_id)
    return record.number


@service(Permission.HANDLE_APPLICATIONS)
def restore_application(
    db: Database,
    actor: Actor,
    /,
    *,
    application_id: str,
) -> str:
    with db.transaction() as session:
        return restore_application_in(session, actor, application_id=application_id)


def restore_application_in(
    session: Session,
    actor: Actor,
    *,
    application_id: str,
) -> str:
    """The core of :func:`restore_application` inside the caller's transaction; never commits."""
    record = get_record(session, application_id)
    if not record.deleted:
        return record.number
    item = application_item(session, record, china_today())
    refuse_open_or_received(session, record.entrepreneur_id, item, exclude=record.id, open_too=True)
    operation = Operation(session, actor, f"恢复{record.item_name}申请 {record.number}")
    operation.set_deleted(record, False, subject_id=record.entrepreneur_id)
    loan = session.exec(select(Loan).where(Loan.application_id == record.id)).first()
    if loan is not None:
        operation.set_deleted(loan, False, subject_id=record.entrepreneur_id)
    return record.number

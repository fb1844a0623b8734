"""A loan's terms before it is disbursed; extension, renewal without repayment and repayment after.

An extension is at most one year in total and a renewal needs the person to be eligible still
(5号文 (十六), 推进行动 计划5)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from desktop.services.applications.inputs import LoanInput
from desktop.services.applications.records import (
    application_item,
    live_record,
    loan_columns,
    loan_of,
    loan_terms,
    validated_loan,
)
from desktop.services.gate import service
from desktop.services.policy import person_facts
from models.applications import Application, ApplicationStatus, Loan, check_extension, final_due_date
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.errors import NotAllowed, NotFound, ValidationError
from models.permissions import Permission
from models.policy import Eligibility, add_months, evaluate_item, facts_with


@service(Permission.HANDLE_APPLICATIONS)
def save_loan(
    db: Database,
    actor: Actor,
    /,
    *,
    application_id: str,
    loan: LoanInput,
    today: date | None = None,
) -> bool:
    """Record the loan's terms (before it is disbursed): bank, amount, term, rate, share, guarantee."""
    with db.transaction() as session:
        return save_loan_in(session, actor, application_id=application_id, loan=loan, today=today)


def save_loan_in(
    session: Session,
    actor: Actor,
    *,
    application_id: str,
    loan: LoanInput,
    today: date | None = None,
) -> bool:
    """The core of :func:`save_loan` inside the caller's transaction; never commits."""
    day = today or china_today()
    record = live_record(session, application_id)
    stored = loan_of(session, record.id)
    if stored is None:
        raise NotFound(f"申请 {record.number} 不是贷款申请")
    if record.status == ApplicationStatus.DISBURSED.value:
        raise NotAllowed(f"贷款 {record.number} 已发放，只能办理展期、无还本续贷或结清")
    item = application_item(session, record, day)
    amount = loan.amount_fen if loan.amount_fen is not None else stored.amount_fen
    terms = loan_terms(stored, loan, amount)
    data = validated_loan(item, terms, record.amount_fen, record.partners)
    operation = Operation(session, actor, f"登记贷款信息（{record.number}）")
    operation.update(stored, loan_columns(data), subject_id=record.entrepreneur_id)
    if record.amount_fen != data.amount_fen:
        operation.update(record, {"amount_fen": data.amount_fen}, subject_id=record.entrepreneur_id)
    return bool(operation.changes)


def _disbursed_loan(session: Session, application_id: str) -> tuple[Application, Loan]:
    record = live_record(session, application_id)
    loan = loan_of(session, record.id)
    if loan is None:
        raise NotFound(f"申请 {record.number} 不是贷款申请")
    if record.status != ApplicationStatus.DISBURSED.value:
        raise NotAllowed(f"贷款 {record.number} 尚未发放（{ApplicationStatus(record.status).label}）")
    if loan.repaid_on is not None:
        raise NotAllowed(f"贷款 {record.number} 已于 {loan.repaid_on.isoformat()} 结清")
    return record, loan


@service(Permission.HANDLE_APPLICATIONS)
def extend_loan(
    db: Database,
    actor: Actor,
    /,
    *,
    application_id: str,
    months: int,
    on: date | None = None,
) -> date:
    """展期: move the due date by ``months``; at most one year in total (推进行动 计划5).

    Returns the new due date."""
    with db.transaction() as session:
        return extend_loan_in(session, actor, application_id=application_id, months=months, on=on)


def extend_loan_in(
    session: Session,
    actor: Actor,
    *,
    application_id: str,
    months: int,
    on: date | None = None,
) -> date:
    """The core of :func:`extend_loan` inside the caller's transaction; never commits."""
    day = on or china_today()
    record, loan = _disbursed_loan(session, application_id)
    item = application_item(session, record, day)
    total = check_extension(item, already=loan.extension_months, months=months)
    due = final_due_date(loan.due_date, total)
    Operation(session, actor, f"贷款展期 {months} 个月（{record.number}）").update(
        loan, {"extension_months": total, "final_due_date": due}, subject_id=record.entrepreneur_id
    )
    assert due is not None
    return due


@service(Permission.HANDLE_APPLICATIONS)
def renew_loan(
    db: Database,
    actor: Actor,
    /,
    *,
    application_id: str,
    on: date | None = None,
    term_months: int | None = None,
) -> date:
    """无还本续贷 (5号文 (十六)): a new term from the due date, if the person is still eligible on ``on``."""
    with db.transaction() as session:
        return renew_loan_in(session, actor, application_id=application_id, on=on, term_months=term_months)


def renew_loan_in(
    session: Session,
    actor: Actor,
    *,
    application_id: str,
    on: date | None = None,
    term_months: int | None = None,
) -> date:
    """The core of :func:`renew_loan` inside the caller's transaction; never commits."""
    day = on or china_today()
    record, loan = _disbursed_loan(session, application_id)
    item = application_item(session, record, day)
    if item.loan is None or not item.loan.renewal_allowed:
        raise NotAllowed(f"政策参数中{item.name}不支持无还本续贷")
    _, facts, _ = person_facts(session, record.entrepreneur_id, as_of=day, exclude_application=record.id)
    answer = evaluate_item(
        item, facts_with(facts, partners=record.partners), day, venture_id=record.venture_id
    )
    if answer.eligibility is not Eligibility.ELIGIBLE:
        reasons = "；".join(r.text for r in (answer.failed or answer.missing)[:3])
        raise NotAllowed(f"无还本续贷需要到期时继续符合条件：{reasons}")
    term = term_months or loan.term_months
    if not 1 <= term <= item.loan.term_max_months:
        raise ValidationError(
            "贷款期限", term, f"续贷期限 {term} 个月应在 1 到 {item.loan.term_max_months} 个月之间"
        )
    start = loan.final_due_date or day
    due = add_months(start, term)
    Operation(session, actor, f"无还本续贷（{record.number}）").update(
        loan,
        {
            "start_date": start,
            "term_months": term,
            "due_date": due,
            "extension_months": 0,
            "final_due_date": due,
            "renewals": loan.renewals + 1,
        },
        subject_id=record.entrepreneur_id,
    )
    return due


@service(Permission.HANDLE_APPLICATIONS)
def repay_loan(
    db: Database,
    actor: Actor,
    /,
    *,
    application_id: str,
    on: date | None = None,
) -> None:
    with db.transaction() as session:
        return repay_loan_in(session, actor, application_id=application_id, on=on)


def repay_loan_in(
    session: Session,
    actor: Actor,
    *,
    application_id: str,
    on: date | None = None,
) -> None:
    """The core of :func:`repay_loan` inside the caller's transaction; never commits."""
    day = on or china_today()
    record, loan = _disbursed_loan(session, application_id)
    if loan.start_date and day < loan.start_date:
        raise ValidationError(
            "结清日期", day, f"结清日期 {day.isoformat()} 早于起贷日期 {loan.start_date.isoformat()}"
        )
    Operation(session, actor, f"贷款结清（{record.number}）").update(
        loan, {"repaid_on": day}, subject_id=record.entrepreneur_id
    )

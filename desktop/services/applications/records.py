"""Helpers every write shares: loading a record, the policy item, the one-open-application rule, the
workflow step and the loan's terms."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from desktop.services.applications.inputs import LoanInput
from desktop.services.policy import policy_set_in_force_in
from models.applications import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Loan,
    validate_loan,
)
from models.audit import Operation
from models.errors import Conflict, NotFound
from models.policy import ConditionType, ItemAnswer, ItemCode, PolicyItem, PolicySet

KIND = "application"


def get_record(session: Session, application_id: str) -> Application:
    record = session.get(Application, application_id)
    if record is None:
        raise NotFound(f"找不到申请 {application_id}")
    return record


def live_record(session: Session, application_id: str) -> Application:
    record = get_record(session, application_id)
    if record.deleted:
        raise NotFound(f"申请 {record.number} 在回收站中，请先恢复")
    return record


def loan_of(session: Session, application_id: str) -> Loan | None:
    return session.exec(
        select(Loan).where(Loan.application_id == application_id, col(Loan.deleted).is_(False))
    ).first()


def item_of(session: Session, code: ItemCode | str, as_of: date) -> tuple[PolicySet, PolicyItem]:
    policy_set = policy_set_in_force_in(session, as_of=as_of)
    member = ItemCode.from_label(str(code))
    item = policy_set.item(member) if member else None
    if item is None:
        raise NotFound(f"政策参数“{policy_set.name}”中没有“{code}”这一项，无法申请")
    return policy_set, item


def application_item(session: Session, record: Application, as_of: date) -> PolicyItem:
    """The item as the policy set in force has it (the set may have changed since the application)."""
    return item_of(session, record.item_code, as_of)[1]


def loan_defaults(
    item: PolicyItem, amount_fen: int, waived: bool | None, given: LoanInput | None
) -> LoanInput:
    terms = item.loan
    assert terms is not None
    given = given or LoanInput()
    return LoanInput(
        bank=given.bank,
        amount_fen=given.amount_fen if given.amount_fen is not None else amount_fen,
        term_months=given.term_months if given.term_months is not None else terms.term_max_months,
        annual_rate_bp=given.annual_rate_bp
        if given.annual_rate_bp is not None
        else (terms.annual_rate_max_bp or 0),
        subsidy_share_pct=given.subsidy_share_pct
        if given.subsidy_share_pct is not None
        else terms.interest_subsidy_share_pct,
        start_date=given.start_date,
        counter_guarantee_waived=given.counter_guarantee_waived
        if given.counter_guarantee_waived is not None
        else bool(waived),
    )


def refuse_open_or_received(
    session: Session, entrepreneur_id: str, item: PolicyItem, *, exclude: str | None = None, open_too: bool
) -> None:
    rows = session.exec(
        select(Application).where(
            Application.entrepreneur_id == entrepreneur_id,
            Application.item_code == item.code.value,
            col(Application.deleted).is_(False),
        )
    ).all()
    for other in rows:
        if other.id == exclude:
            continue
        status = ApplicationStatus(other.status)
        if open_too and status in OPEN_STATUSES:
            raise Conflict(
                f"已有一份{item.name}申请（编号 {other.number}，{status.label}）尚未办结，"
                "同一项目不能同时有两份申请；请打开那份申请继续办理",
                existing_id=other.id,
            )
        if item.one_time and status is ApplicationStatus.DISBURSED:
            when = other.disbursed_on.isoformat() if other.disbursed_on else ""
            raise Conflict(
                f"已于 {when} 发放过{item.name}（编号 {other.number}），一次性补贴每人只能享受一次",
                existing_id=other.id,
            )


def validated_loan(item: PolicyItem, terms: LoanInput, amount_fen: int, partners: int | None) -> Any:
    return validate_loan(
        item,
        bank=terms.bank,
        amount_fen=terms.amount_fen if terms.amount_fen is not None else amount_fen,
        term_months=terms.term_months or 0,
        annual_rate_bp=terms.annual_rate_bp or 0,
        subsidy_share_pct=terms.subsidy_share_pct,
        start_date=terms.start_date,
        counter_guarantee_waived=bool(terms.counter_guarantee_waived),
        partners=partners,
    )


def loan_columns(data: Any) -> dict[str, Any]:
    due = data.due_date
    return {
        "bank": data.bank,
        "amount_fen": data.amount_fen,
        "term_months": data.term_months,
        "annual_rate_bp": data.annual_rate_bp,
        "subsidy_share_pct": data.subsidy_share_pct,
        "start_date": data.start_date,
        "due_date": due,
        "final_due_date": due,
        "counter_guarantee_waived": data.counter_guarantee_waived,
    }


def add_step(
    operation: Operation,
    record: Application,
    from_status: ApplicationStatus | None,
    to_status: ApplicationStatus,
    *,
    on: date,
    note: str,
) -> None:
    operation.create(
        ApplicationStep(
            station_code=operation.actor.station_code,
            updated_by=operation.actor.user_name,
            application_id=record.id,
            from_status=from_status.value if from_status else None,
            to_status=to_status.value,
            on=on,
            by=operation.actor.user_name,
            note=note[:500],
        ),
        subject_id=record.entrepreneur_id,
    )


def loan_terms(stored: Loan, loan: LoanInput, amount_fen: int) -> LoanInput:
    """The loan's terms with what was given replacing what is stored."""
    return LoanInput(
        bank=loan.bank,
        amount_fen=amount_fen,
        term_months=loan.term_months if loan.term_months is not None else stored.term_months,
        annual_rate_bp=loan.annual_rate_bp if loan.annual_rate_bp is not None else stored.annual_rate_bp,
        subsidy_share_pct=loan.subsidy_share_pct
        if loan.subsidy_share_pct is not None
        else stored.subsidy_share_pct,
        start_date=loan.start_date if loan.start_date is not None else stored.start_date,
        counter_guarantee_waived=loan.counter_guarantee_waived
        if loan.counter_guarantee_waived is not None
        else stored.counter_guarantee_waived,
    )


def needs_graduation_date(answer: ItemAnswer) -> bool:
    """Whether the answer waits for the person's 毕业时间 (the form then asks for it)."""
    return any(result.condition is ConditionType.GRADUATED_WITHIN for result in answer.missing)

"""Reads: one application, the list's ids and rows, counts by status, loans due, approvals of a month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from desktop.services.applications.records import KIND, application_item, get_record, needs_graduation_date
from desktop.services.applications.views import (
    ApplicationQuery,
    ApplicationRow,
    ApplicationView,
    LoanDue,
    LoanView,
    StepView,
)
from desktop.services.gate import service
from desktop.services.policy import person_facts
from models.applications import Application, ApplicationStatus, ApplicationStep, FormDetails, Loan
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.errors import NotFound
from models.masking import mask_id_number, mask_phone
from models.permissions import Permission
from models.policy import ItemCode, add_months, evaluate_item
from models.validators import normalise_text

_EVERY = ApplicationQuery()  # the list's default: every application not in the recycle bin


def _loan_view(loan: Loan | None) -> LoanView | None:
    if loan is None:
        return None
    return LoanView(
        id=loan.id,
        bank=loan.bank,
        amount_fen=loan.amount_fen,
        term_months=loan.term_months,
        annual_rate_bp=loan.annual_rate_bp,
        subsidy_share_pct=loan.subsidy_share_pct,
        start_date=loan.start_date,
        due_date=loan.due_date,
        extension_months=loan.extension_months,
        final_due_date=loan.final_due_date,
        renewals=loan.renewals,
        counter_guarantee_waived=loan.counter_guarantee_waived,
        repaid_on=loan.repaid_on,
    )


@service(Permission.VIEW_FILES)
def get_application(
    db: Database, actor: Actor, /, *, application_id: str, reveal: bool = False
) -> ApplicationView:
    """One application with its steps and loan; ID number and phone unmasked only when asked and allowed
    (each such view is logged)."""
    unmasked = reveal and actor.may(Permission.VIEW_PERSONAL_DATA)
    with db.transaction() as session:
        return application_view_in(session, actor, application_id=application_id, unmasked=unmasked)


def application_view_in(
    session: Session, actor: Actor, *, application_id: str, unmasked: bool
) -> ApplicationView:
    """The core of :func:`get_application`: an unmasked view is logged in the caller's transaction."""
    record = get_record(session, application_id)
    person = session.get(Entrepreneur, record.entrepreneur_id)
    assert person is not None
    venture = session.get(Venture, record.venture_id) if record.venture_id else None
    steps = session.exec(
        select(ApplicationStep)
        .where(ApplicationStep.application_id == record.id, col(ApplicationStep.deleted).is_(False))
        .order_by(col(ApplicationStep.created_at), col(ApplicationStep.id))
    ).all()
    loan = session.exec(select(Loan).where(Loan.application_id == record.id)).first()
    if unmasked:
        Operation(session, actor, "查看").log_access("view_unmasked", KIND, record.id, record.number)
    item = ItemCode.from_label(record.item_code)
    details = FormDetails.of(record)
    # The worker who fills the form sees what they typed; a role without personal data sees it masked.
    details_masked = not actor.may(Permission.VIEW_PERSONAL_DATA)
    if details_masked:
        details = masked_details(details)
    return ApplicationView(
        id=record.id,
        number=record.number,
        entrepreneur_id=person.id,
        name=person.name,
        case_number=person.case_number,
        id_number=person.id_number if unmasked else mask_id_number(person.id_number),
        phone=person.phone if unmasked else mask_phone(person.phone),
        venture_id=record.venture_id,
        venture_name=venture.name if venture else "",
        item_code=ItemCode(item) if item else ItemCode.STARTUP_SUBSIDY,
        item_name=record.item_name,
        policy_source=record.policy_source,
        policy_set_id=record.policy_set_id,
        policy_set_version=record.policy_set_version,
        status=ApplicationStatus(record.status),
        status_on=record.status_on,
        status_by=record.status_by,
        applied_on=record.applied_on,
        submitted_on=record.submitted_on,
        approved_on=record.approved_on,
        disbursed_on=record.disbursed_on,
        amount_fen=record.amount_fen,
        ceiling_fen=record.ceiling_fen,
        documents=tuple((name, name in record.documents_ticked) for name in record.documents_required),
        social_insurance_months=record.social_insurance_months,
        partners=record.partners,
        training_class_id=record.training_class_id,
        returned_reason=record.returned_reason,
        notes=record.notes,
        steps=tuple(
            StepView(
                ApplicationStatus(s.from_status) if s.from_status else None,
                ApplicationStatus(s.to_status),
                s.on,
                s.by,
                s.note,
            )
            for s in steps
        ),
        loan=_loan_view(loan),
        version=record.version,
        deleted=record.deleted,
        masked=not unmasked,
        details=details,
        details_masked=details_masked,
        needs_graduation_date=_needs_graduation_date(session, record, person),
    )


def masked_details(details: FormDetails) -> FormDetails:
    """The spouse's ID number and the account number masked (the redacted profile, a role without
    personal data)."""
    account = details.bank_account
    return replace(
        details,
        spouse_id_number=mask_id_number(details.spouse_id_number) if details.spouse_id_number else "",
        bank_account=f"{account[:4]}{'*' * (len(account) - 8)}{account[-4:]}"
        if len(account) > 8
        else account,
    )


def _needs_graduation_date(session: Session, record: Application, person: Entrepreneur) -> bool:
    if person.graduation_date is not None or record.status not in ("draft", "returned"):
        return False
    day = china_today()
    try:
        item = application_item(session, record, day)
    except NotFound:
        return False
    facts = person_facts(session, person.id, as_of=day)[1]
    return needs_graduation_date(evaluate_item(item, facts, day, venture_id=record.venture_id))


@service(Permission.VIEW_FILES)
def search_application_ids(db: Database, actor: Actor, /, *, query: ApplicationQuery = _EVERY) -> list[str]:
    """Ids of the applications the list shows, newest first."""
    with db.reading() as session:
        return application_ids_in(session, query)


def application_ids_in(session: Session, query: ApplicationQuery = _EVERY) -> list[str]:
    """The core of :func:`search_application_ids`."""
    conditions = ["a.deleted = :deleted"]
    params: dict[str, Any] = {"deleted": 1 if query.recycle_bin else 0}
    joins = "JOIN entrepreneur e ON e.id = a.entrepreneur_id"
    needle = normalise_text(query.text).lower()
    if needle:
        joins += " LEFT JOIN entrepreneur_search s ON s.entrepreneur_id = a.entrepreneur_id"
        conditions.append("(instr(lower(a.number), :needle) > 0 OR instr(s.blob, :needle) > 0)")
        params["needle"] = needle
    if query.status is not None:
        conditions.append("a.status = :status")
        params["status"] = query.status.value
    if query.item_code is not None:
        conditions.append("a.item_code = :item")
        params["item"] = query.item_code.value
    if query.month is not None:
        start = query.month.replace(day=1)
        conditions.append("a.applied_on >= :start AND a.applied_on < :end")
        params["start"] = start.isoformat()
        params["end"] = add_months(start, 1).isoformat()
    if query.entrepreneur_id is not None:
        conditions.append("a.entrepreneur_id = :person")
        params["person"] = query.entrepreneur_id
    sql = (
        f"SELECT a.id FROM application a {joins} WHERE {' AND '.join(conditions)} "
        "ORDER BY a.status_on DESC, a.id DESC"
    )
    return [row[0] for row in session.connection().execute(text(sql), params)]


@service(Permission.VIEW_FILES)
def fetch_application_rows(db: Database, actor: Actor, /, *, ids: Sequence[str]) -> list[ApplicationRow]:
    """List rows for a page of ids, in the order given (masked personal data)."""
    if not ids:
        return []
    with db.reading() as session:
        return application_rows_in(session, ids)


def application_rows_in(session: Session, ids: Sequence[str]) -> list[ApplicationRow]:
    """The core of :func:`fetch_application_rows`."""
    rows = session.exec(
        select(Application, Entrepreneur)
        .join(Entrepreneur, col(Entrepreneur.id) == Application.entrepreneur_id)
        .where(col(Application.id).in_(ids))
    ).all()
    venture_ids = [a.venture_id for a, _ in rows if a.venture_id]
    names = (
        dict(session.exec(select(Venture.id, Venture.name).where(col(Venture.id).in_(venture_ids))).all())
        if venture_ids
        else {}
    )
    by_id = {
        a.id: ApplicationRow(
            id=a.id,
            number=a.number,
            entrepreneur_id=p.id,
            name=p.name,
            id_number_masked=mask_id_number(p.id_number),
            item_code=ItemCode(ItemCode.from_label(a.item_code) or ItemCode.STARTUP_SUBSIDY),
            item_name=a.item_name,
            venture_name=names.get(a.venture_id or "", ""),
            amount_fen=a.amount_fen,
            status=ApplicationStatus(a.status),
            status_on=a.status_on,
            applied_on=a.applied_on,
            status_by=a.status_by,
        )
        for a, p in rows
    }
    return [by_id[i] for i in ids if i in by_id]


@service(Permission.VIEW_FILES)
def applications_of(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> list[ApplicationRow]:
    with db.reading() as session:
        ids = application_ids_in(session, ApplicationQuery(entrepreneur_id=entrepreneur_id))
        return application_rows_in(session, ids) if ids else []


@service(Permission.VIEW_FILES)
def count_by_status(db: Database, actor: Actor, /) -> dict[ApplicationStatus, int]:
    with db.reading() as session:
        rows = session.exec(
            select(Application.status, func.count())
            .where(col(Application.deleted).is_(False))
            .group_by(col(Application.status))
        ).all()
    counts = dict.fromkeys(ApplicationStatus, 0)
    for status, count in rows:
        counts[ApplicationStatus(status)] = count
    return counts


@service(Permission.VIEW_FILES)
def loans_due(db: Database, actor: Actor, /, *, today: date, within_days: int = 60) -> list[LoanDue]:
    """Disbursed loans not yet repaid whose (extended) due date is within ``within_days`` or past."""
    with db.reading() as session:
        return loans_due_in(session, today=today, within_days=within_days)


def loans_due_in(session: Session, *, today: date, within_days: int = 60) -> list[LoanDue]:
    """The core of :func:`loans_due`."""
    horizon = today + timedelta(days=within_days)
    rows = session.exec(
        select(Loan, Application, Entrepreneur)
        .join(Application, col(Application.id) == Loan.application_id)
        .join(Entrepreneur, col(Entrepreneur.id) == Loan.entrepreneur_id)
        .where(
            col(Loan.deleted).is_(False),
            col(Application.deleted).is_(False),
            Application.status == ApplicationStatus.DISBURSED.value,
            col(Loan.repaid_on).is_(None),
            col(Loan.final_due_date).is_not(None),
            col(Loan.final_due_date) <= horizon,
        )
        .order_by(col(Loan.final_due_date))
    ).all()
    return [
        LoanDue(a.id, p.id, p.name, a.item_name, loan.bank, loan.amount_fen, loan.final_due_date)
        for loan, a, p in rows
        if loan.final_due_date is not None
    ]


@service(Permission.VIEW_FILES)
def approved_in_month(db: Database, actor: Actor, /, *, month: date) -> list[str]:
    """Applications approved in the month (still approved, or disbursed since), by approval date."""
    with db.reading() as session:
        return approved_in_month_in(session, month=month)


def approved_in_month_in(session: Session, *, month: date) -> list[str]:
    """The core of :func:`approved_in_month`."""
    start = month.replace(day=1)
    return list(
        session.exec(
            select(Application.id)
            .where(
                col(Application.deleted).is_(False),
                col(Application.approved_on) >= start,
                col(Application.approved_on) < add_months(start, 1),
                col(Application.status).in_(
                    [ApplicationStatus.APPROVED.value, ApplicationStatus.DISBURSED.value]
                ),
            )
            .order_by(col(Application.approved_on), col(Application.number))
        ).all()
    )

"""Subsidy and loan applications: create from an eligible item, fill in, tick the checklist, move through
the workflow, record the loan, print, export.

Every write is one service call: one transaction, one operation in the change log (on the person's file,
so it shows in the file's history and Ctrl+Z undoes it). Rules: a person holds at most one open
application per item; a one-time subsidy is received once (5号文 (十五)); amounts stay within the
ceiling of the policy set in force; a loan's extension is at most one year and a renewal without
repayment needs the person to be eligible still (5号文 (十六), 推进行动 计划5).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services import timeline as timeline_service
from desktop.services import workbench
from desktop.services.entrepreneurs import CHANGE_LABELS
from desktop.services.policy import (
    OpenApplication,
    PolicySetInfo,
    default_policy_set,
    person_facts,
    policy_book,
    policy_set_in_force,
)
from desktop.services.timeline import TimelineEntry
from desktop.services.workbench import Figure, Task, Urgency
from models.applications import (
    APPLICATION_LABELS,
    EDITABLE_STATUSES,
    LOAN_LABELS,
    OPEN_STATUSES,
    TRANSITIONS,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Loan,
    check_documents,
    check_extension,
    check_transition,
    final_due_date,
    interest_subsidy_fen,
    missing_documents,
    rate_text,
    validate_loan,
)
from models.audit import Actor, Change, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import INDUSTRY_SECTIONS, Education, EntityType, Sex, Stage, key_groups_from_bits
from models.errors import Conflict, DoorstepError, NotAllowed, NotFound, ValidationError
from models.masking import mask_id_number, mask_phone
from models.money import format_yuan
from models.policy import (
    LOAN_ITEMS,
    Eligibility,
    ItemAnswer,
    ItemCode,
    PersonFacts,
    PolicyBook,
    PolicyItem,
    PolicySet,
    VentureFacts,
    add_months,
    check_amount,
    counter_guarantee_waived,
    evaluate_item,
    facts_with,
    loan_ceiling,
    proposed_amount,
)
from models.regions import region_name
from models.station import get_station
from models.validators import normalise_text
from reports.application_forms import (
    FORM_KIND,
    REDACTED_KIND,
    ApplicantBlock,
    ApplicationForm,
    LoanBlock,
    RosterLine,
    TrainingBlock,
    VentureBlock,
    printed_fields,
    write_application_forms,
)
from reports.pdf import form_digest, format_date_cn, parse_qr_payload
from reports.xlsx import Column as XlsxColumn
from reports.xlsx import write_table

if TYPE_CHECKING:
    from desktop.demo import DemoContext

KIND = "application"
PROCESSING_DAYS = 10  # a step waiting longer than this is overdue on the workbench


# ---------------------------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class ApplicationInput:
    """What the application form edits. ``amount_fen=None`` proposes the amount from the policy."""

    venture_id: str | None = None
    amount_fen: int | None = None
    social_insurance_months: int | None = None
    partners: int | None = None
    training_class_id: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class LoanInput:
    """A loan's terms; ``None`` takes the policy's default (longest term, highest rate, share)."""

    bank: str = ""
    amount_fen: int | None = None
    term_months: int | None = None
    annual_rate_bp: int | None = None
    subsidy_share_pct: int | None = None
    start_date: date | None = None
    counter_guarantee_waived: bool | None = None


# ------------------------------------------------------------------------------------------ read models
@dataclass(frozen=True)
class VentureChoice:
    id: str
    name: str
    label: str


@dataclass(frozen=True)
class TrainingChoice:
    class_id: str
    label: str
    completed_on: date | None


@dataclass(frozen=True)
class Proposal:
    """What a new application would hold: pre-filled from the file, its ventures and the policy."""

    entrepreneur_id: str
    name: str
    item: PolicyItem
    answer: ItemAnswer
    policy_set: PolicySetInfo
    venture_id: str | None
    ventures: tuple[VentureChoice, ...]
    trainings: tuple[TrainingChoice, ...]
    amount_fen: int
    ceiling_fen: int
    documents: tuple[str, ...]
    open_application: OpenApplication | None
    loan: LoanInput | None

    @property
    def can_apply(self) -> bool:
        return self.open_application is None and self.answer.eligibility is not Eligibility.NOT_ELIGIBLE


@dataclass(frozen=True)
class StepView:
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    on: date
    by: str
    note: str

    @property
    def action(self) -> str:
        if self.from_status is None:
            return "新建"
        return TRANSITIONS[self.from_status].get(self.to_status, self.to_status.label)


@dataclass(frozen=True)
class LoanView:
    id: str
    bank: str
    amount_fen: int
    term_months: int
    annual_rate_bp: int
    subsidy_share_pct: int
    start_date: date | None
    due_date: date | None
    extension_months: int
    final_due_date: date | None
    renewals: int
    counter_guarantee_waived: bool
    repaid_on: date | None

    @property
    def rate_text(self) -> str:
        return rate_text(self.annual_rate_bp)


@dataclass(frozen=True)
class ApplicationView:
    id: str
    number: str
    entrepreneur_id: str
    name: str
    case_number: str
    id_number: str
    phone: str
    venture_id: str | None
    venture_name: str
    item_code: ItemCode
    item_name: str
    policy_source: str
    policy_set_id: str
    policy_set_version: int
    status: ApplicationStatus
    status_on: date
    status_by: str
    applied_on: date
    submitted_on: date | None
    approved_on: date | None
    disbursed_on: date | None
    amount_fen: int
    ceiling_fen: int
    documents: tuple[tuple[str, bool], ...]
    social_insurance_months: int | None
    partners: int | None
    training_class_id: str | None
    returned_reason: str
    notes: str
    steps: tuple[StepView, ...]
    loan: LoanView | None
    version: int
    deleted: bool
    masked: bool

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES and not self.deleted

    @property
    def next_steps(self) -> list[tuple[ApplicationStatus, str]]:
        if self.deleted:
            return []
        return list((status, action) for status, action in TRANSITIONS[self.status].items())

    @property
    def missing_documents(self) -> list[str]:
        return [name for name, ticked in self.documents if not ticked]

    @property
    def form(self) -> str:
        return self.item_code.form


@dataclass(frozen=True)
class ApplicationRow:
    """One line of the applications list (personal data masked)."""

    id: str
    number: str
    entrepreneur_id: str
    name: str
    id_number_masked: str
    item_code: ItemCode
    item_name: str
    venture_name: str
    amount_fen: int
    status: ApplicationStatus
    status_on: date
    applied_on: date
    status_by: str


@dataclass(frozen=True)
class ApplicationQuery:
    text: str = ""
    status: ApplicationStatus | None = None
    item_code: ItemCode | None = None
    month: date | None = None  # first day: applications made (申请日期) in that month
    entrepreneur_id: str | None = None
    recycle_bin: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.status or self.item_code or self.month)


@dataclass(frozen=True)
class LoanDue:
    application_id: str
    entrepreneur_id: str
    name: str
    item_name: str
    bank: str
    amount_fen: int
    due: date


# ------------------------------------------------------------------------------------------------ helpers
def _get(session: Session, application_id: str) -> Application:
    record = session.get(Application, application_id)
    if record is None:
        raise NotFound(f"找不到申请 {application_id}")
    return record


def _live(session: Session, application_id: str) -> Application:
    record = _get(session, application_id)
    if record.deleted:
        raise NotFound(f"申请 {record.number} 在回收站中，请先恢复")
    return record


def _loan_of(session: Session, application_id: str) -> Loan | None:
    return session.exec(
        select(Loan).where(Loan.application_id == application_id, col(Loan.deleted).is_(False))
    ).first()


def _item_of(db: Database, code: ItemCode | str, as_of: date) -> tuple[PolicySet, PolicyItem]:
    policy_set = policy_set_in_force(db, as_of=as_of)
    member = ItemCode.from_label(str(code))
    item = policy_set.item(member) if member else None
    if item is None:
        raise NotFound(f"政策参数“{policy_set.name}”中没有“{code}”这一项，无法申请")
    return policy_set, item


def _application_item(db: Database, record: Application, as_of: date) -> PolicyItem:
    """The item as the policy set in force has it (the set may have changed since the application)."""
    return _item_of(db, record.item_code, as_of)[1]


def _next_number(session: Session, station_code: str, year: int) -> str:
    prefix = f"{station_code}-SQ{year}-"
    last = session.exec(
        select(func.max(Application.number)).where(col(Application.number).startswith(prefix))
    ).one()
    sequence = int(str(last).rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def _venture_choices(session: Session, entrepreneur_id: str) -> tuple[VentureChoice, ...]:
    ventures = session.exec(
        select(Venture)
        .where(Venture.entrepreneur_id == entrepreneur_id, col(Venture.deleted).is_(False))
        .order_by(col(Venture.created_at), col(Venture.id))
    ).all()
    choices = []
    for v in ventures:
        entity = EntityType.from_label(v.entity_type)
        stage = Stage.from_label(v.stage)
        registered = f"，{v.registration_date.isoformat()} 登记" if v.registration_date else "，未登记"
        kind = entity.label if entity else v.entity_type
        label = f"{v.name}（{kind}，{stage.label if stage else v.stage}{registered}）"
        choices.append(VentureChoice(v.id, v.name, label))
    return tuple(choices)


def venture_options(db: Database, *, entrepreneur_id: str) -> tuple[VentureChoice, ...]:
    """The person's ventures for the form's 创业主体 choice (closed ones included, marked)."""
    with db.reading() as session:
        return _venture_choices(session, entrepreneur_id)


def item_in_force(db: Database, *, item_code: ItemCode | str, as_of: date | None = None) -> PolicyItem:
    """The policy item as the set in force has it (ceilings, documents, loan terms for the form)."""
    return _item_of(db, item_code, as_of or china_today())[1]


def training_choices(db: Database, *, entrepreneur_id: str) -> tuple[TrainingChoice, ...]:
    """Classes the person completed (the training area's records), for the training-subsidy form."""
    with db.reading() as session:
        rows = (
            session.connection()
            .execute(
                text(
                    "SELECT c.id, c.class_number, c.title, e.completed_on FROM training_enrolment e "
                    "JOIN training_class c ON c.id = e.class_id "
                    "WHERE e.entrepreneur_id = :person AND e.deleted = 0 AND c.deleted = 0 "
                    "AND e.status = 'enrolled' AND e.result = 'completed' ORDER BY c.start_date DESC"
                ),
                {"person": entrepreneur_id},
            )
            .all()
        )
    return tuple(
        TrainingChoice(
            str(row[0]),
            f"{row[2]}（第 {row[1]} 期）",
            row[3] if isinstance(row[3], date) or row[3] is None else date.fromisoformat(str(row[3])),
        )
        for row in rows
    )


def _latest_loan_interest(session: Session, entrepreneur_id: str) -> int | None:
    loan = session.exec(
        select(Loan)
        .join(Application, col(Application.id) == Loan.application_id)
        .where(
            Loan.entrepreneur_id == entrepreneur_id,
            col(Loan.deleted).is_(False),
            col(Application.deleted).is_(False),
            Application.status == ApplicationStatus.DISBURSED.value,
        )
        .order_by(col(Loan.start_date).desc())
    ).first()
    if loan is None:
        return None
    return interest_subsidy_fen(
        amount_fen=loan.amount_fen,
        annual_rate_bp=loan.annual_rate_bp,
        share_pct=loan.subsidy_share_pct,
        months=loan.term_months,
    )


def _loan_defaults(
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


# ---------------------------------------------------------------------------------------------- proposal
def propose_application(
    db: Database,
    *,
    entrepreneur_id: str,
    item_code: ItemCode | str,
    as_of: date | None = None,
    venture_id: str | None = None,
    social_insurance_months: int | None = None,
    partners: int | None = None,
) -> Proposal:
    """A new application's values, pre-filled: venture, amount within the ceiling, checklist, loan terms."""
    day = as_of or china_today()
    policy_set, item = _item_of(db, item_code, day)
    with db.reading() as session:
        person, facts, open_applications = person_facts(session, entrepreneur_id, as_of=day)
        if social_insurance_months is not None:
            facts = facts_with(facts, social_insurance_months=social_insurance_months)
        if partners is not None:
            facts = facts_with(facts, partners=partners)
        answer = evaluate_item(item, facts, day, venture_id=venture_id)
        interest = (
            _latest_loan_interest(session, entrepreneur_id)
            if item.code is ItemCode.LOAN_INTEREST_SUBSIDY
            else None
        )
        ventures = _venture_choices(session, entrepreneur_id)
    amount = proposed_amount(item, facts=facts, loan_interest_fen=interest)
    ceiling = loan_ceiling(item, facts.partners)
    waived = counter_guarantee_waived(item, facts.key_groups)
    return Proposal(
        entrepreneur_id=person.id,
        name=person.name,
        item=item,
        answer=answer,
        policy_set=PolicySetInfo.of(policy_set, builtin=policy_set is default_policy_set()),
        venture_id=venture_id or answer.venture_id,
        ventures=ventures,
        trainings=training_choices(db, entrepreneur_id=entrepreneur_id)
        if item.code is ItemCode.TRAINING_SUBSIDY
        else (),
        amount_fen=amount,
        ceiling_fen=ceiling,
        documents=item.documents,
        open_application=open_applications.get(item.code),
        loan=_loan_defaults(item, amount, waived, None) if item.is_loan else None,
    )


def _refuse_open_or_received(
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


def _check_input(session: Session, entrepreneur_id: str, item: PolicyItem, data: ApplicationInput) -> None:
    if data.venture_id is not None:
        venture = session.get(Venture, data.venture_id)
        if venture is None or venture.deleted or venture.entrepreneur_id != entrepreneur_id:
            raise ValidationError("创业主体", data.venture_id, "所选创业主体不属于该档案或已删除，请重新选择")
    if data.partners is not None:
        limit = item.loan.max_partners if item.loan and item.loan.max_partners else 100
        if not 2 <= data.partners <= limit:
            raise ValidationError(
                "合伙人数", data.partners, f"合伙人数 {data.partners} 应在 2 到 {limit} 人之间"
            )
    if data.social_insurance_months is not None and not 0 <= data.social_insurance_months <= 600:
        raise ValidationError(
            "社会保险缴费月数", data.social_insurance_months, "社会保险缴费月数应在 0 到 600 之间"
        )
    if len(data.notes) > 1000:
        raise ValidationError("备注", data.notes, f"备注过长：{len(data.notes)} 个字，最多 1000 个字")


# ------------------------------------------------------------------------------------------------ writes
def create_application(
    db: Database,
    *,
    actor: Actor,
    entrepreneur_id: str,
    item_code: ItemCode | str,
    data: ApplicationInput = ApplicationInput(),
    loan: LoanInput | None = None,
    documents_ticked: Sequence[str] = (),
    today: date | None = None,
) -> str:
    """Open a draft application; refuses a second open one for the item, a one-time subsidy already
    received, an item the person is not eligible for, and an amount above the ceiling."""
    day = today or china_today()
    policy_set, item = _item_of(db, item_code, day)
    with db.transaction() as session:
        person, facts, _ = person_facts(session, entrepreneur_id, as_of=day)
        _refuse_open_or_received(session, entrepreneur_id, item, open_too=True)
        _check_input(session, entrepreneur_id, item, data)
        if data.social_insurance_months is not None:
            facts = facts_with(facts, social_insurance_months=data.social_insurance_months)
        if data.partners is not None:
            facts = facts_with(facts, partners=data.partners)
        answer = evaluate_item(item, facts, day, venture_id=data.venture_id)
        if answer.eligibility is Eligibility.NOT_ELIGIBLE:
            reasons = "；".join(r.text for r in answer.failed[:3])
            raise NotAllowed(f"{person.name} 不符合{item.name}的条件：{reasons}")
        interest = (
            _latest_loan_interest(session, entrepreneur_id)
            if item.code is ItemCode.LOAN_INTEREST_SUBSIDY
            else None
        )
        amount = (
            data.amount_fen
            if data.amount_fen is not None
            else proposed_amount(item, facts=facts, loan_interest_fen=interest)
        )
        if loan is not None and loan.amount_fen is not None and item.is_loan:
            amount = loan.amount_fen
        check_amount(item, amount, partners=facts.partners)
        documents = check_documents(list(item.documents), list(documents_ticked))
        operation = Operation(session, actor, f"新建 {person.name} 的{item.name}申请")
        record = Application(
            station_code=actor.station_code,
            updated_by=actor.user_name,
            number=_next_number(session, actor.station_code, day.year),
            entrepreneur_id=entrepreneur_id,
            venture_id=data.venture_id or answer.venture_id,
            item_code=item.code.value,
            item_name=item.name,
            policy_set_id=policy_set.id,
            policy_set_version=policy_set.version,
            policy_source=item.source[:100],
            status=ApplicationStatus.DRAFT.value,
            status_on=day,
            status_by=actor.user_name,
            applied_on=day,
            amount_fen=amount,
            ceiling_fen=loan_ceiling(item, facts.partners),
            documents_required=list(item.documents),
            documents_ticked=documents,
            social_insurance_months=data.social_insurance_months,
            partners=data.partners,
            training_class_id=data.training_class_id,
            notes=normalise_text(data.notes) if data.notes else "",
        )
        operation.create(record, subject_id=entrepreneur_id)
        _add_step(operation, record, None, ApplicationStatus.DRAFT, on=day, note="")
        if item.is_loan:
            terms = _loan_defaults(item, amount, answer.counter_guarantee_waived, loan)
            loan_data = _validated_loan(item, terms, amount, facts.partners)
            operation.create(
                Loan(
                    station_code=actor.station_code,
                    updated_by=actor.user_name,
                    application_id=record.id,
                    entrepreneur_id=entrepreneur_id,
                    **_loan_columns(loan_data),
                ),
                subject_id=entrepreneur_id,
            )
        return record.id


def _validated_loan(item: PolicyItem, terms: LoanInput, amount_fen: int, partners: int | None) -> Any:
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


def _loan_columns(data: Any) -> dict[str, Any]:
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


def _add_step(
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


def update_application(
    db: Database,
    *,
    actor: Actor,
    application_id: str,
    data: ApplicationInput,
    loan: LoanInput | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> bool:
    """Save the form of a draft or returned application (and its loan's terms, in the same operation).
    Returns whether anything changed."""
    day = today or china_today()
    with db.transaction() as session:
        record = _live(session, application_id)
        status = ApplicationStatus(record.status)
        if status not in EDITABLE_STATUSES:
            raise NotAllowed(f"申请 {record.number} 已“{status.label}”，只有草稿或已退回的申请可以修改")
        if expected_version is not None and record.version != expected_version:
            raise Conflict(
                f"申请 {record.number} 在您编辑期间已被修改（{record.updated_by}），请重新打开后再改"
            )
        item = _application_item(db, record, day)
        _check_input(session, record.entrepreneur_id, item, data)
        ceiling = loan_ceiling(item, data.partners)
        amount = data.amount_fen if data.amount_fen is not None else record.amount_fen
        stored_loan = _loan_of(session, record.id)
        if loan is not None and loan.amount_fen is not None and stored_loan is not None:
            amount = loan.amount_fen
        check_amount(item, amount, partners=data.partners)
        loan_values: dict[str, Any] | None = None
        if stored_loan is not None:
            terms = _loan_terms(stored_loan, loan or LoanInput(bank=stored_loan.bank), amount)
            loan_values = _loan_columns(_validated_loan(item, terms, amount, data.partners))
        operation = Operation(session, actor, f"修改{record.item_name}申请 {record.number}")
        operation.update(
            record,
            {
                "venture_id": data.venture_id,
                "amount_fen": amount,
                "ceiling_fen": ceiling,
                "social_insurance_months": data.social_insurance_months,
                "partners": data.partners,
                "training_class_id": data.training_class_id,
                "notes": normalise_text(data.notes) if data.notes else "",
            },
            subject_id=record.entrepreneur_id,
        )
        if stored_loan is not None and loan_values is not None:
            operation.update(stored_loan, loan_values, subject_id=record.entrepreneur_id)
        return bool(operation.changes)


def _loan_terms(stored: Loan, loan: LoanInput, amount_fen: int) -> LoanInput:
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


def set_document(
    db: Database, *, actor: Actor, application_id: str, document: str, ticked: bool
) -> list[str]:
    """Tick (or untick) a document of the checklist; returns the ticked documents."""
    with db.transaction() as session:
        record = _live(session, application_id)
        status = ApplicationStatus(record.status)
        if status in (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED):
            raise NotAllowed(f"申请 {record.number} 已“{status.label}”，材料清单不能再改")
        wanted = [d for d in record.documents_ticked if d != document] + ([document] if ticked else [])
        documents = check_documents(list(record.documents_required), wanted)
        verb = "收到" if ticked else "取消"
        Operation(session, actor, f"{verb}材料“{document}”（{record.number}）").update(
            record, {"documents_ticked": documents}, subject_id=record.entrepreneur_id
        )
        return documents


def _submission_problems(
    db: Database, session: Session, record: Application, item: PolicyItem, on: date
) -> list[str]:
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
        loan = _loan_of(session, record.id)
        if loan is None or not loan.bank:
            problems.append("请填写经办银行")
    return problems


def advance_application(
    db: Database,
    *,
    actor: Actor,
    application_id: str,
    to: ApplicationStatus | str,
    on: date | None = None,
    note: str = "",
) -> ApplicationView:
    """Move an application one step; refuses a step the workflow does not allow, and names what is missing."""
    day = on or china_today()
    to = ApplicationStatus(to)
    note = normalise_text(note) if note else ""
    with db.transaction() as session:
        record = _live(session, application_id)
        current = ApplicationStatus(record.status)
        action = check_transition(current, to)
        if day < record.status_on:
            raise ValidationError(
                "办理日期", day, f"办理日期 {day.isoformat()} 早于上一步的日期 {record.status_on.isoformat()}"
            )
        item = _application_item(db, record, day)
        values: dict[str, Any] = {"status": to.value, "status_on": day, "status_by": actor.user_name}
        if to is ApplicationStatus.RETURNED:
            if not note:
                raise ValidationError("退回原因", note, "退回申请时请填写退回原因，便于申请人补正")
            values["returned_reason"] = note[:500]
        if to is ApplicationStatus.SUBMITTED:
            problems = _submission_problems(db, session, record, item, day)
            if problems:
                raise NotAllowed(f"申请 {record.number} 还不能提交：" + "；".join(problems))
            values["submitted_on"] = day
        if to is ApplicationStatus.APPROVED:
            values["approved_on"] = day
        operation = Operation(session, actor, f"{action}{record.item_name}申请 {record.number}")
        if to is ApplicationStatus.DISBURSED:
            _refuse_open_or_received(session, record.entrepreneur_id, item, exclude=record.id, open_too=False)
            values["disbursed_on"] = day
            loan = _loan_of(session, record.id)
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
        _add_step(operation, record, current, to, on=day, note=note)
    return get_application(db, actor=actor, application_id=application_id, reveal=False)


def delete_application(db: Database, *, actor: Actor, application_id: str) -> str:
    """Send a draft or returned application to the recycle bin; returns its number."""
    with db.transaction() as session:
        record = _live(session, application_id)
        status = ApplicationStatus(record.status)
        if status not in EDITABLE_STATUSES:
            raise NotAllowed(f"申请 {record.number} 已“{status.label}”，只能删除草稿或已退回的申请")
        operation = Operation(session, actor, f"删除{record.item_name}申请 {record.number}")
        operation.set_deleted(record, True, subject_id=record.entrepreneur_id)
        loan = _loan_of(session, record.id)
        if loan is not None:
            operation.set_deleted(loan, True, subject_id=record.entrepreneur_id)
        return record.number


def restore_application(db: Database, *, actor: Actor, application_id: str) -> str:
    with db.transaction() as session:
        record = _get(session, application_id)
        if not record.deleted:
            return record.number
        item = _application_item(db, record, china_today())
        _refuse_open_or_received(session, record.entrepreneur_id, item, exclude=record.id, open_too=True)
        operation = Operation(session, actor, f"恢复{record.item_name}申请 {record.number}")
        operation.set_deleted(record, False, subject_id=record.entrepreneur_id)
        loan = session.exec(select(Loan).where(Loan.application_id == record.id)).first()
        if loan is not None:
            operation.set_deleted(loan, False, subject_id=record.entrepreneur_id)
        return record.number


# -------------------------------------------------------------------------------------------------- loans
def save_loan(
    db: Database, *, actor: Actor, application_id: str, loan: LoanInput, today: date | None = None
) -> bool:
    """Record the loan's terms (before it is disbursed): bank, amount, term, rate, share, guarantee."""
    day = today or china_today()
    with db.transaction() as session:
        record = _live(session, application_id)
        stored = _loan_of(session, record.id)
        if stored is None:
            raise NotFound(f"申请 {record.number} 不是贷款申请")
        if record.status == ApplicationStatus.DISBURSED.value:
            raise NotAllowed(f"贷款 {record.number} 已发放，只能办理展期、无还本续贷或结清")
        item = _application_item(db, record, day)
        amount = loan.amount_fen if loan.amount_fen is not None else stored.amount_fen
        terms = _loan_terms(stored, loan, amount)
        data = _validated_loan(item, terms, record.amount_fen, record.partners)
        operation = Operation(session, actor, f"登记贷款信息（{record.number}）")
        operation.update(stored, _loan_columns(data), subject_id=record.entrepreneur_id)
        if record.amount_fen != data.amount_fen:
            operation.update(record, {"amount_fen": data.amount_fen}, subject_id=record.entrepreneur_id)
        return bool(operation.changes)


def _disbursed_loan(session: Session, application_id: str) -> tuple[Application, Loan]:
    record = _live(session, application_id)
    loan = _loan_of(session, record.id)
    if loan is None:
        raise NotFound(f"申请 {record.number} 不是贷款申请")
    if record.status != ApplicationStatus.DISBURSED.value:
        raise NotAllowed(f"贷款 {record.number} 尚未发放（{ApplicationStatus(record.status).label}）")
    if loan.repaid_on is not None:
        raise NotAllowed(f"贷款 {record.number} 已于 {loan.repaid_on.isoformat()} 结清")
    return record, loan


def extend_loan(
    db: Database, *, actor: Actor, application_id: str, months: int, on: date | None = None
) -> date:
    """展期: move the due date by ``months``; at most one year in total (推进行动 计划5).

    Returns the new due date."""
    day = on or china_today()
    with db.transaction() as session:
        record, loan = _disbursed_loan(session, application_id)
        item = _application_item(db, record, day)
        total = check_extension(item, already=loan.extension_months, months=months)
        due = final_due_date(loan.due_date, total)
        Operation(session, actor, f"贷款展期 {months} 个月（{record.number}）").update(
            loan, {"extension_months": total, "final_due_date": due}, subject_id=record.entrepreneur_id
        )
        assert due is not None
        return due


def renew_loan(
    db: Database, *, actor: Actor, application_id: str, on: date | None = None, term_months: int | None = None
) -> date:
    """无还本续贷 (5号文 (十六)): a new term from the due date, if the person is still eligible on ``on``."""
    day = on or china_today()
    with db.transaction() as session:
        record, loan = _disbursed_loan(session, application_id)
        item = _application_item(db, record, day)
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


def repay_loan(db: Database, *, actor: Actor, application_id: str, on: date | None = None) -> None:
    day = on or china_today()
    with db.transaction() as session:
        record, loan = _disbursed_loan(session, application_id)
        if loan.start_date and day < loan.start_date:
            raise ValidationError(
                "结清日期", day, f"结清日期 {day.isoformat()} 早于起贷日期 {loan.start_date.isoformat()}"
            )
        Operation(session, actor, f"贷款结清（{record.number}）").update(
            loan, {"repaid_on": day}, subject_id=record.entrepreneur_id
        )


# -------------------------------------------------------------------------------------------------- reads
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


def get_application(
    db: Database, *, actor: Actor, application_id: str, reveal: bool = False
) -> ApplicationView:
    """One application with its steps and loan; ID number and phone unmasked only when asked and allowed
    (each such view is logged)."""
    unmasked = reveal and actor.can_see_personal_data
    with db.transaction() as session:
        record = _get(session, application_id)
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
        )


def search_application_ids(db: Database, query: ApplicationQuery = ApplicationQuery()) -> list[str]:
    """Ids of the applications the list shows, newest first."""
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
    with db.engine.connect() as connection:
        return [row[0] for row in connection.execute(text(sql), params)]


def fetch_application_rows(db: Database, ids: Sequence[str]) -> list[ApplicationRow]:
    """List rows for a page of ids, in the order given (masked personal data)."""
    if not ids:
        return []
    with db.reading() as session:
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


def applications_of(db: Database, *, entrepreneur_id: str) -> list[ApplicationRow]:
    return fetch_application_rows(
        db, search_application_ids(db, ApplicationQuery(entrepreneur_id=entrepreneur_id))
    )


def count_by_status(db: Database) -> dict[ApplicationStatus, int]:
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


def loans_due(db: Database, *, today: date, within_days: int = 60) -> list[LoanDue]:
    """Disbursed loans not yet repaid whose (extended) due date is within ``within_days`` or past."""
    horizon = today + timedelta(days=within_days)
    with db.reading() as session:
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


def approved_in_month(db: Database, *, month: date) -> list[str]:
    """Applications approved in the month (still approved, or disbursed since), by approval date."""
    start = month.replace(day=1)
    with db.reading() as session:
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


# ----------------------------------------------------------------------------------------------- printing
def _person_block(person: Entrepreneur, *, redacted: bool) -> ApplicantBlock:
    education = Education.from_label(person.education) if person.education else None
    graduation = person.graduation_date
    return ApplicantBlock(
        name=person.name,
        sex=Sex(person.sex).label,
        birth_date=format_date_cn(person.birth_date),
        id_number=mask_id_number(person.id_number) if redacted else person.id_number,
        phone=(mask_phone(person.phone) if redacted else person.phone) if person.phone else "",
        key_groups="、".join(g.label for g in key_groups_from_bits(person.key_groups)),
        education=education.label if education else "",
        graduation=f"{graduation.year}年{graduation.month}月" if graduation else "",
        household=(region_name(person.household_region) or person.household_region)
        if person.household_region
        else "",
        address=person.address,
    )


def _venture_block(venture: Venture | None) -> VentureBlock | None:
    if venture is None:
        return None
    entity = EntityType.from_label(venture.entity_type)
    industry = f"{venture.industry} {INDUSTRY_SECTIONS[venture.industry]}" if venture.industry else ""
    return VentureBlock(
        name=venture.name,
        entity_type=entity.label if entity else venture.entity_type,
        credit_code=venture.credit_code or "",
        registration_date=format_date_cn(venture.registration_date) if venture.registration_date else "",
        industry=industry,
        address=venture.address,
        jobs_created=f"{venture.jobs_created} 人",
    )


def _loan_block(loan: Loan | None) -> LoanBlock | None:
    if loan is None:
        return None
    extension = (
        f"{loan.extension_months} 个月（至 {format_date_cn(loan.final_due_date)}）"
        if loan.extension_months
        else "无"
    )
    return LoanBlock(
        bank=loan.bank,
        amount_fen=loan.amount_fen,
        term=f"{loan.term_months} 个月",
        rate=rate_text(loan.annual_rate_bp),
        subsidy_share=f"{loan.subsidy_share_pct}%",
        start_date=format_date_cn(loan.start_date) if loan.start_date else "",
        due_date=format_date_cn(loan.due_date) if loan.due_date else "",
        extension=extension,
        renewals=f"{loan.renewals} 次" if loan.renewals else "无",
        counter_guarantee="免除反担保" if loan.counter_guarantee_waived else "需提供反担保",
    )


@dataclass
class _PrintContext:
    """What forms share in one print job: the station, the policy book, rosters by class."""

    db: Database
    station_name: str
    book: PolicyBook
    rosters: dict[str, tuple[str, tuple[RosterLine, ...], str]]


def _policy_item_for(ctx: _PrintContext, record: Application) -> PolicyItem | None:
    policy_set = ctx.book.in_force(record.applied_on, record.station_code[:6])
    exact = next(
        (s for s in ctx.book.sets if s.id == record.policy_set_id and s.version == record.policy_set_version),
        policy_set,
    )
    item_code = ItemCode.from_label(record.item_code)
    return exact.item(ItemCode(item_code)) if exact is not None and item_code else None


def _example_notice(ctx: _PrintContext, record: Application) -> str:
    for policy_set in ctx.book.sets:
        if policy_set.id == record.policy_set_id and policy_set.version == record.policy_set_version:
            return "本表依据示例政策参数生成，金额和条件请按当地政策确认。" if policy_set.example else ""
    return ""


def _extra_rows(ctx: _PrintContext, session: Session, record: Application) -> tuple[tuple[str, str], ...]:
    item = _policy_item_for(ctx, record)
    code = ItemCode.from_label(record.item_code)
    rows: list[tuple[str, str]] = []
    if code is ItemCode.SOCIAL_INSURANCE_SUBSIDY:
        months = record.social_insurance_months
        rows.append(("已缴社会保险", f"{months} 个月" if months is not None else ""))
        if item is not None and item.per_month_fen is not None:
            rows.append(("每月补贴标准", format_yuan(item.per_month_fen)))
            rows.append(("最长补贴月数", f"{item.max_months} 个月"))
    elif code is ItemCode.LOAN_PARTNERSHIP:
        rows.append(("合伙人数", f"{record.partners} 人" if record.partners else ""))
    elif code is ItemCode.INCUBATOR_SPACE and item is not None and item.max_months:
        rows.append(("免费入驻期限", f"不超过 {item.max_months} 个月"))
    elif code is ItemCode.LOAN_INTEREST_SUBSIDY:
        loan = session.exec(
            select(Loan)
            .join(Application, col(Application.id) == Loan.application_id)
            .where(
                Loan.entrepreneur_id == record.entrepreneur_id,
                col(Loan.deleted).is_(False),
                Application.status == ApplicationStatus.DISBURSED.value,
            )
            .order_by(col(Loan.start_date).desc())
        ).first()
        if loan is not None:
            rows.append(
                (
                    "贴息计算",
                    f"贷款 {format_yuan(loan.amount_fen)} × 年利率 {rate_text(loan.annual_rate_bp)} × "
                    f"贴息 {loan.subsidy_share_pct}% × {loan.term_months} 个月",
                )
            )
    return tuple(rows)


def _training_block(
    ctx: _PrintContext, session: Session, record: Application, *, redacted: bool
) -> TrainingBlock | None:
    if ItemCode.from_label(record.item_code) is not ItemCode.TRAINING_SUBSIDY:
        return None
    class_id = record.training_class_id
    if not class_id:
        return TrainingBlock(class_label="（未选择培训班）", completed_on="")
    key = f"{class_id}:{redacted}"
    if key not in ctx.rosters:
        ctx.rosters[key] = _roster(ctx.db, session, class_id, redacted=redacted)
    label, roster, note = ctx.rosters[key]
    completed = (
        session.connection()
        .execute(
            text(
                "SELECT completed_on FROM training_enrolment WHERE class_id = :c AND entrepreneur_id = :p "
                "AND deleted = 0"
            ),
            {"c": class_id, "p": record.entrepreneur_id},
        )
        .scalar()
    )
    completed_on = (
        completed if isinstance(completed, date) or completed is None else date.fromisoformat(str(completed))
    )
    return TrainingBlock(
        class_label=label,
        completed_on=format_date_cn(completed_on) if completed_on else "",
        roster=roster,
        roster_note=note,
    )


def _roster(
    db: Database, session: Session, class_id: str, *, redacted: bool
) -> tuple[str, tuple[RosterLine, ...], str]:
    """The class's 花名册 from the training area (``completed_trainees``), masked in the redacted profile."""
    row = (
        session.connection()
        .execute(text("SELECT title, class_number FROM training_class WHERE id = :c"), {"c": class_id})
        .first()
    )
    label = f"{row[0]}（第 {row[1]} 期）" if row else class_id
    try:
        from desktop.services.training import completed_trainees
    except ImportError:  # the training area is not installed: the roster is attached by hand
        return label, (), "花名册请另行附上（本程序未安装培训模块）。"
    try:
        trainees = completed_trainees(db, class_id=class_id)
    except NotFound:
        return label, (), "花名册：找不到该培训班，请另行附上。"
    lines = tuple(
        RosterLine(
            number=str(index),
            name=t.name,
            sex=t.sex,
            id_number=mask_id_number(t.id_number) if redacted else t.id_number,
            phone=(mask_phone(t.phone) if redacted else t.phone) if t.phone else "",
            key_groups="、".join(t.key_groups),
            hours=f"{t.attended_hours}/{t.required_hours}",
            certificate=t.certificate_number,
        )
        for index, t in enumerate(trainees, start=1)
    )
    return label, lines, f"共 {len(lines)} 人结业。"


def _form_data(
    ctx: _PrintContext,
    session: Session,
    record: Application,
    *,
    redacted: bool,
    related: tuple[dict[str, Entrepreneur], dict[str, Venture], dict[str, Loan]] | None = None,
) -> ApplicationForm:
    if related is None:
        related = _related(session, [record])
    people, ventures, loans = related
    person = people.get(record.entrepreneur_id)
    if person is None:
        raise NotFound(f"申请 {record.number} 的档案不存在")
    venture = ventures.get(record.venture_id) if record.venture_id else None
    loan = loans.get(record.id)
    code = ItemCode.from_label(record.item_code)
    money_item = code is not ItemCode.INCUBATOR_SPACE
    return ApplicationForm(
        record_id=record.id,
        number=record.number,
        item_code=record.item_code,
        item_name=record.item_name,
        policy_source=record.policy_source,
        policy_set=f"{record.policy_set_id} 第 {record.policy_set_version} 版",
        example_notice=_example_notice(ctx, record),
        station_name=ctx.station_name,
        applied_on=record.applied_on,
        applicant=_person_block(person, redacted=redacted),
        venture=_venture_block(venture),
        amount_fen=record.amount_fen,
        ceiling_fen=record.ceiling_fen,
        money_item=money_item,
        documents=tuple((name, name in record.documents_ticked) for name in record.documents_required),
        extra=_extra_rows(ctx, session, record),
        loan=_loan_block(loan),
        training=_training_block(ctx, session, record, redacted=redacted),
        notes=record.notes,
        redacted=redacted,
        review_box="经办银行意见" if code in LOAN_ITEMS else "人社部门审核意见",
    )


def _related(
    session: Session, records: Sequence[Application]
) -> tuple[dict[str, Entrepreneur], dict[str, Venture], dict[str, Loan]]:
    """The people, ventures and loans of a batch of applications: three queries for the whole batch."""
    people: dict[str, Entrepreneur] = {}
    ventures: dict[str, Venture] = {}
    loans: dict[str, Loan] = {}
    for start in range(0, len(records), 500):
        chunk = records[start : start + 500]
        person_ids = {r.entrepreneur_id for r in chunk}
        venture_ids = {r.venture_id for r in chunk if r.venture_id}
        for person in session.exec(select(Entrepreneur).where(col(Entrepreneur.id).in_(person_ids))).all():
            people[person.id] = person
        if venture_ids:
            for venture in session.exec(select(Venture).where(col(Venture.id).in_(venture_ids))).all():
                ventures[venture.id] = venture
        for loan in session.exec(
            select(Loan).where(
                col(Loan.application_id).in_([r.id for r in chunk]), col(Loan.deleted).is_(False)
            )
        ).all():
            loans[loan.application_id] = loan
    return people, ventures, loans


def _print_context(db: Database) -> _PrintContext:
    with db.reading() as session:
        station = get_station(session=session)
    return _PrintContext(db=db, station_name=station.name, book=policy_book(db), rosters={})


def application_forms(
    db: Database, *, application_ids: Sequence[str], redacted: bool, job: JobState = UNWATCHED
) -> list[ApplicationForm]:
    """The printed content of each application (one query per table, not per form)."""
    ctx = _print_context(db)
    forms: list[ApplicationForm] = []
    with db.reading() as session:
        records: dict[str, Application] = {}
        wanted = list(dict.fromkeys(application_ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for r in session.exec(select(Application).where(col(Application.id).in_(chunk))).all():
                records[r.id] = r
        missing = next((i for i in wanted if i not in records), None)
        if missing is not None:
            raise NotFound(f"找不到申请 {missing}")
        related = _related(session, list(records.values()))
        for index, application_id in enumerate(application_ids):
            if index % 50 == 0:
                job.report(index, len(application_ids), "正在准备申请表……")
            forms.append(
                _form_data(ctx, session, records[application_id], redacted=redacted, related=related)
            )
    return forms


def print_applications(
    db: Database,
    *,
    actor: Actor,
    application_ids: Sequence[str],
    out: Path,
    redacted: bool = False,
    title: str = "申请表",
    job: JobState = UNWATCHED,
) -> tuple[int, int]:
    """Print applications into one PDF; returns (forms, pages). Without the right to see personal data
    the redacted profile is used. Every print is logged."""
    redacted = redacted or not actor.can_see_personal_data
    forms = application_forms(db, application_ids=application_ids, redacted=redacted, job=job)
    total = len(forms)

    def progress(done: int) -> None:
        if done % 20 == 0 or done == total:
            job.report(done, total, f"正在生成 PDF（{done}/{total}）……")

    count, pages = write_application_forms(out, forms, title=title, progress=progress)
    with db.transaction() as session:
        Operation(session, actor, "打印申请表").log_access(
            "print",
            KIND,
            application_ids[0] if len(application_ids) == 1 else "",
            f"{out.name}：{count} 份 {pages} 页，{'脱敏件' if redacted else '含身份证号码和电话'}",
        )
    return count, pages


def print_application(
    db: Database, *, actor: Actor, application_id: str, out: Path, redacted: bool = False
) -> int:
    """One application's form; returns the number of pages."""
    with db.reading() as session:
        record = _get(session, application_id)
    title = f"{record.item_name}申请表 {record.number}"
    return print_applications(
        db, actor=actor, application_ids=[application_id], out=out, redacted=redacted, title=title
    )[1]


def print_approved_month(
    db: Database, *, actor: Actor, month: date, out: Path, redacted: bool = False, job: JobState = UNWATCHED
) -> tuple[int, int]:
    """All applications approved in ``month`` in one PDF (one print job); returns (forms, pages)."""
    ids = approved_in_month(db, month=month)
    if not ids:
        raise NotFound(f"{month.year}年{month.month}月没有已批准的申请")
    title = f"{month.year}年{month.month}月已批准的申请表"
    return print_applications(
        db, actor=actor, application_ids=ids, out=out, redacted=redacted, title=title, job=job
    )


# ----------------------------------------------------------------------------------------------- checking
PAYLOAD_PATTERN = re.compile(
    r"DOORSTEP:\d+:[a-z][a-z0-9_]{0,39}:[0-9A-Za-z][0-9A-Za-z_.\-]{0,63}:[0-9A-Fa-f]{16}"
)


@dataclass(frozen=True)
class VerifyResult:
    payload: str
    record_id: str
    number: str
    printed_digest: str
    current_digest: str
    matches: bool
    message: str


def verify_payload(db: Database, *, payload: str) -> VerifyResult:
    """Compare a printout's code with what the form would print today from the record."""
    parsed = parse_qr_payload(payload)
    if parsed.kind not in (FORM_KIND, REDACTED_KIND):
        raise ValidationError("二维码", payload, f"二维码表格类型“{parsed.kind}”不是补贴或贷款申请表")
    with db.reading() as session:
        record = session.get(Application, parsed.record_id)
    if record is None:
        return VerifyResult(
            payload,
            parsed.record_id,
            "",
            parsed.digest,
            "",
            False,
            "找不到这份申请：记录不存在或来自其他服务站",
        )
    form = application_forms(db, application_ids=[record.id], redacted=parsed.kind == REDACTED_KIND)[0]
    current = form_digest(record.id, printed_fields(form))
    if record.deleted:
        message = f"申请 {record.number} 已删除（在回收站中）"
        return VerifyResult(payload, record.id, record.number, parsed.digest, current, False, message)
    if current == parsed.digest:
        message = (
            f"一致：打印件与申请 {record.number} 的当前记录相符"
            f"（{record.item_name}，{format_yuan(record.amount_fen)}，{ApplicationStatus(record.status).label}）"
        )
        return VerifyResult(payload, record.id, record.number, parsed.digest, current, True, message)
    message = (
        f"不一致：申请 {record.number} 在打印后已修改，或打印件被改动；请以系统记录为准"
        f"（{record.item_name}，{form.applicant.name}，{format_yuan(record.amount_fen)}，"
        f"{ApplicationStatus(record.status).label}）"
    )
    return VerifyResult(payload, record.id, record.number, parsed.digest, current, False, message)


def payloads_in(text_content: str) -> list[str]:
    """The form codes printed in a text (e.g. what ``pdftotext`` reads from a PDF), in order, once each."""
    found: list[str] = []
    for match in PAYLOAD_PATTERN.finditer(text_content):
        if match.group() not in found:
            found.append(match.group())
    return found


def verify_pdf(db: Database, *, path: Path) -> list[VerifyResult]:
    """Read the codes printed on a PDF's forms (via ``pdftotext``) and check each."""
    try:
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise DoorstepError(
            "找不到 pdftotext（poppler-utils），无法读取 PDF；可直接输入二维码内容核对"
        ) from None
    if result.returncode != 0:
        raise ValidationError(
            "PDF 文件",
            str(path),
            f"无法读取 PDF 文件 {path.name}：{result.stderr.decode('utf-8', 'replace').strip()}",
        )
    payloads = payloads_in(result.stdout.decode("utf-8", "replace"))
    if not payloads:
        raise NotFound(f"{path.name} 中没有找到本系统打印的表格编码")
    return [verify_payload(db, payload=p) for p in payloads]


# ------------------------------------------------------------------------------------------------ export
EXPORT_COLUMNS = [
    XlsxColumn("申请编号", 22),
    XlsxColumn("姓名", 10),
    XlsxColumn("身份证号码", 21),
    XlsxColumn("联系电话", 14),
    XlsxColumn("政策项目", 22),
    XlsxColumn("创业主体", 22),
    XlsxColumn("申请金额（元）", 14, "money"),
    XlsxColumn("状态", 8),
    XlsxColumn("申请日期", 12, "date"),
    XlsxColumn("提交日期", 12, "date"),
    XlsxColumn("批准日期", 12, "date"),
    XlsxColumn("发放日期", 12, "date"),
    XlsxColumn("最近办理人", 12),
    XlsxColumn("政策依据", 22),
    XlsxColumn("经办银行", 18),
    XlsxColumn("贷款期限（月）", 10, "int"),
    XlsxColumn("到期日期", 12, "date"),
    XlsxColumn("材料", 10),
]


def export_applications(
    db: Database, *, actor: Actor, out: Path, month: date | None = None, reveal: bool = False
) -> int:
    """The applications ledger (台账) as xlsx; ID numbers and phones masked unless revealed and allowed."""
    unmasked = reveal and actor.can_see_personal_data
    ids = search_application_ids(db, ApplicationQuery(month=month))
    with db.reading() as session:
        station = get_station(session=session)
        records = session.exec(
            select(Application, Entrepreneur)
            .join(Entrepreneur, col(Entrepreneur.id) == Application.entrepreneur_id)
            .where(col(Application.deleted).is_(False))
        ).all()
        loans = {
            loan.application_id: loan
            for loan in session.exec(select(Loan).where(col(Loan.deleted).is_(False))).all()
        }
        ventures = dict(session.exec(select(Venture.id, Venture.name)).all())
    by_id = {a.id: (a, p) for a, p in records}

    def rows() -> Iterator[list[object]]:
        for application_id in ids:
            a, p = by_id[application_id]
            loan = loans.get(a.id)
            yield [
                a.number,
                p.name,
                p.id_number if unmasked else mask_id_number(p.id_number),
                (p.phone if unmasked else mask_phone(p.phone)) if p.phone else "",
                a.item_name,
                ventures.get(a.venture_id or "", ""),
                a.amount_fen,
                ApplicationStatus(a.status).label,
                a.applied_on,
                a.submitted_on,
                a.approved_on,
                a.disbursed_on,
                a.status_by,
                a.policy_source,
                loan.bank if loan else "",
                loan.term_months if loan else None,
                loan.final_due_date if loan else None,
                f"{len(a.documents_ticked)}/{len(a.documents_required)}",
            ]

    period = f"（{month.year}年{month.month}月申请）" if month else ""
    title = f"{station.name} 补贴和贷款申请台账{period}"
    count = write_table(out, sheet_title="申请台账", columns=EXPORT_COLUMNS, rows=rows(), title=title)
    with db.transaction() as session:
        Operation(session, actor, "导出申请台账").log_access(
            "export",
            KIND,
            "",
            f"{out.name}：{count} 行，{'未遮盖' if unmasked else '已遮盖'}身份证号码和电话",
        )
    return count


# --------------------------------------------------------------------------------- workbench and timeline
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


def loan_tasks(db: Database, actor: Actor, today: date) -> list[Task]:
    """Loans due within 60 days (or overdue) on the workbench."""
    tasks = []
    for loan in loans_due(db, today=today, within_days=60):
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


def waiting_tasks(db: Database, actor: Actor, today: date) -> list[Task]:
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


def month_figures(db: Database, today: date) -> list[Figure]:
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


def timeline_entries(db: Database, entrepreneur_id: str) -> list[TimelineEntry]:
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


def register() -> None:
    """Put loans due and waiting applications on the workbench and steps on the timeline (once)."""
    for source in (loan_tasks, waiting_tasks):
        if source not in workbench.TASK_SOURCES:
            workbench.TASK_SOURCES.append(source)
    if month_figures not in workbench.FIGURE_SOURCES:
        workbench.FIGURE_SOURCES.append(month_figures)
    if timeline_entries not in timeline_service.TIMELINE_SOURCES:
        timeline_service.TIMELINE_SOURCES.append(timeline_entries)
    timeline_service.OWN_ENTRY_KINDS.update({"application", "application_step"})
    CHANGE_LABELS.update(
        {
            "application": APPLICATION_LABELS,
            "loan": LOAN_LABELS,
            "application_step": {"to_status": "状态", "on": "日期", "by": "办理人", "note": "说明"},
        }
    )


register()


# ---------------------------------------------------------------------------------------------------- demo
_DEMO_BANKS = ("中国农业银行", "中国邮政储蓄银行", "中国建设银行", "杭州联合农村商业银行", "中国工商银行")
_DEMO_STATUS_WEIGHTS = {
    ApplicationStatus.DISBURSED: 46,
    ApplicationStatus.APPROVED: 9,
    ApplicationStatus.REVIEWING: 7,
    ApplicationStatus.SUBMITTED: 7,
    ApplicationStatus.RETURNED: 5,
    ApplicationStatus.DRAFT: 26,
}
_DEMO_PATH = {
    ApplicationStatus.DRAFT: [ApplicationStatus.DRAFT],
    ApplicationStatus.SUBMITTED: [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED],
    ApplicationStatus.REVIEWING: [
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.REVIEWING,
    ],
    ApplicationStatus.RETURNED: [
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.RETURNED,
    ],
    ApplicationStatus.APPROVED: [
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.REVIEWING,
        ApplicationStatus.APPROVED,
    ],
    ApplicationStatus.DISBURSED: [
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.REVIEWING,
        ApplicationStatus.APPROVED,
        ApplicationStatus.DISBURSED,
    ],
}
_DEMO_SHARES = {  # share of the people with a fitting file who get an application of the item
    ItemCode.STARTUP_SUBSIDY: 0.12,
    ItemCode.LOAN_INDIVIDUAL: 0.05,
    ItemCode.LOAN_PARTNERSHIP: 0.01,
    ItemCode.LOAN_SMALL_FIRM: 0.08,
    ItemCode.SOCIAL_INSURANCE_SUBSIDY: 0.10,
    ItemCode.INCUBATOR_SPACE: 0.02,
    ItemCode.TRAINING_SUBSIDY: 0.10,
}


def demo_step(ctx: DemoContext) -> None:
    """Applications in every status and some loans (a few due within 60 days, extended, renewed):
    people are drawn from those the default policy set finds eligible. Bulk inserts, deterministic."""
    from desktop.demo import DEMO_USER
    from desktop.demo import _bulk as bulk

    rng, today, session = ctx.rng, ctx.today, ctx.session
    if not ctx.entrepreneur_ids:
        return
    policy_set = default_policy_set()
    policy_start = policy_set.effective_from
    if today < policy_start:
        return
    connection = session.connection()
    people = {
        row[0]: (row[1], int(row[2]), row[3])
        for row in connection.execute(
            text("SELECT id, birth_date, key_groups, graduation_date FROM entrepreneur WHERE deleted = 0")
        )
    }
    ventures: dict[str, list[VentureFacts]] = {}
    for row in connection.execute(
        text(
            "SELECT entrepreneur_id, id, name, entity_type, stage, registration_date, jobs_created "
            "FROM venture WHERE deleted = 0 ORDER BY created_at, id"
        )
    ):
        registered = _as_day(row[5]) if row[5] else None
        ventures.setdefault(row[0], []).append(
            VentureFacts(row[1], row[2], row[3], row[4], registered, int(row[6]))
        )
    completed = {
        row[0]: (row[1], _as_day(row[2]))
        for row in connection.execute(
            text(
                "SELECT entrepreneur_id, class_id, max(completed_on) FROM training_enrolment "
                "WHERE deleted = 0 AND status = 'enrolled' AND result = 'completed' GROUP BY entrepreneur_id"
            )
        )
        if row[2]
    }
    statuses = list(_DEMO_STATUS_WEIGHTS)
    weights = list(_DEMO_STATUS_WEIGHTS.values())
    applications: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    loans: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    sequences: dict[int, int] = {}  # numbers go on after those already given (a second demo run)
    for (number,) in connection.execute(text("SELECT number FROM application")):
        year_text, _, sequence_text = str(number).rpartition("-SQ")[2].partition("-")
        if year_text.isdigit() and sequence_text.isdigit():
            sequences[int(year_text)] = max(sequences.get(int(year_text), 0), int(sequence_text))
    seen_status: set[ApplicationStatus] = set()
    for person_id in ctx.entrepreneur_ids:
        birth, bits, graduation = people[person_id]
        facts = PersonFacts(
            entrepreneur_id=person_id,
            birth_date=_as_day(birth),
            key_groups=frozenset(key_groups_from_bits(bits)),
            graduation_date=_as_day(graduation) if graduation else None,
            ventures=tuple(ventures.get(person_id, ())),
            social_insurance_months=rng.choice((6, 12, 18, 24)),
            trainings_completed=1 if person_id in completed else 0,
            partners=rng.choice((2, 3, 4)),
        )
        has_loan = False
        for item in policy_set.items:
            share = _DEMO_SHARES.get(item.code)
            if share is None or rng.random() >= share:
                continue
            if item.is_loan and has_loan:
                continue
            answer = evaluate_item(item, facts, today)
            if answer.eligibility is not Eligibility.ELIGIBLE:
                continue
            status = rng.choices(statuses, weights)[0]
            if len(seen_status) < len(statuses):  # every status early on, even on a small station
                status = next(s for s in statuses if s not in seen_status)
            seen_status.add(status)
            earliest = max(policy_start, today - timedelta(days=540))
            venture = next((v for v in facts.ventures if v.id == answer.venture_id), None)
            if venture and venture.registration_date:
                earliest = max(earliest, venture.registration_date)
            if item.code is ItemCode.TRAINING_SUBSIDY and person_id in completed:
                earliest = max(earliest, completed[person_id][1])
            path = _DEMO_PATH[status]
            room = (today - earliest).days - 12 * (len(path) - 1)
            if room < 0:
                continue
            applied_on = earliest + timedelta(days=rng.randint(0, room))
            if status is not ApplicationStatus.DISBURSED:  # still in progress: started recently
                recent = today - timedelta(days=12 * (len(path) - 1) + rng.randint(2, 30))
                applied_on = max(applied_on, recent)
            loan_term = rng.choice((12, 12, 24, 36))
            if item.is_loan and status is ApplicationStatus.DISBURSED and rng.random() < 0.3:
                # disbursed about a year ago on a one-year term: due within 60 days, for the workbench
                loan_term = 12
                disbursed = add_months(today, -12) + timedelta(days=rng.randint(5, 55))
                applied_on = max(disbursed - timedelta(days=12 * (len(path) - 1)), earliest)
            day = applied_on
            dated: list[tuple[ApplicationStatus, date]] = []
            for index, step_status in enumerate(path):
                if index:
                    day = min(day + timedelta(days=rng.randint(2, 12)), today)
                dated.append((step_status, day))
            sequences[applied_on.year] = sequences.get(applied_on.year, 0) + 1
            moment = ctx.moment_between(applied_on, applied_on)
            app_id = ctx.new_id(moment)
            amount = proposed_amount(item, facts=facts)
            if item.is_loan:
                amount = rng.choice((10, 15, 20, 30)) * 1_000_000
                amount = min(amount, loan_ceiling(item, facts.partners))
            elif item.code is ItemCode.LOAN_INTEREST_SUBSIDY:
                continue
            ticked = list(item.documents)
            if status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
                ticked = [d for d in item.documents if rng.random() < 0.6]
            record = {
                "id": app_id,
                "station_code": ctx.station_code,
                "created_at": moment,
                "updated_at": moment,
                "updated_by": DEMO_USER,
                "version": len(path),
                "deleted": False,
                "number": f"{ctx.station_code}-SQ{applied_on.year}-{sequences[applied_on.year]:05d}",
                "entrepreneur_id": person_id,
                "venture_id": answer.venture_id,
                "item_code": item.code.value,
                "item_name": item.name,
                "policy_set_id": policy_set.id,
                "policy_set_version": policy_set.version,
                "policy_source": item.source,
                "status": status.value,
                "status_on": dated[-1][1],
                "status_by": DEMO_USER,
                "applied_on": applied_on,
                "submitted_on": next((d for s, d in dated if s is ApplicationStatus.SUBMITTED), None),
                "approved_on": next((d for s, d in dated if s is ApplicationStatus.APPROVED), None),
                "disbursed_on": next((d for s, d in dated if s is ApplicationStatus.DISBURSED), None),
                "amount_fen": amount,
                "ceiling_fen": loan_ceiling(item, facts.partners),
                "documents_required": list(item.documents),
                "documents_ticked": ticked,
                "social_insurance_months": facts.social_insurance_months
                if item.code is ItemCode.SOCIAL_INSURANCE_SUBSIDY
                else None,
                "partners": facts.partners if item.code is ItemCode.LOAN_PARTNERSHIP else None,
                "training_class_id": completed[person_id][0]
                if item.code is ItemCode.TRAINING_SUBSIDY
                else None,
                "returned_reason": "材料不全，请补充经营场所证明"
                if status is ApplicationStatus.RETURNED
                else "",
                "notes": "",
            }
            applications.append(record)
            changes.append(ctx.change_row(KIND, app_id, person_id, moment))
            previous: ApplicationStatus | None = None
            for step_status, step_day in dated:
                step_moment = ctx.moment_between(step_day, step_day)
                steps.append(
                    {
                        "id": ctx.new_id(step_moment),
                        "station_code": ctx.station_code,
                        "created_at": step_moment,
                        "updated_at": step_moment,
                        "updated_by": DEMO_USER,
                        "version": 1,
                        "deleted": False,
                        "application_id": app_id,
                        "from_status": previous.value if previous else None,
                        "to_status": step_status.value,
                        "on": step_day,
                        "by": DEMO_USER,
                        "note": record["returned_reason"]
                        if step_status is ApplicationStatus.RETURNED
                        else "",
                    }
                )
                previous = step_status
            if item.is_loan and item.loan is not None:
                has_loan = True
                loan_row = _demo_loan(ctx, item, record, facts, today=today, term=loan_term)
                loans.append(loan_row)
    bulk(session, Application, applications)
    bulk(session, ApplicationStep, steps)
    bulk(session, Loan, loans)
    bulk(session, Change, changes)
    ctx.summary["补贴和贷款申请"] = ctx.summary.get("补贴和贷款申请", 0) + len(applications)
    ctx.summary["创业担保贷款"] = ctx.summary.get("创业担保贷款", 0) + len(loans)


def _demo_loan(
    ctx: DemoContext, item: PolicyItem, row: dict[str, Any], facts: PersonFacts, *, today: date, term: int
) -> dict[str, Any]:
    from desktop.demo import DEMO_USER

    rng = ctx.rng
    terms = item.loan
    assert terms is not None
    term = min(term, terms.term_max_months)
    start = row["disbursed_on"]
    due = add_months(start, term) if start else None
    extension = 0
    renewals = 0
    repaid_on = None
    if due is not None and due < today:
        roll = rng.random()
        if roll < 0.45:
            repaid_on = due
        elif roll < 0.75 and terms.renewal_allowed:
            renewals = 1
            start = due
            due = add_months(due, term)
        else:
            extension = min(rng.choice((3, 6, 12)), terms.extension_max_months)
    final = add_months(due, extension) if due else None
    if final is not None and final < today and repaid_on is None:
        repaid_on = final
    return {
        "id": ctx.new_id(row["created_at"]),
        "station_code": ctx.station_code,
        "created_at": row["created_at"],
        "updated_at": row["created_at"],
        "updated_by": DEMO_USER,
        "version": 1,
        "deleted": False,
        "application_id": row["id"],
        "entrepreneur_id": row["entrepreneur_id"],
        "bank": rng.choice(_DEMO_BANKS),
        "amount_fen": row["amount_fen"],
        "term_months": term,
        "annual_rate_bp": rng.choice((345, 365, 385, 395)) if terms.annual_rate_max_bp else 300,
        "subsidy_share_pct": terms.interest_subsidy_share_pct,
        "start_date": start,
        "due_date": due,
        "extension_months": extension,
        "final_due_date": final,
        "renewals": renewals,
        "counter_guarantee_waived": bool(terms.counter_guarantee_waived_groups & facts.key_groups),
        "repaid_on": repaid_on,
    }


def _as_day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))

"""A new application's proposal, creating and saving a draft, ticking the checklist.

A person holds at most one open application per item; a one-time subsidy is received once (5号文 (十五));
amounts stay within the ceiling of the policy set in force."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from desktop.services.applications.inputs import ApplicationInput, LoanInput
from desktop.services.applications.records import (
    add_step,
    application_item,
    item_of,
    live_record,
    loan_columns,
    loan_defaults,
    loan_of,
    loan_terms,
    needs_graduation_date,
    refuse_open_or_received,
    validated_loan,
)
from desktop.services.applications.views import Proposal, TrainingChoice, VentureChoice
from desktop.services.gate import service
from desktop.services.policy import PolicySetInfo, default_policy_set, person_facts
from models.applications import (
    EDITABLE_STATUSES,
    Application,
    ApplicationStatus,
    FormDetails,
    Loan,
    check_documents,
    interest_subsidy_fen,
    partnership_refusal,
    validate_details,
)
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import EntityType, Stage
from models.errors import Conflict, NotAllowed, ValidationError
from models.permissions import Permission
from models.policy import (
    Eligibility,
    ItemCode,
    PolicyItem,
    check_amount,
    counter_guarantee_waived,
    evaluate_item,
    facts_with,
    loan_ceiling,
    proposed_amount,
)
from models.regions import region_name
from models.validators import normalise_text

_NO_INPUT = ApplicationInput()  # the form's defaults: the amount proposed from the policy


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


@service(Permission.VIEW_FILES)
def venture_options(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> tuple[VentureChoice, ...]:
    """The person's ventures for the form's 创业主体 choice (closed ones included, marked)."""
    with db.reading() as session:
        return _venture_choices(session, entrepreneur_id)


@service(Permission.VIEW_FILES)
def item_in_force(
    db: Database, actor: Actor, /, *, item_code: ItemCode | str, as_of: date | None = None
) -> PolicyItem:
    """The policy item as the set in force has it (ceilings, documents, loan terms for the form)."""
    with db.reading() as session:
        return item_of(session, item_code, as_of or china_today())[1]


@service(Permission.VIEW_FILES)
def training_choices(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> tuple[TrainingChoice, ...]:
    """Classes the person completed (the training area's records), for the training-subsidy form."""
    with db.reading() as session:
        return _training_choices(session, entrepreneur_id)


def _training_choices(session: Session, entrepreneur_id: str) -> tuple[TrainingChoice, ...]:
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


@service(Permission.VIEW_FILES)
def propose_application(
    db: Database,
    actor: Actor,
    /,
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
    with db.reading() as session:
        policy_set, item = item_of(session, item_code, day)
        person, facts, open_applications = person_facts(session, entrepreneur_id, as_of=day)
        if social_insurance_months is not None:
            facts = facts_with(facts, social_insurance_months=social_insurance_months)
        if partners is not None:
            facts = facts_with(facts, partners=partners)
        answer = evaluate_item(item, facts, day, venture_id=venture_id)
        if venture_id is None and _venture_refusal(session, item, answer.venture_id):
            # a partnership borrows for the person's partnership, not for their 个体工商户
            for other in _venture_choices(session, entrepreneur_id):
                candidate = evaluate_item(item, facts, day, venture_id=other.id)
                if candidate.eligibility is not Eligibility.NOT_ELIGIBLE and not _venture_refusal(
                    session, item, other.id
                ):
                    answer, venture_id = candidate, other.id
                    break
        interest = (
            _latest_loan_interest(session, entrepreneur_id)
            if item.code is ItemCode.LOAN_INTEREST_SUBSIDY
            else None
        )
        ventures = _venture_choices(session, entrepreneur_id)
        trainings = (
            _training_choices(session, entrepreneur_id) if item.code is ItemCode.TRAINING_SUBSIDY else ()
        )
        chosen = venture_id or answer.venture_id
        refusal = _venture_refusal(session, item, chosen)
    # A loan starts at what the person asks for (typed on the form), not at the ceiling.
    amount = 0 if item.is_loan else proposed_amount(item, facts=facts, loan_interest_fen=interest)
    ceiling = loan_ceiling(item, facts.partners)
    waived = counter_guarantee_waived(item, facts.key_groups)
    household = region_name(person.household_region) if person.household_region else ""
    return Proposal(
        entrepreneur_id=person.id,
        name=person.name,
        item=item,
        answer=answer,
        policy_set=PolicySetInfo.of(policy_set, builtin=policy_set is default_policy_set()),
        venture_id=venture_id or answer.venture_id,
        ventures=ventures,
        trainings=trainings,
        amount_fen=amount,
        ceiling_fen=ceiling,
        documents=item.documents,
        open_application=open_applications.get(item.code),
        loan=loan_defaults(item, amount, waived, None) if item.is_loan else None,
        details=FormDetails(household_address=household or "", account_name=person.name),
        needs_graduation_date=needs_graduation_date(answer),
        refusal=refusal,
    )


def _venture_refusal(session: Session, item: PolicyItem, venture_id: str | None) -> str:
    venture = session.get(Venture, venture_id) if venture_id else None
    return partnership_refusal(item.code.value, venture.entity_type if venture is not None else None)


def _store_graduation(
    operation: Operation, session: Session, entrepreneur_id: str, graduated: date | None, day: date
) -> None:
    """A 毕业时间 typed on the application form fills the person's file (never overwrites one)."""
    if graduated is None:
        return
    if graduated > day:
        raise ValidationError("毕业时间", graduated, f"毕业时间 {graduated.isoformat()} 晚于今天，请核对")
    person = session.get(Entrepreneur, entrepreneur_id)
    if person is None or person.graduation_date == graduated:
        return
    operation.update(person, {"graduation_date": graduated}, subject_id=entrepreneur_id)


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


@service(Permission.HANDLE_APPLICATIONS)
def create_application(
    db: Database,
    actor: Actor,
    /,
    *,
    entrepreneur_id: str,
    item_code: ItemCode | str,
    data: ApplicationInput = _NO_INPUT,
    loan: LoanInput | None = None,
    documents_ticked: Sequence[str] = (),
    today: date | None = None,
) -> str:
    """Open a draft application; refuses a second open one for the item, a one-time subsidy already
    received, an item the person is not eligible for, and an amount above the ceiling."""
    with db.transaction() as session:
        return create_application_in(
            session,
            actor,
            entrepreneur_id=entrepreneur_id,
            item_code=item_code,
            data=data,
            loan=loan,
            documents_ticked=documents_ticked,
            today=today,
        )


def create_application_in(
    session: Session,
    actor: Actor,
    *,
    entrepreneur_id: str,
    item_code: ItemCode | str,
    data: ApplicationInput = _NO_INPUT,
    loan: LoanInput | None = None,
    documents_ticked: Sequence[str] = (),
    today: date | None = None,
) -> str:
    """The core of :func:`create_application` inside the caller's transaction; never commits."""
    day = today or china_today()
    policy_set, item = item_of(session, item_code, day)
    person, facts, _ = person_facts(session, entrepreneur_id, as_of=day)
    refuse_open_or_received(session, entrepreneur_id, item, open_too=True)
    _check_input(session, entrepreneur_id, item, data)
    details = validate_details(data.details or FormDetails(), today=day)
    if data.graduation_date is not None and facts.graduation_date is None:
        facts = facts_with(facts, graduation_date=data.graduation_date)
    if data.social_insurance_months is not None:
        facts = facts_with(facts, social_insurance_months=data.social_insurance_months)
    if data.partners is not None:
        facts = facts_with(facts, partners=data.partners)
    answer = evaluate_item(item, facts, day, venture_id=data.venture_id)
    if answer.eligibility is Eligibility.NOT_ELIGIBLE:
        reasons = "；".join(r.text for r in answer.failed[:3])
        raise NotAllowed(f"{person.name} 不符合{item.name}的条件：{reasons}")
    refusal = _venture_refusal(session, item, data.venture_id or answer.venture_id)
    if refusal:
        raise NotAllowed(refusal)
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
    if person.graduation_date is None:
        _store_graduation(operation, session, entrepreneur_id, data.graduation_date, day)
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
    for name, value in details.columns().items():
        setattr(record, name, value)
    operation.create(record, subject_id=entrepreneur_id)
    add_step(operation, record, None, ApplicationStatus.DRAFT, on=day, note="")
    if item.is_loan:
        terms = loan_defaults(item, amount, answer.counter_guarantee_waived, loan)
        loan_data = validated_loan(item, terms, amount, facts.partners)
        operation.create(
            Loan(
                station_code=actor.station_code,
                updated_by=actor.user_name,
                application_id=record.id,
                entrepreneur_id=entrepreneur_id,
                **loan_columns(loan_data),
            ),
            subject_id=entrepreneur_id,
        )
    return record.id


@service(Permission.HANDLE_APPLICATIONS)
def update_application(
    db: Database,
    actor: Actor,
    /,
    *,
    application_id: str,
    data: ApplicationInput,
    loan: LoanInput | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> bool:
    """Save the form of a draft or returned application (and its loan's terms, in the same operation).
    Returns whether anything changed."""
    with db.transaction() as session:
        return update_application_in(
            session,
            actor,
            application_id=application_id,
            data=data,
            loan=loan,
            expected_version=expected_version,
            today=today,
        )


def update_application_in(
    session: Session,
    actor: Actor,
    *,
    application_id: str,
    data: ApplicationInput,
    loan: LoanInput | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> bool:
    """The core of :func:`update_application` inside the caller's transaction; never commits."""
    day = today or china_today()
    record = live_record(session, application_id)
    status = ApplicationStatus(record.status)
    if status not in EDITABLE_STATUSES:
        raise NotAllowed(f"申请 {record.number} 已“{status.label}”，只有草稿或已退回的申请可以修改")
    if expected_version is not None and record.version != expected_version:
        raise Conflict(f"申请 {record.number} 在您编辑期间已被修改（{record.updated_by}），请重新打开后再改")
    item = application_item(session, record, day)
    _check_input(session, record.entrepreneur_id, item, data)
    details = validate_details(data.details, today=day) if data.details is not None else None
    refusal = _venture_refusal(session, item, data.venture_id)
    if refusal:
        raise NotAllowed(refusal)
    ceiling = loan_ceiling(item, data.partners)
    amount = data.amount_fen if data.amount_fen is not None else record.amount_fen
    stored_loan = loan_of(session, record.id)
    if loan is not None and loan.amount_fen is not None and stored_loan is not None:
        amount = loan.amount_fen
    check_amount(item, amount, partners=data.partners)
    loan_values: dict[str, Any] | None = None
    if stored_loan is not None:
        terms = loan_terms(stored_loan, loan or LoanInput(bank=stored_loan.bank), amount)
        loan_values = loan_columns(validated_loan(item, terms, amount, data.partners))
    operation = Operation(session, actor, f"修改{record.item_name}申请 {record.number}")
    _store_graduation(operation, session, record.entrepreneur_id, data.graduation_date, day)
    operation.update(
        record,
        {
            **(details.columns() if details is not None else {}),
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


@service(Permission.HANDLE_APPLICATIONS)
def set_document(
    db: Database,
    actor: Actor,
    /,
    *,
    application_id: str,
    document: str,
    ticked: bool,
) -> list[str]:
    """Tick (or untick) a document of the checklist; returns the ticked documents."""
    with db.transaction() as session:
        return set_document_in(
            session, actor, application_id=application_id, document=document, ticked=ticked
        )


def set_document_in(
    session: Session,
    actor: Actor,
    *,
    application_id: str,
    document: str,
    ticked: bool,
) -> list[str]:
    """The core of :func:`set_document` inside the caller's transaction; never commits."""
    record = live_record(session, application_id)
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

"""The printed application forms (申请表): one query per table for a batch, every print logged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services.applications.queries import approved_in_month_in, masked_details
from desktop.services.applications.records import KIND, get_record
from desktop.services.gate import service
from desktop.services.policy import policy_book_in
from models.applications import Application, ApplicationStatus, FormDetails, Loan, cite_policy, rate_text
from models.audit import Actor, Operation
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import INDUSTRY_SECTIONS, Education, EntityType, Sex, key_groups_from_bits
from models.errors import NotFound
from models.masking import mask_id_number, mask_phone
from models.money import format_yuan
from models.permissions import Permission
from models.policy import LOAN_ITEMS, ItemCode, PolicyBook, PolicyItem, PolicySet
from models.regions import region_name
from models.station import get_station
from reports.application_forms import (
    AccountBlock,
    ApplicantBlock,
    ApplicationForm,
    BorrowerBlock,
    LoanBlock,
    RosterLine,
    TrainingBlock,
    VentureBlock,
    write_application_forms,
)
from reports.pdf import format_date_cn


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


def _policy_set_of(ctx: _PrintContext, record: Application) -> PolicySet | None:
    for policy_set in ctx.book.sets:
        if policy_set.id == record.policy_set_id and policy_set.version == record.policy_set_version:
            return policy_set
    return ctx.book.in_force(record.applied_on, record.station_code[:6])


def _citation(ctx: _PrintContext, record: Application) -> str:
    """The policy by its document number (人社部发〔2025〕5号 (十五)), never a policy set's internal name."""
    policy_set = _policy_set_of(ctx, record)
    return cite_policy(record.policy_source, policy_set.documents if policy_set else {})


def _borrower_block(details: FormDetails) -> BorrowerBlock:
    income = details.business_income_fen
    return BorrowerBlock(
        marital_status=details.marital_status,
        spouse_name=details.spouse_name,
        spouse_id_number=details.spouse_id_number,
        household_address=details.household_address,
        purpose=details.loan_purpose,
        repayment_method=details.repayment_method,
        repayment_source=details.repayment_source,
        business_income=format_yuan(income) if income is not None else "",
    )


def _account_block(details: FormDetails) -> AccountBlock:
    return AccountBlock(
        bank_name=details.bank_name, account=details.bank_account, account_name=details.account_name
    )


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
        ctx.rosters[key] = _roster(session, class_id, redacted=redacted)
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
    item = _policy_item_for(ctx, record)
    # The subsidy standard per person of the policy set (5号文 (二), 推进行动 计划4), within the ceiling.
    standard = min(item.amount_fen, item.ceiling_fen) if item is not None else 0
    return TrainingBlock(
        class_label=label,
        completed_on=format_date_cn(completed_on) if completed_on else "",
        roster=tuple(replace(line, amount_fen=standard) for line in roster),
        roster_note=note,
        standard_fen=standard,
    )


def _roster(session: Session, class_id: str, *, redacted: bool) -> tuple[str, tuple[RosterLine, ...], str]:
    """The class's 花名册 from the training area (its core ``completed_trainees_in``, read in the print's
    session: printing's own gate decides), masked in the redacted profile."""
    row = (
        session.connection()
        .execute(text("SELECT title, class_number FROM training_class WHERE id = :c"), {"c": class_id})
        .first()
    )
    label = f"{row[0]}（第 {row[1]} 期）" if row else class_id
    try:
        from desktop.services.training import completed_trainees_in
    except ImportError:  # the training area is not installed: the roster is attached by hand
        return label, (), "花名册请另行附上（本程序未安装培训模块）。"
    try:
        trainees = completed_trainees_in(session, class_id)
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
    details = FormDetails.of(record)
    if redacted:
        details = masked_details(details)
    is_loan = code in LOAN_ITEMS
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
        review_box="经办银行意见" if is_loan else "人社部门审核意见",
        policy_citation=_citation(ctx, record),
        borrower=_borrower_block(details) if is_loan else None,
        account=_account_block(details) if money_item and not is_loan else None,
        draft=record.status == ApplicationStatus.DRAFT.value,
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


def _print_context(session: Session) -> _PrintContext:
    station = get_station(session=session)
    return _PrintContext(station_name=station.name, book=policy_book_in(session), rosters={})


@service(Permission.PRINT_FORMS)
def application_forms(
    db: Database,
    actor: Actor,
    /,
    *,
    application_ids: Sequence[str],
    redacted: bool,
    job: JobState = UNWATCHED,
) -> list[ApplicationForm]:
    """The printed content of each application (one query per table, not per form); redacted for a user
    who may not see personal data."""
    redacted = redacted or not actor.may(Permission.VIEW_PERSONAL_DATA)
    with db.reading() as session:
        return application_forms_in(session, application_ids=application_ids, redacted=redacted, job=job)


def application_forms_in(
    session: Session, *, application_ids: Sequence[str], redacted: bool, job: JobState = UNWATCHED
) -> list[ApplicationForm]:
    """The core of :func:`application_forms` (printing and checking a printout compose it)."""
    forms: list[ApplicationForm] = []
    ctx = _print_context(session)
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
        forms.append(_form_data(ctx, session, records[application_id], redacted=redacted, related=related))
    return forms


@service(Permission.PRINT_FORMS)
def print_applications(
    db: Database,
    actor: Actor,
    /,
    *,
    application_ids: Sequence[str],
    out: Path,
    redacted: bool = False,
    title: str = "申请表",
    handler: str = "",
    job: JobState = UNWATCHED,
) -> tuple[int, int]:
    """Print applications into one PDF; returns (forms, pages). Without the right to see personal data
    the redacted profile is used. ``handler`` is who signs for the station as 经办人 (设置; blank: by
    hand). Every print is logged."""
    return _print(
        db, actor, application_ids, out=out, redacted=redacted, title=title, handler=handler, job=job
    )


def _print(
    db: Database,
    actor: Actor,
    application_ids: Sequence[str],
    *,
    out: Path,
    redacted: bool,
    title: str,
    handler: str = "",
    job: JobState = UNWATCHED,
) -> tuple[int, int]:
    redacted = redacted or not actor.may(Permission.VIEW_PERSONAL_DATA)
    with db.reading() as session:
        forms = application_forms_in(session, application_ids=application_ids, redacted=redacted, job=job)
    if handler.strip():
        forms = [replace(form, handler=handler.strip()) for form in forms]
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


@service(Permission.PRINT_FORMS)
def print_application(
    db: Database,
    actor: Actor,
    /,
    *,
    application_id: str,
    out: Path,
    redacted: bool = False,
    handler: str = "",
) -> int:
    """One application's form; returns the number of pages."""
    with db.reading() as session:
        record = get_record(session, application_id)
    title = f"{record.item_name}申请表 {record.number}"
    return _print(db, actor, [application_id], out=out, redacted=redacted, title=title, handler=handler)[1]


@service(Permission.PRINT_FORMS)
def print_approved_month(
    db: Database,
    actor: Actor,
    /,
    *,
    month: date,
    out: Path,
    redacted: bool = False,
    handler: str = "",
    job: JobState = UNWATCHED,
) -> tuple[int, int]:
    """All applications approved in ``month`` in one PDF (one print job); returns (forms, pages)."""
    with db.reading() as session:
        ids = approved_in_month_in(session, month=month)
    if not ids:
        raise NotFound(f"{month.year}年{month.month}月没有已批准的申请")
    title = f"{month.year}年{month.month}月已批准的申请表"
    return _print(db, actor, ids, out=out, redacted=redacted, title=title, handler=handler, job=job)

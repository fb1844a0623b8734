"""The demo data's applications and loans (a step of :mod:`desktop.demo`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from desktop.demo.context import DEMO_USER, DemoContext
from desktop.services.policy import default_policy_set
from models.applications import Application, ApplicationStatus, ApplicationStep, Loan
from models.enums import key_groups_from_bits
from models.policy import (
    Eligibility,
    ItemCode,
    PersonFacts,
    PolicyItem,
    VentureFacts,
    add_months,
    evaluate_item,
    loan_ceiling,
    proposed_amount,
)

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
                "version": 1,  # made as it now stands: its steps are records of their own
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
            ctx.draw_change_ids()
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
    person_of = {row["id"]: row["entrepreneur_id"] for row in applications}
    ctx.bulk(Application, applications, [row["entrepreneur_id"] for row in applications])
    ctx.bulk(ApplicationStep, steps, [person_of[row["application_id"]] for row in steps])
    ctx.bulk(Loan, loans, [person_of[row["application_id"]] for row in loans])
    ctx.summary["补贴和贷款申请"] = ctx.summary.get("补贴和贷款申请", 0) + len(applications)
    ctx.summary["创业担保贷款"] = ctx.summary.get("创业担保贷款", 0) + len(loans)


def _demo_loan(
    ctx: DemoContext, item: PolicyItem, row: dict[str, Any], facts: PersonFacts, *, today: date, term: int
) -> dict[str, Any]:

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

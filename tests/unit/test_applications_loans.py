"""Guaranteed loans: bank, amount, term, rate, interest-subsidy share, start and due dates; extension of at
most one year; renewal without repayment only while still eligible; loans due within 60 days on the
workbench; interest subsidy computed from the loan (5号文 (十六), 推进行动 计划5)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from desktop.services.applications import (
    ApplicationInput,
    LoanInput,
    advance_application,
    create_application,
    extend_loan,
    get_application,
    loan_tasks,
    loans_due,
    propose_application,
    renew_loan,
    repay_loan,
    save_loan,
    set_document,
    waiting_tasks,
)
from desktop.services.policy import eligibility
from desktop.services.workbench import Urgency, month_figures, tasks_for
from models.applications import ApplicationStatus, interest_subsidy_fen, parse_rate, rate_text
from models.audit import Actor
from models.database import Database
from models.errors import NotAllowed, ValidationError
from models.policy import Eligibility, ItemCode
from tests.unit.test_policy_support import make_person

S = ApplicationStatus
DAY = date(2025, 11, 5)


def disbursed_loan(db: Database, actor: Actor, person: str, *, on: date = DAY, term: int = 12) -> str:
    app = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="guaranteed_loan_individual",
        loan=LoanInput(bank="中国农业银行", amount_fen=20_000_000, term_months=term, annual_rate_bp=385),
        today=on,
    )
    view = get_application(db, actor, application_id=app)
    for name, _ in view.documents:
        set_document(db, actor, application_id=app, document=name, ticked=True)
    for step in (S.SUBMITTED, S.REVIEWING, S.APPROVED, S.DISBURSED):
        advance_application(db, actor, application_id=app, to=step, on=on)
    return app


def test_rates_are_basis_points() -> None:
    assert parse_rate("3.95") == 395
    assert parse_rate("3.95%") == 395
    assert parse_rate("4") == 400
    assert rate_text(345) == "3.45%"
    with pytest.raises(ValidationError, match="最多两位小数"):
        parse_rate("3.955")


def test_interest_subsidy_is_rounded_to_the_fen() -> None:
    # ¥200,000 × 3.85% × 50% × 12/12 = ¥3,850.00
    assert interest_subsidy_fen(amount_fen=20_000_000, annual_rate_bp=385, share_pct=50, months=12) == 385_000
    # ¥100,001 × 3.45% × 50% × 7/12 = 1,006.26 yuan (1006.2600… rounded half up)
    assert interest_subsidy_fen(amount_fen=10_000_100, annual_rate_bp=345, share_pct=50, months=7) == 100_626


def test_loan_terms_are_checked_against_the_policy(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    with pytest.raises(ValidationError, match="贷款期限 48 个月应在 1 到 36 个月之间"):
        create_application(
            db,
            actor,
            entrepreneur_id=person,
            item_code="guaranteed_loan_individual",
            loan=LoanInput(term_months=48),
            today=DAY,
        )
    with pytest.raises(ValidationError, match=r"年利率 4\.50% 高于政策上限 3\.95%"):
        create_application(
            db,
            actor,
            entrepreneur_id=person,
            item_code="guaranteed_loan_individual",
            loan=LoanInput(annual_rate_bp=450),
            today=DAY,
        )
    with pytest.raises(
        ValidationError, match=r"申请金额 ¥300,000.01 超过创业担保贷款（个人）的上限 ¥300,000.00"
    ):
        create_application(
            db,
            actor,
            entrepreneur_id=person,
            item_code="guaranteed_loan_individual",
            loan=LoanInput(amount_fen=30_000_001),
            today=DAY,
        )


PARTNERSHIP_VENTURE: Mapping[str, object] = {
    "name": "青禾餐饮合伙企业",
    "entity_type": "其他",
    "stage": "初创",
    "registration_date": "2024-01-10",
    "jobs_created": 4,
    "industry": "H",
    "address": "古墩路 8 号",
}


def test_partnership_ceiling_follows_the_partners(db: Database, actor: Actor) -> None:
    person = make_person(db, actor, ventures=[PARTNERSHIP_VENTURE])
    proposal = propose_application(
        db, actor, entrepreneur_id=person, item_code="guaranteed_loan_partnership", partners=3, as_of=DAY
    )
    assert proposal.ceiling_fen == 90_000_000
    with pytest.raises(ValidationError, match=r"上限 ¥900,000.00（每人 ¥300,000.00，合伙 3 人）"):
        create_application(
            db,
            actor,
            entrepreneur_id=person,
            item_code="guaranteed_loan_partnership",
            data=ApplicationInput(partners=3, amount_fen=100_000_000),
            today=DAY,
        )
    with pytest.raises(ValidationError, match="合伙人数 9 应在 2 到 5 人之间"):
        create_application(
            db,
            actor,
            entrepreneur_id=person,
            item_code="guaranteed_loan_partnership",
            data=ApplicationInput(partners=9),
            today=DAY,
        )


def test_loan_needs_a_bank_before_submission_and_dates_on_disbursal(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = create_application(
        db, actor, entrepreneur_id=person, item_code="guaranteed_loan_individual", today=DAY
    )
    for name, _ in get_application(db, actor, application_id=app).documents:
        set_document(db, actor, application_id=app, document=name, ticked=True)
    with pytest.raises(NotAllowed, match="请填写经办银行"):
        advance_application(db, actor, application_id=app, to=S.SUBMITTED, on=DAY)
    save_loan(
        db,
        actor,
        application_id=app,
        loan=LoanInput(bank="中国邮政储蓄银行", amount_fen=15_000_000, term_months=24),
        today=DAY,
    )
    view = get_application(db, actor, application_id=app)
    assert view.amount_fen == 15_000_000  # the application follows the loan amount
    for step in (S.SUBMITTED, S.REVIEWING, S.APPROVED):
        advance_application(db, actor, application_id=app, to=step, on=DAY)
    paid = advance_application(db, actor, application_id=app, to=S.DISBURSED, on=date(2025, 11, 30))
    assert paid.loan is not None
    assert (paid.loan.start_date, paid.loan.due_date, paid.loan.final_due_date) == (
        date(2025, 11, 30),
        date(2027, 11, 30),
        date(2027, 11, 30),
    )
    with pytest.raises(NotAllowed, match="已发放，只能办理展期"):
        save_loan(db, actor, application_id=app, loan=LoanInput(bank="别的银行"), today=DAY)


def test_extension_is_at_most_one_year_in_total(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = disbursed_loan(db, actor, person)
    assert extend_loan(db, actor, application_id=app, months=6, on=date(2026, 10, 1)) == date(2027, 5, 5)
    with pytest.raises(
        ValidationError,
        match="已展期 6 个月，再展期 7 个月共 13 个月，超过上限 12 个月；展期期限原则上不超过 1 年",
    ):
        extend_loan(db, actor, application_id=app, months=7, on=date(2026, 10, 2))
    assert extend_loan(db, actor, application_id=app, months=6, on=date(2026, 10, 2)) == date(2027, 11, 5)
    loan = get_application(db, actor, application_id=app).loan
    assert loan is not None and loan.extension_months == 12 and loan.due_date == date(2026, 11, 5)


def test_renewal_without_repayment_needs_continued_eligibility(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = disbursed_loan(db, actor, person)
    assert renew_loan(db, actor, application_id=app, on=date(2026, 11, 5)) == date(2027, 11, 5)
    loan = get_application(db, actor, application_id=app).loan
    assert loan is not None and loan.renewals == 1 and loan.start_date == date(2026, 11, 5)
    old = make_person(db, actor, name="王五", birth=date(1966, 1, 1), sequence=333)
    old_loan = disbursed_loan(db, actor, old)
    with pytest.raises(NotAllowed, match="无还本续贷需要到期时继续符合条件：法定劳动年龄内：年龄 61 周岁"):
        renew_loan(db, actor, application_id=old_loan, on=date(2027, 1, 2))


def test_repaid_loan_frees_the_person_for_another(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = disbursed_loan(db, actor, person)
    answer = eligibility(db, actor, entrepreneur_id=person, as_of=date(2026, 1, 1)).answer(
        ItemCode.LOAN_INDIVIDUAL
    )
    assert answer is not None and answer.eligibility is Eligibility.NOT_ELIGIBLE
    interest = eligibility(db, actor, entrepreneur_id=person, as_of=date(2026, 1, 1)).answer(
        ItemCode.LOAN_INTEREST_SUBSIDY
    )
    assert interest is not None and interest.eligibility is Eligibility.ELIGIBLE
    proposal = propose_application(
        db, actor, entrepreneur_id=person, item_code="loan_interest_subsidy", as_of=date(2026, 1, 1)
    )
    assert proposal.amount_fen == 385_000  # ¥200,000 × 3.85% × 50% × 1 year
    repay_loan(db, actor, application_id=app, on=date(2026, 6, 1))
    with pytest.raises(NotAllowed, match="已于 2026-06-01 结清"):
        extend_loan(db, actor, application_id=app, months=1, on=date(2026, 6, 2))
    again = eligibility(db, actor, entrepreneur_id=person, as_of=date(2026, 7, 1)).answer(
        ItemCode.LOAN_INDIVIDUAL
    )
    assert again is not None and again.eligibility is Eligibility.ELIGIBLE


def test_loans_due_within_60_days_on_the_workbench(db: Database, actor: Actor) -> None:
    soon = disbursed_loan(db, actor, make_person(db, actor, name="赵一", sequence=411))  # due 2026-11-05
    disbursed_loan(db, actor, make_person(db, actor, name="钱二", sequence=412), term=24)  # due 2027-11-05
    today = date(2026, 9, 20)
    due = loans_due(db, actor, today=today)
    assert [(d.application_id, d.due) for d in due] == [(soon, date(2026, 11, 5))]
    assert loans_due(db, actor, today=date(2026, 9, 5)) == []  # 61 days before
    assert [d.due for d in loans_due(db, actor, today=date(2026, 9, 6))] == [
        date(2026, 11, 5)
    ]  # 60 days before
    tasks = loan_tasks(db, actor, today)
    assert len(tasks) == 1 and tasks[0].kind_label == "贷款到期" and tasks[0].open_id == soon
    assert "¥200,000.00 将于 2026-11-05 到期（中国农业银行）" in tasks[0].text
    assert tasks[0].urgency is Urgency.UPCOMING
    overdue = loan_tasks(db, actor, date(2026, 11, 6))
    assert overdue[0].urgency is Urgency.OVERDUE and "已逾期" in overdue[0].text
    extend_loan(db, actor, application_id=soon, months=3, on=today)
    assert loans_due(db, actor, today=today) == []
    assert any(t.kind_label == "贷款到期" for t in tasks_for(db, actor, today=date(2027, 1, 1)))


def test_waiting_applications_and_month_figure(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    assert waiting_tasks(db, actor, DAY) == []  # a draft waits for the worker, not for the next step
    for name, _ in get_application(db, actor, application_id=app).documents:
        set_document(db, actor, application_id=app, document=name, ticked=True)
    advance_application(db, actor, application_id=app, to=S.SUBMITTED, on=DAY)
    tasks = waiting_tasks(db, actor, DAY)
    assert len(tasks) == 1 and tasks[0].text.endswith("已提交，待审核") and tasks[0].due == date(2025, 11, 15)
    assert waiting_tasks(db, actor, date(2025, 11, 16))[0].urgency is Urgency.OVERDUE
    for step in (S.REVIEWING, S.APPROVED, S.DISBURSED):
        advance_application(db, actor, application_id=app, to=step, on=DAY)
    figures = {f.label: f.value for f in month_figures(db, actor, today=date(2025, 11, 30))}
    assert figures["补贴发放"] == "1 笔 ¥5,000.00"
    assert {f.label: f.value for f in month_figures(db, actor, today=date(2025, 12, 1))}[
        "补贴发放"
    ] == "0 笔 ¥0.00"

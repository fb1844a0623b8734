"""Issue 12 §3 and §5 on applications, through the services: the borrower and bank-account fields stored
through the journal and validated, a missing graduation date asked and filled in, a loan's amount not
pre-filled with the ceiling, no partnership loan for a one-person 个体工商户, and the workbench listing the
drafts still missing materials."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from desktop.services.applications import (
    ApplicationInput,
    create_application,
    draft_tasks,
    get_application,
    propose_application,
    set_document,
    update_application,
)
from models.applications import FormDetails
from models.audit import Actor, Change
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.errors import NotAllowed, ValidationError
from tests.unit.test_applications_loans import PARTNERSHIP_VENTURE
from tests.unit.test_policy_support import id_number, make_person

DAY = date(2025, 11, 5)
SPOUSE_ID = id_number(date(1994, 5, 6), 222)


def test_borrower_details_are_stored_through_the_journal_and_validated(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    details = FormDetails(
        marital_status="已婚",
        spouse_name="李四",
        spouse_id_number=SPOUSE_ID.lower(),
        household_address="浙江省杭州市西湖区文三路 90 号",
        loan_purpose="购置厨房设备",
        repayment_method="按月付息、到期还本",
        repayment_source="餐饮经营收入",
        business_income_fen=36_000_000,
    )
    app = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="guaranteed_loan_individual",
        data=ApplicationInput(amount_fen=20_000_000, details=details),
        today=DAY,
    )
    view = get_application(db, actor, application_id=app)
    assert view.details.spouse_id_number == SPOUSE_ID.upper() and view.details.spouse_name == "李四"
    assert view.details.business_income_fen == 36_000_000
    # an edit is one journalled change naming the field in the domain's words
    update_application(
        db,
        actor,
        application_id=app,
        data=ApplicationInput(
            amount_fen=20_000_000, details=FormDetails(**{**details.__dict__, "loan_purpose": "进货"})
        ),
    )
    with db.reading() as session:
        rows = session.exec(select(Change).where(Change.record_id == app).order_by(col(Change.seq))).all()
    assert rows[-1].changes["loan_purpose"] == ["购置厨房设备", "进货"]
    bad_id = SPOUSE_ID[:-1] + ("0" if SPOUSE_ID[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="配偶身份证号码"):
        update_application(
            db,
            actor,
            application_id=app,
            data=ApplicationInput(details=FormDetails(marital_status="已婚", spouse_id_number=bad_id)),
        )
    with pytest.raises(ValidationError, match="不应填写配偶信息"):
        update_application(
            db,
            actor,
            application_id=app,
            data=ApplicationInput(details=FormDetails(marital_status="未婚", spouse_name="李四")),
        )
    assert (
        get_application(db, actor, application_id=app).details.loan_purpose == "进货"
    )  # nothing half-stored


def test_bank_account_is_digits_only(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    with pytest.raises(ValidationError, match="银行账号“6228-48O4”只能由数字组成"):
        create_application(
            db,
            actor,
            entrepreneur_id=person,
            item_code="startup_subsidy",
            data=ApplicationInput(details=FormDetails(bank_account="6228-48O4")),
            today=DAY,
        )
    with pytest.raises(ValidationError, match="有 6 位，应为 8 到 32 位数字"):
        create_application(
            db,
            actor,
            entrepreneur_id=person,
            item_code="startup_subsidy",
            data=ApplicationInput(details=FormDetails(bank_account="622848")),
            today=DAY,
        )
    app = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="startup_subsidy",
        data=ApplicationInput(
            details=FormDetails(bank_name="中国农业银行", bank_account="6228 4804 0256 4890 018")
        ),
        today=DAY,
    )
    assert get_application(db, actor, application_id=app).details.bank_account == "6228480402564890018"


def test_a_missing_graduation_date_is_asked_where_the_rule_needs_it_and_fills_the_file(
    db: Database, actor: Actor
) -> None:
    graduate = make_person(db, actor, key_groups="高校毕业生")
    proposal = propose_application(
        db, actor, entrepreneur_id=graduate, item_code="startup_subsidy", as_of=DAY
    )
    assert proposal.needs_graduation_date
    veteran = make_person(db, actor, name="王五", sequence=333)
    assert not propose_application(
        db, actor, entrepreneur_id=veteran, item_code="startup_subsidy", as_of=DAY
    ).needs_graduation_date
    with pytest.raises(ValidationError, match="晚于今天"):
        create_application(
            db,
            actor,
            entrepreneur_id=graduate,
            item_code="startup_subsidy",
            data=ApplicationInput(graduation_date=date(2026, 6, 1)),
            today=DAY,
        )
    app = create_application(
        db,
        actor,
        entrepreneur_id=graduate,
        item_code="startup_subsidy",
        data=ApplicationInput(graduation_date=date(2024, 6, 1)),
        today=DAY,
    )
    with db.reading() as session:
        filed = session.get(Entrepreneur, graduate)
    assert filed is not None and filed.graduation_date == date(2024, 6, 1)
    assert not get_application(db, actor, application_id=app).needs_graduation_date


def test_a_loan_starts_at_what_is_asked_and_no_partnership_loan_for_a_one_person_business(
    db: Database, actor: Actor
) -> None:
    person = make_person(db, actor)  # 青禾餐饮店, a 个体工商户
    individual = propose_application(
        db, actor, entrepreneur_id=person, item_code="guaranteed_loan_individual", as_of=DAY
    )
    assert individual.amount_fen == 0 and individual.ceiling_fen == 30_000_000
    partnership = propose_application(
        db, actor, entrepreneur_id=person, item_code="guaranteed_loan_partnership", partners=3, as_of=DAY
    )
    assert not partnership.can_apply and "个体工商户为个人经营" in partnership.refusal
    with pytest.raises(NotAllowed, match="不能申请合伙创业担保贷款"):
        create_application(
            db,
            actor,
            entrepreneur_id=person,
            item_code="guaranteed_loan_partnership",
            data=ApplicationInput(partners=3, amount_fen=10_000_000),
            today=DAY,
        )
    shop = {**PARTNERSHIP_VENTURE, "name": "王五小吃店", "entity_type": "个体工商户"}
    partners = make_person(db, actor, name="王五", sequence=333, ventures=[shop, PARTNERSHIP_VENTURE])
    proposal = propose_application(
        db, actor, entrepreneur_id=partners, item_code="guaranteed_loan_partnership", partners=3, as_of=DAY
    )
    assert proposal.can_apply  # the partnership is proposed, not the person's 个体工商户
    assert proposal.venture_id == next(v.id for v in proposal.ventures if v.name == "青禾餐饮合伙企业")


def test_the_workbench_lists_drafts_still_missing_materials(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    tasks = [t for t in draft_tasks(db, actor, today=DAY) if t.open_id == app]
    assert len(tasks) == 1
    task = tasks[0]
    assert task.kind_label == "草稿缺材料" and task.subject_name == "张三"
    assert "还缺 申请人身份证复印件、营业执照复印件等 6 项" in task.text
    for name, _ in get_application(db, actor, application_id=app).documents:
        set_document(db, actor, application_id=app, document=name, ticked=True)
    assert not [t for t in draft_tasks(db, actor, today=DAY) if t.open_id == app]  # all in: off the bench

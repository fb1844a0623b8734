"""Applications: created from an eligible item, pre-filled, checklist ticked, moved through the workflow with
dates and who; forbidden transitions refused; one open application per item; a one-time subsidy once."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlmodel import select

from desktop.services.applications import (
    ApplicationInput,
    ApplicationQuery,
    advance_application,
    applications_of,
    create_application,
    delete_application,
    fetch_application_rows,
    get_application,
    propose_application,
    restore_application,
    search_application_ids,
    set_document,
    update_application,
)
from desktop.services.entrepreneurs import file_history, undo_last_change
from desktop.services.policy import eligibility
from desktop.services.timeline import timeline
from models.applications import TRANSITIONS, ApplicationStatus, ApplicationStep, check_transition
from models.audit import Actor
from models.database import Database
from models.errors import Conflict, NotAllowed, ValidationError
from models.policy import Eligibility, ItemCode
from tests.unit.test_policy_support import make_person

S = ApplicationStatus
DAY = date(2025, 11, 5)


def tick_all(db: Database, actor: Actor, application_id: str) -> None:
    view = get_application(db, actor, application_id=application_id)
    for name, _ in view.documents:
        set_document(db, actor, application_id=application_id, document=name, ticked=True)


def to_status(db: Database, actor: Actor, application_id: str, target: ApplicationStatus) -> None:
    path = {
        S.SUBMITTED: [S.SUBMITTED],
        S.REVIEWING: [S.SUBMITTED, S.REVIEWING],
        S.APPROVED: [S.SUBMITTED, S.REVIEWING, S.APPROVED],
        S.DISBURSED: [S.SUBMITTED, S.REVIEWING, S.APPROVED, S.DISBURSED],
        S.RETURNED: [S.SUBMITTED, S.RETURNED],
        S.DRAFT: [],
    }[target]
    if path:
        tick_all(db, actor, application_id)
    for step in path:
        advance_application(db, actor, application_id=application_id, to=step, on=DAY, note="材料不全")


# ------------------------------------------------------------------------------------------------ workflow
ALLOWED = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_every_transition_is_allowed_or_refused(
    current: ApplicationStatus, target: ApplicationStatus
) -> None:
    if (current, target) in ALLOWED:
        assert check_transition(current, target)
    else:
        with pytest.raises(NotAllowed) as caught:
            check_transition(current, target)
        assert current.label in str(caught.value)


def test_the_workflow_the_issue_names() -> None:
    assert check_transition(S.DRAFT, S.SUBMITTED) == "提交"
    assert check_transition(S.SUBMITTED, S.REVIEWING) == "开始审核"
    assert check_transition(S.REVIEWING, S.APPROVED) == "批准"
    assert check_transition(S.REVIEWING, S.RETURNED) == "退回"
    assert check_transition(S.APPROVED, S.DISBURSED) == "发放"
    with pytest.raises(NotAllowed, match="不能直接改为“已批准”；可以：提交"):
        check_transition(S.DRAFT, S.APPROVED)
    with pytest.raises(NotAllowed, match="流程已结束"):
        check_transition(S.DISBURSED, S.DRAFT)


@pytest.mark.parametrize(
    ("reached", "forbidden"),
    [(S.DRAFT, S.APPROVED), (S.SUBMITTED, S.DISBURSED), (S.APPROVED, S.RETURNED), (S.DISBURSED, S.REVIEWING)],
)
def test_forbidden_transitions_are_refused_in_the_database(
    db: Database, actor: Actor, reached: ApplicationStatus, forbidden: ApplicationStatus
) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    to_status(db, actor, app, reached)
    before = get_application(db, actor, application_id=app)
    with pytest.raises(NotAllowed):
        advance_application(db, actor, application_id=app, to=forbidden, on=DAY)
    after = get_application(db, actor, application_id=app)
    assert after.status is reached and after.version == before.version and after.steps == before.steps


def test_full_workflow_keeps_dates_and_who(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    tick_all(db, actor, app)
    dates = {S.SUBMITTED: date(2025, 11, 6), S.REVIEWING: date(2025, 11, 10), S.APPROVED: date(2025, 11, 20)}
    for status, day in dates.items():
        advance_application(db, actor, application_id=app, to=status, on=day)
    final = advance_application(db, actor, application_id=app, to=S.DISBURSED, on=date(2025, 12, 1))
    assert final.status is S.DISBURSED
    assert (final.submitted_on, final.approved_on, final.disbursed_on) == (
        date(2025, 11, 6),
        date(2025, 11, 20),
        date(2025, 12, 1),
    )
    assert [(s.action, s.to_status, s.on, s.by) for s in final.steps] == [
        ("新建", S.DRAFT, DAY, actor.user_name),
        ("提交", S.SUBMITTED, date(2025, 11, 6), actor.user_name),
        ("开始审核", S.REVIEWING, date(2025, 11, 10), actor.user_name),
        ("批准", S.APPROVED, date(2025, 11, 20), actor.user_name),
        ("发放", S.DISBURSED, date(2025, 12, 1), actor.user_name),
    ]
    assert final.next_steps == []
    entries = [e.title for e in timeline(db, actor, entrepreneur_id=person) if e.kind == "申请"]
    assert "一次性创业补贴：发放（已发放）" in entries and len(entries) == 5


def test_a_step_cannot_be_dated_before_the_previous_one(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    tick_all(db, actor, app)
    with pytest.raises(ValidationError, match="早于上一步的日期 2025-11-05"):
        advance_application(db, actor, application_id=app, to=S.SUBMITTED, on=date(2025, 11, 1))


def test_returning_needs_a_reason_and_the_application_can_be_resubmitted(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    to_status(db, actor, app, S.SUBMITTED)
    with pytest.raises(ValidationError, match="请填写退回原因"):
        advance_application(db, actor, application_id=app, to=S.RETURNED, on=DAY)
    returned = advance_application(db, actor, application_id=app, to=S.RETURNED, on=DAY, note="缺营业执照")
    assert returned.returned_reason == "缺营业执照" and returned.editable
    again = advance_application(db, actor, application_id=app, to=S.SUBMITTED, on=DAY)
    assert again.status is S.SUBMITTED and again.steps[-1].action == "重新提交"


def test_submitting_needs_every_document_and_eligibility(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    with pytest.raises(NotAllowed, match="材料清单中还有 6 项未收到：申请人身份证复印件、营业执照复印件"):
        advance_application(db, actor, application_id=app, to=S.SUBMITTED, on=DAY)
    tick_all(db, actor, app)
    set_document(db, actor, application_id=app, document="营业执照复印件", ticked=False)
    view = get_application(db, actor, application_id=app)
    assert view.missing_documents == ["营业执照复印件"]
    with pytest.raises(ValidationError, match="不在该申请的材料清单中"):
        set_document(db, actor, application_id=app, document="户口本", ticked=True)
    set_document(db, actor, application_id=app, document="营业执照复印件", ticked=True)
    # three years after registration the venture no longer qualifies: submitting is refused with why
    with pytest.raises(NotAllowed, match=r"不符合条件：.*超过 36 个月"):
        advance_application(db, actor, application_id=app, to=S.SUBMITTED, on=date(2027, 1, 11))
    advance_application(db, actor, application_id=app, to=S.SUBMITTED, on=DAY)


# ------------------------------------------------------------------------------------- creation and rules
def test_proposal_is_prefilled_from_the_file_and_within_the_ceiling(db: Database, actor: Actor) -> None:
    person = make_person(db, actor, key_groups="退役军人")
    proposal = propose_application(
        db, actor, entrepreneur_id=person, item_code="guaranteed_loan_individual", as_of=DAY
    )
    assert proposal.can_apply
    # a loan's amount is what the person asks for, typed on the form: it does not start at the ceiling
    assert proposal.amount_fen == 0 and proposal.ceiling_fen == 30_000_000
    assert proposal.ventures[0].name == "青禾餐饮店" and proposal.venture_id == proposal.ventures[0].id
    assert proposal.loan is not None
    assert (proposal.loan.term_months, proposal.loan.annual_rate_bp, proposal.loan.subsidy_share_pct) == (
        36,
        395,
        50,
    )
    assert proposal.loan.counter_guarantee_waived is True  # veterans: 反担保 waived in the default set
    assert proposal.documents[0] == "借款人身份证复印件"


def test_not_eligible_is_refused_with_the_reasons(db: Database, actor: Actor) -> None:
    person = make_person(db, actor, key_groups="高校毕业生", graduation="2023-06")
    with pytest.raises(
        NotAllowed, match="不符合一次性创业补贴的条件：毕业时间 2023-06 距今 29 个月，超过 24 个月"
    ):
        create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    assert applications_of(db, actor, entrepreneur_id=person) == []


def test_amount_above_the_ceiling_is_refused(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    with pytest.raises(ValidationError, match=r"申请金额 ¥6,000.00 超过一次性创业补贴的上限 ¥5,000.00"):
        create_application(
            db,
            actor,
            entrepreneur_id=person,
            item_code="startup_subsidy",
            data=ApplicationInput(amount_fen=600_000),
            today=DAY,
        )
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    with pytest.raises(ValidationError, match="超过"):
        update_application(
            db, actor, application_id=app, data=ApplicationInput(amount_fen=500_001), today=DAY
        )
    assert update_application(
        db,
        actor,
        application_id=app,
        data=ApplicationInput(amount_fen=300_000, notes="先申请部分"),
        today=DAY,
    )
    assert get_application(db, actor, application_id=app).amount_fen == 300_000


def test_two_open_applications_for_the_same_item_are_refused(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    first = create_application(db, actor, entrepreneur_id=person, item_code="incubator_space", today=DAY)
    with pytest.raises(Conflict, match="尚未办结，同一项目不能同时有两份申请") as caught:
        create_application(db, actor, entrepreneur_id=person, item_code="incubator_space", today=DAY)
    assert caught.value.existing_id == first
    report = eligibility(db, actor, entrepreneur_id=person, as_of=DAY)
    assert report.open_applications[ItemCode.INCUBATOR_SPACE].id == first
    proposal = propose_application(db, actor, entrepreneur_id=person, item_code="incubator_space", as_of=DAY)
    assert not proposal.can_apply
    # another item is fine; once the first is disbursed the item may be applied for again (not one-time)
    create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    to_status(db, actor, first, S.DISBURSED)
    create_application(db, actor, entrepreneur_id=person, item_code="incubator_space", today=DAY)


def test_a_one_time_subsidy_is_received_once(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    first = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    to_status(db, actor, first, S.DISBURSED)
    with pytest.raises(Conflict, match="一次性补贴每人只能享受一次"):
        create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    answer = eligibility(db, actor, entrepreneur_id=person, as_of=DAY).answer(ItemCode.STARTUP_SUBSIDY)
    assert answer is not None and answer.eligibility is Eligibility.NOT_ELIGIBLE
    assert "已于 2025-11-05 享受过一次性创业补贴" in answer.failed[0].text
    # asked as of a day before the payment, the person was still eligible
    earlier = eligibility(db, actor, entrepreneur_id=person, as_of=date(2025, 11, 4)).answer(
        ItemCode.STARTUP_SUBSIDY
    )
    assert earlier is not None and earlier.eligibility is Eligibility.ELIGIBLE


def test_second_disbursal_of_a_one_time_subsidy_is_refused(db: Database, actor: Actor) -> None:
    """Two applications that existed side by side (one deleted and restored): only one may be paid."""
    person = make_person(db, actor)
    first = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    delete_application(db, actor, application_id=first)
    second = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    to_status(db, actor, second, S.DISBURSED)
    with pytest.raises(Conflict, match="一次性补贴每人只能享受一次"):
        restore_application(db, actor, application_id=first)


def test_delete_only_drafts_and_undo_takes_a_step_back(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    to_status(db, actor, app, S.SUBMITTED)
    with pytest.raises(NotAllowed, match="只能删除草稿或已退回的申请"):
        delete_application(db, actor, application_id=app)
    assert (
        undo_last_change(db, actor, entrepreneur_id=person)
        == "提交一次性创业补贴申请 " + get_application(db, actor, application_id=app).number
    )
    view = get_application(db, actor, application_id=app)
    assert view.status is S.DRAFT
    assert [s.action for s in view.steps] == ["新建"]  # the undone step went to the recycle bin
    number = delete_application(db, actor, application_id=app)
    assert search_application_ids(db, actor) == []
    assert search_application_ids(db, actor, query=ApplicationQuery(recycle_bin=True)) == [app]
    assert number.startswith("330106001-SQ2025-")
    labels = [c.label for c in file_history(db, actor, entrepreneur_id=person)]
    assert f"删除一次性创业补贴申请 {number}" in labels


def test_list_filters_and_rows_mask_personal_data(db: Database, actor: Actor) -> None:
    zhang = make_person(db, actor, name="张三", sequence=111)
    li = make_person(db, actor, name="李四", sequence=222, birth=date(1990, 1, 1), phone="13900139000")
    a = create_application(db, actor, entrepreneur_id=zhang, item_code="startup_subsidy", today=DAY)
    b = create_application(db, actor, entrepreneur_id=li, item_code="incubator_space", today=DAY)
    to_status(db, actor, b, S.SUBMITTED)
    assert set(search_application_ids(db, actor)) == {a, b}
    assert search_application_ids(db, actor, query=ApplicationQuery(status=S.SUBMITTED)) == [b]
    assert search_application_ids(db, actor, query=ApplicationQuery(item_code=ItemCode.STARTUP_SUBSIDY)) == [
        a
    ]
    assert search_application_ids(db, actor, query=ApplicationQuery(text="李四")) == [b]
    assert search_application_ids(db, actor, query=ApplicationQuery(text="ls")) == [b]  # pinyin initials
    assert search_application_ids(db, actor, query=ApplicationQuery(month=date(2025, 10, 1))) == []
    rows = fetch_application_rows(db, actor, ids=[b, a])
    assert [r.name for r in rows] == ["李四", "张三"]
    assert rows[0].id_number_masked.startswith("330") and "*" in rows[0].id_number_masked
    with db.reading() as session:
        steps = session.exec(select(ApplicationStep).where(ApplicationStep.application_id == b)).all()
    assert [s.to_status for s in steps] == ["draft", "submitted"]

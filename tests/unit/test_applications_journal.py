"""Every application, workflow step and loan the services write is in the change log: a create row first,
one row per change after, the record's version equal to the count of its rows, all on the person's file;
and a service call is one transaction (create_application refused half-way writes nothing at all)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from desktop.services.applications import (
    LoanInput,
    advance_application,
    create_application,
    extend_loan,
    get_application,
    renew_loan,
    repay_loan,
    save_loan,
    set_document,
)
from models.applications import ApplicationStatus
from models.audit import Actor
from models.database import Database
from models.errors import ValidationError
from tests.unit.test_policy_support import make_person

S = ApplicationStatus
DAY = date(2025, 11, 5)
JOURNALED = ("application", "application_step", "loan")
TABLES = (*JOURNALED, "change_log", "access_log")


def loan_application(db: Database, actor: Actor, person: str) -> str:
    app = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="guaranteed_loan_individual",
        loan=LoanInput(bank="中国农业银行", amount_fen=20_000_000, term_months=12, annual_rate_bp=385),
        today=DAY,
    )
    for name, _ in get_application(db, actor, application_id=app).documents:
        set_document(db, actor, application_id=app, document=name, ticked=True)
    return app


def journal(db: Database, table: str) -> list[tuple[str, int, str, int, str | None]]:
    """Each row of ``table``: id, version, its change rows' actions (by version), their count, subject."""
    with db.engine.connect() as connection:
        records = connection.execute(text(f"SELECT id, version FROM {table} ORDER BY id")).all()
        changes = connection.execute(
            text(
                "SELECT record_id, action, subject_id FROM change_log WHERE record_kind = :kind "
                "ORDER BY record_id, version"
            ),
            {"kind": table},
        ).all()
    rows = []
    for record_id, version in records:
        own = [(action, subject) for rid, action, subject in changes if rid == record_id]
        subjects = {subject for _, subject in own}
        subject = subjects.pop() if len(subjects) == 1 else None
        rows.append((str(record_id), int(version), ",".join(a for a, _ in own), len(own), subject))
    return rows


def assert_journaled(db: Database, person: str) -> None:
    for table in JOURNALED:
        rows = journal(db, table)
        assert rows, f"no {table} row written"
        for record_id, version, actions, count, subject in rows:
            assert actions.split(",")[0] == "create", f"{table} {record_id} has no create change: {actions!r}"
            assert actions.count("create") == 1, f"{table} {record_id}: {actions!r}"
            assert version == count, f"{table} {record_id}: version {version}, {count} change rows"
            assert subject == person, f"{table} {record_id}: changes not on the person's file"


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}


def test_a_loan_from_draft_to_repayment_is_in_the_change_log(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = loan_application(db, actor, person)
    assert_journaled(db, person)
    assert save_loan(db, actor, application_id=app, loan=LoanInput(bank="中国邮政储蓄银行"), today=DAY)
    assert_journaled(db, person)
    for step in (S.SUBMITTED, S.REVIEWING, S.APPROVED, S.DISBURSED):
        advance_application(db, actor, application_id=app, to=step, on=DAY)
        assert_journaled(db, person)
    extend_loan(db, actor, application_id=app, months=3, on=date(2026, 10, 1))
    assert_journaled(db, person)
    repay_loan(db, actor, application_id=app, on=date(2026, 12, 1))
    assert_journaled(db, person)
    # draft + four steps, each its own row created once and never changed
    steps = journal(db, "application_step")
    assert len(steps) == 5
    assert all(version == 1 and actions == "create" for _, version, actions, _, _ in steps)
    [(_, loan_version, loan_actions, _, _)] = journal(db, "loan")
    # created; bank saved; dates set on disbursement; extended; repaid
    assert loan_actions.split(",") == ["create", "update", "update", "update", "update"]
    assert loan_version == 5


def test_a_renewal_is_in_the_change_log(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    app = loan_application(db, actor, person)
    for step in (S.SUBMITTED, S.REVIEWING, S.APPROVED, S.DISBURSED):
        advance_application(db, actor, application_id=app, to=step, on=DAY)
    renew_loan(db, actor, application_id=app, on=date(2026, 11, 5))
    assert_journaled(db, person)


def test_creating_an_application_is_one_operation(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    before = counts(db)
    create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="guaranteed_loan_individual",
        loan=LoanInput(bank="中国农业银行"),
        today=DAY,
    )
    kinds = ", ".join(f"'{kind}'" for kind in JOURNALED)
    with db.engine.connect() as connection:
        operations = connection.execute(
            text(f"SELECT operation_id, record_kind FROM change_log WHERE record_kind IN ({kinds})")
        ).all()
    assert len({operation for operation, _ in operations}) == 1
    assert sorted(kind for _, kind in operations) == sorted(JOURNALED)
    after = counts(db)
    assert {t: after[t] - before[t] for t in JOURNALED} == dict.fromkeys(JOURNALED, 1)


def test_create_application_refused_at_the_loan_writes_nothing(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    before = counts(db)
    # the application and its first step pass; the loan's 48-month term is then refused
    with pytest.raises(ValidationError, match="贷款期限 48 个月"):
        create_application(
            db,
            actor,
            entrepreneur_id=person,
            item_code="guaranteed_loan_individual",
            loan=LoanInput(bank="中国农业银行", term_months=48),
            today=DAY,
        )
    assert counts(db) == before
    app = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="guaranteed_loan_individual",
        loan=LoanInput(bank="中国农业银行", term_months=36),
        today=DAY,
    )
    # the refused attempt used no number either
    assert get_application(db, actor, application_id=app).number.endswith("-SQ2025-00001")

"""Eligibility from a real station database: facts read from the file, its ventures, training completions
and applications; a whole station counted at once."""

from __future__ import annotations

from datetime import date

from desktop.demo import generate_demo
from desktop.services.applications import create_application
from desktop.services.entrepreneurs import update_entrepreneur
from desktop.services.policy import eligibility, load_station_rows, station_eligibility
from models.audit import Actor
from models.database import Database
from models.policy import Eligibility, ItemCode
from tests.unit.test_applications_forms import _completed_class
from tests.unit.test_policy_support import id_number, make_person

DAY = date(2025, 11, 5)


def test_report_reads_the_file_and_explains(db: Database, actor: Actor) -> None:
    person = make_person(db, actor, key_groups="高校毕业生", graduation="2024-06")
    report = eligibility(db, actor, entrepreneur_id=person, as_of=DAY)
    assert report.name == "张三" and report.as_of == DAY
    assert report.policy_set.example and report.policy_set.id == "default"
    startup = report.answer(ItemCode.STARTUP_SUBSIDY)
    assert startup is not None and startup.eligibility is Eligibility.ELIGIBLE
    assert "毕业时间 2024-06 距今 17 个月，在 24 个月以内" in [r.text for r in startup.held]
    training = report.answer(ItemCode.TRAINING_SUBSIDY)
    assert training is not None and training.eligibility is Eligibility.NOT_ELIGIBLE
    _completed_class(db, actor, [person])
    again = eligibility(db, actor, entrepreneur_id=person, as_of=DAY).answer(ItemCode.TRAINING_SUBSIDY)
    assert again is not None and again.eligibility is Eligibility.ELIGIBLE
    assert "已结业 1 期创业培训" in [r.text for r in again.held]


def test_changing_the_file_changes_the_answer(db: Database, actor: Actor) -> None:
    person = make_person(db, actor, key_groups="其他")
    before = eligibility(db, actor, entrepreneur_id=person, as_of=DAY).answer(ItemCode.INCUBATOR_SPACE)
    assert before is not None and before.eligibility is Eligibility.NOT_ELIGIBLE
    update_entrepreneur(
        db,
        actor,
        entrepreneur_id=person,
        person={
            "name": "张三",
            "id_number": id_number(date(1995, 3, 8)),
            "phone": "13800138000",
            "key_groups": "返乡创业",
        },
    )
    after = eligibility(db, actor, entrepreneur_id=person, as_of=DAY).answer(ItemCode.INCUBATOR_SPACE)
    assert after is not None and after.eligibility is Eligibility.ELIGIBLE


def test_social_insurance_months_recorded_on_an_application_fill_the_gap(db: Database, actor: Actor) -> None:
    from desktop.services.applications import ApplicationInput

    person = make_person(db, actor, key_groups="就业困难人员")
    before = eligibility(db, actor, entrepreneur_id=person, as_of=DAY).answer(
        ItemCode.SOCIAL_INSURANCE_SUBSIDY
    )
    assert before is not None and before.eligibility is Eligibility.MISSING_DATA
    create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="social_insurance_subsidy",
        data=ApplicationInput(social_insurance_months=8),
        today=DAY,
    )
    after = eligibility(db, actor, entrepreneur_id=person, as_of=DAY).answer(
        ItemCode.SOCIAL_INSURANCE_SUBSIDY
    )
    assert after is not None and after.eligibility is Eligibility.ELIGIBLE


def test_whole_station_counts_match_one_by_one(db: Database, actor: Actor) -> None:
    generate_demo(db, entrepreneurs=60, seed=5, today=date(2026, 3, 1))
    as_of = date(2026, 3, 1)
    counts = station_eligibility(db, actor, as_of=as_of)
    rows = load_station_rows(db, actor, as_of=as_of)
    assert sum(counts[ItemCode.STARTUP_SUBSIDY].values()) == len(rows.people) == 60
    one_by_one: dict[Eligibility, int] = dict.fromkeys(Eligibility, 0)
    for person_id, *_ in rows.people:
        answer = eligibility(db, actor, entrepreneur_id=person_id, as_of=as_of).answer(
            ItemCode.INCUBATOR_SPACE
        )
        assert answer is not None
        one_by_one[answer.eligibility] += 1
    assert counts[ItemCode.INCUBATOR_SPACE] == one_by_one

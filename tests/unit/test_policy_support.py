"""Helpers shared by the policy and application tests: people with files, and the default policy set."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from stdnum.cn import ric

from desktop.services.entrepreneurs import create_entrepreneur
from desktop.services.policy import default_policy_set
from models.audit import Actor
from models.database import Database
from models.enums import KeyGroup
from models.policy import PersonFacts, PolicyItem, VentureFacts

AS_OF = date(2025, 11, 5)


def id_number(birth: date, sequence: int = 123, region: str = "330106") -> str:
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_person(
    db: Database,
    actor: Actor,
    *,
    name: str = "张三",
    birth: date = date(1995, 3, 8),
    sequence: int = 123,
    key_groups: str = "退役军人",
    graduation: str | None = None,
    phone: str = "13800138000",
    ventures: list[Mapping[str, object]] | None = None,
) -> str:
    person: dict[str, object] = {
        "name": name,
        "id_number": id_number(birth, sequence),
        "phone": phone,
        "key_groups": key_groups,
        "address": "文三路 90 号",
        "household_region": "330106",
    }
    if graduation:
        person["graduation_date"] = graduation
        person["education"] = "大学本科"
    if ventures is None:
        ventures = [
            {
                "name": "青禾餐饮店",
                "entity_type": "个体工商户",
                "stage": "初创",
                "registration_date": "2024-01-10",
                "jobs_created": 2,
                "industry": "H",
                "address": "古墩路 8 号",
            }
        ]
    return create_entrepreneur(db, actor, person=person, ventures=ventures, confirm_possible_duplicate=True)


def item(code: str) -> PolicyItem:
    found = default_policy_set().item(code)
    assert found is not None
    return found


def facts(
    *,
    groups: frozenset[KeyGroup] = frozenset({KeyGroup.VETERAN}),
    graduation: date | None = None,
    birth: date = date(1995, 3, 8),
    ventures: tuple[VentureFacts, ...] | None = None,
    registered: date | None = date(2024, 1, 10),
    **extra: object,
) -> PersonFacts:
    if ventures is None:
        ventures = (VentureFacts("v1", "青禾餐饮店", "individual_business", "startup", registered, 2),)
    return PersonFacts(
        entrepreneur_id="p1",
        birth_date=birth,
        key_groups=groups,
        graduation_date=graduation,
        ventures=ventures,
        **extra,  # type: ignore[arg-type]
    )


def test_support_makes_a_valid_person(db: Database, actor: Actor) -> None:
    person_id = make_person(db, actor)
    assert len(person_id) == 36
    assert item("startup_subsidy").name == "一次性创业补贴"

"""The demo's people and their ventures: the first step, every other area's step draws on them."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import col, select
from stdnum.cn import ric, uscc

from desktop.demo.context import DEMO_USER, DemoContext
from desktop.demo.names import (
    GIVEN,
    RARE,
    REGIONS,
    SHOP_KINDS,
    SHOP_WORDS,
    SPECIAL_SURNAMES,
    STREETS,
    SURNAMES,
)
from desktop.services.entrepreneurs import rebuild_search
from models.base import CHINA_TZ
from models.entrepreneur import Entrepreneur, Venture
from models.enums import INDUSTRY_SECTIONS, Education, EntityType, KeyGroup, Sex, Stage, key_groups_to_bits
from models.pinyin import name_search_keys
from models.station import CaseSequence


def demo_step(ctx: DemoContext) -> None:
    _make_entrepreneurs(ctx, ctx.size)


def _name(rng: random.Random) -> str:
    surname = rng.choice(SPECIAL_SURNAMES) if rng.random() < 0.06 else rng.choice(SURNAMES)
    pool = GIVEN + (RARE if rng.random() < 0.05 else "")
    length = 1 if rng.random() < 0.3 else 2
    given = "".join(rng.choice(pool) for _ in range(length))
    if rng.random() < 0.03:
        given = given[:-1] + rng.choice(RARE)
    return surname + given


def _id_number(rng: random.Random, region: str, birth: date, sex: Sex) -> str:
    sequence = rng.randint(0, 499) * 2 + (1 if sex is Sex.MALE else 0)
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants the check position present


def _credit_code(rng: random.Random, region: str, entity: EntityType) -> str:
    prefix = {"individual_business": "92", "farmer_cooperative": "93"}.get(entity.value, "91")
    body = prefix + region + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    body = prefix + region + "".join(rng.choice("0123456789") for _ in range(8)) + body[-1]
    return body + uscc.calc_check_digit(body)


def _phone(rng: random.Random) -> str:
    return rng.choice(("13", "15", "17", "18", "19")) + "".join(rng.choice("0123456789") for _ in range(9))


def _key_groups(rng: random.Random, age: int, education: Education) -> set[KeyGroup]:
    groups: set[KeyGroup] = set()
    if age <= 30 and education in (Education.BACHELOR, Education.COLLEGE, Education.MASTER):
        groups.add(KeyGroup.COLLEGE_GRADUATE)
    roll = rng.random()
    if roll < 0.35:
        groups.add(KeyGroup.MIGRANT_RETURNEE)
    elif roll < 0.47:
        groups.add(KeyGroup.VETERAN)
    elif roll < 0.57:
        groups.add(KeyGroup.EMPLOYMENT_DIFFICULTY)
    elif roll < 0.62:
        groups.add(KeyGroup.POVERTY_ALLEVIATED)
    elif roll < 0.70:
        groups.add(KeyGroup.REGISTERED_UNEMPLOYED)
    elif roll < 0.72:
        groups.add(KeyGroup.DISABLED)
    if not groups:
        groups.add(KeyGroup.OTHER)
    return groups


def _make_entrepreneurs(ctx: DemoContext, count: int) -> None:
    rng, today = ctx.rng, ctx.today
    start = date(today.year - 3, 1, 1)
    people: list[dict[str, Any]] = []
    ventures: list[dict[str, Any]] = []
    used_ids = set(ctx.session.exec(select(col(Entrepreneur.id_number))).all())  # the station's own too
    sequences = {row.year: row.last for row in ctx.session.exec(select(CaseSequence)).all()}  # joined
    pinyin_cache: dict[str, str] = {}
    moments = sorted(ctx.moment_between(start, today) for _ in range(count))
    for created in moments:
        sex = Sex.MALE if rng.random() < 0.58 else Sex.FEMALE
        age = rng.choice((rng.randint(21, 30), rng.randint(22, 45), rng.randint(25, 58)))
        birth = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        region = rng.choice(REGIONS)
        number = _id_number(rng, region, birth, sex)
        while number in used_ids:
            number = _id_number(rng, region, birth, sex)
        used_ids.add(number)
        education = rng.choice(list(Education)[1:])
        groups = _key_groups(rng, age, education)
        graduation = None
        if KeyGroup.COLLEGE_GRADUATE in groups:
            graduation = date(min(birth.year + 22 + rng.randint(0, 3), today.year - 1), 6, 30)
        name = _name(rng)
        if name not in pinyin_cache:
            keys = name_search_keys(name)
            pinyin_cache[name] = keys[0] if keys else name
        year = created.astimezone(CHINA_TZ).year
        sequences[year] = sequences.get(year, 0) + 1
        person_id = ctx.new_id(created)
        phone = _phone(rng)
        person_ventures = _make_ventures(ctx, person_id, region, created)
        stage = next(
            (v["stage"] for v in reversed(person_ventures) if v["stage"] != Stage.CLOSED.value),
            Stage.CLOSED.value if person_ventures else None,
        )
        created_at = created
        people.append(
            {
                "id": person_id,
                "station_code": ctx.station_code,
                "created_at": created_at,
                "updated_at": created_at,
                "updated_by": DEMO_USER,
                "version": 1,
                "deleted": False,
                "case_number": f"{ctx.station_code}-{year}-{sequences[year]:05d}",
                "name": name,
                "name_pinyin": pinyin_cache[name],
                "id_number": number,
                "birth_date": birth,
                "sex": sex.value,
                "phone": phone,
                "key_groups": key_groups_to_bits(groups),
                "education": education.value,
                "graduation_date": graduation,
                "household_region": region,
                "address": f"{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                "notes": "",
                "current_stage": stage,
            }
        )
        for _ in range(1 + len(person_ventures)):
            ctx.draw_change_ids()
        ventures.extend(person_ventures)
        ctx.entrepreneur_ids.append(person_id)
        ctx.venture_ids.extend(v["id"] for v in person_ventures)
    ctx.bulk(Entrepreneur, people, [row["id"] for row in people])
    ctx.bulk(Venture, ventures, [row["entrepreneur_id"] for row in ventures])
    rebuild_search(ctx.session, [row["id"] for row in people])  # the projection, from the records
    for year, last in sequences.items():
        sequence = ctx.session.get(CaseSequence, year) or CaseSequence(year=year, last=0)
        sequence.last = max(sequence.last, last)
        ctx.session.add(sequence)
    ctx.summary["创业者"] = ctx.summary.get("创业者", 0) + len(people)
    ctx.summary["创业主体"] = ctx.summary.get("创业主体", 0) + len(ventures)


def _make_ventures(ctx: DemoContext, person_id: str, region: str, created: datetime) -> list[dict[str, Any]]:
    rng, today = ctx.rng, ctx.today
    count = rng.choices((0, 1, 2), weights=(25, 65, 10))[0]
    made: list[dict[str, Any]] = []
    for index in range(count):
        industry, kind = rng.choice(SHOP_KINDS)
        entity = (
            EntityType.FARMER_COOPERATIVE
            if kind == "家庭农场" and rng.random() < 0.3
            else rng.choice(
                (EntityType.INDIVIDUAL_BUSINESS, EntityType.INDIVIDUAL_BUSINESS, EntityType.SMALL_FIRM)
            )
        )
        closed = index == 0 and count == 2
        stage = (
            Stage.CLOSED
            if closed
            else rng.choice(
                (Stage.INTENT, Stage.PREPARING, Stage.STARTUP, Stage.STARTUP, Stage.GROWTH, Stage.MATURE)
            )
        )
        registered = stage not in (Stage.INTENT, Stage.PREPARING)
        reg_date = today - timedelta(days=rng.randint(30, 2500)) if registered else None
        if reg_date and stage is Stage.STARTUP:
            reg_date = today - timedelta(days=rng.randint(20, 1000))
        created_at = created
        made.append(
            {
                "id": ctx.new_id(created),
                "station_code": ctx.station_code,
                "created_at": created_at,
                "updated_at": created_at,
                "updated_by": DEMO_USER,
                "version": 1,
                "deleted": False,
                "entrepreneur_id": person_id,
                "name": f"{rng.choice(SHOP_WORDS)}{kind}",
                "entity_type": entity.value,
                "credit_code": _credit_code(rng, region, entity) if registered else None,
                "registration_date": reg_date,
                "industry": industry if industry in INDUSTRY_SECTIONS else None,
                "address": f"{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                "jobs_created": rng.choice((0, 1, 1, 2, 3, 5, 8)) if registered else 0,
                "stage": stage.value,
            }
        )
    return made

"""`doorstep demo`: a realistic, deterministic synthetic station (same seed, same data, same ids).

Names include polyphonic surnames (曾 单 解 仇 区 查) and rare name characters (堃 喆 玥 昇 珺 𠮷);
ID numbers and credit codes carry valid check characters. Later areas add their own steps to
:data:`DEMO_STEPS` (mentors and visits, classes and attendance, applications); each receives the
same :class:`DemoContext` and writes with bulk inserts inside the one transaction.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select
from stdnum.cn import ric, uscc

from desktop.services.applications import demo_step as applications_demo_step
from desktop.services.entrepreneurs import search_blob
from desktop.services.training import demo_step as training_demo_step
from desktop.services.visits.demo import demo_step as visits_demo_step
from models.audit import Actor, Operation
from models.base import CHINA_TZ, TravellingRecord, china_today, new_id
from models.database import Database
from models.entrepreneur import Entrepreneur, EntrepreneurSearch, Venture
from models.enums import INDUSTRY_SECTIONS, Education, EntityType, KeyGroup, Sex, Stage, key_groups_to_bits
from models.errors import NotAllowed
from models.journal import insert_rows
from models.pinyin import name_search_keys
from models.station import CaseSequence, Station

DEMO_STATION = ("330106001", "西湖区文新街道家门口就业服务站（演示）")
DEMO_USER = "演示数据"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
SPECIAL_SURNAMES = ("曾", "单", "解", "仇", "区", "查", "欧阳", "司马", "诸葛", "尉迟")
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰云飞鹏波斌宇浩凯雪琳晨欣怡子轩梓涵一诺宁"
)
RARE = "堃喆玥昇珺𠮷"
REGIONS = ("330106", "330102", "330105", "330108", "330110", "330127", "360426", "410105", "510107", "440305")
STREETS = ("文三路", "古墩路", "学院路", "天目山路", "文一西路", "教工路", "莫干山路", "紫金港路")
SHOP_WORDS = (
    "小当家",
    "乡味",
    "青禾",
    "向阳",
    "匠心",
    "启航",
    "好邻居",
    "山里红",
    "新农",
    "云帆",
    "创客",
    "阿婆",
)
SHOP_KINDS = (
    ("H", "餐饮店"),
    ("F", "便利店"),
    ("I", "网络科技工作室"),
    ("A", "家庭农场"),
    ("O", "家政服务部"),
    ("F", "电商商行"),
    ("C", "手工坊"),
    ("P", "培训中心"),
    ("O", "美发店"),
    ("G", "物流服务部"),
)


@dataclass
class DemoContext:
    """What every demo step gets: the session, the seeded random source, and what earlier steps made."""

    session: Session
    rng: random.Random
    station_code: str
    today: date
    operation: Operation
    entrepreneur_ids: list[str] = field(default_factory=list)
    venture_ids: list[str] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    def new_id(self, moment: datetime) -> str:
        """A UUIDv7 for ``moment`` whose random bits come from the seed, so ids repeat with the seed."""
        millis = int(moment.timestamp() * 1000) & ((1 << 48) - 1)
        rand_a = self.rng.getrandbits(12)
        rand_b = self.rng.getrandbits(62)
        value = (millis << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
        return str(uuid.UUID(int=value))

    def moment_between(self, start: date, end: date) -> datetime:
        days = max((end - start).days, 0)
        day = start + timedelta(days=self.rng.randint(0, days))
        local = datetime(day.year, day.month, day.day, 8, 30, tzinfo=CHINA_TZ) + timedelta(
            minutes=self.rng.randint(0, 9 * 60)
        )
        return local.astimezone(UTC)

    @classmethod
    def start(cls, session: Session, *, station_code: str, seed: int, today: date) -> DemoContext:
        """A demo run inside ``session``'s transaction, writing as the demo user."""
        return cls(
            session=session,
            rng=random.Random(seed),
            station_code=station_code,
            today=today,
            operation=Operation(session, Actor(DEMO_USER, station_code), "生成演示数据"),
        )

    def bulk(
        self, model: type[TravellingRecord], rows: list[dict[str, Any]], subjects: list[str | None]
    ) -> None:
        """Write ``rows`` through the journal's bulk path, each record its own undo step (as a file
        made by hand is), in id order: time-ordered ids append to the primary-key index."""
        pairs = sorted(zip(rows, subjects, strict=True), key=lambda pair: str(pair[0]["id"]))
        self.operation.create_many(
            model,
            [row for row, _ in pairs],
            subject_ids=[subject for _, subject in pairs],
            operation_ids=[new_id() for _ in pairs],
        )

    def draw_change_ids(self, moment: datetime) -> None:
        """Draw the two ids a demo change row once took from the seed: every seed's station (names,
        numbers, dates) stays as it was now that the journal writes the change rows itself."""
        self.new_id(moment)
        self.new_id(moment)


DemoStep = Callable[[DemoContext], None]


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


def entrepreneurs_step(count: int) -> DemoStep:
    def step(ctx: DemoContext) -> None:
        _make_entrepreneurs(ctx, count)

    return step


def _make_entrepreneurs(ctx: DemoContext, count: int) -> None:
    rng, today = ctx.rng, ctx.today
    start = date(today.year - 3, 1, 1)
    people: list[dict[str, Any]] = []
    ventures: list[dict[str, Any]] = []
    searches: list[dict[str, Any]] = []
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
        searches.append(
            {
                "entrepreneur_id": person_id,
                "blob": search_blob(name, number, phone, [v["name"] for v in person_ventures]),
            }
        )
        for _ in range(1 + len(person_ventures)):
            ctx.draw_change_ids(created)
        ventures.extend(person_ventures)
        ctx.entrepreneur_ids.append(person_id)
        ctx.venture_ids.extend(v["id"] for v in person_ventures)
    ctx.bulk(Entrepreneur, people, [row["id"] for row in people])
    ctx.bulk(Venture, ventures, [row["entrepreneur_id"] for row in ventures])
    insert_rows(ctx.session.connection(), EntrepreneurSearch.__tablename__, searches)  # derived
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


# Later areas append their steps here; each runs after the entrepreneurs exist.
DEMO_STEPS: list[DemoStep] = [visits_demo_step, training_demo_step, applications_demo_step]


def generate_demo(
    db: Database, *, entrepreneurs: int, seed: int, today: date | None = None
) -> dict[str, int]:
    """Fill the database with a demo station (creating the station record if there is none)."""
    with db.transaction() as session:
        station = session.exec(select(Station)).first()
        if station is None:
            station = Station(code=DEMO_STATION[0], name=DEMO_STATION[1], is_demo=True)
            session.add(station)
            session.flush()
        elif not station.is_demo and session.exec(select(Entrepreneur.id).limit(1)).first() is not None:
            raise NotAllowed(
                f"服务站 {station.code}（{station.name}）已有正式档案，不能加入演示数据；"
                "请在一个新的数据库文件中生成演示数据"
            )
        ctx = DemoContext.start(session, station_code=station.code, seed=seed, today=today or china_today())
        _make_entrepreneurs(ctx, entrepreneurs)
        for step in DEMO_STEPS:
            step(ctx)
        return ctx.summary

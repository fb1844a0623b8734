"""The mentor pool (导师库, 5号文 (五)) and who is assigned to whom (推进行动 计划3 分类指导).

Each write is one service call: one transaction, one operation in the change log, one undo step.
Assignments are logged with the entrepreneur as subject, so they show in the person's file history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.audit import Actor, Operation
from models.base import BOOKKEEPING_COLUMNS, CHINA_TZ, china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.errors import Conflict, NotFound
from models.masking import mask_phone
from models.pinyin import name_search_keys, normalise_query
from models.visits import (
    DEFAULT_NEXT_VISIT_DAYS,
    InstructorLevel,
    KeyProject,
    Mentor,
    MentorAssignment,
    MentorData,
    MentorKind,
    PoolOutcome,
    Topic,
    VisitMode,
    add_days,
    add_months,
    next_due_after,
    topics_from_bits,
    topics_to_bits,
    validate_mentor,
)

if TYPE_CHECKING:
    from desktop.demo import DemoContext

DEMO_USER = "演示数据"
# Given-name characters and surnames for demo mentors (the demo's people use desktop.demo's lists).
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰云飞鹏波斌宇浩凯雪琳晨欣怡"

MENTOR_ROLE = "mentor"


@dataclass(frozen=True)
class MentorView:
    """A mentor as lists, pickers and the profile form show them."""

    id: str
    name: str
    phone: str
    organisation: str
    kind: MentorKind
    instructor_level: InstructorLevel | None
    expertise: tuple[Topic, ...]
    service_regions: tuple[str, ...]
    active: bool
    user_name: str
    source: str
    notes: str
    assigned: int
    version: int

    @property
    def kind_label(self) -> str:
        if self.kind is MentorKind.INSTRUCTOR and self.instructor_level is not None:
            return f"{self.kind.label}（{self.instructor_level.label}）"
        return self.kind.label

    @property
    def expertise_label(self) -> str:
        return "、".join(t.label for t in self.expertise)

    @property
    def display(self) -> str:
        """“李明 · 企业家 · 融资、营销” — what a picker shows."""
        parts = [self.name, self.kind.label]
        if self.expertise:
            parts.append(self.expertise_label)
        return " · ".join(parts)

    def form_values(self) -> dict[str, object]:
        return {
            "name": self.name,
            "phone": self.phone,
            "organisation": self.organisation,
            "kind": self.kind,
            "instructor_level": self.instructor_level,
            "expertise": frozenset(self.expertise),
            "service_regions": ",".join(self.service_regions),
            "active": self.active,
            "user_name": self.user_name,
            "notes": self.notes,
        }


def _mentor(data: MentorData | Mapping[str, object]) -> MentorData:
    return data if isinstance(data, MentorData) else validate_mentor(data)


def _search_key(name: str) -> str:
    return " ".join(name_search_keys(name))[:200]


def create_mentor(db: Database, *, actor: Actor, mentor: MentorData | Mapping[str, object]) -> str:
    """Add a mentor of the station's own to the pool (HQ's mentors arrive by package later)."""
    data = _mentor(mentor)
    with db.transaction() as session:
        if data.phone:
            clash = session.exec(
                select(Mentor).where(
                    Mentor.name == data.name, Mentor.phone == data.phone, col(Mentor.deleted).is_(False)
                )
            ).first()
            if clash is not None:
                raise Conflict(
                    f"导师库中已有 {data.name}（{mask_phone(data.phone)}），请勿重复添加",
                    existing_id=clash.id,
                )
        record = Mentor(
            station_code=actor.station_code,
            updated_by=actor.user_name,
            name_pinyin=_search_key(data.name),
            **data.column_values(),
        )
        Operation(session, actor, f"添加导师 {data.name}").create(record)
        return record.id


def update_mentor(
    db: Database, *, actor: Actor, mentor_id: str, mentor: MentorData | Mapping[str, object]
) -> bool:
    data = _mentor(mentor)
    with db.transaction() as session:
        record = _get(session, mentor_id)
        values = data.column_values()
        values["name_pinyin"] = _search_key(data.name)
        operation = Operation(session, actor, f"修改导师 {data.name} 的资料")
        return bool(operation.update(record, values))


def set_mentor_active(db: Database, *, actor: Actor, mentor_id: str, active: bool) -> None:
    """Take a mentor out of the pool (停用) or back; their visits and assignments stay on record."""
    with db.transaction() as session:
        record = _get(session, mentor_id)
        label = "启用" if active else "停用"
        Operation(session, actor, f"{label}导师 {record.name}").update(record, {"active": active})


def get_mentor(db: Database, *, actor: Actor, mentor_id: str) -> MentorView:
    with db.reading() as session:
        record = _get(session, mentor_id)
        return _view(record, _assigned_counts(session, [record.id]).get(record.id, 0), actor)


def list_mentors(
    db: Database,
    *,
    actor: Actor,
    text: str = "",
    active_only: bool = False,
    kind: MentorKind | None = None,
    expertise: Topic | None = None,
) -> list[MentorView]:
    """The pool, by pinyin order. A station has a few hundred mentors at most, so no paging."""
    needle = normalise_query(text)
    with db.reading() as session:
        query = select(Mentor).where(col(Mentor.deleted).is_(False))
        if active_only:
            query = query.where(col(Mentor.active).is_(True))
        if kind is not None:
            query = query.where(Mentor.kind == kind.value)
        if expertise is not None:
            query = query.where(Mentor.expertise.op("&")(expertise.bit) != 0)  # type: ignore[attr-defined]
        records = [
            r
            for r in session.exec(query.order_by(col(Mentor.name_pinyin), col(Mentor.id))).all()
            if not needle or needle in f"{r.name} {r.name_pinyin} {r.organisation.lower()} {r.phone}"
        ]
        counts = _assigned_counts(session, [r.id for r in records])
        return [_view(r, counts.get(r.id, 0), actor) for r in records]


def _assigned_counts(session: Session, mentor_ids: Sequence[str]) -> dict[str, int]:
    if not mentor_ids:
        return {}
    rows = session.exec(
        select(MentorAssignment.mentor_id, func.count())
        .where(
            col(MentorAssignment.mentor_id).in_(mentor_ids),
            col(MentorAssignment.ended_on).is_(None),
            col(MentorAssignment.deleted).is_(False),
        )
        .group_by(col(MentorAssignment.mentor_id))
    ).all()
    return {mentor_id: count for mentor_id, count in rows}


def _view(record: Mentor, assigned: int, actor: Actor) -> MentorView:
    return MentorView(
        id=record.id,
        name=record.name,
        phone=record.phone if actor.can_see_personal_data or not record.phone else mask_phone(record.phone),
        organisation=record.organisation,
        kind=MentorKind(record.kind),
        instructor_level=InstructorLevel(record.instructor_level) if record.instructor_level else None,
        expertise=tuple(topics_from_bits(record.expertise)),
        service_regions=tuple(r for r in record.service_regions.split(",") if r),
        active=record.active,
        user_name=record.user_name,
        source=record.source,
        notes=record.notes,
        assigned=assigned,
        version=record.version,
    )


def _get(session: Session, mentor_id: str) -> Mentor:
    record = session.get(Mentor, mentor_id)
    if record is None or record.deleted:
        raise NotFound(f"导师库中找不到这位导师（{mentor_id}）")
    return record


# ------------------------------------------------------------------------------------------ assignments
def assign_entrepreneurs(
    db: Database, *, actor: Actor, mentor_id: str, entrepreneur_ids: Iterable[str], on: date | None = None
) -> int:
    """Assign people to a mentor (those already assigned are skipped). Returns how many were added."""
    day = on or china_today()
    wanted = list(dict.fromkeys(entrepreneur_ids))
    with db.transaction() as session:
        mentor = _get(session, mentor_id)
        if not mentor.active:
            raise Conflict(f"导师 {mentor.name} 已停用，不能再分配创业者；请先在导师库中启用")
        people = {
            p.id: p
            for p in session.exec(select(Entrepreneur).where(col(Entrepreneur.id).in_(wanted))).all()
            if not p.deleted
        }
        missing = [i for i in wanted if i not in people]
        if missing:
            raise NotFound(f"找不到 {len(missing)} 份要分配的档案（可能已删除）")
        already = set(
            session.exec(
                select(MentorAssignment.entrepreneur_id).where(
                    MentorAssignment.mentor_id == mentor_id,
                    col(MentorAssignment.entrepreneur_id).in_(wanted),
                    col(MentorAssignment.ended_on).is_(None),
                    col(MentorAssignment.deleted).is_(False),
                )
            ).all()
        )
        todo = [i for i in wanted if i not in already]
        if not todo:
            return 0
        names = "、".join(people[i].name for i in todo[:3]) + (f" 等 {len(todo)} 人" if len(todo) > 3 else "")
        operation = Operation(session, actor, f"为 {names} 分配导师 {mentor.name}")
        for entrepreneur_id in todo:
            record = MentorAssignment(
                station_code=actor.station_code,
                updated_by=actor.user_name,
                mentor_id=mentor_id,
                entrepreneur_id=entrepreneur_id,
                assigned_on=day,
            )
            operation.create(record, subject_id=entrepreneur_id)
        return len(todo)


def end_assignment(
    db: Database, *, actor: Actor, mentor_id: str, entrepreneur_id: str, on: date | None = None
) -> None:
    """The mentor no longer follows this person; the assignment stays in the history with its end."""
    with db.transaction() as session:
        record = session.exec(
            select(MentorAssignment).where(
                MentorAssignment.mentor_id == mentor_id,
                MentorAssignment.entrepreneur_id == entrepreneur_id,
                col(MentorAssignment.ended_on).is_(None),
                col(MentorAssignment.deleted).is_(False),
            )
        ).first()
        if record is None:
            raise NotFound("这位创业者目前没有分配给该导师")
        mentor = _get(session, mentor_id)
        person = session.get(Entrepreneur, entrepreneur_id)
        who = person.name if person else entrepreneur_id
        Operation(session, actor, f"取消 {who} 与导师 {mentor.name} 的分配").update(
            record, {"ended_on": on or china_today()}, subject_id=entrepreneur_id
        )


def assigned_entrepreneur_ids(db: Database, *, mentor_id: str) -> list[str]:
    """Ids of the people a mentor follows now, by name order (for the lazy list and the picker)."""
    with db.reading() as session:
        return list(
            session.exec(
                select(MentorAssignment.entrepreneur_id)
                .join(Entrepreneur, col(Entrepreneur.id) == col(MentorAssignment.entrepreneur_id))
                .where(
                    MentorAssignment.mentor_id == mentor_id,
                    col(MentorAssignment.ended_on).is_(None),
                    col(MentorAssignment.deleted).is_(False),
                    col(Entrepreneur.deleted).is_(False),
                )
                .order_by(col(Entrepreneur.name_pinyin), col(Entrepreneur.id))
            ).all()
        )


def mentors_of(db: Database, *, actor: Actor, entrepreneur_id: str) -> list[MentorView]:
    """The mentors assigned to a person now, earliest assignment first."""
    with db.reading() as session:
        records = session.exec(
            select(Mentor)
            .join(MentorAssignment, col(MentorAssignment.mentor_id) == col(Mentor.id))
            .where(
                MentorAssignment.entrepreneur_id == entrepreneur_id,
                col(MentorAssignment.ended_on).is_(None),
                col(MentorAssignment.deleted).is_(False),
                col(Mentor.deleted).is_(False),
            )
            .order_by(col(MentorAssignment.assigned_on), col(MentorAssignment.id))
        ).all()
        counts = _assigned_counts(session, [r.id for r in records])
        return [_view(r, counts.get(r.id, 0), actor) for r in records]


# ------------------------------------------------------------------------------- who the workbench is for
def mentor_for_actor(db: Database, actor: Actor) -> str | None:
    """The mentor whose workbench this is: a signed-in mentor sees their own people; others the station."""
    if actor.role != MENTOR_ROLE:
        return None
    with db.reading() as session:
        return session.exec(
            select(Mentor.id).where(
                Mentor.user_name == actor.user_name,
                col(Mentor.deleted).is_(False),
                col(Mentor.active).is_(True),
            )
        ).first()


def actor_for_mentor(db: Database, *, mentor_id: str, station_actor: Actor) -> Actor:
    """The actor as which a mentor signs in (used to look at a mentor's workbench from the station)."""
    with db.reading() as session:
        record = _get(session, mentor_id)
        return station_actor._replace(user_name=record.user_name or record.name, role=MENTOR_ROLE)


# ------------------------------------------------------------------------------------------------ demo data
_ORGANISATIONS = (
    "西湖区创业指导服务中心",
    "浙江向阳实业有限公司",
    "杭州青禾创业投资合伙企业",
    "浙江工商大学创业学院",
    "杭州市个体劳动者协会",
    "文新街道社区服务中心",
    "杭州启航财税咨询有限公司",
    "浙江云帆律师事务所",
)
_PROBLEMS: tuple[tuple[str, Topic], ...] = (
    ("资金周转紧张，进货款不足", Topic.FINANCING),
    ("线上销售渠道少，客流下降", Topic.ECOMMERCE),
    ("不了解创业担保贷款的申请条件和流程", Topic.POLICY),
    ("招工难，缺少熟练员工", Topic.HIRING),
    ("账务不规范，未按时申报纳税", Topic.TAX),
    ("店面租金上涨，考虑更换经营场地", Topic.PREMISES),
    ("产品同质化，缺少自己的品牌", Topic.MARKETING),
    ("合伙人之间分工不清，合同不规范", Topic.LEGAL),
    ("生产设备老旧，工艺需要改进", Topic.TECHNOLOGY),
    ("成本核算不清，利润偏低", Topic.MANAGEMENT),
)
_ADVICE = (
    "建议申请创业担保贷款，已告知所需材料和办理流程",
    "建议开通线上店铺，推荐参加网创培训",
    "推荐参加 SYB 创业培训，系统学习经营管理",
    "对接服务站招聘活动，协助发布岗位信息",
    "建议委托代理记账，规范财务和纳税申报",
    "推荐入驻创业孵化载体，了解免费场地政策",
    "建议申请一次性创业补贴，已说明申领条件",
    "介绍社会保险补贴政策，吸纳就业困难人员可享受",
    "建议签订书面合伙协议，明确出资和分工",
    "推荐参加创业沙龙和资源对接活动",
)
_ACTIONS = (
    "提交创业担保贷款申请材料",
    "报名参加创业培训",
    "提供营业执照复印件",
    "发布招聘岗位信息",
    "补交近三个月财务报表",
    "预约参观创业孵化基地",
    "提交一次性创业补贴申请表",
    "确认合伙协议文本",
)
_MODES = (
    (VisitMode.ONSITE, 45, 60),
    (VisitMode.PHONE, 30, 15),
    (VisitMode.ONLINE, 10, 30),
    (VisitMode.GROUP, 8, 90),
    (VisitMode.APPOINTMENT, 7, 40),
)


def _created_on(record_id: str) -> date:
    """The China date a demo record was made, read back from its UUIDv7 timestamp."""
    millis = int(record_id.replace("-", "")[:12], 16)
    return datetime.fromtimestamp(millis / 1000, tz=CHINA_TZ).date()


@dataclass
class _DemoBatch:
    """Rows of the demo step, gathered for bulk inserts."""

    ctx: DemoContext
    mentors: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    pool: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def row(self, kind: str, at: datetime, subject_id: str | None, values: dict[str, Any]) -> dict[str, Any]:
        ctx = self.ctx
        record_id = values.pop("id", None) or ctx.new_id(at)
        row = {
            "id": record_id,
            "station_code": ctx.station_code,
            "created_at": at,
            "updated_at": at,
            "updated_by": DEMO_USER,
            "version": 1,
            "deleted": False,
        } | values
        change = ctx.change_row(kind, record_id, subject_id or "", at)
        change["subject_id"] = subject_id
        self.changes.append(change)
        return row

    def mentor(self, index: int) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        start = add_days(ctx.today, -3 * 365)
        at = ctx.moment_between(start, add_days(start, 60))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        kind = rng.choice(list(MentorKind))
        level = rng.choice(list(InstructorLevel)).value if kind is MentorKind.INSTRUCTOR else None
        phone = rng.choice(("13", "15", "18")) + "".join(rng.choice("0123456789") for _ in range(9))
        values = {
            "name": name,
            "name_pinyin": _search_key(name),
            "phone": phone,
            "organisation": rng.choice(_ORGANISATIONS),
            "kind": kind.value,
            "instructor_level": level,
            "expertise": topics_to_bits(rng.sample(list(Topic), rng.randint(1, 3))),
            "service_regions": ctx.station_code[:6],
            "active": index % 17 != 16,
            "user_name": name,
            "source": "station",
            "notes": "",
        }
        self.mentors.append(self.row("mentor", at, None, values))

    def assign(self, mentor_id: str, person_id: str, created: date) -> None:
        ctx = self.ctx
        at = ctx.moment_between(created, min(add_days(created, 20), ctx.today))
        values = {
            "mentor_id": mentor_id,
            "entrepreneur_id": person_id,
            "assigned_on": at.astimezone(CHINA_TZ).date(),
            "ended_on": None,
        }
        self.assignments.append(self.row("mentor_assignment", at, person_id, values))

    def visit(
        self,
        person_id: str,
        mentor_id: str,
        *,
        venture_id: str | None,
        visit_date: date,
        project: KeyProject | None = None,
    ) -> None:
        ctx, rng, today = self.ctx, self.ctx.rng, self.ctx.today
        at = ctx.moment_between(visit_date, visit_date)
        mode, _weight, minutes = rng.choices(_MODES, weights=[m[1] for m in _MODES])[0]
        problem, topic = rng.choice(_PROBLEMS)
        if project is not None:
            next_visit = next_due_after(
                visit_date, cadence_days=project.cadence_days, cadence_months=project.cadence_months
            )
        else:
            next_visit = add_days(visit_date, DEFAULT_NEXT_VISIT_DAYS)
        values = {
            "entrepreneur_id": person_id,
            "mentor_id": mentor_id,
            "venture_id": venture_id,
            "key_project_id": project.id if project is not None else None,
            "visit_date": visit_date,
            "mode": mode.value,
            "duration_minutes": max(5, minutes + rng.choice((-10, 0, 0, 10, 20))),
            "topics": topic.bit | rng.choice(list(Topic)).bit,
            "problems": problem,
            "advice": rng.choice(_ADVICE),
            "next_visit_date": next_visit,
            "stage_before": None,
            "stage_after": None,
            "jobs_before": None,
            "jobs_after": None,
            "new_venture_id": None,
        }
        visit = self.row("visit", at, person_id, values)
        self.visits.append(visit)
        if rng.random() < 0.4:
            due = add_days(visit_date, rng.choice((7, 14, 14, 30)))
            late = (today - due).days  # open ones are mostly recent: people follow up eventually
            done = late > 60 or (late > 14 and rng.random() < 0.9) or (late > 0 and rng.random() < 0.5)
            values = {
                "visit_id": visit["id"],
                "entrepreneur_id": person_id,
                "text": rng.choice(_ACTIONS),
                "due_date": due,
                "done_on": min(add_days(due, rng.randint(-5, 3)), today) if done else None,
                "done_by": DEMO_USER if done else "",
            }
            self.actions.append(self.row("agreed_action", at, person_id, values))

    def project(self, venture_id: str, person_id: str, mentor_id: str, entered: date) -> None:
        """A pool entry with tracking visits at its cadence; one in five misses its latest (overdue)."""
        ctx, rng, today = self.ctx, self.ctx.rng, self.ctx.today
        days, months = rng.choice(((30, 0), (30, 0), (14, 0), (0, 1), (60, 0)))
        period = rng.choice((6, 12, 12, 18))
        plan = KeyProject(
            id=ctx.new_id(ctx.moment_between(entered, entered)),
            station_code=ctx.station_code,
            updated_by=DEMO_USER,
            venture_id=venture_id,
            entrepreneur_id=person_id,
            mentor_id=mentor_id,
            reason=rng.choice(_REASONS),
            entered_on=entered,
            period_months=period,
            cadence_days=days,
            cadence_months=months,
            planned_end=add_months(entered, period),
        )
        last: date | None = None
        due = next_due_after(entered, cadence_days=days, cadence_months=months)
        late = rng.random() < 0.2
        end = min(today, plan.planned_end)
        while due <= end:
            if late and next_due_after(due, cadence_days=days, cadence_months=months) > end:
                break
            visited = min(add_days(due, rng.randint(-3, 2)), today)
            self.visit(person_id, mentor_id, venture_id=venture_id, visit_date=visited, project=plan)
            last = visited
            due = next_due_after(visited, cadence_days=days, cadence_months=months)
        left = plan.planned_end < add_days(today, -14) and rng.random() < 0.9
        values = plan.model_dump(exclude=set(BOOKKEEPING_COLUMNS) - {"id"}) | {
            "next_due": None if left else due,
            "last_visit_date": last,
            "left_on": add_days(plan.planned_end, rng.randint(0, 20)) if left else None,
            "outcome": rng.choice(list(PoolOutcome)).value if left else None,
            "outcome_note": "陪跑期满，经营稳定" if left else "",
        }
        at = ctx.moment_between(entered, entered)
        self.pool.append(self.row("key_project", at, person_id, values))


_REASONS = ("成长性好，带动就业能力强", "返乡创业示范项目", "创业大赛获奖项目", "吸纳就业困难人员较多")


def demo_step(ctx: DemoContext) -> None:
    """Mentors (about one per 300 people, at least 5), assignments, about 5 visits per person spread over
    time with agreed actions, and a key project pool (~3% of ventures) with its follow-ups, some late.
    Bulk inserts: the benchmark station has 100,000 people and about 500,000 visits."""
    rng, today = ctx.rng, ctx.today
    people = ctx.entrepreneur_ids
    if not people:
        return
    batch = _DemoBatch(ctx)
    for index in range(max(5, round(len(people) / 300))):
        batch.mentor(index)
    active = [m["id"] for m in batch.mentors if m["active"]]
    ventures: dict[str, list[tuple[str, str]]] = {}
    wanted_people = set(people)
    for venture_id, person_id, stage in ctx.session.exec(
        select(Venture.id, Venture.entrepreneur_id, Venture.stage).where(col(Venture.deleted).is_(False))
    ).all():
        if person_id in wanted_people:
            ventures.setdefault(person_id, []).append((venture_id, stage))
    # The pool first (~3% of the ventures that run), so that a pooled person's visits after entering
    # the pool are its tracking visits.
    growing = [
        (v, p) for p, items in ventures.items() for v, stage in items if stage in ("startup", "growth")
    ]
    rng.shuffle(growing)
    total_ventures = sum(len(items) for items in ventures.values())
    pooled: dict[str, tuple[str, date]] = {}
    for venture_id, person_id in growing[: max(1, round(total_ventures * 0.03))]:
        if person_id not in pooled:
            entered = max(add_days(today, -rng.randint(20, 540)), _created_on(person_id))
            pooled[person_id] = (venture_id, entered)
    order = list(people)
    rng.shuffle(order)
    for position, person_id in enumerate(order):
        created = _created_on(person_id)
        mentor_id = active[position % len(active)]
        batch.assign(mentor_id, person_id, created)
        if rng.random() < 0.08:
            second = rng.choice(active)
            if second != mentor_id:
                batch.assign(second, person_id, created)
        count = rng.choices(range(1, 10), weights=(6, 8, 12, 16, 18, 15, 11, 8, 6))[0]
        span = max((today - created).days, 0)
        own = ventures.get(person_id, [])
        dates = sorted(add_days(created, rng.randint(0, span)) for _ in range(count))
        if span > 80 and rng.random() < 0.6:  # most people were seen lately
            dates[-1] = add_days(today, -rng.randint(0, 80))
        plan = pooled.get(person_id)
        for visit_date in sorted(dates):
            if plan is not None and visit_date >= plan[1]:
                continue
            chosen = rng.choice(own)[0] if own else None
            batch.visit(person_id, mentor_id, venture_id=chosen, visit_date=visit_date)
        if plan is not None:
            batch.project(plan[0], person_id, mentor_id, plan[1])
    from desktop.demo import fast_insert  # desktop.demo imports this module

    connection = ctx.session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection), "the demo writes SQLite station files"
    (previous,) = connection.execute("PRAGMA cache_size").fetchone()
    connection.execute("PRAGMA cache_size=-262144")  # 256 MB while the indexes are filled
    try:
        for table, rows in (
            ("mentor", batch.mentors),
            ("mentor_assignment", batch.assignments),
            ("key_project", batch.pool),
            ("visit", batch.visits),
            ("agreed_action", batch.actions),
            ("change_log", batch.changes),
        ):
            fast_insert(ctx.session, table, rows)
    finally:
        connection.execute(f"PRAGMA cache_size={int(previous)}")
    for label, rows in (
        ("导师", batch.mentors),
        ("走访", batch.visits),
        ("跟进事项", batch.actions),
        ("重点项目", batch.pool),
    ):
        ctx.summary[label] = ctx.summary.get(label, 0) + len(rows)

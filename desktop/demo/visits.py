"""The demo step of the visits area: mentors, assignments, visits with agreed actions, and a key project
pool with its follow-ups (bulk inserts; desktop.demo runs it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import accumulate
from typing import Any

from sqlmodel import col, select

from desktop.demo.context import DEMO_USER, DemoContext
from desktop.demo.names import MENTOR_GIVEN, MENTOR_SURNAMES
from desktop.services.visits.mentors import _search_key
from models.base import BOOKKEEPING_COLUMNS, CHINA_TZ
from models.entrepreneur import Venture
from models.visits import (
    DEFAULT_NEXT_VISIT_DAYS,
    AgreedAction,
    InstructorLevel,
    KeyProject,
    Mentor,
    MentorAssignment,
    MentorKind,
    PoolOutcome,
    Topic,
    Visit,
    VisitMode,
    add_days,
    add_months,
    next_due_after,
    topics_to_bits,
)

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
_MODE_WEIGHTS = list(accumulate(mode[1] for mode in _MODES))  # the draws of weights=, made once
_TOPICS = tuple(Topic)


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
    subjects: dict[str, str | None] = field(default_factory=dict)  # record id -> its file (or class)

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
        ctx.draw_change_ids()
        self.subjects[record_id] = subject_id
        return row

    def mentor(self, index: int) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        start = add_days(ctx.today, -3 * 365)
        at = ctx.moment_between(start, add_days(start, 60))
        name = rng.choice(MENTOR_SURNAMES) + "".join(
            rng.choice(MENTOR_GIVEN) for _ in range(rng.choice((1, 2)))
        )
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
            "expertise": topics_to_bits(rng.sample(_TOPICS, rng.randint(1, 3))),
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
        mode, _weight, minutes = rng.choices(_MODES, cum_weights=_MODE_WEIGHTS)[0]
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
            "topics": topic.bit | rng.choice(_TOPICS).bit,
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
    connection = ctx.session.connection()
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB while the indexes are filled
    try:
        for model, rows in (
            (Mentor, batch.mentors),
            (MentorAssignment, batch.assignments),
            (KeyProject, batch.pool),
            (Visit, batch.visits),
            (AgreedAction, batch.actions),
        ):
            ctx.bulk(model, rows, [batch.subjects[row["id"]] for row in rows])
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous)}")
    for label, rows in (
        ("导师", batch.mentors),
        ("走访", batch.visits),
        ("跟进事项", batch.actions),
        ("重点项目", batch.pool),
    ):
        ctx.summary[label] = ctx.summary.get(label, 0) + len(rows)

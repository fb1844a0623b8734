"""Mentors, their visits and the follow-up of key projects (导师走访与跟踪陪跑).

Policy background: 5号文 (五) asks for a mentor pool (创业导师库) of entrepreneurs, investors and scholars,
with appointment (预约) and group (集中服务) services and the 创业指导师 skill levels; 5号文 (十) asks for a
key project pool (重点孵化项目库) whose projects get "跟踪陪跑" for a period; 推进行动 计划3 sends mentors to
the grassroots to classify, visit regularly (定期走访) and serve on the spot (上门服务).

Validation and the date arithmetic of tracking live here (pure, no database), so the form, the CLI and
the demo use the same rules.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field

from models.base import TravellingRecord, china_today
from models.entrepreneur import VentureData, validate_venture
from models.enums import Labelled, Stage
from models.errors import ValidationError
from models.validators import (
    normalise_text,
    parse_date,
    parse_name,
    parse_non_negative_int,
    parse_phone,
    parse_region_code,
)


# ------------------------------------------------------------------------------------------ vocabularies
class MentorKind(Labelled):
    """导师类别 (5号文 (五): 知名企业家、创业投资人、专家学者, and 创业指导师 with a skill level)."""

    ENTREPRENEUR = "entrepreneur", "企业家"
    INVESTOR = "investor", "投资人"
    SCHOLAR = "scholar", "专家学者"
    INSTRUCTOR = "instructor", "创业指导师"


class InstructorLevel(Labelled):
    """创业指导师职业技能等级 (5号文 (五) "深入实施创业指导师职业技能等级制度")."""

    LEVEL5 = "level5", "五级/初级工"
    LEVEL4 = "level4", "四级/中级工"
    LEVEL3 = "level3", "三级/高级工"
    LEVEL2 = "level2", "二级/技师"
    LEVEL1 = "level1", "一级/高级技师"


class Topic(Labelled):
    """Areas of expertise of a mentor and topics of a visit — one vocabulary, so they can be matched.

    Stored as a bit set (bit = position in this enum), like key groups.
    """

    FINANCING = "financing", "融资"
    MARKETING = "marketing", "营销"
    TAX = "tax", "财税"
    LEGAL = "legal", "法律"
    HIRING = "hiring", "用工"
    TECHNOLOGY = "technology", "技术"
    ECOMMERCE = "ecommerce", "电商"
    POLICY = "policy", "政策"
    MANAGEMENT = "management", "经营管理"
    PREMISES = "premises", "场地"

    @property
    def bit(self) -> int:
        return 1 << list(Topic).index(self)


def topics_to_bits(topics: Iterable[Topic]) -> int:
    bits = 0
    for topic in topics:
        bits |= topic.bit
    return bits


def topics_from_bits(bits: int) -> list[Topic]:
    return [topic for topic in Topic if bits & topic.bit]


def topics_label(bits: int) -> str:
    return "、".join(topic.label for topic in topics_from_bits(bits))


class VisitMode(Labelled):
    """走访方式: 推进行动 计划3 (上门服务、定期走访) and 5号文 (五) (预约服务、集中服务)."""

    ONSITE = "onsite", "上门走访"
    PHONE = "phone", "电话"
    ONLINE = "online", "线上"
    GROUP = "group", "集中服务"
    APPOINTMENT = "appointment", "预约"


class PoolOutcome(Labelled):
    """How a project leaves the key project pool (5号文 (十): 帮助项目转化落地)."""

    LANDED = "landed", "转化落地"
    GROWING = "growing", "期满，持续成长"
    WITHDRAWN = "withdrawn", "主动退出"
    CLOSED = "closed", "歇业/注销"
    TRANSFERRED = "transferred", "迁出/转交"


class TrackingState(Labelled):
    """Where a project in the pool stands on a given day."""

    OVERDUE = "overdue", "逾期"
    DUE_SOON = "due_soon", "即将到期"
    ON_TRACK = "on_track", "正常"
    PERIOD_ENDED = "period_ended", "期满待出库"
    LEFT = "left", "已出库"


DUE_SOON_DAYS = 7
DEFAULT_NEXT_VISIT_DAYS = 30
MAX_DURATION_MINUTES = 12 * 60


# -------------------------------------------------------------------------------------------- tables
class Mentor(TravellingRecord, table=True):
    """A mentor of the pool. ``source`` is "station" for the station's own, "hq" for HQ's (later)."""

    name: str = Field(max_length=50)
    name_pinyin: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=30)
    organisation: str = Field(default="", max_length=100)
    kind: str = Field(max_length=20)
    instructor_level: str | None = Field(default=None, max_length=20)
    expertise: int = 0
    service_regions: str = Field(default="", max_length=200)  # 6-digit region codes, comma separated
    active: bool = True
    user_name: str = Field(default="", max_length=64)  # the sign-in name when the mentor uses Doorstep
    source: str = Field(default="station", max_length=10)
    notes: str = Field(default="", max_length=500)


class MentorAssignment(TravellingRecord, table=True):
    """An entrepreneur assigned to a mentor; ending an assignment keeps it in the history."""

    __tablename__ = "mentor_assignment"
    __table_args__ = (
        Index("ix_mentor_assignment_mentor", "mentor_id", "ended_on", "entrepreneur_id"),
        Index("ix_mentor_assignment_entrepreneur", "entrepreneur_id"),
    )

    mentor_id: str = Field(foreign_key="mentor.id", max_length=36)
    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36)
    assigned_on: date
    ended_on: date | None = None


class Visit(TravellingRecord, table=True):
    """One contact with an entrepreneur, and what it changed in the file (the outcome columns)."""

    __table_args__ = (
        # a file's visits and a person's last contact (max visit_date per person without a table read)
        Index("ix_visit_entrepreneur", "entrepreneur_id", "deleted", "visit_date"),
        Index("ix_visit_mentor", "mentor_id", "visit_date"),
        # a month's visits, counted and listed from the index alone
        Index("ix_visit_date", "deleted", "visit_date", "entrepreneur_id"),
    )

    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36)
    mentor_id: str | None = Field(default=None, foreign_key="mentor.id", max_length=36)
    venture_id: str | None = Field(default=None, foreign_key="venture.id", max_length=36)
    key_project_id: str | None = Field(default=None, max_length=36)
    visit_date: date
    mode: str = Field(max_length=20)
    duration_minutes: int = 0
    topics: int = 0
    problems: str = Field(default="", max_length=2000)
    advice: str = Field(default="", max_length=2000)
    next_visit_date: date | None = None
    stage_before: str | None = Field(default=None, max_length=20)
    stage_after: str | None = Field(default=None, max_length=20)
    jobs_before: int | None = None
    jobs_after: int | None = None
    new_venture_id: str | None = Field(default=None, max_length=36)


class AgreedAction(TravellingRecord, table=True):
    """A follow-up agreed during a visit (跟进事项), with its due date and whether it is done."""

    __tablename__ = "agreed_action"
    __table_args__ = (
        Index("ix_agreed_action_open", "done_on", "deleted", "due_date"),
        Index("ix_agreed_action_entrepreneur", "entrepreneur_id", "done_on"),
        Index("ix_agreed_action_visit", "visit_id"),
    )

    visit_id: str = Field(foreign_key="visit.id", max_length=36)
    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36)
    text: str = Field(max_length=200)
    due_date: date
    done_on: date | None = None
    done_by: str = Field(default="", max_length=64)


class KeyProject(TravellingRecord, table=True):
    """An entry of the key project pool (重点孵化项目库, 5号文 (十)) with its 跟踪陪跑 plan."""

    __tablename__ = "key_project"
    __table_args__ = (
        Index("ix_key_project_due", "left_on", "next_due"),
        Index("ix_key_project_entrepreneur", "entrepreneur_id"),
        Index("ix_key_project_venture", "venture_id"),
    )

    venture_id: str = Field(foreign_key="venture.id", max_length=36)
    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36)
    mentor_id: str | None = Field(default=None, foreign_key="mentor.id", max_length=36)
    reason: str = Field(max_length=500)
    entered_on: date
    period_months: int = 12
    cadence_days: int = 30
    cadence_months: int = 0
    planned_end: date
    next_due: date | None = None
    last_visit_date: date | None = None
    left_on: date | None = None
    outcome: str | None = Field(default=None, max_length=20)
    outcome_note: str = Field(default="", max_length=500)


class VisitTemplate(TravellingRecord, table=True):
    """A station's own template for a frequent kind of visit (the shipped ones are in code)."""

    __tablename__ = "visit_template"

    name: str = Field(max_length=40)
    mode: str = Field(max_length=20)
    duration_minutes: int = 30
    topics: int = 0
    problems: str = Field(default="", max_length=2000)
    advice: str = Field(default="", max_length=2000)
    actions: list[list[Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


VISIT_LABELS: dict[str, str] = {
    "entrepreneur_id": "创业者",
    "mentor_id": "导师",
    "venture_id": "创业项目",
    "key_project_id": "陪跑项目",
    "visit_date": "走访日期",
    "mode": "走访方式",
    "duration_minutes": "时长（分钟）",
    "topics": "走访内容",
    "problems": "发现的问题",
    "advice": "指导建议",
    "next_visit_date": "下次走访日期",
    "stage_before": "原阶段",
    "stage_after": "新阶段",
    "jobs_before": "原带动就业人数",
    "jobs_after": "新带动就业人数",
    "new_venture_id": "新创业项目",
}
ACTION_LABELS: dict[str, str] = {"text": "跟进事项", "due_date": "完成期限", "done_on": "完成日期"}
KEY_PROJECT_LABELS: dict[str, str] = {
    "reason": "入库理由",
    "entered_on": "入库日期",
    "period_months": "陪跑期（月）",
    "cadence_days": "走访频次（天）",
    "cadence_months": "走访频次（月）",
    "planned_end": "陪跑期至",
    "next_due": "下次应访日期",
    "last_visit_date": "上次走访日期",
    "left_on": "出库日期",
    "outcome": "出库结果",
    "outcome_note": "出库说明",
    "mentor_id": "联系导师",
}
MENTOR_LABELS: dict[str, str] = {
    "name": "姓名",
    "phone": "联系电话",
    "organisation": "工作单位",
    "kind": "导师类别",
    "instructor_level": "指导师等级",
    "expertise": "擅长领域",
    "service_regions": "服务区域",
    "active": "在库",
    "notes": "备注",
}


# ------------------------------------------------------------------------------------- date arithmetic
def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_days(day: date, days: int) -> date:
    """``day`` moved by ``days`` calendar days (negative goes back); leap days count like any other."""
    return day + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; a day the target month lacks becomes its last day
    (01-31 + 1 month → 02-28, or 02-29 in a leap year; 02-29 + 12 months → 02-28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def next_due_after(visit: date, *, cadence_days: int, cadence_months: int) -> date:
    """When the next tracking visit is due after one on ``visit`` (cadence in days or in months)."""
    if cadence_months > 0:
        return add_months(visit, cadence_months)
    return add_days(visit, max(cadence_days, 1))


def tracking_state(
    *, today: date, next_due: date | None, planned_end: date, left_on: date | None
) -> TrackingState:
    """Due today counts as due (amber), the day after as overdue (red); past the period, it waits to
    leave the pool with an outcome."""
    if left_on is not None:
        return TrackingState.LEFT
    if today > planned_end:
        return TrackingState.PERIOD_ENDED
    if next_due is None:
        return TrackingState.ON_TRACK
    if next_due < today:
        return TrackingState.OVERDUE
    if next_due <= add_days(today, DUE_SOON_DAYS):
        return TrackingState.DUE_SOON
    return TrackingState.ON_TRACK


def cadence_label(cadence_days: int, cadence_months: int) -> str:
    if cadence_months > 0:
        return "每月" if cadence_months == 1 else f"每 {cadence_months} 个月"
    return "每周" if cadence_days == 7 else f"每 {cadence_days} 天"


# Choices the form offers for the cadence: (label, days, months).
CADENCES: tuple[tuple[str, int, int], ...] = (
    ("每周", 7, 0),
    ("每两周", 14, 0),
    ("每 30 天", 30, 0),
    ("每月（同一天）", 0, 1),
    ("每 60 天", 60, 0),
    ("每季度", 0, 3),
)


# ----------------------------------------------------------------------------------------- validation
def _text(value: object, label: str, limit: int, *, required: bool = False) -> str:
    text = "" if value is None else (value.strip() if isinstance(value, str) else normalise_text(value))
    if required and not text:
        raise ValidationError(label, value, f"请填写{label}")
    if len(text) > limit:
        raise ValidationError(label, value, f"{label}过长：{len(text)} 个字，最多 {limit} 个字")
    return text


def parse_choice(kind: type[Labelled], value: object, label: str) -> Any:
    if isinstance(value, kind):
        return value
    member = kind.from_label(normalise_text(value))
    if member is None:
        choices = "、".join(m.label for m in kind)
        raise ValidationError(label, value, f"{label}“{value}”不在可选范围内，应为：{choices}")
    return member


def _words(value: object) -> list[object]:
    """Items of a list, or the words of text separated by 、，,;；/| and spaces."""
    if value is None:
        return []
    if isinstance(value, str):
        text = normalise_text(value)
        for separator in "，,;；/| ":
            text = text.replace(separator, "、")
        return [part for part in text.split("、") if part]
    if isinstance(value, Iterable):
        return [item for item in value if normalise_text(item)]
    return [value]


def parse_topics(value: object, label: str = "走访内容") -> frozenset[Topic]:
    """Topics from members, codes, a bit set, or text such as "融资、营销"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return frozenset(topics_from_bits(value))
    return frozenset(parse_choice(Topic, part, label) for part in _words(value))


def _optional_day(value: object, label: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, field=label)


def _required_day(value: object, label: str) -> date:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(label, value, f"请填写{label}")
    return parse_date(value, field=label)


@dataclass(frozen=True)
class MentorData:
    name: str
    kind: MentorKind
    phone: str = ""
    organisation: str = ""
    instructor_level: InstructorLevel | None = None
    expertise: frozenset[Topic] = frozenset()
    service_regions: tuple[str, ...] = ()
    active: bool = True
    user_name: str = ""
    notes: str = ""

    def column_values(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "phone": self.phone,
            "organisation": self.organisation,
            "instructor_level": self.instructor_level.value if self.instructor_level else None,
            "expertise": topics_to_bits(self.expertise),
            "service_regions": ",".join(self.service_regions),
            "active": self.active,
            "user_name": self.user_name or self.name,
            "notes": self.notes,
        }


def validate_mentor(raw: Mapping[str, object]) -> MentorData:
    """A mentor's profile; an 创业指导师 states the level of the certificate, others have none."""
    name = parse_name(raw.get("name"), field="导师姓名")
    kind = parse_choice(MentorKind, raw.get("kind") or "", "导师类别")
    phone_raw = raw.get("phone")
    phone = parse_phone(phone_raw, field="联系电话") if normalise_text(phone_raw) else ""
    level_raw = raw.get("instructor_level")
    level = parse_choice(InstructorLevel, level_raw, "指导师等级") if normalise_text(level_raw) else None
    if kind is MentorKind.INSTRUCTOR and level is None:
        raise ValidationError(
            "指导师等级", level_raw, "导师类别为“创业指导师”时请选择职业技能等级（一级至五级）"
        )
    if kind is not MentorKind.INSTRUCTOR:
        level = None
    regions = tuple(
        dict.fromkeys(parse_region_code(r, field="服务区域") for r in _words(raw.get("service_regions")))
    )
    return MentorData(
        name=name,
        kind=kind,
        phone=phone,
        organisation=_text(raw.get("organisation"), "工作单位", 100),
        instructor_level=level,
        expertise=parse_topics(raw.get("expertise"), "擅长领域"),
        service_regions=regions,
        active=bool(raw.get("active", True)),
        user_name=_text(raw.get("user_name"), "登录名", 64),
        notes=_text(raw.get("notes"), "备注", 500),
    )


@dataclass(frozen=True)
class ActionData:
    text: str
    due_date: date


@dataclass(frozen=True)
class OutcomeData:
    """What changed in the entrepreneur's situation at this visit (recorded with the visit)."""

    venture_id: str | None = None
    stage: Stage | None = None
    jobs_created: int | None = None
    new_venture: VentureData | None = None

    @property
    def empty(self) -> bool:
        return self.stage is None and self.jobs_created is None and self.new_venture is None


@dataclass(frozen=True)
class VisitData:
    entrepreneur_id: str
    visit_date: date
    mode: VisitMode
    mentor_id: str | None = None
    venture_id: str | None = None
    duration_minutes: int = 0
    topics: frozenset[Topic] = frozenset()
    problems: str = ""
    advice: str = ""
    next_visit_date: date | None = None
    actions: tuple[ActionData, ...] = ()
    outcome: OutcomeData = field(default_factory=OutcomeData)


def validate_visit(raw: Mapping[str, object], *, today: date | None = None) -> VisitData:
    """A visit as typed. Problems or advice must say something: a visit sheet with neither is empty."""
    today = today or china_today()
    entrepreneur_id = normalise_text(raw.get("entrepreneur_id"))
    if not entrepreneur_id:
        raise ValidationError(
            "创业者", raw.get("entrepreneur_id"), "请选择被走访的创业者（可输入姓名或拼音查找）"
        )
    visit_date = _required_day(raw.get("visit_date"), "走访日期")
    if visit_date > today:
        raise ValidationError("走访日期", visit_date, f"走访日期 {visit_date.isoformat()} 晚于今天，请核对")
    mode = parse_choice(VisitMode, raw.get("mode") or "", "走访方式")
    duration = parse_non_negative_int(
        raw.get("duration_minutes") or 0, field="走访时长（分钟）", maximum=MAX_DURATION_MINUTES
    )
    problems = _text(raw.get("problems"), "发现的问题", 2000)
    advice = _text(raw.get("advice"), "指导建议", 2000)
    if not problems and not advice:
        raise ValidationError("指导建议", "", "请至少填写“发现的问题”或“指导建议”中的一项")
    next_visit = _optional_day(raw.get("next_visit_date"), "下次走访日期")
    if next_visit is not None and next_visit <= visit_date:
        raise ValidationError(
            "下次走访日期",
            next_visit,
            f"下次走访日期 {next_visit.isoformat()} 应晚于本次走访日期 {visit_date.isoformat()}",
        )
    actions = tuple(_action(item, visit_date) for item in _items(raw.get("actions")))
    return VisitData(
        entrepreneur_id=entrepreneur_id,
        visit_date=visit_date,
        mode=mode,
        mentor_id=normalise_text(raw.get("mentor_id")) or None,
        venture_id=normalise_text(raw.get("venture_id")) or None,
        duration_minutes=duration,
        topics=parse_topics(raw.get("topics")),
        problems=problems,
        advice=advice,
        next_visit_date=next_visit,
        actions=actions,
        outcome=validate_outcome(raw.get("outcome")),
    )


def _items(value: object) -> Sequence[object]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return value
    raise ValidationError("跟进事项", value, "跟进事项应为（事项，完成期限）的列表")


def _action(item: object, visit_date: date) -> ActionData:
    text: object
    due_raw: object
    if isinstance(item, ActionData):
        text, due_raw = item.text, item.due_date
    elif isinstance(item, Mapping):
        text, due_raw = item.get("text"), item.get("due_date")
    elif isinstance(item, list | tuple) and len(item) == 2:
        text, due_raw = item[0], item[1]
    else:
        raise ValidationError("跟进事项", item, "跟进事项应写明事项和完成期限")
    words = _text(text, "跟进事项", 200, required=True)
    due = _required_day(due_raw, f"跟进事项“{words}”的完成期限")
    if due < visit_date:
        raise ValidationError(
            "完成期限",
            due,
            f"跟进事项“{words}”的完成期限 {due.isoformat()} 早于走访日期 {visit_date.isoformat()}",
        )
    return ActionData(words, due)


def validate_outcome(value: object) -> OutcomeData:
    """Changes to the file made at the visit: a venture's stage or jobs, or a new venture."""
    if value is None:
        return OutcomeData()
    if isinstance(value, OutcomeData):
        return value
    if not isinstance(value, Mapping):
        raise ValidationError("情况变化", value, "情况变化的格式不正确")
    stage_raw = value.get("stage")
    stage = parse_choice(Stage, stage_raw, "创业阶段") if normalise_text(stage_raw) else None
    jobs_raw = value.get("jobs_created")
    jobs = (
        parse_non_negative_int(jobs_raw, field="带动就业人数", maximum=100000)
        if normalise_text(jobs_raw) != ""
        else None
    )
    new_raw = value.get("new_venture")
    new_venture = None
    if isinstance(new_raw, VentureData):
        new_venture = new_raw
    elif isinstance(new_raw, Mapping) and new_raw:
        new_venture = validate_venture(new_raw)
    venture_id = normalise_text(value.get("venture_id")) or None
    if (stage is not None or jobs is not None) and venture_id is None:
        raise ValidationError("创业项目", None, "要修改阶段或带动就业人数，请选择是哪个创业项目")
    return OutcomeData(venture_id=venture_id, stage=stage, jobs_created=jobs, new_venture=new_venture)


@dataclass(frozen=True)
class KeyProjectData:
    venture_id: str
    reason: str
    entered_on: date
    period_months: int
    cadence_days: int
    cadence_months: int
    mentor_id: str | None = None

    @property
    def planned_end(self) -> date:
        return add_months(self.entered_on, self.period_months)


def validate_key_project(raw: Mapping[str, object], *, today: date | None = None) -> KeyProjectData:
    """A pool entry: the reason (成长性好、带动就业能力强 …), a period of 1–36 months and a cadence."""
    today = today or china_today()
    venture_id = normalise_text(raw.get("venture_id"))
    if not venture_id:
        raise ValidationError("创业项目", None, "请选择要入库的创业项目")
    reason = _text(raw.get("reason"), "入库理由", 500, required=True)
    entered = _required_day(raw.get("entered_on") or today, "入库日期")
    if entered > today:
        raise ValidationError("入库日期", entered, f"入库日期 {entered.isoformat()} 晚于今天，请核对")
    period = parse_non_negative_int(raw.get("period_months") or 12, field="陪跑期（月）", maximum=36)
    if period < 1:
        raise ValidationError("陪跑期（月）", period, "陪跑期应为 1–36 个月")
    days = parse_non_negative_int(raw.get("cadence_days") or 0, field="走访频次（天）", maximum=366)
    months = parse_non_negative_int(raw.get("cadence_months") or 0, field="走访频次（月）", maximum=12)
    if (days > 0) == (months > 0):
        raise ValidationError(
            "走访频次", (days, months), "走访频次应为若干天（如每 30 天）或若干个月（如每月）中的一种"
        )
    return KeyProjectData(
        venture_id=venture_id,
        reason=reason,
        entered_on=entered,
        period_months=period,
        cadence_days=days,
        cadence_months=months,
        mentor_id=normalise_text(raw.get("mentor_id")) or None,
    )


# ------------------------------------------------------------------------------------------ templates
@dataclass(frozen=True)
class TemplateData:
    """A template for a frequent visit type; ``actions`` are (text, days after the visit)."""

    name: str
    mode: VisitMode
    duration_minutes: int = 30
    topics: frozenset[Topic] = frozenset()
    problems: str = ""
    advice: str = ""
    actions: tuple[tuple[str, int], ...] = ()
    id: str | None = None

    @property
    def shipped(self) -> bool:
        return self.id is None


SHIPPED_TEMPLATES: tuple[TemplateData, ...] = (
    TemplateData(
        "陪跑例行走访",
        VisitMode.ONSITE,
        60,
        frozenset({Topic.MANAGEMENT, Topic.FINANCING}),
        "经营情况：\n困难与需求：",
        "",
        (("反馈本次需求的办理进展", 14),),
    ),
    TemplateData(
        "创业担保贷款咨询",
        VisitMode.PHONE,
        15,
        frozenset({Topic.FINANCING, Topic.POLICY}),
        "咨询创业担保贷款申请条件与额度。",
        "已告知申请条件、所需材料和办理流程（5号文 (十六)）。",
        (("提交贷款申请材料", 14),),
    ),
    TemplateData(
        "开业前指导",
        VisitMode.ONSITE,
        45,
        frozenset({Topic.PREMISES, Topic.POLICY, Topic.TAX}),
        "筹备开业，选址、登记注册与税务事项待确定。",
        "",
        (("办理市场主体登记", 30),),
    ),
    TemplateData(
        "用工招聘对接",
        VisitMode.ONSITE,
        30,
        frozenset({Topic.HIRING}),
        "招聘需求：",
        "推荐参加服务站招聘对接活动（推进行动 计划3）。",
        (("推送岗位信息", 7),),
    ),
    TemplateData(
        "集中服务日",
        VisitMode.GROUP,
        90,
        frozenset({Topic.POLICY}),
        "",
        "集中宣讲创业扶持政策，现场答疑（5号文 (五) 集中服务）。",
        (),
    ),
)


def validate_template(raw: Mapping[str, object]) -> TemplateData:
    name = _text(raw.get("name"), "模板名称", 40, required=True)
    actions: list[tuple[str, int]] = []
    for item in _items(raw.get("actions")):
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise ValidationError("跟进事项", item, "模板中的跟进事项应写明事项和期限天数")
        actions.append(
            (
                _text(item[0], "跟进事项", 200, required=True),
                parse_non_negative_int(item[1], field="期限天数", maximum=366),
            )
        )
    return TemplateData(
        name=name,
        mode=parse_choice(VisitMode, raw.get("mode") or "", "走访方式"),
        duration_minutes=parse_non_negative_int(
            raw.get("duration_minutes") or 0, field="走访时长（分钟）", maximum=MAX_DURATION_MINUTES
        ),
        topics=parse_topics(raw.get("topics")),
        problems=_text(raw.get("problems"), "发现的问题", 2000),
        advice=_text(raw.get("advice"), "指导建议", 2000),
        actions=tuple(actions),
    )

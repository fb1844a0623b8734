"""Validation of what is typed about mentors, visits, pool entries and templates (pure, no database), so
the form, the CLI and the demo use the same rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.base import china_today
from models.dates import add_months
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
from models.visits.templates import TemplateData
from models.visits.vocabulary import (
    MAX_DURATION_MINUTES,
    InstructorLevel,
    MentorKind,
    Topic,
    VisitMode,
    topics_from_bits,
    topics_to_bits,
)


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

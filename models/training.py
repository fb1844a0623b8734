"""马兰花创业培训: course catalogue, training classes, sessions (课次), enrolments, attendance, completion.

Policy background: 5号文 (二) 创优“马兰花”创业培训品牌 … 按规定落实职业培训补贴政策 (SYB/IYB/EYB, 创业
训练营, “技能+创业”), and 推进行动 计划4 “创业培训赋能”: 对符合条件的创业者按规定给予补贴. Which trainee
counts as having completed (结业) is decided by the class's :class:`CompletionRule`, copied from its course
when the class is created so that a later change to the catalogue never rewrites a finished class.

The completion rule, written down once (the help texts repeat it):

- Attendance is counted in 学时 (class hours), not in sessions: a full day weighs more than an evening.
- 出勤 and 迟到 count as attended. 缺勤 and an unmarked session count as not attended.
- 请假 (an excused absence) counts as the rule's ``excused_policy`` says: as not attended (the default),
  left out of the hours required, or as attended. Local rules differ, so it is a parameter.
- A trainee completes when attended hours ≥ the minimum share of required hours — exactly the minimum
  counts (integer arithmetic, no rounding) — and, if the rule requires an exam, the score ≥ the pass mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import TravellingRecord
from models.enums import Labelled
from models.errors import ValidationError
from models.validators import normalise_text, parse_date, parse_non_negative_int

# ------------------------------------------------------------------------------------------- vocabularies


class HalfDay(Labelled):
    """When a session is held; a day may hold a morning and an afternoon session."""

    AM = "am", "上午"
    PM = "pm", "下午"
    EVENING = "evening", "晚上"
    FULL = "full", "全天"


class AttendanceMark(Labelled):
    PRESENT = "present", "出勤"
    LATE = "late", "迟到"
    EXCUSED = "excused", "请假"
    ABSENT = "absent", "缺勤"

    @property
    def short(self) -> str:
        """One character for grids and sign-in sheets: 出 迟 假 缺."""
        return {"present": "出", "late": "迟", "excused": "假", "absent": "缺"}[self.value]


class ExcusedPolicy(Labelled):
    """How 请假 counts towards the attendance share (a rule parameter: local rules differ)."""

    ABSENT = "absent", "请假按缺勤计"
    EXCLUDED = "excluded", "请假课次不计入应出勤学时"
    PRESENT = "present", "请假按出勤计"


class EnrolmentStatus(Labelled):
    ENROLLED = "enrolled", "在册"
    WITHDRAWN = "withdrawn", "已退出"


class CompletionResult(Labelled):
    COMPLETED = "completed", "结业"
    NOT_COMPLETED = "not_completed", "未结业"


# ------------------------------------------------------------------------------------------------- tables


class CourseType(TravellingRecord, table=True):
    """A course of the catalogue (SYB, IYB …). HQ distributes the catalogue; a default set ships."""

    __tablename__ = "course_type"

    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=60)
    standard_hours: int
    min_attendance_percent: int = 80
    exam_required: bool = True
    pass_mark: int = 60
    excused_policy: str = Field(default=ExcusedPolicy.ABSENT.value, max_length=10)
    description: str = Field(default="", max_length=500)
    sort_order: int = 0
    active: bool = True
    source: str = Field(default="default", max_length=10)  # default | hq | local


class TrainingClass(TravellingRecord, table=True):
    """培训班 / 期次. The completion rule is a copy of the course's rule, made when the class is created."""

    __tablename__ = "training_class"
    __table_args__ = (Index("ix_training_class_list", "deleted", "start_date"),)

    course_id: str = Field(foreign_key="course_type.id", max_length=36, index=True)
    class_number: str = Field(max_length=30, index=True)
    title: str = Field(max_length=100)
    provider: str = Field(default="", max_length=100)
    teachers: str = Field(default="", max_length=100)
    venue: str = Field(default="", max_length=200)
    start_date: date
    end_date: date
    capacity: int
    funded: bool = True
    notes: str = Field(default="", max_length=500)
    min_attendance_percent: int
    exam_required: bool
    pass_mark: int
    excused_policy: str = Field(max_length=10)
    assessed_on: date | None = None


class TrainingSession(TravellingRecord, table=True):
    """课次: one dated half-day (or day, or evening) of a class."""

    __tablename__ = "training_session"
    __table_args__ = (Index("ix_training_session_day", "session_date"),)

    class_id: str = Field(foreign_key="training_class.id", max_length=36, index=True)
    session_date: date
    half_day: str = Field(max_length=10)
    hours: int
    topic: str = Field(default="", max_length=100)
    teacher: str = Field(default="", max_length=50)


class Enrolment(TravellingRecord, table=True):
    """A person on a class's roster, with the exam score and the completion result."""

    __tablename__ = "training_enrolment"
    __table_args__ = (UniqueConstraint("class_id", "entrepreneur_id"),)

    class_id: str = Field(foreign_key="training_class.id", max_length=36, index=True)
    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36, index=True)
    enrolled_on: date
    status: str = Field(default=EnrolmentStatus.ENROLLED.value, max_length=10)
    exam_score: int | None = None
    result: str | None = Field(default=None, max_length=15)
    completed_on: date | None = Field(default=None, index=True)
    certificate_number: str | None = Field(default=None, max_length=40, unique=True)


class Attendance(TravellingRecord, table=True):
    """One person's mark for one session; no row (or a deleted one) means not yet marked."""

    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("enrolment_id", "session_id"),)

    enrolment_id: str = Field(foreign_key="training_enrolment.id", max_length=36)
    session_id: str = Field(foreign_key="training_session.id", max_length=36, index=True)
    status: str = Field(max_length=10)


class CertificateSequence(SQLModel, table=True):
    """Next certificate number per year; the station code prefix makes numbers unique across stations."""

    __tablename__ = "training_certificate_sequence"

    year: int = Field(primary_key=True)
    last: int = 0


def certificate_number(station_code: str, course_code: str, year: int, sequence: int) -> str:
    """``330106001-SYB-2025-00012``: station, course, year and this station's own sequence."""
    return f"{station_code}-{course_code}-{year}-{sequence:05d}"


# ------------------------------------------------------------------------------------------ the rule


@dataclass(frozen=True)
class CompletionRule:
    """When a trainee has completed (结业). See the module docstring for how each mark counts."""

    min_attendance_percent: int
    exam_required: bool
    pass_mark: int
    excused_policy: ExcusedPolicy = ExcusedPolicy.ABSENT

    def describe(self) -> str:
        exam = f"考核成绩不低于 {self.pass_mark} 分" if self.exam_required else "不要求考核"
        return (
            f"出勤学时不少于应出勤学时的 {self.min_attendance_percent}%，{exam}；{self.excused_policy.label}"
        )


@dataclass(frozen=True)
class CompletionOutcome:
    """What the rule says about one trainee, with the reasons a person can read."""

    completed: bool
    attended_hours: int
    required_hours: int
    total_hours: int
    unmarked_sessions: int
    reasons: tuple[str, ...]

    @property
    def share_percent(self) -> float:
        return 100.0 * self.attended_hours / self.required_hours if self.required_hours else 0.0


ATTENDED = frozenset({AttendanceMark.PRESENT, AttendanceMark.LATE})


def attended_hours(
    rule: CompletionRule, marks: Iterable[tuple[int, AttendanceMark | None]]
) -> tuple[int, int, int, int]:
    """(attended, required, total, unmarked sessions) for ``(hours, mark)`` of every session."""
    attended = required = total = unmarked = 0
    for hours, mark in marks:
        total += hours
        if mark is None:
            unmarked += 1
        if mark is AttendanceMark.EXCUSED:
            if rule.excused_policy is ExcusedPolicy.EXCLUDED:
                continue
            if rule.excused_policy is ExcusedPolicy.PRESENT:
                attended += hours
        elif mark in ATTENDED:
            attended += hours
        required += hours
    return attended, required, total, unmarked


def assess(
    rule: CompletionRule, marks: Iterable[tuple[int, AttendanceMark | None]], exam_score: int | None
) -> CompletionOutcome:
    """Apply the rule to one trainee: ``marks`` holds ``(hours, mark or None)`` for every session."""
    attended, required, total, unmarked = attended_hours(rule, marks)
    reasons: list[str] = []
    ok = True
    if required == 0:
        ok = False
        reasons.append("没有应出勤的学时（班级没有课次，或全部请假）")
    elif attended * 100 < rule.min_attendance_percent * required:
        ok = False
        reasons.append(
            f"出勤 {attended}/{required} 学时（{100 * attended / required:.1f}%），"
            f"低于 {rule.min_attendance_percent}%"
        )
    if unmarked:
        reasons.append(f"{unmarked} 个课次未记考勤，按缺勤计")
    if rule.exam_required:
        if exam_score is None:
            ok = False
            reasons.append("没有考核成绩")
        elif exam_score < rule.pass_mark:
            ok = False
            reasons.append(f"考核成绩 {exam_score} 分，低于及格线 {rule.pass_mark} 分")
    return CompletionOutcome(ok, attended, required, total, unmarked, tuple(reasons))


# ---------------------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class CourseData:
    code: str
    name: str
    standard_hours: int
    rule: CompletionRule
    description: str = ""
    sort_order: int = 0
    active: bool = True

    def column_values(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "standard_hours": self.standard_hours,
            "min_attendance_percent": self.rule.min_attendance_percent,
            "exam_required": self.rule.exam_required,
            "pass_mark": self.rule.pass_mark,
            "excused_policy": self.rule.excused_policy.value,
            "description": self.description,
            "sort_order": self.sort_order,
            "active": self.active,
        }


@dataclass(frozen=True)
class ClassData:
    """A validated class as the services store it (the rule comes from the course unless given)."""

    course_id: str
    class_number: str
    title: str
    start_date: date
    end_date: date
    capacity: int
    provider: str = ""
    teachers: str = ""
    venue: str = ""
    funded: bool = True
    notes: str = ""
    rule: CompletionRule | None = None

    def column_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "course_id": self.course_id,
            "class_number": self.class_number,
            "title": self.title,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "capacity": self.capacity,
            "provider": self.provider,
            "teachers": self.teachers,
            "venue": self.venue,
            "funded": self.funded,
            "notes": self.notes,
        }
        if self.rule is not None:
            values.update(rule_columns(self.rule))
        return values


@dataclass(frozen=True)
class SessionData:
    session_date: date
    half_day: HalfDay
    hours: int
    topic: str = ""
    teacher: str = ""

    def column_values(self) -> dict[str, Any]:
        return {
            "session_date": self.session_date,
            "half_day": self.half_day.value,
            "hours": self.hours,
            "topic": self.topic,
            "teacher": self.teacher,
        }


def rule_columns(rule: CompletionRule) -> dict[str, Any]:
    return {
        "min_attendance_percent": rule.min_attendance_percent,
        "exam_required": rule.exam_required,
        "pass_mark": rule.pass_mark,
        "excused_policy": rule.excused_policy.value,
    }


def rule_of(record: TrainingClass | CourseType) -> CompletionRule:
    return CompletionRule(
        min_attendance_percent=record.min_attendance_percent,
        exam_required=record.exam_required,
        pass_mark=record.pass_mark,
        excused_policy=ExcusedPolicy(record.excused_policy),
    )


MAX_CAPACITY = 500
MAX_SESSION_HOURS = 12


def _text(value: object, label: str, limit: int, *, required: bool = False) -> str:
    text = normalise_text(value)
    if required and not text:
        raise ValidationError(label, value, f"请填写{label}")
    if len(text) > limit:
        raise ValidationError(label, value, f"{label}过长：{len(text)} 个字，最多 {limit} 个字")
    return text


def _bounded(value: object, label: str, low: int, high: int) -> int:
    number = parse_non_negative_int(value, field=label, maximum=high)
    if number < low:
        raise ValidationError(label, value, f"{label} {number} 太小，应为 {low}–{high} 之间的整数")
    return number


def _bool(value: object) -> bool:
    if isinstance(value, str):
        return normalise_text(value) in ("是", "true", "True", "1", "补贴", "补贴性培训")
    return bool(value)


def parse_rule(raw: Mapping[str, object]) -> CompletionRule:
    """A completion rule from a form, the catalogue file or an HQ package."""
    policy = raw.get("excused_policy", ExcusedPolicy.ABSENT)
    found = policy if isinstance(policy, ExcusedPolicy) else ExcusedPolicy.from_label(str(policy))
    if found is None:
        choices = "、".join(f"{p.value}（{p.label}）" for p in ExcusedPolicy)
        raise ValidationError("请假计算方式", policy, f"请假计算方式“{policy}”无法识别，应为：{choices}")
    return CompletionRule(
        min_attendance_percent=_bounded(raw.get("min_attendance_percent"), "最低出勤率（%）", 1, 100),
        exam_required=_bool(raw.get("exam_required", True)),
        pass_mark=_bounded(raw.get("pass_mark", 60), "及格分数", 0, 100),
        excused_policy=ExcusedPolicy(found),
    )


def validate_course(raw: Mapping[str, object]) -> CourseData:
    code = _text(raw.get("code"), "课程代码", 20, required=True).upper()
    if not all(ch.isalnum() or ch in "+-_" for ch in code):
        raise ValidationError("课程代码", code, f"课程代码 {code} 只能由字母、数字和 + - _ 组成，例如 SYB")
    return CourseData(
        code=code,
        name=_text(raw.get("name"), "课程名称", 60, required=True),
        standard_hours=_bounded(raw.get("standard_hours"), "标准学时", 1, 2000),
        rule=parse_rule(raw),
        description=_text(raw.get("description"), "课程说明", 500),
        sort_order=parse_non_negative_int(raw.get("sort_order", 0) or 0, field="排序"),
        active=_bool(raw.get("active", True)),
    )


def validate_class(raw: Mapping[str, object]) -> ClassData:
    """All fields of a class; ``rule`` (a mapping or a CompletionRule) is optional."""
    course_id = normalise_text(raw.get("course_id"))
    if not course_id:
        raise ValidationError("课程", raw.get("course_id"), "请选择课程（如 SYB 创办你的企业）")
    start = parse_date(raw.get("start_date"), field="开班日期")
    end = parse_date(raw.get("end_date"), field="结业日期")
    if end < start:
        raise ValidationError(
            "结业日期",
            raw.get("end_date"),
            f"结业日期 {end.isoformat()} 早于开班日期 {start.isoformat()}，请核对",
        )
    if (end - start).days > 366:
        raise ValidationError(
            "结业日期",
            raw.get("end_date"),
            f"班级从 {start.isoformat()} 到 {end.isoformat()} 超过一年，请核对",
        )
    rule_raw = raw.get("rule")
    rule: CompletionRule | None
    if rule_raw is None or isinstance(rule_raw, CompletionRule):
        rule = rule_raw
    elif isinstance(rule_raw, Mapping):
        rule = parse_rule(rule_raw)
    else:
        raise ValidationError("结业规则", rule_raw, "结业规则格式不对")
    return ClassData(
        course_id=course_id,
        class_number=_text(raw.get("class_number"), "期次编号", 30, required=True),
        title=_text(raw.get("title"), "班级名称", 100, required=True),
        start_date=start,
        end_date=end,
        capacity=_bounded(raw.get("capacity"), "计划人数", 1, MAX_CAPACITY),
        provider=_text(raw.get("provider"), "培训机构", 100),
        teachers=_text(raw.get("teachers"), "授课教师", 100),
        venue=_text(raw.get("venue"), "培训地点", 200),
        funded=_bool(raw.get("funded", True)),
        notes=_text(raw.get("notes"), "备注", 500),
        rule=rule,
    )


def parse_half_day(value: object) -> HalfDay:
    if isinstance(value, HalfDay):
        return value
    found = HalfDay.from_label(normalise_text(value))
    if found is None:
        raise ValidationError("时段", value, f"时段“{value}”无法识别，应为：上午、下午、晚上、全天")
    return HalfDay(found)


def validate_session(raw: Mapping[str, object], *, start: date, end: date) -> SessionData:
    """A session of a class that runs from ``start`` to ``end`` (its date must fall in between)."""
    day = parse_date(raw.get("session_date"), field="上课日期")
    if not start <= day <= end:
        raise ValidationError(
            "上课日期",
            raw.get("session_date"),
            f"上课日期 {day.isoformat()} 不在班级的 {start.isoformat()} 至 {end.isoformat()} 之内，"
            "请核对，或先修改班级的起止日期",
        )
    return SessionData(
        session_date=day,
        half_day=parse_half_day(raw.get("half_day") or HalfDay.AM),
        hours=_bounded(raw.get("hours"), "学时", 1, MAX_SESSION_HOURS),
        topic=_text(raw.get("topic"), "课程内容", 100),
        teacher=_text(raw.get("teacher"), "授课教师", 50),
    )


def parse_exam_score(value: object) -> int | None:
    """A score from 0 to 100; blank means no score yet."""
    if value is None or (isinstance(value, str) and not normalise_text(value)):
        return None
    return parse_non_negative_int(value, field="考核成绩", maximum=100)


_MARK_WORDS: dict[str, AttendanceMark] = {
    "出": AttendanceMark.PRESENT,
    "出勤": AttendanceMark.PRESENT,
    "到": AttendanceMark.PRESENT,
    "√": AttendanceMark.PRESENT,
    "✓": AttendanceMark.PRESENT,
    "✔": AttendanceMark.PRESENT,
    "v": AttendanceMark.PRESENT,
    "1": AttendanceMark.PRESENT,
    "c": AttendanceMark.PRESENT,
    "迟": AttendanceMark.LATE,
    "迟到": AttendanceMark.LATE,
    "2": AttendanceMark.LATE,
    "l": AttendanceMark.LATE,
    "假": AttendanceMark.EXCUSED,
    "请假": AttendanceMark.EXCUSED,
    "事假": AttendanceMark.EXCUSED,
    "病假": AttendanceMark.EXCUSED,
    "3": AttendanceMark.EXCUSED,
    "j": AttendanceMark.EXCUSED,
    "缺": AttendanceMark.ABSENT,
    "缺勤": AttendanceMark.ABSENT,
    "旷课": AttendanceMark.ABSENT,
    "×": AttendanceMark.ABSENT,
    "x": AttendanceMark.ABSENT,
    "✗": AttendanceMark.ABSENT,
    "4": AttendanceMark.ABSENT,
    "q": AttendanceMark.ABSENT,
}


def parse_mark(value: object, *, field: str = "考勤") -> AttendanceMark | None:
    """A mark as people write it on a sign-in sheet: 出/√/1, 迟, 假/请假, 缺/×; blank means not marked."""
    if value is None:
        return None
    if isinstance(value, AttendanceMark):
        return value
    if isinstance(value, bool):
        return AttendanceMark.PRESENT if value else AttendanceMark.ABSENT
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalise_text(value)
    if not text:
        return None
    found = _MARK_WORDS.get(text.lower()) or AttendanceMark.from_label(text)
    if found is None:
        raise ValidationError(
            field,
            value,
            f"{field}“{text}”无法识别，应为 出（或 √、1）、迟、假（请假）、缺（或 ×）之一，或留空",
        )
    return AttendanceMark(found)


CLASS_LABELS: dict[str, str] = {
    "course_id": "课程",
    "class_number": "期次编号",
    "title": "班级名称",
    "provider": "培训机构",
    "teachers": "授课教师",
    "venue": "培训地点",
    "start_date": "开班日期",
    "end_date": "结业日期",
    "capacity": "计划人数",
    "funded": "补贴性培训",
    "notes": "备注",
    "min_attendance_percent": "最低出勤率（%）",
    "exam_required": "需要考核",
    "pass_mark": "及格分数",
    "excused_policy": "请假计算方式",
}


def check_class_field(key: str, value: object) -> object:
    """One field of the class form, checked as it is left (the form shows the Chinese message)."""
    label = CLASS_LABELS[key]
    if key == "course_id":
        if not normalise_text(value):
            raise ValidationError(label, value, "请选择课程（如 SYB 创办你的企业）")
        return normalise_text(value)
    if key in ("class_number", "title"):
        return _text(value, label, 30 if key == "class_number" else 100, required=True)
    if key in ("provider", "teachers", "venue", "notes"):
        return _text(value, label, {"provider": 100, "teachers": 100, "venue": 200, "notes": 500}[key])
    if key in ("start_date", "end_date"):
        return parse_date(value, field=label)
    if key == "capacity":
        return _bounded(value, label, 1, MAX_CAPACITY)
    if key == "min_attendance_percent":
        return _bounded(value, label, 1, 100)
    if key == "pass_mark":
        return _bounded(value, label, 0, 100)
    if key in ("funded", "exam_required"):
        return _bool(value)
    if key == "excused_policy":
        found = value if isinstance(value, ExcusedPolicy) else ExcusedPolicy.from_label(normalise_text(value))
        if found is None:
            raise ValidationError(label, value, f"{label}“{value}”无法识别")
        return ExcusedPolicy(found)
    raise KeyError(key)

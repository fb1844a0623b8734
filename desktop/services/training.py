"""马兰花创业培训 (5号文 (二), 推进行动 计划4): catalogue, classes, sessions, roster, attendance, completion.

Each public write is one service call: one transaction, one operation in the change log, one undo step.
Enrolments are logged against the person's file (they show in its history; Ctrl+Z in the file undoes
them). Everything else about a class — its sessions, attendance, exam scores, the completion assessment —
is logged against the class, so Ctrl+Z on the class page undoes the last of those.

Functions the policy area uses for the training-subsidy application (keep their signatures stable):
:func:`completed_trainees` and :func:`print_training_roster`.
"""

from __future__ import annotations

import json
import uuid
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter
from sqlalchemy import and_, case, func, insert, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services import timeline as timeline_service
from desktop.services import workbench
from desktop.services.entrepreneurs import (
    CHANGE_LABELS,
    ListQuery,
    create_entrepreneur,
    fetch_rows,
    search_ids,
)
from models.audit import Actor, Change, Operation
from models.base import CHINA_TZ, china_today, utcnow
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.enums import Sex, key_groups_from_bits
from models.errors import Conflict, NotAllowed, NotFound, ValidationError
from models.station import Station
from models.training import (
    Attendance,
    AttendanceMark,
    CertificateSequence,
    ClassData,
    CompletionOutcome,
    CompletionResult,
    CompletionRule,
    CourseData,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    HalfDay,
    SessionData,
    TrainingClass,
    TrainingSession,
    assess,
    attended_hours,
    certificate_number,
    parse_exam_score,
    parse_mark,
    rule_of,
    validate_class,
    validate_course,
    validate_session,
)
from models.undo import last_undoable_operation, undo_changes
from models.validators import mask_id_number, mask_phone, normalise_text, parse_id_number, parse_name
from reports.training_forms import (
    Certificate,
    DateColumn,
    RosterLine,
    SignInSheet,
    TrainingRoster,
    read_sign_in_workbook,
    write_certificates,
    write_sign_in_sheets,
    write_training_roster,
)
from reports.xlsx import Column as XlsxColumn
from reports.xlsx import write_table
from resources import resource_path

if TYPE_CHECKING:
    from desktop.demo import DemoContext

CLASS_KIND = "training_class"
HALF_DAY_ORDER = {HalfDay.AM.value: 0, HalfDay.FULL.value: 1, HalfDay.PM.value: 2, HalfDay.EVENING.value: 3}
_COURSE_NAMESPACE = uuid.UUID("6f1c3d0e-5b7a-4c1e-9a53-2b8f4e7d0c11")


# ---------------------------------------------------------------------------------------------- read models
@dataclass(frozen=True)
class CourseView:
    id: str
    code: str
    name: str
    standard_hours: int
    rule: CompletionRule
    description: str
    active: bool
    source: str

    @property
    def label(self) -> str:
        return self.name


class ClassStatus:
    """Where a class stands, from its dates and whether completion was assessed."""

    UPCOMING = "未开班"
    RUNNING = "进行中"
    TO_ASSESS = "待结业"
    ASSESSED = "已结业"
    ALL = (UPCOMING, RUNNING, TO_ASSESS, ASSESSED)


def class_status(start: date, end: date, assessed_on: date | None, today: date) -> str:
    if assessed_on is not None:
        return ClassStatus.ASSESSED
    if today < start:
        return ClassStatus.UPCOMING
    if today <= end:
        return ClassStatus.RUNNING
    return ClassStatus.TO_ASSESS


@dataclass(frozen=True)
class ClassRow:
    """One line of the classes list."""

    id: str
    class_number: str
    title: str
    course_code: str
    course_name: str
    provider: str
    start_date: date
    end_date: date
    capacity: int
    funded: bool
    enrolled: int
    completed: int
    sessions: int
    assessed_on: date | None
    status: str

    @property
    def completion_rate(self) -> float | None:
        """Completed / enrolled, once completion has been assessed."""
        if self.assessed_on is None or not self.enrolled:
            return None
        return self.completed / self.enrolled

    @property
    def completion_text(self) -> str:
        rate = self.completion_rate
        return "—" if rate is None else f"{rate:.0%}（{self.completed}/{self.enrolled}）"


@dataclass(frozen=True)
class ClassDetail:
    id: str
    course_id: str
    course_code: str
    course_name: str
    class_number: str
    title: str
    provider: str
    teachers: str
    venue: str
    start_date: date
    end_date: date
    capacity: int
    funded: bool
    notes: str
    rule: CompletionRule
    assessed_on: date | None
    version: int
    enrolled: int
    completed: int
    sessions: int
    total_hours: int
    status: str

    @property
    def completion_rate(self) -> float | None:
        if self.assessed_on is None or not self.enrolled:
            return None
        return self.completed / self.enrolled

    @property
    def completion_text(self) -> str:
        rate = self.completion_rate
        return "未评定" if rate is None else f"{rate:.0%}（{self.completed}/{self.enrolled} 人）"

    def form_values(self) -> dict[str, object]:
        return {
            "course_id": self.course_id,
            "class_number": self.class_number,
            "title": self.title,
            "provider": self.provider,
            "teachers": self.teachers,
            "venue": self.venue,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "capacity": self.capacity,
            "funded": self.funded,
            "notes": self.notes,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class SessionView:
    id: str
    number: int
    session_date: date
    half_day: HalfDay
    hours: int
    topic: str
    teacher: str
    marked: int = 0
    present: int = 0

    @property
    def label(self) -> str:
        """``3/5 上午`` for grid headers."""
        return f"{self.session_date.month}/{self.session_date.day} {self.half_day.label}"

    @property
    def long_label(self) -> str:
        return f"第 {self.number} 次课 {self.session_date.isoformat()} {self.half_day.label}"


@dataclass(frozen=True)
class RosterRow:
    enrolment_id: str
    entrepreneur_id: str
    number: int
    name: str
    case_number: str
    id_number_masked: str
    sex: str
    phone_masked: str
    key_groups: str
    enrolled_on: date
    status: EnrolmentStatus
    exam_score: int | None
    result: CompletionResult | None
    certificate_number: str | None
    attended_hours: int
    required_hours: int

    @property
    def attendance_text(self) -> str:
        if not self.required_hours:
            return "—"
        return (
            f"{self.attended_hours}/{self.required_hours}（{self.attended_hours / self.required_hours:.0%}）"
        )


@dataclass(frozen=True)
class GridPerson:
    enrolment_id: str
    entrepreneur_id: str
    number: int
    name: str
    id_number_masked: str


@dataclass(frozen=True)
class AttendanceGrid:
    """People × sessions with the marks; ``marks`` has no key for an unmarked cell."""

    class_id: str
    title: str
    rule: CompletionRule
    sessions: tuple[SessionView, ...]
    people: tuple[GridPerson, ...]
    marks: Mapping[tuple[str, str], AttendanceMark]


@dataclass(frozen=True)
class MarkChange:
    """A cell that changed: what the grid must show now (None: unmarked)."""

    enrolment_id: str
    session_id: str
    mark: AttendanceMark | None


@dataclass(frozen=True)
class CompletionPreview:
    """What the rule says today about one trainee, next to what was stored at the last assessment."""

    row: RosterRow
    outcome: CompletionOutcome

    @property
    def stale(self) -> bool:
        stored = self.row.result
        return stored is not None and (stored is CompletionResult.COMPLETED) != self.outcome.completed


@dataclass(frozen=True)
class CompletionSummary:
    class_id: str
    assessed: int
    completed: int
    new_certificates: int
    revoked: int

    @property
    def rate(self) -> float:
        return self.completed / self.assessed if self.assessed else 0.0


@dataclass(frozen=True)
class CompletedTrainee:
    """A trainee who completed a class, with unmasked personal data (for the subsidy application).

    Stable for the policy area (issue 5). ``id_number`` and ``phone`` are NOT masked: whoever shows or
    prints them must check ``actor.can_see_personal_data`` and log the access.
    """

    enrolment_id: str
    entrepreneur_id: str
    name: str
    sex: str
    id_number: str
    phone: str
    key_groups: tuple[str, ...]
    attended_hours: int
    required_hours: int
    exam_score: int | None
    certificate_number: str
    completed_on: date

    @property
    def attendance_percent(self) -> float:
        return 100.0 * self.attended_hours / self.required_hours if self.required_hours else 0.0


@dataclass(frozen=True)
class PreviousCompletion:
    class_id: str
    class_number: str
    completed_on: date | None
    certificate_number: str | None


class AlreadyCompleted(Conflict):
    """The person already completed the same course: a warning the worker may confirm."""

    def __init__(self, name: str, course: str, previous: list[PreviousCompletion]) -> None:
        first = previous[0]
        when = first.completed_on.isoformat() if first.completed_on else ""
        cert = f"，证书编号 {first.certificate_number}" if first.certificate_number else ""
        super().__init__(
            f"{name} 已于 {when} 在第 {first.class_number} 期结业{cert}；再次参加 {course} 通常不能再享受"
            "培训补贴。确认仍要报名吗？",
            existing_id=first.class_id,
        )
        self.previous = previous


@dataclass(frozen=True)
class PersonTraining:
    """One line of the 培训 tab in a person's file."""

    enrolment_id: str
    class_id: str
    class_number: str
    title: str
    course_name: str
    start_date: date
    end_date: date
    status: EnrolmentStatus
    result: CompletionResult | None
    certificate_number: str | None
    attended_hours: int
    required_hours: int

    @property
    def state_text(self) -> str:
        if self.status is EnrolmentStatus.WITHDRAWN:
            return EnrolmentStatus.WITHDRAWN.label
        if self.result is not None:
            return self.result.label
        return "在读" if self.end_date >= china_today() else "待结业评定"


@dataclass(frozen=True)
class Candidate:
    """A person found by the enrol dialog's search, and whether they are on this class already."""

    entrepreneur_id: str
    name: str
    case_number: str
    id_number_masked: str
    age: int
    key_groups: str
    enrolled_here: bool


@dataclass(frozen=True)
class ClassQuery:
    text: str = ""
    course_id: str | None = None
    status: str | None = None
    year: int | None = None


# --------------------------------------------------------------------------------------------- catalogue
def course_id_for(code: str) -> str:
    """The id of a catalogue course: the same on every station, so HQ can later update it in place."""
    return str(uuid.uuid5(_COURSE_NAMESPACE, f"doorstep/course/{code.upper()}"))


def default_course_catalogue() -> tuple[str, list[CourseData]]:
    """(notice, courses) from ``resources/courses/default_courses.json`` — an example to confirm locally."""
    raw = json.loads(resource_path("courses", "default_courses.json").read_text(encoding="utf-8"))
    return str(raw.get("notice", "")), [validate_course(item) for item in raw["courses"]]


def ensure_course_catalogue(db: Database) -> int:
    """Store every default course not yet in the catalogue; returns how many were added.

    Safe to call at every start: courses already present (default, from HQ or edited) are left alone.
    """
    _, courses = default_course_catalogue()
    with db.transaction() as session:
        present = set(session.exec(select(col(CourseType.code))).all())
        missing = [c for c in courses if c.code not in present]
        if not missing:
            return 0
        station = session.exec(select(Station)).first()
        station_code = station.code if station else ""
        now = utcnow()
        session.execute(insert(CourseType), [_course_row(c, station_code, now) for c in missing])
        return len(missing)


def _course_row(course: CourseData, station_code: str, now: datetime) -> dict[str, Any]:
    return {
        "id": course_id_for(course.code),
        "station_code": station_code,
        "created_at": now,
        "updated_at": now,
        "updated_by": "默认课程目录",
        "version": 1,
        "deleted": False,
        "source": "default",
        **course.column_values(),
    }


def list_courses(db: Database, *, include_inactive: bool = False) -> list[CourseView]:
    with db.reading() as session:
        query = select(CourseType).where(col(CourseType.deleted).is_(False))
        if not include_inactive:
            query = query.where(col(CourseType.active).is_(True))
        rows = session.exec(query.order_by(col(CourseType.sort_order), col(CourseType.code))).all()
        return [_course_view(c) for c in rows]


def update_course(
    db: Database, *, actor: Actor, course_id: str, course: CourseData | Mapping[str, object]
) -> bool:
    """Change a catalogue course (its rule applies to classes created afterwards, not to existing ones)."""
    data = course if isinstance(course, CourseData) else validate_course(course)
    with db.transaction() as session:
        record = session.get(CourseType, course_id)
        if record is None or record.deleted:
            raise NotFound(f"找不到课程 {course_id}")
        clash = session.exec(
            select(CourseType).where(col(CourseType.code) == data.code, col(CourseType.id) != course_id)
        ).first()
        if clash is not None:
            raise Conflict(f"课程代码 {data.code} 已被“{clash.name}”使用", existing_id=clash.id)
        operation = Operation(session, actor, f"修改课程 {data.code}")
        values: dict[str, Any] = dict(data.column_values())
        values["source"] = "local"
        operation.update(record, values)
        return bool(operation.changes)


def _course_view(c: CourseType) -> CourseView:
    return CourseView(
        id=c.id,
        code=c.code,
        name=c.name,
        standard_hours=c.standard_hours,
        rule=rule_of(c),
        description=c.description,
        active=c.active,
        source=c.source,
    )


# ----------------------------------------------------------------------------------------------- classes
def suggest_class_number(db: Database, *, course_id: str, year: int) -> str:
    """``SYB202503``: course code, year and the next free two-digit number of that course this year."""
    with db.reading() as session:
        course = _get_course(session, course_id)
        prefix = f"{course.code}{year}"
        taken = set(
            session.exec(
                select(col(TrainingClass.class_number)).where(
                    col(TrainingClass.class_number).startswith(prefix), col(TrainingClass.deleted).is_(False)
                )
            ).all()
        )
    number = 1
    while f"{prefix}{number:02d}" in taken:
        number += 1
    return f"{prefix}{number:02d}"


def default_title(course_name: str, year: int, number: int) -> str:
    """``创办你的企业培训2025年第3期`` from the course name (without its bracketed code)."""
    base = course_name.split("（", maxsplit=1)[0].strip()
    return f"{base if base.endswith('培训') else base + '培训'}{year}年第{number}期"


def create_class(db: Database, *, actor: Actor, data: ClassData | Mapping[str, object]) -> str:
    """Open a class; its completion rule is copied from the course unless ``data`` carries one."""
    values = data if isinstance(data, ClassData) else validate_class(data)
    with db.transaction() as session:
        course = _get_course(session, values.course_id)
        _refuse_duplicate_number(session, values.class_number)
        rule = values.rule or rule_of(course)
        record = TrainingClass(
            station_code=actor.station_code,
            updated_by=actor.user_name,
            **{**values.column_values(), **_rule_values(rule)},
        )
        Operation(session, actor, f"新建培训班 {values.class_number}").create(record)
        return record.id


def update_class(
    db: Database,
    *,
    actor: Actor,
    class_id: str,
    data: ClassData | Mapping[str, object],
    expected_version: int | None = None,
) -> bool:
    values = data if isinstance(data, ClassData) else validate_class(data)
    with db.transaction() as session:
        record = _get_class(session, class_id)
        if expected_version is not None and record.version != expected_version:
            raise Conflict(
                f"培训班 {record.class_number} 在您编辑期间已被修改（{record.updated_by}），请重新打开"
            )
        if values.class_number != record.class_number:
            _refuse_duplicate_number(session, values.class_number)
        _get_course(session, values.course_id)
        outside = session.exec(
            select(col(TrainingSession.session_date)).where(
                col(TrainingSession.class_id) == class_id,
                col(TrainingSession.deleted).is_(False),
                or_(
                    col(TrainingSession.session_date) < values.start_date,
                    col(TrainingSession.session_date) > values.end_date,
                ),
            )
        ).first()
        if outside is not None:
            raise ValidationError(
                "开班日期",
                values.start_date,
                f"已有 {outside.isoformat()} 的课次，不在 {values.start_date.isoformat()} 至 "
                f"{values.end_date.isoformat()} 之内；请先调整或删除该课次",
            )
        enrolled = _enrolled_count(session, class_id)
        if values.capacity < enrolled:
            raise ValidationError(
                "计划人数", values.capacity, f"计划人数 {values.capacity} 少于已报名的 {enrolled} 人"
            )
        operation = Operation(session, actor, f"修改培训班 {values.class_number}")
        operation.update(record, values.column_values(), subject_id=class_id)
        return bool(operation.changes)


def delete_class(db: Database, *, actor: Actor, class_id: str) -> str:
    """Send a class to the recycle bin; refused once certificates were issued. Returns its number."""
    with db.transaction() as session:
        record = _get_class(session, class_id)
        issued = session.exec(
            select(func.count())
            .select_from(Enrolment)
            .where(
                col(Enrolment.class_id) == class_id,
                col(Enrolment.deleted).is_(False),
                col(Enrolment.certificate_number).is_not(None),
            )
        ).one()
        if issued:
            raise NotAllowed(f"培训班 {record.class_number} 已发放 {issued} 张结业证书，不能删除")
        Operation(session, actor, f"删除培训班 {record.class_number}").set_deleted(record, True)
        return record.class_number


def list_classes(
    db: Database, query: ClassQuery = ClassQuery(), *, today: date | None = None
) -> list[ClassRow]:
    """Classes for the list, newest first, with their counts."""
    today = today or china_today()
    enrolled = _count_subquery(completed=False)
    completed = _count_subquery(completed=True)
    sessions = (
        sa_select(func.count())
        .where(col(TrainingSession.class_id) == TrainingClass.id, col(TrainingSession.deleted).is_(False))
        .scalar_subquery()
    )
    statement = (
        sa_select(
            col(TrainingClass.id),
            col(TrainingClass.class_number),
            col(TrainingClass.title),
            col(CourseType.code),
            col(CourseType.name),
            col(TrainingClass.provider),
            col(TrainingClass.start_date),
            col(TrainingClass.end_date),
            col(TrainingClass.capacity),
            col(TrainingClass.funded),
            enrolled,
            completed,
            sessions,
            col(TrainingClass.assessed_on),
        )
        .join(CourseType, col(CourseType.id) == TrainingClass.course_id)
        .where(col(TrainingClass.deleted).is_(False))
        .order_by(col(TrainingClass.start_date).desc(), col(TrainingClass.class_number).desc())
    )
    if query.course_id:
        statement = statement.where(col(TrainingClass.course_id) == query.course_id)
    if query.year:
        statement = statement.where(
            col(TrainingClass.start_date) <= date(query.year, 12, 31),
            col(TrainingClass.end_date) >= date(query.year, 1, 1),
        )
    needle = query.text.strip()
    if needle:
        like = f"%{needle}%"
        statement = statement.where(
            or_(
                col(TrainingClass.class_number).like(like),
                col(TrainingClass.title).like(like),
                col(TrainingClass.provider).like(like),
                col(TrainingClass.venue).like(like),
            )
        )
    with db.reading() as session:
        rows = [
            ClassRow(
                id=r[0],
                class_number=r[1],
                title=r[2],
                course_code=r[3],
                course_name=r[4],
                provider=r[5],
                start_date=r[6],
                end_date=r[7],
                capacity=r[8],
                funded=r[9],
                enrolled=r[10],
                completed=r[11],
                sessions=r[12],
                assessed_on=r[13],
                status=class_status(r[6], r[7], r[13], today),
            )
            for r in session.execute(statement).all()
        ]
    if query.status:
        rows = [r for r in rows if r.status == query.status]
    return rows


def _count_subquery(*, completed: bool) -> Any:
    conditions = [
        col(Enrolment.class_id) == TrainingClass.id,
        col(Enrolment.deleted).is_(False),
        col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
    ]
    if completed:
        conditions.append(col(Enrolment.result) == CompletionResult.COMPLETED.value)
    return sa_select(func.count()).where(and_(*conditions)).scalar_subquery()


def get_class(db: Database, *, class_id: str, today: date | None = None) -> ClassDetail:
    with db.reading() as session:
        record = _get_class(session, class_id)
        course = _get_course(session, record.course_id)
        enrolled = _enrolled_count(session, class_id)
        completed = session.exec(
            select(func.count())
            .select_from(Enrolment)
            .where(
                col(Enrolment.class_id) == class_id,
                col(Enrolment.deleted).is_(False),
                col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
                col(Enrolment.result) == CompletionResult.COMPLETED.value,
            )
        ).one()
        count, hours = session.execute(
            sa_select(func.count(), func.coalesce(func.sum(TrainingSession.hours), 0)).where(
                col(TrainingSession.class_id) == class_id, col(TrainingSession.deleted).is_(False)
            )
        ).one()
        return ClassDetail(
            id=record.id,
            course_id=course.id,
            course_code=course.code,
            course_name=course.name,
            class_number=record.class_number,
            title=record.title,
            provider=record.provider,
            teachers=record.teachers,
            venue=record.venue,
            start_date=record.start_date,
            end_date=record.end_date,
            capacity=record.capacity,
            funded=record.funded,
            notes=record.notes,
            rule=rule_of(record),
            assessed_on=record.assessed_on,
            version=record.version,
            enrolled=enrolled,
            completed=completed,
            sessions=int(count),
            total_hours=int(hours),
            status=class_status(
                record.start_date, record.end_date, record.assessed_on, today or china_today()
            ),
        )


# ---------------------------------------------------------------------------------------------- sessions
def add_session(
    db: Database, *, actor: Actor, class_id: str, session_data: SessionData | Mapping[str, object]
) -> str:
    with db.transaction() as session:
        record = _get_class(session, class_id)
        data = _session_data(session_data, record)
        _refuse_same_slot(session, class_id, data)
        new = TrainingSession(
            class_id=class_id,
            station_code=actor.station_code,
            updated_by=actor.user_name,
            **data.column_values(),
        )
        label = f"{data.session_date.isoformat()} {data.half_day.label}"
        Operation(session, actor, f"{record.class_number} 增加课次 {label}").create(new, subject_id=class_id)
        return new.id


def add_sessions(
    db: Database,
    *,
    actor: Actor,
    class_id: str,
    first_day: date,
    last_day: date,
    half_days: Sequence[HalfDay],
    hours: int,
    skip_weekends: bool = True,
    topic: str = "",
) -> list[str]:
    """Fill in a schedule: one session per chosen half-day on every (week)day from first to last day.

    Slots that already have a session are skipped, so the schedule can be filled in twice safely.
    """
    with db.transaction() as session:
        record = _get_class(session, class_id)
        existing = {
            (d, h)
            for d, h in session.exec(
                select(col(TrainingSession.session_date), col(TrainingSession.half_day)).where(
                    col(TrainingSession.class_id) == class_id, col(TrainingSession.deleted).is_(False)
                )
            ).all()
        }
        operation = Operation(session, actor, f"{record.class_number} 排课")
        made: list[str] = []
        day = first_day
        while day <= last_day:
            if not (skip_weekends and day.weekday() >= 5):
                for half in half_days:
                    if (day, half.value) in existing:
                        continue
                    data = _session_data(
                        {"session_date": day, "half_day": half, "hours": hours, "topic": topic}, record
                    )
                    new = TrainingSession(
                        class_id=class_id,
                        station_code=actor.station_code,
                        updated_by=actor.user_name,
                        **data.column_values(),
                    )
                    operation.create(new, subject_id=class_id)
                    made.append(new.id)
            day += timedelta(days=1)
        return made


def update_session(
    db: Database, *, actor: Actor, session_id: str, session_data: SessionData | Mapping[str, object]
) -> bool:
    with db.transaction() as session:
        record = _get_session(session, session_id)
        klass = _get_class(session, record.class_id)
        data = _session_data(session_data, klass)
        _refuse_same_slot(session, klass.id, data, exclude_id=session_id)
        operation = Operation(session, actor, f"{klass.class_number} 修改课次")
        operation.update(record, data.column_values(), subject_id=klass.id)
        return bool(operation.changes)


def delete_session(db: Database, *, actor: Actor, session_id: str) -> None:
    """Send a session and its attendance marks to the recycle bin (one undo step)."""
    with db.transaction() as session:
        record = _get_session(session, session_id)
        klass = _get_class(session, record.class_id)
        label = f"{record.session_date.isoformat()} {HalfDay(record.half_day).label}"
        operation = Operation(session, actor, f"{klass.class_number} 删除课次 {label}")
        for mark in session.exec(
            select(Attendance).where(
                col(Attendance.session_id) == session_id, col(Attendance.deleted).is_(False)
            )
        ).all():
            operation.set_deleted(mark, True, subject_id=klass.id)
        operation.set_deleted(record, True, subject_id=klass.id)


def list_sessions(db: Database, *, class_id: str) -> list[SessionView]:
    with db.reading() as session:
        _get_class(session, class_id)
        counts: dict[str, tuple[int, int]] = {}
        for session_id, marked, present in session.execute(
            sa_select(
                col(Attendance.session_id),
                func.count(),
                func.sum(
                    case(
                        (
                            col(Attendance.status).in_(
                                (AttendanceMark.PRESENT.value, AttendanceMark.LATE.value)
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
            )
            .join(TrainingSession, col(TrainingSession.id) == Attendance.session_id)
            .join(Enrolment, col(Enrolment.id) == Attendance.enrolment_id)
            .where(
                col(TrainingSession.class_id) == class_id,
                col(Attendance.deleted).is_(False),
                col(Enrolment.deleted).is_(False),
                col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
            )
            .group_by(Attendance.session_id)
        ).all():
            counts[session_id] = (int(marked), int(present or 0))
        return [
            _session_view(number, s, *counts.get(s.id, (0, 0)))
            for number, s in enumerate(_live_sessions(session, class_id), start=1)
        ]


def _session_view(number: int, s: TrainingSession, marked: int = 0, present: int = 0) -> SessionView:
    return SessionView(
        id=s.id,
        number=number,
        session_date=s.session_date,
        half_day=HalfDay(s.half_day),
        hours=s.hours,
        topic=s.topic,
        teacher=s.teacher,
        marked=marked,
        present=present,
    )


def _session_data(raw: SessionData | Mapping[str, object], klass: TrainingClass) -> SessionData:
    if isinstance(raw, SessionData):
        return validate_session(
            raw.column_values() | {"half_day": raw.half_day}, start=klass.start_date, end=klass.end_date
        )
    return validate_session(raw, start=klass.start_date, end=klass.end_date)


def _refuse_same_slot(
    session: Session, class_id: str, data: SessionData, exclude_id: str | None = None
) -> None:
    query = select(TrainingSession).where(
        col(TrainingSession.class_id) == class_id,
        col(TrainingSession.session_date) == data.session_date,
        col(TrainingSession.deleted).is_(False),
    )
    for other in session.exec(query).all():
        if other.id == exclude_id:
            continue
        clash = other.half_day == data.half_day.value or HalfDay.FULL.value in (
            other.half_day,
            data.half_day.value,
        )
        if clash:
            raise Conflict(
                f"{data.session_date.isoformat()} {HalfDay(other.half_day).label} 已有课次，"
                f"不能再排 {data.half_day.label} 的课",
                existing_id=other.id,
            )


# ------------------------------------------------------------------------------------------------ roster
def enrol(
    db: Database,
    *,
    actor: Actor,
    class_id: str,
    entrepreneur_id: str,
    confirm_repeat: bool = False,
    today: date | None = None,
) -> str:
    """Put a person on a class's roster. Refuses a full class and a second enrolment in the same class;
    raises :class:`AlreadyCompleted` (confirm with ``confirm_repeat``) if they completed the same course."""
    with db.transaction() as session:
        klass = _get_class(session, class_id)
        person = session.get(Entrepreneur, entrepreneur_id)
        if person is None or person.deleted:
            raise NotFound(f"找不到档案 {entrepreneur_id}（可能已在回收站）")
        existing = session.exec(
            select(Enrolment).where(
                col(Enrolment.class_id) == class_id, col(Enrolment.entrepreneur_id) == entrepreneur_id
            )
        ).first()
        if (
            existing is not None
            and not existing.deleted
            and existing.status == EnrolmentStatus.ENROLLED.value
        ):
            raise Conflict(
                f"{person.name} 已在第 {klass.class_number} 期的名单中，无需重复报名", existing_id=existing.id
            )
        _refuse_full(session, klass)
        course = _get_course(session, klass.course_id)
        if not confirm_repeat:
            previous = _previous_completions(
                session, entrepreneur_id, klass.course_id, exclude_class=class_id
            )
            if previous:
                raise AlreadyCompleted(person.name, course.name, previous)
        operation = Operation(session, actor, f"{person.name} 报名 {klass.class_number} 期{course.name}")
        day = today or china_today()
        if existing is None:
            record = Enrolment(
                class_id=class_id,
                entrepreneur_id=entrepreneur_id,
                enrolled_on=day,
                station_code=actor.station_code,
                updated_by=actor.user_name,
            )
            operation.create(record, subject_id=entrepreneur_id)
            return record.id
        if existing.deleted:
            operation.set_deleted(existing, False, subject_id=entrepreneur_id)
        operation.update(
            existing,
            {"status": EnrolmentStatus.ENROLLED.value, "enrolled_on": day, "result": None},
            subject_id=entrepreneur_id,
        )
        return existing.id


def enrol_walk_in(
    db: Database,
    *,
    actor: Actor,
    class_id: str,
    name: str,
    id_number: str,
    phone: str = "",
    confirm_possible_duplicate: bool = False,
    today: date | None = None,
) -> tuple[str, str]:
    """A walk-in person: open a minimal file (ID number and name; the duplicate guard applies) and enrol.

    Returns ``(entrepreneur_id, enrolment_id)``. A :class:`~models.errors.Conflict` with ``existing_id``
    means the ID number already has a file: enrol that file instead. Capacity is checked first, so a full
    class creates no file.
    """
    with db.reading() as session:
        _refuse_full(session, _get_class(session, class_id))
    person_id = create_entrepreneur(
        db,
        actor=actor,
        person={"name": name, "id_number": id_number, "phone": phone},
        confirm_possible_duplicate=confirm_possible_duplicate,
        today=today,
    )
    enrolment_id = enrol(
        db, actor=actor, class_id=class_id, entrepreneur_id=person_id, confirm_repeat=True, today=today
    )
    return person_id, enrolment_id


def withdraw(db: Database, *, actor: Actor, enrolment_id: str) -> str:
    """Take a person off the roster (their marks stay); refused once they completed. Returns the name."""
    with db.transaction() as session:
        record = _get_enrolment(session, enrolment_id)
        if record.result == CompletionResult.COMPLETED.value:
            raise NotAllowed("已结业的学员不能退出名单；如结业有误，请先修改考勤或成绩后重新评定")
        person = session.get(Entrepreneur, record.entrepreneur_id)
        klass = _get_class(session, record.class_id)
        name = person.name if person else ""
        Operation(session, actor, f"{name} 退出 {klass.class_number} 期").update(
            record, {"status": EnrolmentStatus.WITHDRAWN.value}, subject_id=record.entrepreneur_id
        )
        return name


def roster(db: Database, *, class_id: str, include_withdrawn: bool = True) -> list[RosterRow]:
    with db.reading() as session:
        klass = _get_class(session, class_id)
        sessions = _live_sessions(session, class_id)
        marks = _marks(session, class_id)
        rule = rule_of(klass)
        rows: list[RosterRow] = []
        for number, (enrolment, person) in enumerate(_enrolments_with_people(session, class_id), start=1):
            if enrolment.status == EnrolmentStatus.WITHDRAWN.value and not include_withdrawn:
                continue
            attended, required, _, _ = attended_hours(
                rule, [(s.hours, marks.get((enrolment.id, s.id))) for s in sessions]
            )
            rows.append(_roster_row(number, enrolment, person, attended, required))
        return rows


def _roster_row(number: int, e: Enrolment, p: Entrepreneur, attended: int, required: int) -> RosterRow:
    return RosterRow(
        enrolment_id=e.id,
        entrepreneur_id=p.id,
        number=number,
        name=p.name,
        case_number=p.case_number,
        id_number_masked=mask_id_number(p.id_number),
        sex=Sex(p.sex).label,
        phone_masked=mask_phone(p.phone) if p.phone else "",
        key_groups="、".join(g.label for g in key_groups_from_bits(p.key_groups)),
        enrolled_on=e.enrolled_on,
        status=EnrolmentStatus(e.status),
        exam_score=e.exam_score,
        result=CompletionResult(e.result) if e.result else None,
        certificate_number=e.certificate_number,
        attended_hours=attended,
        required_hours=required,
    )


def find_candidates(db: Database, *, class_id: str, text: str, limit: int = 50) -> list[Candidate]:
    """People to enrol, found as in the files list (name, pinyin initials, ID tail, phone)."""
    if not text.strip():
        return []
    ids = search_ids(db, ListQuery(text=text))[:limit]
    rows = fetch_rows(db, ids)
    with db.reading() as session:
        here = set(
            session.exec(
                select(col(Enrolment.entrepreneur_id)).where(
                    col(Enrolment.class_id) == class_id,
                    col(Enrolment.entrepreneur_id).in_(ids),
                    col(Enrolment.deleted).is_(False),
                    col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
                )
            ).all()
        )
    return [
        Candidate(
            entrepreneur_id=r.id,
            name=r.name,
            case_number=r.case_number,
            id_number_masked=r.id_number_masked,
            age=r.age,
            key_groups=r.key_groups,
            enrolled_here=r.id in here,
        )
        for r in rows
    ]


def _refuse_full(session: Session, klass: TrainingClass) -> None:
    enrolled = _enrolled_count(session, klass.id)
    if enrolled >= klass.capacity:
        raise Conflict(
            f"第 {klass.class_number} 期已满：计划 {klass.capacity} 人，已报名 {enrolled} 人；"
            "如需增加名额，请先修改班级的计划人数"
        )


def _previous_completions(
    session: Session, entrepreneur_id: str, course_id: str, *, exclude_class: str
) -> list[PreviousCompletion]:
    rows = session.execute(
        sa_select(
            col(TrainingClass.id),
            col(TrainingClass.class_number),
            col(Enrolment.completed_on),
            col(Enrolment.certificate_number),
        )
        .join(Enrolment, col(Enrolment.class_id) == TrainingClass.id)
        .where(
            col(Enrolment.entrepreneur_id) == entrepreneur_id,
            col(TrainingClass.course_id) == course_id,
            col(TrainingClass.id) != exclude_class,
            col(TrainingClass.deleted).is_(False),
            col(Enrolment.deleted).is_(False),
            col(Enrolment.result) == CompletionResult.COMPLETED.value,
        )
        .order_by(col(Enrolment.completed_on).desc())
    ).all()
    return [PreviousCompletion(*row) for row in rows]


# -------------------------------------------------------------------------------------------- attendance
def attendance_grid(db: Database, *, class_id: str) -> AttendanceGrid:
    """Everything the attendance grid shows, in three queries (enrolled people only)."""
    with db.reading() as session:
        klass = _get_class(session, class_id)
        sessions = tuple(
            _session_view(n, s) for n, s in enumerate(_live_sessions(session, class_id), start=1)
        )
        people_rows = session.execute(
            sa_select(
                col(Enrolment.id),
                col(Enrolment.entrepreneur_id),
                col(Entrepreneur.name),
                col(Entrepreneur.id_number),
            )
            .join(Entrepreneur, col(Entrepreneur.id) == Enrolment.entrepreneur_id)
            .where(
                col(Enrolment.class_id) == class_id,
                col(Enrolment.deleted).is_(False),
                col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
            )
            .order_by(col(Enrolment.created_at), col(Enrolment.id))
        ).all()
        people = tuple(
            GridPerson(row[0], row[1], number, row[2], mask_id_number(row[3]))
            for number, row in enumerate(people_rows, start=1)
        )
        marks = _marks(session, class_id)
        return AttendanceGrid(class_id, klass.title, rule_of(klass), sessions, people, marks)


def mark_attendance(
    db: Database,
    *,
    actor: Actor,
    class_id: str,
    marks: Sequence[tuple[str, str, AttendanceMark | None]],
    label: str = "",
) -> list[MarkChange]:
    """Set (or with ``None`` clear) the marks of the given (enrolment, session) cells in one step.

    Returns the cells that really changed.
    """
    if not marks:
        return []
    with db.transaction() as session:
        klass = _get_class(session, class_id)
        session_ids = {s.id for s in _live_sessions(session, class_id)}
        enrolment_ids = set(
            session.exec(
                select(col(Enrolment.id)).where(
                    col(Enrolment.class_id) == class_id,
                    col(Enrolment.deleted).is_(False),
                    col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
                )
            ).all()
        )
        for enrolment_id, session_id, _ in marks:
            if session_id not in session_ids:
                raise NotFound(f"课次 {session_id} 不属于第 {klass.class_number} 期，或已删除")
            if enrolment_id not in enrolment_ids:
                raise NotFound(f"学员 {enrolment_id} 不在第 {klass.class_number} 期的名单中")
        wanted = {(e, s): m for e, s, m in marks}
        existing = _attendance_records(session, [e for e, _ in wanted], [s for _, s in wanted])
        operation = Operation(session, actor, label or f"{klass.class_number} 记考勤")
        return _apply_marks(operation, klass.id, wanted, existing)


def mark_column(
    db: Database,
    *,
    actor: Actor,
    session_id: str,
    mark: AttendanceMark = AttendanceMark.PRESENT,
    overwrite: bool = False,
) -> list[MarkChange]:
    """Mark a whole session for every enrolled person (全部出勤). Without ``overwrite`` only the cells
    still unmarked are filled, so the exceptions marked first (请假, 缺勤) stay."""
    with db.transaction() as session:
        record = _get_session(session, session_id)
        klass = _get_class(session, record.class_id)
        enrolment_ids = session.exec(
            select(col(Enrolment.id)).where(
                col(Enrolment.class_id) == klass.id,
                col(Enrolment.deleted).is_(False),
                col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
            )
        ).all()
        existing = {
            (a.enrolment_id, a.session_id): a
            for a in session.exec(select(Attendance).where(col(Attendance.session_id) == session_id)).all()
        }
        wanted: dict[tuple[str, str], AttendanceMark | None] = {}
        for enrolment_id in enrolment_ids:
            current = existing.get((enrolment_id, session_id))
            if not overwrite and current is not None and not current.deleted:
                continue
            wanted[(enrolment_id, session_id)] = mark
        day = f"{record.session_date.isoformat()} {HalfDay(record.half_day).label}"
        operation = Operation(session, actor, f"{klass.class_number} {day} 全部记为{mark.label}")
        return _apply_marks(operation, klass.id, wanted, existing)


def _apply_marks(
    operation: Operation,
    class_id: str,
    wanted: Mapping[tuple[str, str], AttendanceMark | None],
    existing: Mapping[tuple[str, str], Attendance],
) -> list[MarkChange]:
    changed: list[MarkChange] = []
    actor = operation.actor
    for (enrolment_id, session_id), mark in wanted.items():
        record = existing.get((enrolment_id, session_id))
        if mark is None:
            if record is not None and not record.deleted:
                operation.set_deleted(record, True, subject_id=class_id)
                changed.append(MarkChange(enrolment_id, session_id, None))
            continue
        if record is None:
            record = Attendance(
                enrolment_id=enrolment_id,
                session_id=session_id,
                status=mark.value,
                station_code=actor.station_code,
                updated_by=actor.user_name,
            )
            operation.create(record, subject_id=class_id)
        elif record.deleted:
            operation.set_deleted(record, False, subject_id=class_id)
            operation.update(record, {"status": mark.value}, subject_id=class_id)
        elif record.status != mark.value:
            operation.update(record, {"status": mark.value}, subject_id=class_id)
        else:
            continue
        changed.append(MarkChange(enrolment_id, session_id, mark))
    return changed


def _attendance_records(
    session: Session, enrolment_ids: Iterable[str], session_ids: Iterable[str]
) -> dict[tuple[str, str], Attendance]:
    wanted_sessions = set(session_ids)
    found: dict[tuple[str, str], Attendance] = {}
    enrolments = list(set(enrolment_ids))
    for start in range(0, len(enrolments), 500):
        for record in session.exec(
            select(Attendance).where(
                col(Attendance.enrolment_id).in_(enrolments[start : start + 500]),
                col(Attendance.session_id).in_(wanted_sessions),
            )
        ).all():
            found[(record.enrolment_id, record.session_id)] = record
    return found


def undo_last_class_change(db: Database, *, actor: Actor, class_id: str) -> str | None:
    """Ctrl+Z on the class page: undo the newest change to its sessions, marks, scores or assessment."""
    with db.transaction() as session:
        changes = last_undoable_operation(session=session, subject_id=class_id)
        if not changes:
            return None
        label = changes[0].operation_label
        operation = Operation(session, actor, f"撤销：{label}", undoes=changes[0].operation_id)
        undo_changes(operation, changes)
        return label


# -------------------------------------------------------------------------------------------- completion
def set_exam_score(db: Database, *, actor: Actor, enrolment_id: str, score: object) -> int | None:
    """Enter (or with a blank clear) one exam score, 0–100. Returns the stored score."""
    value = parse_exam_score(score)
    with db.transaction() as session:
        record = _get_enrolment(session, enrolment_id)
        person = session.get(Entrepreneur, record.entrepreneur_id)
        name = person.name if person else ""
        Operation(session, actor, f"{name} 考核成绩").update(
            record, {"exam_score": value}, subject_id=record.class_id
        )
        return value


def completion_preview(db: Database, *, class_id: str) -> list[CompletionPreview]:
    """What the rule says now about each enrolled trainee (before or after the assessment)."""
    with db.reading() as session:
        klass = _get_class(session, class_id)
        sessions = _live_sessions(session, class_id)
        marks = _marks(session, class_id)
        rule = rule_of(klass)
        previews: list[CompletionPreview] = []
        number = 0
        for enrolment, person in _enrolments_with_people(session, class_id):
            number += 1
            if enrolment.status != EnrolmentStatus.ENROLLED.value:
                continue
            outcome = assess(
                rule, [(s.hours, marks.get((enrolment.id, s.id))) for s in sessions], enrolment.exam_score
            )
            previews.append(
                CompletionPreview(
                    _roster_row(number, enrolment, person, outcome.attended_hours, outcome.required_hours),
                    outcome,
                )
            )
        return previews


def assess_class(
    db: Database, *, actor: Actor, class_id: str, today: date | None = None
) -> CompletionSummary:
    """结业评定: apply the class's rule to every enrolled trainee and number the new certificates.

    Refused while a session lies in the future. Completed trainees keep a certificate number they already
    have; one who no longer meets the rule loses it (numbers are never reused; the change log keeps it).
    """
    day = today or china_today()
    with db.transaction() as session:
        klass = _get_class(session, class_id)
        sessions = _live_sessions(session, class_id)
        if not sessions:
            raise NotAllowed(f"第 {klass.class_number} 期还没有课次，无法结业评定")
        future = [s for s in sessions if s.session_date > day]
        if future:
            raise NotAllowed(
                f"第 {klass.class_number} 期还有 {len(future)} 个课次未上（最后一次在 "
                f"{future[-1].session_date.isoformat()}），请在课程结束后再做结业评定"
            )
        course = _get_course(session, klass.course_id)
        station = session.exec(select(Station)).first()
        station_code = station.code if station else actor.station_code
        marks = _marks(session, class_id)
        rule = rule_of(klass)
        finished_on = sessions[-1].session_date
        operation = Operation(session, actor, f"第 {klass.class_number} 期结业评定")
        assessed = completed = new = revoked = 0
        for enrolment, _person in _enrolments_with_people(session, class_id):
            if enrolment.status != EnrolmentStatus.ENROLLED.value:
                continue
            assessed += 1
            outcome = assess(
                rule, [(s.hours, marks.get((enrolment.id, s.id))) for s in sessions], enrolment.exam_score
            )
            values: dict[str, Any]
            if outcome.completed:
                completed += 1
                values = {"result": CompletionResult.COMPLETED.value, "completed_on": finished_on}
                if not enrolment.certificate_number:
                    values["certificate_number"] = _next_certificate(
                        session, station_code, course.code, finished_on.year
                    )
                    new += 1
            else:
                if enrolment.certificate_number:
                    revoked += 1
                values = {
                    "result": CompletionResult.NOT_COMPLETED.value,
                    "completed_on": None,
                    "certificate_number": None,
                }
            operation.update(enrolment, values, subject_id=class_id)
        operation.update(klass, {"assessed_on": day}, subject_id=class_id)
        return CompletionSummary(class_id, assessed, completed, new, revoked)


def _next_certificate(session: Session, station_code: str, course_code: str, year: int) -> str:
    sequence = session.get(CertificateSequence, year) or CertificateSequence(year=year, last=0)
    while True:
        sequence.last += 1
        number = certificate_number(station_code, course_code, year, sequence.last)
        taken = session.exec(
            select(col(Enrolment.id)).where(col(Enrolment.certificate_number) == number)
        ).first()
        if taken is None:
            break
    session.add(sequence)
    return number


def completed_trainees(db: Database, *, class_id: str) -> list[CompletedTrainee]:
    """Trainees of a class who completed it, roster order — the 花名册 of the training-subsidy application.

    Stable interface for the policy area (issue 5): ``completed_trainees(db, *, class_id)``. Personal data
    is returned unmasked; see :class:`CompletedTrainee`. An unknown class raises :class:`NotFound`.
    """
    with db.reading() as session:
        klass = _get_class(session, class_id)
        sessions = _live_sessions(session, class_id)
        marks = _marks(session, class_id)
        rule = rule_of(klass)
        found: list[CompletedTrainee] = []
        for enrolment, person in _enrolments_with_people(session, class_id):
            if (
                enrolment.result != CompletionResult.COMPLETED.value
                or enrolment.status != EnrolmentStatus.ENROLLED.value
            ):
                continue
            attended, required, _, _ = attended_hours(
                rule, [(s.hours, marks.get((enrolment.id, s.id))) for s in sessions]
            )
            found.append(
                CompletedTrainee(
                    enrolment_id=enrolment.id,
                    entrepreneur_id=person.id,
                    name=person.name,
                    sex=Sex(person.sex).label,
                    id_number=person.id_number,
                    phone=person.phone,
                    key_groups=tuple(g.label for g in key_groups_from_bits(person.key_groups)),
                    attended_hours=attended,
                    required_hours=required,
                    exam_score=enrolment.exam_score,
                    certificate_number=enrolment.certificate_number or "",
                    completed_on=enrolment.completed_on or sessions[-1].session_date,
                )
            )
        return found


# ------------------------------------------------------------------------------------------ person's file
def person_training(db: Database, *, entrepreneur_id: str) -> list[PersonTraining]:
    """The 培训 tab of a file: every class the person was enrolled in, newest first."""
    with db.reading() as session:
        pairs = session.exec(
            select(Enrolment, TrainingClass)
            .join(TrainingClass, col(TrainingClass.id) == Enrolment.class_id)
            .where(
                col(Enrolment.entrepreneur_id) == entrepreneur_id,
                col(Enrolment.deleted).is_(False),
                col(TrainingClass.deleted).is_(False),
            )
            .order_by(col(TrainingClass.start_date).desc())
        ).all()
        courses = {c.id: c for c in session.exec(select(CourseType)).all()}
        result: list[PersonTraining] = []
        for enrolment, klass in pairs:
            sessions = _live_sessions(session, klass.id)
            marks = {
                a.session_id: AttendanceMark(a.status)
                for a in session.exec(
                    select(Attendance).where(
                        col(Attendance.enrolment_id) == enrolment.id, col(Attendance.deleted).is_(False)
                    )
                ).all()
            }
            attended, required, _, _ = attended_hours(
                rule_of(klass), [(s.hours, marks.get(s.id)) for s in sessions]
            )
            course = courses.get(klass.course_id)
            result.append(
                PersonTraining(
                    enrolment_id=enrolment.id,
                    class_id=klass.id,
                    class_number=klass.class_number,
                    title=klass.title,
                    course_name=course.name if course else "",
                    start_date=klass.start_date,
                    end_date=klass.end_date,
                    status=EnrolmentStatus(enrolment.status),
                    result=CompletionResult(enrolment.result) if enrolment.result else None,
                    certificate_number=enrolment.certificate_number,
                    attended_hours=attended,
                    required_hours=required,
                )
            )
        return result


def _training_timeline(db: Database, entrepreneur_id: str) -> list[timeline_service.TimelineEntry]:
    """Timeline source: enrolled (when the enrolment was made) and completed (on the completion date)."""
    entries: list[timeline_service.TimelineEntry] = []
    with db.reading() as session:
        pairs = session.exec(
            select(Enrolment, TrainingClass)
            .join(TrainingClass, col(TrainingClass.id) == Enrolment.class_id)
            .where(
                col(Enrolment.entrepreneur_id) == entrepreneur_id,
                col(Enrolment.deleted).is_(False),
                col(TrainingClass.deleted).is_(False),
            )
        ).all()
        for enrolment, klass in pairs:
            span = f"{klass.start_date.isoformat()} 至 {klass.end_date.isoformat()}"
            entries.append(
                timeline_service.TimelineEntry(
                    enrolment.created_at,
                    "培训",
                    f"报名 {klass.title}（第 {klass.class_number} 期）",
                    f"{span}{'，已退出' if enrolment.status == EnrolmentStatus.WITHDRAWN.value else ''}",
                    CLASS_KIND,
                    klass.id,
                )
            )
            if enrolment.result == CompletionResult.COMPLETED.value and enrolment.completed_on:
                at = datetime.combine(enrolment.completed_on, time(18, 0), CHINA_TZ).astimezone(UTC)
                entries.append(
                    timeline_service.TimelineEntry(
                        at,
                        "培训",
                        f"结业 {klass.title}（第 {klass.class_number} 期）",
                        f"证书编号 {enrolment.certificate_number}",
                        CLASS_KIND,
                        klass.id,
                    )
                )
    return entries


# -------------------------------------------------------------------------------------------- workbench
def _workbench_tasks(db: Database, actor: Actor, today: date) -> list[workbench.Task]:
    """今日课程 (sessions today, with how many are marked) and classes that ended but await 结业评定."""
    tasks: list[workbench.Task] = []
    with db.reading() as session:
        todays = session.exec(
            select(TrainingSession, TrainingClass)
            .join(TrainingClass, col(TrainingClass.id) == TrainingSession.class_id)
            .where(
                col(TrainingSession.session_date) == today,
                col(TrainingSession.deleted).is_(False),
                col(TrainingClass.deleted).is_(False),
            )
        ).all()
        for s, klass in sorted(todays, key=lambda pair: HALF_DAY_ORDER.get(pair[0].half_day, 9)):
            enrolled = _enrolled_count(session, klass.id)
            marked = session.exec(
                select(func.count())
                .select_from(Attendance)
                .where(col(Attendance.session_id) == s.id, col(Attendance.deleted).is_(False))
            ).one()
            state = "已点名" if enrolled and marked >= enrolled else f"已点名 {marked}/{enrolled} 人"
            topic = f" {s.topic}" if s.topic else ""
            tasks.append(
                workbench.Task(
                    urgency=workbench.Urgency.TODAY,
                    due=today,
                    kind_label="今日课程",
                    text=f"第 {klass.class_number} 期 {HalfDay(s.half_day).label}{topic}（{state}）",
                    open_kind=CLASS_KIND,
                    open_id=klass.id,
                    subject_name=klass.title,
                )
            )
        waiting = session.exec(
            select(TrainingClass).where(
                col(TrainingClass.deleted).is_(False),
                col(TrainingClass.assessed_on).is_(None),
                col(TrainingClass.end_date) < today,
                col(TrainingClass.end_date) >= today - timedelta(days=180),
            )
        ).all()
        for klass in waiting:
            overdue = (today - klass.end_date).days > 14
            tasks.append(
                workbench.Task(
                    urgency=workbench.Urgency.OVERDUE if overdue else workbench.Urgency.THIS_WEEK,
                    due=klass.end_date,
                    kind_label="待结业评定",
                    text=f"第 {klass.class_number} 期已于 {klass.end_date.isoformat()} 结束，请做结业评定",
                    open_kind=CLASS_KIND,
                    open_id=klass.id,
                    subject_name=klass.title,
                )
            )
    return tasks


def _month_figures(db: Database, today: date) -> list[workbench.Figure]:
    first = today.replace(day=1)
    with db.reading() as session:
        completed = session.exec(
            select(func.count())
            .select_from(Enrolment)
            .where(
                col(Enrolment.deleted).is_(False),
                col(Enrolment.result) == CompletionResult.COMPLETED.value,
                col(Enrolment.completed_on) >= first,
                col(Enrolment.completed_on) <= today,
            )
        ).one()
    return [workbench.Figure("培训结业", f"{completed} 人")]


ENROLMENT_LABELS = {
    "class_id": "培训班编号",
    "entrepreneur_id": "档案编号",
    "enrolled_on": "报名日期",
    "status": "报名状态",
    "exam_score": "考核成绩",
    "result": "结业结果",
    "completed_on": "结业日期",
    "certificate_number": "结业证书编号",
}


def register() -> None:
    """Put training into the timeline, the file's change history and the workbench (idempotent; runs
    when this module is imported). Enrolments show on the timeline as 培训 entries, not as 档案变更."""
    if _training_timeline not in timeline_service.TIMELINE_SOURCES:
        timeline_service.TIMELINE_SOURCES.append(_training_timeline)
    timeline_service.OWN_ENTRY_KINDS.add(str(Enrolment.__tablename__))
    CHANGE_LABELS[str(Enrolment.__tablename__)] = ENROLMENT_LABELS
    if _workbench_tasks not in workbench.TASK_SOURCES:
        workbench.TASK_SOURCES.append(_workbench_tasks)
        workbench.FIGURE_SOURCES.append(_month_figures)


# ---------------------------------------------------------------------------------------------- helpers
def _rule_values(rule: CompletionRule) -> dict[str, Any]:
    return {
        "min_attendance_percent": rule.min_attendance_percent,
        "exam_required": rule.exam_required,
        "pass_mark": rule.pass_mark,
        "excused_policy": rule.excused_policy.value,
    }


def _refuse_duplicate_number(session: Session, number: str) -> None:
    clash = session.exec(
        select(TrainingClass).where(
            col(TrainingClass.class_number) == number, col(TrainingClass.deleted).is_(False)
        )
    ).first()
    if clash is not None:
        raise Conflict(f"期次编号 {number} 已被“{clash.title}”使用，请换一个编号", existing_id=clash.id)


def _get_course(session: Session, course_id: str) -> CourseType:
    record = session.get(CourseType, course_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到课程 {course_id}；请先在课程目录中选择课程")
    return record


def _get_class(session: Session, class_id: str) -> TrainingClass:
    record = session.get(TrainingClass, class_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到培训班 {class_id}（可能已删除）")
    return record


def _get_session(session: Session, session_id: str) -> TrainingSession:
    record = session.get(TrainingSession, session_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到课次 {session_id}（可能已删除）")
    return record


def _get_enrolment(session: Session, enrolment_id: str) -> Enrolment:
    record = session.get(Enrolment, enrolment_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到报名记录 {enrolment_id}")
    return record


def _enrolled_count(session: Session, class_id: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(Enrolment)
        .where(
            col(Enrolment.class_id) == class_id,
            col(Enrolment.deleted).is_(False),
            col(Enrolment.status) == EnrolmentStatus.ENROLLED.value,
        )
    ).one()


def _live_sessions(session: Session, class_id: str) -> list[TrainingSession]:
    rows = session.exec(
        select(TrainingSession).where(
            col(TrainingSession.class_id) == class_id, col(TrainingSession.deleted).is_(False)
        )
    ).all()
    return sorted(rows, key=lambda s: (s.session_date, HALF_DAY_ORDER.get(s.half_day, 9), s.id))


def _enrolments_with_people(session: Session, class_id: str) -> list[tuple[Enrolment, Entrepreneur]]:
    return list(
        session.exec(
            select(Enrolment, Entrepreneur)
            .join(Entrepreneur, col(Entrepreneur.id) == Enrolment.entrepreneur_id)
            .where(col(Enrolment.class_id) == class_id, col(Enrolment.deleted).is_(False))
            .order_by(col(Enrolment.created_at), col(Enrolment.id))
        ).all()
    )


def _marks(session: Session, class_id: str) -> dict[tuple[str, str], AttendanceMark]:
    rows = session.execute(
        sa_select(col(Attendance.enrolment_id), col(Attendance.session_id), col(Attendance.status))
        .join(TrainingSession, col(TrainingSession.id) == Attendance.session_id)
        .where(
            col(TrainingSession.class_id) == class_id,
            col(TrainingSession.deleted).is_(False),
            col(Attendance.deleted).is_(False),
        )
    ).all()
    lookup = {m.value: m for m in AttendanceMark}
    return {(row[0], row[1]): lookup[row[2]] for row in rows}


# ------------------------------------------------------------------------------ sign-in xlsx: import
@dataclass(frozen=True)
class ImportProblem:
    """A row (or a header column, ``row`` = header row) that was not imported, and why."""

    row: int
    name: str
    id_number_masked: str
    reason: str


@dataclass(frozen=True)
class AttendanceImportResult:
    rows_read: int
    rows_matched: int
    marks_changed: int
    marks_unchanged: int
    sessions: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    unmatched: tuple[ImportProblem, ...]
    malformed: tuple[ImportProblem, ...]
    dry_run: bool

    @property
    def summary(self) -> str:
        verb = "预检" if self.dry_run else "导入"
        will = "将" if self.dry_run else ""
        text = f"{verb}完成：{self.rows_matched} 人，{will}记考勤 {self.marks_changed} 条"
        if self.marks_unchanged:
            text += f"（另有 {self.marks_unchanged} 条与已有记录相同）"
        problems = []
        if self.unmatched:
            problems.append(f"{len(self.unmatched)} 行未匹配到本班学员")
        if self.malformed:
            problems.append(f"{len(self.malformed)} 处有错误未导入")
        if problems:
            text += "；" + "，".join(problems) + " — 查看原因"
        return text


@dataclass
class _RosterPerson:
    enrolment_id: str
    name: str
    id_number: str


def import_attendance(
    db: Database,
    *,
    actor: Actor,
    class_id: str,
    path: Path,
    dry_run: bool = False,
    job: JobState = UNWATCHED,
) -> AttendanceImportResult:
    """Read a sign-in workbook (姓名 + 身份证号码 + one column per session date) into the class's marks.

    People are matched by ID number (a masked one such as 330***********1234 together with the name),
    or by name alone when the name is unique on the roster. Rows that match nobody are listed, not
    dropped; a row with a bad ID number, a name that contradicts the ID number, a mark that cannot be read
    or a person twice is reported with its reason and nothing of it is imported. A blank cell changes
    nothing. All marks are written in one transaction (one undo step).
    """
    book = read_sign_in_workbook(path)
    with db.transaction() as session:
        klass = _get_class(session, class_id)
        sessions = _live_sessions(session, class_id)
        people = [
            _RosterPerson(e.id, p.name, p.id_number)
            for e, p in _enrolments_with_people(session, class_id)
            if e.status == EnrolmentStatus.ENROLLED.value
        ]
        by_id = {p.id_number: p for p in people}
        by_name: dict[str, list[_RosterPerson]] = {}
        for someone in people:
            by_name.setdefault(someone.name, []).append(someone)
        malformed: list[ImportProblem] = []
        columns: dict[int, TrainingSession] = {}
        for column in book.date_columns:
            found, problem = _session_for_column(column, sessions)
            if found is None:
                malformed.append(
                    ImportProblem(
                        book.header_row, "", "", f"第 {column.letter} 列“{column.header}”：{problem}"
                    )
                )
            else:
                columns[column.index] = found
        unmatched: list[ImportProblem] = []
        seen: dict[str, int] = {}
        wanted: dict[tuple[str, str], AttendanceMark | None] = {}
        matched = 0
        total = len(book.rows)
        for done, (row_number, cells) in enumerate(book.rows, start=1):
            if done % 200 == 0:
                job.report(done, total, f"正在读取第 {row_number} 行")
            name_raw = _cell(cells, book.name_column)
            id_raw = _cell(cells, book.id_column) if book.id_column is not None else None
            name = normalise_text(name_raw)
            id_text = normalise_text(id_raw).upper()
            person, problem, is_unmatched = _match_row(
                session, name, id_raw, id_text, by_id=by_id, by_name=by_name
            )
            shown_id = mask_id_number(id_text) if id_text and "*" not in id_text else id_text
            if person is None:
                target = unmatched if is_unmatched else malformed
                target.append(ImportProblem(row_number, name, shown_id, problem))
                continue
            if person.enrolment_id in seen:
                malformed.append(
                    ImportProblem(
                        row_number, name, shown_id, f"与第 {seen[person.enrolment_id]} 行是同一位学员"
                    )
                )
                continue
            seen[person.enrolment_id] = row_number
            row_marks: dict[tuple[str, str], AttendanceMark] = {}
            errors: list[str] = []
            for index, session_record in columns.items():
                value = _cell(cells, index)
                try:
                    mark = parse_mark(value, field=f"第 {get_column_letter(index + 1)} 列的考勤")
                except ValidationError as error:
                    errors.append(error.message)
                    continue
                if mark is not None:
                    row_marks[(person.enrolment_id, session_record.id)] = mark
            if errors:
                malformed.append(ImportProblem(row_number, name, shown_id, "；".join(errors)))
                continue
            matched += 1
            wanted.update(row_marks)
        existing = _attendance_records(session, [e for e, _ in wanted], [s for _, s in wanted])
        unchanged = sum(
            1
            for key, mark in wanted.items()
            if key in existing
            and not existing[key].deleted
            and mark is not None
            and existing[key].status == mark.value
        )
        job.check()
        if dry_run:
            changed = len(wanted) - unchanged
        else:
            operation = Operation(session, actor, f"{klass.class_number} 导入签到表 {path.name}")
            changed = len(_apply_marks(operation, klass.id, wanted, existing))
            operation.log_access("import", CLASS_KIND, klass.id, f"签到表 {path.name}")
        result = AttendanceImportResult(
            rows_read=total,
            rows_matched=matched,
            marks_changed=changed,
            marks_unchanged=unchanged,
            sessions=tuple(_session_view(0, s).label for s in columns.values()),
            ignored_columns=book.ignored_headers,
            unmatched=tuple(unmatched),
            malformed=tuple(malformed),
            dry_run=dry_run,
        )
        return result


def _cell(cells: tuple[object, ...], index: int | None) -> object:
    return cells[index] if index is not None and index < len(cells) else None


def _session_for_column(
    column: DateColumn, sessions: list[TrainingSession]
) -> tuple[TrainingSession | None, str]:
    same_day = [
        s
        for s in sessions
        if (
            s.session_date == column.day
            if column.day
            else (s.session_date.month, s.session_date.day) == column.month_day
        )
    ]
    shown = column.day.isoformat() if column.day else f"{column.month_day[0]}月{column.month_day[1]}日"
    if column.half_day:
        same_day = [s for s in same_day if HalfDay(s.half_day).label == column.half_day]
        shown += f" {column.half_day}"
    if not same_day:
        return None, f"本班 {shown} 没有课次，该列未导入"
    if len(same_day) > 1:
        halves = "、".join(HalfDay(s.half_day).label for s in same_day)
        return None, f"本班 {shown} 有 {halves} {len(same_day)} 个课次，请在表头写明 上午 或 下午，该列未导入"
    return same_day[0], ""


def _match_row(
    session: Session,
    name: str,
    id_raw: object,
    id_text: str,
    *,
    by_id: Mapping[str, _RosterPerson],
    by_name: Mapping[str, list[_RosterPerson]],
) -> tuple[_RosterPerson | None, str, bool]:
    """(person, problem, whether the problem is "matches nobody" rather than "malformed")."""
    if id_text and "*" in id_text:
        candidates = [
            p
            for people in by_name.values()
            for p in people
            if mask_id_number(p.id_number) == id_text and (not name or p.name == name)
        ]
        if len(candidates) == 1:
            return candidates[0], "", False
        if not candidates:
            return None, f"本班名单中没有 {name or '（无姓名）'} {id_text}", True
        return None, f"本班有 {len(candidates)} 位学员与 {name} {id_text} 相符，请填写完整身份证号码", False
    if id_text:
        try:
            number = parse_id_number(id_raw, field="身份证号码").number
        except ValidationError as error:
            return None, error.message, False
        person = by_id.get(number)
        if person is None:
            on_file = session.exec(select(Entrepreneur).where(col(Entrepreneur.id_number) == number)).first()
            hint = (
                f"本站有此人档案（{on_file.name}，档案号 {on_file.case_number}），但未报名本班；"
                "报名后可重新导入"
                if on_file is not None and not on_file.deleted
                else "本站没有此人的档案，也不在本班名单中；如需要，请先为其报名后重新导入"
            )
            return None, hint, True
        if name and _parse_name_loose(name) != person.name:
            return None, f"身份证号码属于本班学员 {person.name}，但表中姓名为 {name}，请核对", False
        return person, "", False
    if not name:
        return None, "姓名和身份证号码都是空的", False
    same = by_name.get(_parse_name_loose(name), [])
    if not same:
        return None, f"本班名单中没有叫 {name} 的学员（未填身份证号码）", True
    if len(same) > 1:
        return None, f"本班有 {len(same)} 位学员叫 {name}，请填写身份证号码以区分", False
    return same[0], "", False


def _parse_name_loose(name: str) -> str:
    """A name as stored (spaces between characters removed, dots unified); the text itself if invalid."""
    try:
        return parse_name(name)
    except ValidationError:
        return name


# ------------------------------------------------------------------------- sign-in xlsx: template, export
def write_sign_in_workbook(
    db: Database, *, actor: Actor, class_id: str, out: Path, unmasked: bool = False
) -> int:
    """The class's sign-in workbook (下载导入模板): roster rows and one column per session, holding the
    marks recorded so far — fill it in and import it back. ID numbers are masked unless ``unmasked`` and
    the user may see personal data. Returns the number of people."""
    reveal = unmasked and actor.can_see_personal_data
    with db.transaction() as session:
        klass = _get_class(session, class_id)
        sessions = _live_sessions(session, class_id)
        marks = _marks(session, class_id)
        people = [
            (e.id, p.name, p.id_number)
            for e, p in _enrolments_with_people(session, class_id)
            if e.status == EnrolmentStatus.ENROLLED.value
        ]
        Operation(session, actor, "导出").log_access(
            "export", CLASS_KIND, class_id, f"签到表模板 {out.name}{'（未脱敏）' if reveal else ''}"
        )
    columns = [XlsxColumn("序号", 6, "int"), XlsxColumn("姓名", 12), XlsxColumn("身份证号码", 22)]
    columns += [XlsxColumn(f"{s.session_date.isoformat()} {HalfDay(s.half_day).label}", 15) for s in sessions]
    rows = [
        [n, name, id_number if reveal else mask_id_number(id_number)]
        + [(marks[(enrolment_id, s.id)].short if (enrolment_id, s.id) in marks else "") for s in sessions]
        for n, (enrolment_id, name, id_number) in enumerate(people, start=1)
    ]
    return write_table(
        out,
        sheet_title="签到表",
        columns=columns,
        rows=rows,
        title=f"{klass.title}（第 {klass.class_number} 期）签到表 — 考勤填 出、迟、假、缺",
    )


ATTENDANCE_COLUMNS = (
    XlsxColumn("期次编号", 12),
    XlsxColumn("班级名称", 28),
    XlsxColumn("课程", 20),
    XlsxColumn("上课日期", 12, "date"),
    XlsxColumn("时段", 6),
    XlsxColumn("学时", 6, "int"),
    XlsxColumn("课程内容", 20),
    XlsxColumn("姓名", 10),
    XlsxColumn("身份证号码", 22),
    XlsxColumn("考勤", 8),
)


def export_attendance(
    db: Database, *, actor: Actor, out: Path, month: date | None = None, unmasked: bool = False
) -> int:
    """Every recorded mark (of sessions in ``month`` if given) as one row; returns the row count.

    ID numbers are masked unless ``unmasked`` and the user may see personal data; the export is logged.
    """
    reveal = unmasked and actor.can_see_personal_data
    statement = (
        sa_select(
            col(TrainingClass.class_number),
            col(TrainingClass.title),
            col(CourseType.name),
            col(TrainingSession.session_date),
            col(TrainingSession.half_day),
            col(TrainingSession.hours),
            col(TrainingSession.topic),
            col(Entrepreneur.name),
            col(Entrepreneur.id_number),
            col(Attendance.status),
        )
        .select_from(Attendance)
        .join(TrainingSession, col(TrainingSession.id) == Attendance.session_id)
        .join(TrainingClass, col(TrainingClass.id) == TrainingSession.class_id)
        .join(CourseType, col(CourseType.id) == TrainingClass.course_id)
        .join(Enrolment, col(Enrolment.id) == Attendance.enrolment_id)
        .join(Entrepreneur, col(Entrepreneur.id) == Enrolment.entrepreneur_id)
        .where(
            col(Attendance.deleted).is_(False),
            col(TrainingSession.deleted).is_(False),
            col(TrainingClass.deleted).is_(False),
            col(Enrolment.deleted).is_(False),
        )
        .order_by(
            col(TrainingSession.session_date),
            col(TrainingClass.class_number),
            case(*((col(TrainingSession.half_day) == h, n) for h, n in HALF_DAY_ORDER.items()), else_=9),
            col(Enrolment.created_at),
        )
    )
    if month is not None:
        first = month.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        statement = statement.where(
            col(TrainingSession.session_date) >= first, col(TrainingSession.session_date) < following
        )
    labels = {m.value: m.label for m in AttendanceMark}
    halves = {h.value: h.label for h in HalfDay}
    span = f"{month:%Y年%m月}" if month else "全部"
    with db.transaction() as session:
        Operation(session, actor, "导出").log_access(
            "export", "training_attendance", "", f"考勤明细 {span} {out.name}{'（未脱敏）' if reveal else ''}"
        )
        result = session.execute(statement.execution_options(yield_per=5000))
        rows = (
            (
                r[0],
                r[1],
                r[2],
                r[3],
                halves.get(r[4], r[4]),
                r[5],
                r[6],
                r[7],
                r[8] if reveal else mask_id_number(r[8]),
                labels.get(r[9], r[9]),
            )
            for r in result
        )
        return write_table(
            out,
            sheet_title="考勤明细",
            columns=ATTENDANCE_COLUMNS,
            rows=rows,
            title=f"培训考勤明细（{span}）",
        )


# ------------------------------------------------------------------------------------------------ printing
def print_sign_in_sheets(db: Database, *, actor: Actor, record_id: str, out: Path) -> int:
    """签到表 of one session, or of every session of a class (``record_id`` is either). ID numbers are
    always masked: the sheet goes round the room. Returns the page count."""
    with db.transaction() as session:
        target = session.get(TrainingSession, record_id)
        if target is not None and not target.deleted:
            klass = _get_class(session, target.class_id)
        else:
            klass = _get_class(session, record_id)
        sessions = _live_sessions(session, klass.id)
        if target is not None and not target.deleted:
            chosen = [(n, s) for n, s in enumerate(sessions, start=1) if s.id == target.id]
        else:
            chosen = list(enumerate(sessions, start=1))
        if not chosen:
            raise NotAllowed(f"第 {klass.class_number} 期还没有课次，没有可打印的签到表")
        course = _get_course(session, klass.course_id)
        people = tuple(
            (n, p.name, mask_id_number(p.id_number))
            for n, (e, p) in enumerate(
                [
                    pair
                    for pair in _enrolments_with_people(session, klass.id)
                    if pair[0].status == EnrolmentStatus.ENROLLED.value
                ],
                start=1,
            )
        )
        station = _station_name(session)
        sheets = [
            SignInSheet(
                session_id=s.id,
                station_name=station,
                class_title=klass.title,
                class_number=klass.class_number,
                course_name=course.name,
                provider=klass.provider,
                venue=klass.venue,
                session_date=s.session_date,
                half_day=HalfDay(s.half_day).label,
                hours=s.hours,
                session_number=n,
                topic=s.topic,
                teacher=s.teacher or klass.teachers,
                rows=people,
            )
            for n, s in chosen
        ]
        Operation(session, actor, "打印").log_access(
            "print", CLASS_KIND, klass.id, f"签到表 {len(sheets)} 份"
        )
    return write_sign_in_sheets(out, sheets)


def certificates_for(
    db: Database,
    *,
    actor: Actor,
    class_id: str | None = None,
    enrolment_ids: Sequence[str] | None = None,
    redacted: bool = False,
) -> list[Certificate]:
    """The values printed on 结业证书: every completed trainee of ``class_id``, or the given enrolments
    (which must have completed). ID numbers in full only for a role that may see personal data and when
    not ``redacted``."""
    with db.reading() as session:
        return _certificates(session, actor, class_id, enrolment_ids, redacted)


def _certificates(
    session: Session,
    actor: Actor,
    class_id: str | None,
    enrolment_ids: Sequence[str] | None,
    redacted: bool,
) -> list[Certificate]:
    reveal = actor.can_see_personal_data and not redacted
    statement = (
        sa_select(Enrolment, Entrepreneur, TrainingClass, CourseType)
        .join(Entrepreneur, col(Entrepreneur.id) == Enrolment.entrepreneur_id)
        .join(TrainingClass, col(TrainingClass.id) == Enrolment.class_id)
        .join(CourseType, col(CourseType.id) == TrainingClass.course_id)
        .where(
            col(Enrolment.deleted).is_(False),
            col(TrainingClass.deleted).is_(False),
            col(Enrolment.result) == CompletionResult.COMPLETED.value,
            col(Enrolment.certificate_number).is_not(None),
        )
        .order_by(col(TrainingClass.class_number), col(Enrolment.created_at), col(Enrolment.id))
    )
    if class_id is not None:
        _get_class(session, class_id)
        statement = statement.where(col(Enrolment.class_id) == class_id)
    elif enrolment_ids is not None:
        statement = statement.where(col(Enrolment.id).in_(list(enrolment_ids)))
    else:
        raise ValidationError("打印范围", None, "请指定培训班或报名记录")
    rows = session.execute(statement).all()
    if not rows:
        raise NotAllowed("没有已结业的学员，无证书可打印；请先做结业评定")
    if enrolment_ids is not None and class_id is None and len(rows) < len(set(enrolment_ids)):
        raise NotAllowed(
            f"所选 {len(set(enrolment_ids))} 人中只有 {len(rows)} 人已结业，请只选择已结业的学员"
        )
    hours_by_class: dict[str, int] = {}
    for klass_id in {row[2].id for row in rows}:
        hours_by_class[klass_id] = int(
            session.exec(
                select(func.coalesce(func.sum(TrainingSession.hours), 0)).where(
                    col(TrainingSession.class_id) == klass_id, col(TrainingSession.deleted).is_(False)
                )
            ).one()
        )
    issuer = _station_name(session)
    today = china_today()
    return [
        Certificate(
            enrolment_id=e.id,
            certificate_number=e.certificate_number or "",
            name=p.name,
            sex=Sex(p.sex).label,
            id_number=p.id_number if reveal else mask_id_number(p.id_number),
            course_name=c.name,
            class_number=k.class_number,
            class_title=k.title,
            provider=k.provider,
            start_date=k.start_date,
            end_date=e.completed_on or k.end_date,
            hours=hours_by_class[k.id],
            exam_score=e.exam_score if k.exam_required else None,
            issuer=issuer,
            issued_on=today,
        )
        for e, p, k, c in rows
    ]


def print_certificates(
    db: Database,
    *,
    actor: Actor,
    out: Path,
    class_id: str | None = None,
    enrolment_ids: Sequence[str] | None = None,
    redacted: bool = False,
    job: JobState = UNWATCHED,
) -> int:
    """结业证书, one per page (see :func:`certificates_for`); the print is logged. Returns the page
    count; a cancelled job writes nothing."""
    reveal = actor.can_see_personal_data and not redacted
    with db.transaction() as session:
        certificates = _certificates(session, actor, class_id, enrolment_ids, redacted)
        Operation(session, actor, "打印").log_access(
            "print",
            CLASS_KIND,
            class_id or "",
            f"结业证书 {len(certificates)} 张{'' if reveal else '（脱敏）'}",
        )
    total = len(certificates)

    def progress(done: int) -> None:
        if done % 25 == 0 or done == total:
            job.report(done, total, f"正在生成结业证书 {done}/{total}")

    return write_certificates(out, certificates, redacted=not reveal, progress=progress)


def training_roster(db: Database, *, actor: Actor, class_id: str, redacted: bool = False) -> TrainingRoster:
    """The 花名册 values of a class (for the policy area to draw into its own PDF with
    :func:`reports.training_forms.start_training_roster`). Full ID numbers and phones only for a role
    that may see personal data and when not ``redacted``."""
    reveal = actor.can_see_personal_data and not redacted
    trainees = completed_trainees(db, class_id=class_id)
    detail = get_class(db, class_id=class_id)
    with db.reading() as session:
        station = _station_name(session)
    return TrainingRoster(
        class_id=class_id,
        station_name=station,
        class_title=detail.title,
        class_number=detail.class_number,
        course_name=detail.course_name,
        provider=detail.provider,
        venue=detail.venue,
        start_date=detail.start_date,
        end_date=detail.end_date,
        total_hours=detail.total_hours,
        enrolled=detail.enrolled,
        funded=detail.funded,
        rule_text=detail.rule.describe(),
        lines=tuple(
            RosterLine(
                number=n,
                name=t.name,
                sex=t.sex,
                id_number=t.id_number if reveal else mask_id_number(t.id_number),
                key_groups="、".join(t.key_groups),
                phone=t.phone if reveal else (mask_phone(t.phone) if t.phone else ""),
                attended_hours=t.attended_hours,
                required_hours=t.required_hours,
                exam_score=t.exam_score,
                certificate_number=t.certificate_number,
            )
            for n, t in enumerate(trainees, start=1)
        ),
        printed_on=china_today(),
        redacted=not reveal,
    )


def print_training_roster(
    db: Database, *, actor: Actor, class_id: str, out: Path, redacted: bool = False
) -> int:
    """培训补贴花名册 of a class as a PDF; returns the page count.

    Stable interface for the policy area (issue 5): ``print_training_roster(db, *, actor, class_id, out,
    redacted=False) -> pages``. Refused (:class:`NotAllowed`) while nobody of the class has completed.
    """
    roster = training_roster(db, actor=actor, class_id=class_id, redacted=redacted)
    if not roster.lines:
        raise NotAllowed(f"第 {roster.class_number} 期还没有结业学员，请先做结业评定后再打印花名册")
    with db.transaction() as session:
        Operation(session, actor, "打印").log_access(
            "print",
            CLASS_KIND,
            class_id,
            f"培训补贴花名册 {len(roster.lines)} 人{'（脱敏）' if roster.redacted else ''}",
        )
    return write_training_roster(out, roster)


def resolve_record(db: Database, *, record_id: str) -> tuple[str, str]:
    """What an id given on the command line names: ``("class" | "session" | "enrolment", id)``.

    A class may also be named by its 期次编号 (``SYB202501``) and an enrolment by its certificate number.
    """
    text = record_id.strip()
    with db.reading() as session:
        for kind, model in (("class", TrainingClass), ("session", TrainingSession), ("enrolment", Enrolment)):
            found = session.get(model, text)
            if found is not None and not found.deleted:
                return kind, found.id
        klass = session.exec(
            select(TrainingClass).where(
                col(TrainingClass.class_number) == text, col(TrainingClass.deleted).is_(False)
            )
        ).first()
        if klass is not None:
            return "class", klass.id
        enrolment = session.exec(
            select(Enrolment).where(
                col(Enrolment.certificate_number) == text, col(Enrolment.deleted).is_(False)
            )
        ).first()
        if enrolment is not None:
            return "enrolment", enrolment.id
    raise NotFound(f"找不到编号为 {text} 的培训班、课次或报名记录（也可用期次编号，如 SYB202501）")


def _station_name(session: Session) -> str:
    station = session.exec(select(Station)).first()
    return station.name if station else ""


# --------------------------------------------------------------------------------------------------- demo
_DEMO_COURSE_WEIGHTS = {"SYB": 45, "IYB": 14, "EYB": 5, "WC": 14, "XLY": 11, "JNCY": 11}
_DEMO_PROVIDERS = (
    "杭州市西湖区职业技能培训中心",
    "浙江某某创业学院",
    "西湖区马兰花创业培训基地",
    "文新街道成人学校",
)
_DEMO_VENUES = (
    "文新街道社区服务中心三楼",
    "西湖区创业孵化基地多功能厅",
    "文新街道党群服务中心",
    "线上直播+线下实训",
)
_DEMO_TEACHERS = ("王建华", "李晓梅", "陈志强", "周丽", "赵明", "孙海燕", "吴婷", "郑凯")
_DEMO_TOPICS = (
    "创业意识与创业者素质",
    "创业项目选择与市场评估",
    "企业的组织形式与法律责任",
    "成本核算与定价",
    "营销计划与客户开发",
    "财务预测与资金筹措",
    "创业计划书撰写与答辩",
    "风险防范与政策解读",
)


def _stored_datetime(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _converter(sample: object) -> Callable[[Any], object] | None:
    """How a column's values are stored by SQLAlchemy in SQLite (naive UTC datetimes, ISO dates, JSON)."""
    if isinstance(sample, datetime):
        return _stored_datetime
    if isinstance(sample, date):
        return date.isoformat
    if isinstance(sample, bool):
        return int
    if isinstance(sample, dict):
        return json.dumps
    return None


def _fast_insert(session: Session, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert demo rows with the DB-API cursor of the session's own transaction: the benchmark station
    has about 50,000 enrolments and 400,000 attendance marks, too many for the ORM's bulk path."""
    if not rows:
        return
    keys = list(rows[0])
    samples = {key: next((row[key] for row in rows if row[key] is not None), None) for key in keys}
    converters: list[tuple[int, Callable[[Any], object]]] = []
    for index, key in enumerate(keys):
        convert = _converter(samples[key])
        if convert is not None:
            converters.append((index, convert))

    def values(row: dict[str, Any]) -> list[object]:
        out = [row[key] for key in keys]
        for index, convert in converters:
            if out[index] is not None:
                out[index] = convert(out[index])
        return out

    rows.sort(key=lambda row: row["id"])  # time-ordered ids: appends to the primary-key index
    sql = f"INSERT INTO {table} ({', '.join(keys)}) VALUES ({', '.join('?' for _ in keys)})"
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.executemany(sql, map(values, rows))
    cursor.close()


def _created_at_of(uuid7: str) -> datetime:
    """The moment a UUIDv7 was made for (the demo makes people's ids from their creation time)."""
    millis = int(uuid7.replace("-", "")[:12], 16)
    return datetime.fromtimestamp(millis / 1000, UTC)


def demo_step(ctx: DemoContext) -> None:
    """Classes over the last three years and a few ahead, about one enrolment per two people with their
    attendance, exam scores and certificates: a running class with a session today, an upcoming class,
    a finished class waiting for 结业评定, and assessed classes. Bulk inserts, deterministic for a seed.

    Classes, sessions and enrolments get a change row like the other demo records; the attendance marks
    (about 400,000 on the benchmark station) do not — the demo's change rows carry no field values anyway,
    and writing them would double the step's time for nothing a person could look at."""
    from desktop.demo import DEMO_USER

    rng, today, session = ctx.rng, ctx.today, ctx.session
    people = ctx.entrepreneur_ids
    now = datetime.combine(today, time(9, 0), CHINA_TZ).astimezone(UTC)
    present_codes = set(session.exec(select(col(CourseType.code))).all())
    _, catalogue = default_course_catalogue()
    missing = [c for c in catalogue if c.code not in present_codes]
    if missing:
        session.execute(insert(CourseType), [_course_row(c, ctx.station_code, now) for c in missing])
    if not people:
        return
    courses = {c.code: c for c in catalogue}
    codes = list(_DEMO_COURSE_WEIGHTS)
    weights = list(_DEMO_COURSE_WEIGHTS.values())
    created = [_created_at_of(p) for p in people]
    target = max(round(len(people) * 0.5), 30)
    average = 39  # a little under the mean class size (20–60): the first classes find fewer people
    count = max(target // average, 4)
    first_start = today - timedelta(days=3 * 365)
    spacing = (today + timedelta(days=20) - first_start).days / count
    classes: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    enrolments: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    numbers: dict[str, int] = {}
    certificates: dict[int, int] = {}
    made = 0
    last_completed: dict[tuple[str, str], bool] = {}
    for index in range(count):
        code = rng.choices(codes, weights)[0]
        course = courses[code]
        if index == count - 1:
            start = today + timedelta(days=10)  # upcoming: enrolled, nothing marked yet
        elif index == count - 2:
            start = today - timedelta(days=2)  # running: a session today (even on a weekend)
            while start.weekday() >= 5:
                start -= timedelta(days=1)
        elif index == count - 3:
            start = today - timedelta(days=25)  # finished, waiting for 结业评定
        else:
            start = first_start + timedelta(days=round(index * spacing) + rng.randint(0, 3))
        while start.weekday() >= 5 and index != count - 2:
            start += timedelta(days=1)
        days: list[tuple[date, str, int]] = []
        remaining = course.standard_hours
        day = start
        while remaining > 0:
            if day.weekday() < 5 or (index == count - 2 and day == today):
                hours = 8 if remaining >= 8 else remaining
                days.append((day, HalfDay.FULL.value if hours == 8 else HalfDay.AM.value, hours))
                remaining -= hours
            day += timedelta(days=1)
        end = days[-1][0]
        year = start.year
        numbers[f"{code}{year}"] = numbers.get(f"{code}{year}", 0) + 1
        class_number = f"{code}{year}{numbers[f'{code}{year}']:02d}"
        size = rng.randint(20, 60) if index != count - 2 else 36
        eligible = bisect_right(created, datetime.combine(start, time(0), CHINA_TZ) - timedelta(days=7))
        if eligible < 5:
            continue
        size = min(size, eligible, target - made) if index < count - 3 else min(size, eligible)
        if size <= 0:
            continue
        class_created = ctx.moment_between(start - timedelta(days=40), start - timedelta(days=20))
        class_id = ctx.new_id(class_created)
        assessed = end < today - timedelta(days=40) or (end < today and index < count - 3)
        provider = rng.choice(_DEMO_PROVIDERS)
        classes.append(
            {
                "id": class_id,
                "station_code": ctx.station_code,
                "created_at": class_created,
                "updated_at": class_created,
                "updated_by": DEMO_USER,
                "version": 1,
                "deleted": False,
                "course_id": course_id_for(code),
                "class_number": class_number,
                "title": default_title(course.name, year, numbers[f"{code}{year}"]),
                "provider": provider,
                "teachers": "、".join(rng.sample(_DEMO_TEACHERS, 2)),
                "venue": rng.choice(_DEMO_VENUES),
                "start_date": start,
                "end_date": end,
                "capacity": size + rng.choice((0, 0, 2, 4, 10)),
                "funded": rng.random() < 0.85,
                "notes": "",
                "assessed_on": end + timedelta(days=rng.randint(1, 7)) if assessed else None,
                **_rule_values(course.rule),
            }
        )
        changes.append(ctx.change_row(CLASS_KIND, class_id, class_id, class_created))
        session_ids: list[tuple[str, date, int]] = []
        for number, (day, half, hours) in enumerate(days):
            session_id = ctx.new_id(class_created)
            session_ids.append((session_id, day, hours))
            sessions.append(
                {
                    "id": session_id,
                    "station_code": ctx.station_code,
                    "created_at": class_created,
                    "updated_at": class_created,
                    "updated_by": DEMO_USER,
                    "version": 1,
                    "deleted": False,
                    "class_id": class_id,
                    "session_date": day,
                    "half_day": half,
                    "hours": hours,
                    "topic": _DEMO_TOPICS[number % len(_DEMO_TOPICS)],
                    "teacher": rng.choice(_DEMO_TEACHERS),
                }
            )
            changes.append(ctx.change_row("training_session", session_id, class_id, class_created))
        # people who already completed this course are passed over (most would not be funded again)
        candidates = rng.sample(range(eligible), min(eligible, size + size // 4))
        picked = [i for i in candidates if not last_completed.get((people[i], code))][:size]
        chosen = sorted(
            (ctx.moment_between(start - timedelta(days=18), start - timedelta(days=1)), person_index)
            for person_index in picked
        )
        rule = course.rule
        for enrolled_at, person_index in chosen:
            person_id = people[person_index]
            enrolment_id = ctx.new_id(enrolled_at)
            reliability = rng.random()
            withdrawn = rng.random() < 0.02
            person_marks: list[tuple[int, AttendanceMark | None]] = []
            for position, (session_id, day, hours) in enumerate(session_ids):
                if day >= today or (withdrawn and position > 1):
                    person_marks.append((hours, None))
                    continue
                roll = rng.random()
                if reliability < 0.75:
                    mark = AttendanceMark.PRESENT if roll < 0.95 else AttendanceMark.LATE
                elif reliability < 0.93:
                    mark = (
                        AttendanceMark.PRESENT
                        if roll < 0.8
                        else AttendanceMark.LATE
                        if roll < 0.87
                        else AttendanceMark.EXCUSED
                        if roll < 0.95
                        else AttendanceMark.ABSENT
                    )
                else:
                    mark = AttendanceMark.PRESENT if roll < 0.6 else AttendanceMark.ABSENT
                person_marks.append((hours, mark))
                at = datetime.combine(day, time(17, 30), CHINA_TZ).astimezone(UTC)
                mark_id = ctx.new_id(at)
                marks.append(
                    {
                        "id": mark_id,
                        "station_code": ctx.station_code,
                        "created_at": at,
                        "updated_at": at,
                        "updated_by": DEMO_USER,
                        "version": 1,
                        "deleted": False,
                        "enrolment_id": enrolment_id,
                        "session_id": session_id,
                        "status": mark.value,
                    }
                )
            score = (
                max(30, min(100, round(rng.gauss(78, 12)))) if rule.exam_required and end < today else None
            )
            result = certificate = completed_on = None
            if assessed and not withdrawn:
                outcome = assess(rule, person_marks, score)
                if outcome.completed:
                    result = CompletionResult.COMPLETED.value
                    completed_on = end
                    certificates[end.year] = certificates.get(end.year, 0) + 1
                    certificate = certificate_number(ctx.station_code, code, end.year, certificates[end.year])
                    last_completed[(person_id, code)] = True
                else:
                    result = CompletionResult.NOT_COMPLETED.value
            enrolments.append(
                {
                    "id": enrolment_id,
                    "station_code": ctx.station_code,
                    "created_at": enrolled_at,
                    "updated_at": enrolled_at,
                    "updated_by": DEMO_USER,
                    "version": 1,
                    "deleted": False,
                    "class_id": class_id,
                    "entrepreneur_id": person_id,
                    "enrolled_on": enrolled_at.astimezone(CHINA_TZ).date(),
                    "status": EnrolmentStatus.WITHDRAWN.value
                    if withdrawn
                    else EnrolmentStatus.ENROLLED.value,
                    "exam_score": score,
                    "result": result,
                    "completed_on": completed_on,
                    "certificate_number": certificate,
                }
            )
            changes.append(ctx.change_row("training_enrolment", enrolment_id, person_id, enrolled_at))
            made += 1
    for model, rows in (
        (TrainingClass, classes),
        (TrainingSession, sessions),
        (Enrolment, enrolments),
        (Attendance, marks),
        (Change, changes),
    ):
        _fast_insert(session, str(model.__tablename__), rows)
    for year, last in certificates.items():
        sequence = session.get(CertificateSequence, year) or CertificateSequence(year=year, last=0)
        sequence.last = max(sequence.last, last)
        session.add(sequence)
    ctx.summary["培训班"] = ctx.summary.get("培训班", 0) + len(classes)
    ctx.summary["培训报名"] = ctx.summary.get("培训报名", 0) + len(enrolments)
    ctx.summary["考勤记录"] = ctx.summary.get("考勤记录", 0) + len(marks)


register()

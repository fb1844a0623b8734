"""Read models of the training area: what the services return to the UI, the CLI and the policy area."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from models.base import china_today
from models.errors import Conflict
from models.training import (
    AttendanceMark,
    CompletionOutcome,
    CompletionResult,
    CompletionRule,
    EnrolmentStatus,
    HalfDay,
)


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
    standard_hours: int = 0  # the course's 标准学时 (the catalogue's, as it is now)

    @property
    def schedule_shortfall(self) -> int:
        """学时 the schedule lacks to reach the course's standard hours (0 when it reaches them)."""
        return max(self.standard_hours - self.total_hours, 0)

    @property
    def schedule_warning(self) -> str:
        """A warning when the sessions do not add up to the course's required hours, else ``""``.

        The completion rule counts attendance against the hours actually scheduled, so a short schedule
        would let a trainee complete a course with fewer hours than it requires (5号文 (二): the 马兰花
        courses and their subsidies are defined by their hours)."""
        if not self.schedule_shortfall:
            return ""
        return (
            f"已排 {self.sessions} 个课次共 {self.total_hours} 学时，少于{self.course_name}要求的 "
            f"{self.standard_hours} 学时（还差 {self.schedule_shortfall} 学时）"
        )

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
    today: date = field(default_factory=china_today)  # sessions after it cannot be marked yet

    def is_future(self, session: SessionView) -> bool:
        return session.session_date > self.today


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
    prints them must check ``actor.may(Permission.VIEW_PERSONAL_DATA)`` and log the access.
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

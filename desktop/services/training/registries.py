"""How training shows elsewhere: the 培训 tab of a person's file, the timeline, the file's change
history and the workbench (the area's :func:`~desktop.services.training.area` names these sources).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from desktop.services import timeline as timeline_service
from desktop.services import workbench
from desktop.services.gate import service
from desktop.services.training._common import CLASS_KIND, HALF_DAY_ORDER, _enrolled_count, _live_sessions
from desktop.services.training.views import PersonTraining
from models.audit import Actor
from models.base import CHINA_TZ
from models.database import Database
from models.permissions import Permission
from models.training import (
    Attendance,
    AttendanceMark,
    CompletionResult,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    HalfDay,
    TrainingClass,
    TrainingSession,
    attended_hours,
    rule_of,
)


@service(Permission.VIEW_FILES)
def person_training(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> list[PersonTraining]:
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


@service(Permission.VIEW_FILES)
def training_timeline(
    db: Database, actor: Actor, /, entrepreneur_id: str
) -> list[timeline_service.TimelineEntry]:
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


@service(Permission.VIEW_FILES)
def training_tasks(db: Database, actor: Actor, /, today: date) -> list[workbench.Task]:
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


@service(Permission.VIEW_FILES)
def training_figures(db: Database, actor: Actor, /, today: date) -> list[workbench.Figure]:
    """The month's 培训结业 figure on the workbench."""
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

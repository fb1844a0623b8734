"""Excel output: the sign-in workbook template of a class and the attendance export."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import case
from sqlalchemy import select as sa_select
from sqlmodel import col

from desktop.services.gate import service
from desktop.services.training._common import (
    CLASS_KIND,
    HALF_DAY_ORDER,
    _enrolments_with_people,
    _get_class,
    _live_sessions,
    _marks,
)
from models.audit import Actor, Operation
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.masking import mask_id_number
from models.permissions import Permission
from models.training import (
    Attendance,
    AttendanceMark,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    HalfDay,
    TrainingClass,
    TrainingSession,
)
from reports.xlsx import Column as XlsxColumn
from reports.xlsx import write_table


@service(Permission.EXPORT_DATA)
def write_sign_in_workbook(
    db: Database, actor: Actor, /, *, class_id: str, out: Path, unmasked: bool = False
) -> int:
    """The class's sign-in workbook (下载导入模板): roster rows and one column per session, holding the
    marks recorded so far — fill it in and import it back. ID numbers are masked unless ``unmasked`` and
    the user may see personal data. Returns the number of people."""
    reveal = unmasked and actor.may(Permission.VIEW_PERSONAL_DATA)
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


@service(Permission.EXPORT_DATA)
def export_attendance(
    db: Database, actor: Actor, /, *, out: Path, month: date | None = None, unmasked: bool = False
) -> int:
    """Every recorded mark (of sessions in ``month`` if given) as one row; returns the row count.

    ID numbers are masked unless ``unmasked`` and the user may see personal data; the export is logged.
    """
    reveal = unmasked and actor.may(Permission.VIEW_PERSONAL_DATA)
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

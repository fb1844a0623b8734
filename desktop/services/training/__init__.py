"""马兰花创业培训 (5号文 (二), 推进行动 计划4): catalogue, classes, sessions, roster, attendance, completion.

Each public write is one service call: one transaction, one operation in the change log, one undo step.
Enrolments are logged against the person's file (they show in its history; Ctrl+Z in the file undoes
them). Everything else about a class — its sessions, attendance, exam scores, the completion assessment —
is logged against the class, so Ctrl+Z on the class page undoes the last of those.

Every public service takes the database and the acting user first (``fn(db, actor, *, ...)``) and
states the permission it needs; each write has a core ``<name>_in(session, actor, ...)`` that runs inside
the caller's transaction and never commits.

Functions the policy area uses for the training-subsidy application (keep their signatures stable):
:func:`completed_trainees` (or :func:`completed_trainees_in`) and :func:`print_training_roster`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.services.training._common import CLASS_KIND, HALF_DAY_ORDER, course_id_for
from desktop.services.training.attendance import (
    attendance_grid,
    mark_attendance,
    mark_attendance_in,
    mark_column,
    mark_column_in,
    undo_last_class_change,
    undo_last_class_change_in,
)
from desktop.services.training.catalogue import (
    default_course_catalogue,
    ensure_course_catalogue,
    ensure_course_catalogue_in,
    list_courses,
    update_course,
    update_course_in,
)
from desktop.services.training.classes import (
    ClassQuery,
    create_class,
    create_class_in,
    default_title,
    delete_class,
    delete_class_in,
    get_class,
    list_classes,
    suggest_class_number,
    update_class,
    update_class_in,
)
from desktop.services.training.completion import (
    assess_class,
    assess_class_in,
    completed_trainees,
    completed_trainees_in,
    completion_preview,
    rebuild_certificate_sequence,
    set_exam_score,
    set_exam_score_in,
)
from desktop.services.training.enrolment import (
    enrol,
    enrol_in,
    enrol_walk_in,
    enrol_walk_in_in,
    enrolment_warnings,
    enrolment_warnings_in,
    find_candidates,
    roster,
    withdraw,
    withdraw_in,
)
from desktop.services.training.exports import ATTENDANCE_COLUMNS, export_attendance, write_sign_in_workbook
from desktop.services.training.importing import (
    AttendanceImportResult,
    ImportProblem,
    import_attendance,
    import_attendance_in,
)
from desktop.services.training.printing import (
    certificates_for,
    print_certificates,
    print_sign_in_sheets,
    print_training_roster,
    resolve_record,
    training_roster,
)
from desktop.services.training.registries import (
    ENROLMENT_LABELS,
    person_training,
    training_figures,
    training_tasks,
    training_timeline,
)
from desktop.services.training.sessions import (
    add_session,
    add_session_in,
    add_sessions,
    add_sessions_in,
    delete_session,
    delete_session_in,
    list_sessions,
    update_session,
    update_session_in,
)
from desktop.services.training.views import (
    AlreadyCompleted,
    AttendanceGrid,
    Candidate,
    ClassDetail,
    ClassRow,
    ClassStatus,
    CompletedTrainee,
    CompletionPreview,
    CompletionSummary,
    CourseView,
    GridPerson,
    MarkChange,
    PersonTraining,
    PreviousCompletion,
    RosterRow,
    SessionView,
    class_status,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from desktop.services.areas import Area
    from models.base import TravellingRecord

__all__ = [
    "ATTENDANCE_COLUMNS",
    "CLASS_KIND",
    "ENROLMENT_LABELS",
    "HALF_DAY_ORDER",
    "AlreadyCompleted",
    "AttendanceGrid",
    "AttendanceImportResult",
    "Candidate",
    "ClassDetail",
    "ClassQuery",
    "ClassRow",
    "ClassStatus",
    "CompletedTrainee",
    "CompletionPreview",
    "CompletionSummary",
    "CourseView",
    "GridPerson",
    "ImportProblem",
    "MarkChange",
    "PersonTraining",
    "PreviousCompletion",
    "RosterRow",
    "SessionView",
    "add_session",
    "add_session_in",
    "add_sessions",
    "add_sessions_in",
    "area",
    "assess_class",
    "assess_class_in",
    "attendance_grid",
    "certificates_for",
    "class_status",
    "completed_trainees",
    "completed_trainees_in",
    "completion_preview",
    "course_id_for",
    "create_class",
    "create_class_in",
    "default_course_catalogue",
    "default_title",
    "delete_class",
    "delete_class_in",
    "delete_session",
    "delete_session_in",
    "enrol",
    "enrol_in",
    "enrol_walk_in",
    "enrol_walk_in_in",
    "enrolment_warnings",
    "enrolment_warnings_in",
    "ensure_course_catalogue",
    "ensure_course_catalogue_in",
    "export_attendance",
    "find_candidates",
    "get_class",
    "import_attendance",
    "import_attendance_in",
    "list_classes",
    "list_courses",
    "list_sessions",
    "mark_attendance",
    "mark_attendance_in",
    "mark_column",
    "mark_column_in",
    "person_training",
    "print_certificates",
    "print_sign_in_sheets",
    "print_training_roster",
    "rebuild_certificate_sequence",
    "resolve_record",
    "roster",
    "set_exam_score",
    "set_exam_score_in",
    "suggest_class_number",
    "training_figures",
    "training_roster",
    "training_tasks",
    "training_timeline",
    "undo_last_class_change",
    "undo_last_class_change_in",
    "update_class",
    "update_class_in",
    "update_course",
    "update_course_in",
    "update_session",
    "update_session_in",
    "withdraw",
    "withdraw_in",
    "write_sign_in_workbook",
]


def enrolment_dependents(session: Session, entrepreneur_id: str) -> list[tuple[TravellingRecord, str]]:
    """A file's enrolments: deleting the file takes them off the rosters (docs/undo.md)."""
    from sqlmodel import col, select

    from models.training import Enrolment, TrainingClass

    rows = session.exec(
        select(Enrolment, TrainingClass.title)
        .join(TrainingClass, col(TrainingClass.id) == col(Enrolment.class_id))
        .where(Enrolment.entrepreneur_id == entrepreneur_id, col(Enrolment.deleted).is_(False))
    ).all()
    return [(enrolment, f"培训报名（{title}）") for enrolment, title in rows]


def area() -> Area:
    """Training: the course catalogue (HQ's), classes, sessions, enrolments and attendance marks, and
    the certificate counter derived from the certificates on file."""
    from desktop.services.areas import Area, RecordKind
    from desktop.services.monthly.sections import training_section
    from models.training import (
        Attendance,
        CertificateSequence,
        CourseType,
        Enrolment,
        TrainingClass,
        TrainingSession,
    )

    counter = str(CertificateSequence.__tablename__)
    enrolments = str(Enrolment.__tablename__)
    return Area(
        name="training",
        records=(
            RecordKind(str(CourseType.__tablename__), owner="hq"),
            RecordKind(str(TrainingClass.__tablename__)),
            RecordKind(str(TrainingSession.__tablename__)),
            RecordKind(enrolments, recompute=(counter,)),
            RecordKind(str(Attendance.__tablename__)),
        ),
        derived_tables=(counter,),
        projections={counter: rebuild_certificate_sequence},
        task_sources=(training_tasks,),
        figure_sources=(training_figures,),
        timeline_sources=(training_timeline,),
        dependents={"entrepreneur": enrolment_dependents},
        own_entry_kinds=frozenset({enrolments}),
        change_labels={enrolments: ENROLMENT_LABELS},
        monthly_sections=(training_section,),
        demo_module="desktop.demo.training",
    )

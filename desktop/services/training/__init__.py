"""马兰花创业培训 (5号文 (二), 推进行动 计划4): catalogue, classes, sessions, roster, attendance, completion.

Each public write is one service call: one transaction, one operation in the change log, one undo step.
Enrolments are logged against the person's file (they show in its history; Ctrl+Z in the file undoes
them). Everything else about a class — its sessions, attendance, exam scores, the completion assessment —
is logged against the class, so Ctrl+Z on the class page undoes the last of those.

Functions the policy area uses for the training-subsidy application (keep their signatures stable):
:func:`completed_trainees` and :func:`print_training_roster`.
"""

from __future__ import annotations

from desktop.services.training._common import CLASS_KIND, HALF_DAY_ORDER, course_id_for
from desktop.services.training.attendance import (
    attendance_grid,
    mark_attendance,
    mark_column,
    undo_last_class_change,
)
from desktop.services.training.catalogue import (
    default_course_catalogue,
    ensure_course_catalogue,
    list_courses,
    update_course,
)
from desktop.services.training.classes import (
    ClassQuery,
    add_session,
    add_sessions,
    create_class,
    default_title,
    delete_class,
    delete_session,
    get_class,
    list_classes,
    list_sessions,
    suggest_class_number,
    update_class,
    update_session,
)
from desktop.services.training.completion import (
    assess_class,
    completed_trainees,
    completion_preview,
    set_exam_score,
)
from desktop.services.training.enrolment import enrol, enrol_walk_in, find_candidates, roster, withdraw
from desktop.services.training.exports import ATTENDANCE_COLUMNS, export_attendance, write_sign_in_workbook
from desktop.services.training.importing import AttendanceImportResult, ImportProblem, import_attendance
from desktop.services.training.printing import (
    certificates_for,
    print_certificates,
    print_sign_in_sheets,
    print_training_roster,
    resolve_record,
    training_roster,
)
from desktop.services.training.registries import ENROLMENT_LABELS, person_training, register
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
    "add_sessions",
    "assess_class",
    "attendance_grid",
    "certificates_for",
    "class_status",
    "completed_trainees",
    "completion_preview",
    "course_id_for",
    "create_class",
    "default_course_catalogue",
    "default_title",
    "delete_class",
    "delete_session",
    "enrol",
    "enrol_walk_in",
    "ensure_course_catalogue",
    "export_attendance",
    "find_candidates",
    "get_class",
    "import_attendance",
    "list_classes",
    "list_courses",
    "list_sessions",
    "mark_attendance",
    "mark_column",
    "person_training",
    "print_certificates",
    "print_sign_in_sheets",
    "print_training_roster",
    "register",
    "resolve_record",
    "roster",
    "set_exam_score",
    "suggest_class_number",
    "training_roster",
    "undo_last_class_change",
    "update_class",
    "update_course",
    "update_session",
    "withdraw",
    "write_sign_in_workbook",
]

register()

"""导师走访: visits, the mentor pool, the key project pool, and how they show in files and on the workbench.

推进行动 计划3 asks mentors to visit regularly (定期走访) and serve on the spot; 5号文 (十) asks for
"跟踪陪跑" of key projects — a visit to a project in the pool moves its next due date. Each write is one
service call: one transaction, one operation in the change log, one undo step. Every public service
function is gated (:func:`desktop.services.gate.service`) and takes ``(db, actor, /, *, ...)``; each
write has a core ``<name>_in(session, actor, ...)`` that another area's use case can compose inside
its own transaction.

Modules, by responsibility:

- :mod:`.records` — record and delete a visit (with its outcome in the file), tick off agreed actions;
- :mod:`.queries` — the read models, a file's visits, the visit list, the quick-entry form's context;
- :mod:`.templates` — visit templates;
- :mod:`.export` and :mod:`.printing` — the xlsx export and 走访记录表;
- :mod:`.mentors` — the mentor pool and assignments; :mod:`.tracking` — the key project pool and plans;
- :mod:`.sources` — the timeline entries, the workbench's task and figure sources and its done handler;
- the demo records are made by :mod:`desktop.demo.visits`.

:func:`area` describes the area to the registry (:mod:`desktop.services.areas`).

This package re-exports the visit functions (records, queries, templates, export, printing); the mentor
and key project functions are used from their modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.services.visits.export import export_visits
from desktop.services.visits.printing import print_visit_sheet
from desktop.services.visits.queries import (
    KIND,
    ActionView,
    VentureChoice,
    VisitContext,
    VisitQuery,
    VisitRow,
    VisitView,
    fetch_visit_rows,
    get_visit,
    outcome_lines,
    proposed_next_visit,
    visit_context,
    visit_ids,
    visits_of,
)
from desktop.services.visits.records import delete_visit, mark_action_done, record_visit, reopen_action
from desktop.services.visits.templates import delete_template, list_templates, save_template

if TYPE_CHECKING:
    from sqlmodel import Session

    from desktop.services.areas import Area
    from models.base import TravellingRecord

__all__ = [
    "KIND",
    "ActionView",
    "VentureChoice",
    "VisitContext",
    "VisitQuery",
    "VisitRow",
    "VisitView",
    "delete_template",
    "delete_visit",
    "export_visits",
    "fetch_visit_rows",
    "get_visit",
    "list_templates",
    "mark_action_done",
    "outcome_lines",
    "print_visit_sheet",
    "proposed_next_visit",
    "record_visit",
    "reopen_action",
    "save_template",
    "visit_context",
    "visit_ids",
    "visits_of",
]


def assignment_dependents(session: Session, entrepreneur_id: str) -> list[tuple[TravellingRecord, str]]:
    """A file's current mentor assignments: deleting the file takes them along (docs/undo.md)."""
    from sqlmodel import col, select

    from models.visits import Mentor, MentorAssignment

    rows = session.exec(
        select(MentorAssignment, Mentor.name)
        .join(Mentor, col(Mentor.id) == col(MentorAssignment.mentor_id))
        .where(
            MentorAssignment.entrepreneur_id == entrepreneur_id,
            col(MentorAssignment.deleted).is_(False),
            col(MentorAssignment.ended_on).is_(None),
        )
    ).all()
    return [(assignment, f"导师分配（{name}）") for assignment, name in rows]


def area() -> Area:
    """导师走访: mentors and who they follow, visits and their agreed actions, the key project pool, the
    visit templates — their timeline entries, workbench tasks and figures, and the monthly section."""
    from desktop.services.areas import Area, RecordKind
    from desktop.services.monthly.sections import visits_section
    from desktop.services.visits import sources
    from models.visits import ACTION_LABELS, KEY_PROJECT_LABELS, MENTOR_LABELS, VISIT_LABELS

    return Area(
        name="visits",
        records=(
            # The mentor pool is HQ's (5号文 (五)), but a station may add mentors of its own, and until
            # HQ's pool arrives by package every mentor is a station's: owner "station" for now.
            RecordKind("mentor", personal_fields=frozenset({"phone"}), owner="station"),
            RecordKind("mentor_assignment"),
            RecordKind("visit"),
            RecordKind("agreed_action"),
            RecordKind("key_project"),
            RecordKind("visit_template"),
        ),
        task_sources=(sources.action_tasks, sources.tracking_tasks, sources.not_contacted_tasks),
        figure_sources=(sources.month_figures,),
        done_handlers={sources.ACTION_TASK: sources.action_done},
        timeline_sources=(sources.timeline_entries,),
        own_entry_kinds=frozenset({"visit", "agreed_action", "key_project", "mentor_assignment"}),
        change_labels={
            "visit": VISIT_LABELS,
            "agreed_action": ACTION_LABELS,
            "key_project": KEY_PROJECT_LABELS,
            "mentor_assignment": {"assigned_on": "分配日期", "ended_on": "结束日期"},
            "mentor": MENTOR_LABELS,
        },
        monthly_sections=(visits_section,),
        demo_module="desktop.demo.visits",
        dependents={"entrepreneur": assignment_dependents},
    )

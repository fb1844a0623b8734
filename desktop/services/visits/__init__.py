"""导师走访: visits, the mentor pool, the key project pool, and how they show in files and on the workbench.

推进行动 计划3 asks mentors to visit regularly (定期走访) and serve on the spot; 5号文 (十) asks for
"跟踪陪跑" of key projects — a visit to a project in the pool moves its next due date. Each write is one
service call: one transaction, one operation in the change log, one undo step.

Modules, by responsibility:

- :mod:`.records` — record and delete a visit (with its outcome in the file), tick off agreed actions;
- :mod:`.queries` — the read models, a file's visits, the visit list, the quick-entry form's context;
- :mod:`.templates` — visit templates;
- :mod:`.export` and :mod:`.printing` — the xlsx export and 走访记录表;
- :mod:`.mentors` — the mentor pool and assignments; :mod:`.tracking` — the key project pool and plans;
- :mod:`.sources` — the timeline, change-history labels and workbench sources (registered on import,
  which importing this package does);

This package re-exports the visit functions (records, queries, templates, export, printing); the mentor
and key project functions are used from their modules.
"""

from __future__ import annotations

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
from desktop.services.visits.sources import timeline_entries  # importing it registers the sources
from desktop.services.visits.templates import delete_template, list_templates, save_template

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
    "timeline_entries",
    "visit_context",
    "visit_ids",
    "visits_of",
]

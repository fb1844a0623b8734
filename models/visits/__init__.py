"""Mentors, their visits and the follow-up of key projects (导师走访与跟踪陪跑).

Policy background: 5号文 (五) asks for a mentor pool (创业导师库) of entrepreneurs, investors and scholars,
with appointment (预约) and group (集中服务) services and the 创业指导师 skill levels; 5号文 (十) asks for a
key project pool (重点孵化项目库) whose projects get "跟踪陪跑" for a period; 推进行动 计划3 sends mentors to
the grassroots to classify, visit regularly (定期走访) and serve on the spot (上门服务).

Validation and the date arithmetic of tracking live here (pure, no database), so the form, the CLI and
the demo use the same rules. The package, by responsibility:

- :mod:`~models.visits.vocabulary` — mentor kinds, topics, visit modes, pool outcomes, tracking states;
- :mod:`~models.visits.tables` — the stored tables;
- :mod:`~models.visits.labels` — the Chinese names of their columns;
- :mod:`~models.visits.tracking` — when the next visit is due and where a pool project stands
  (the calendar arithmetic itself is in :mod:`models.dates`);
- :mod:`~models.visits.validation` — what is typed about mentors, visits, pool entries and templates;
- :mod:`~models.visits.templates` — templates for frequent visits, and the shipped ones.
"""

from __future__ import annotations

from models.dates import add_days, add_months, days_in_month
from models.visits.labels import ACTION_LABELS, KEY_PROJECT_LABELS, MENTOR_LABELS, VISIT_LABELS
from models.visits.tables import AgreedAction, KeyProject, Mentor, MentorAssignment, Visit, VisitTemplate
from models.visits.templates import SHIPPED_TEMPLATES, TemplateData
from models.visits.tracking import CADENCES, cadence_label, next_due_after, tracking_state
from models.visits.validation import (
    ActionData,
    KeyProjectData,
    MentorData,
    OutcomeData,
    VisitData,
    parse_choice,
    parse_topics,
    validate_key_project,
    validate_mentor,
    validate_outcome,
    validate_template,
    validate_visit,
)
from models.visits.vocabulary import (
    DEFAULT_NEXT_VISIT_DAYS,
    DUE_SOON_DAYS,
    MAX_DURATION_MINUTES,
    InstructorLevel,
    MentorKind,
    PoolOutcome,
    Topic,
    TrackingState,
    VisitMode,
    topics_from_bits,
    topics_label,
    topics_to_bits,
)

__all__ = [
    "ACTION_LABELS",
    "CADENCES",
    "DEFAULT_NEXT_VISIT_DAYS",
    "DUE_SOON_DAYS",
    "KEY_PROJECT_LABELS",
    "MAX_DURATION_MINUTES",
    "MENTOR_LABELS",
    "SHIPPED_TEMPLATES",
    "VISIT_LABELS",
    "ActionData",
    "AgreedAction",
    "InstructorLevel",
    "KeyProject",
    "KeyProjectData",
    "Mentor",
    "MentorAssignment",
    "MentorData",
    "MentorKind",
    "OutcomeData",
    "PoolOutcome",
    "TemplateData",
    "Topic",
    "TrackingState",
    "Visit",
    "VisitData",
    "VisitMode",
    "VisitTemplate",
    "add_days",
    "add_months",
    "cadence_label",
    "days_in_month",
    "next_due_after",
    "parse_choice",
    "parse_topics",
    "topics_from_bits",
    "topics_label",
    "topics_to_bits",
    "tracking_state",
    "validate_key_project",
    "validate_mentor",
    "validate_outcome",
    "validate_template",
    "validate_visit",
]

"""The month's figures: every section of :data:`MONTHLY_SECTIONS`, in order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from desktop.services.monthly.sections import (
    applications_section,
    entrepreneur_section,
    training_section,
    visits_section,
)
from models.database import Database
from models.ledger.months import month_start
from reports.monthly_report import FigureRow

MonthlySection = Callable[[Database, date], list[FigureRow]]


MONTHLY_SECTIONS: list[MonthlySection] = [
    entrepreneur_section,
    visits_section,
    training_section,
    applications_section,
]
"""The sections of the report, in order. An area appends its function here."""


def monthly_figures(db: Database, *, month: date) -> list[FigureRow]:
    first = month_start(month)
    return [row for section in MONTHLY_SECTIONS for row in section(db, first)]

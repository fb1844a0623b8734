"""The month's figures: every area's monthly section, in the order of the area registry."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from desktop.services import areas
from desktop.services.gate import service
from models.actor import Actor
from models.database import Database
from models.ledger.months import month_start
from models.permissions import Permission
from reports.monthly_report import FigureRow

if TYPE_CHECKING:
    from desktop.services.areas import MonthlySection


def monthly_sections() -> list[MonthlySection]:
    """The sections of the report, in order: each area's ``area().monthly_sections``."""
    return areas.registry().monthly_sections


@service(Permission.VIEW_STATISTICS)
def monthly_figures(db: Database, actor: Actor, /, *, month: date) -> list[FigureRow]:
    """Every section's rows for the month of ``month``. A section the user may not read is refused
    (the gate audits it): a report never leaves a section out silently."""
    first = month_start(month)
    return [row for section in monthly_sections() for row in section(db, actor, first)]

"""月报: the monthly figures per key group, frozen snapshots, the 月报 workbook, the dashboard's series.

Each area contributes its figures through the ``monthly_sections`` of its ``area()`` (the area
registry, :mod:`desktop.services.areas`): a gated service ``(db, actor, /, month) -> rows`` (``month``
is the first day of the month; rows are :class:`reports.monthly_report.FigureRow`). The report, the
snapshot, the differences and the charts all read the same rows (:mod:`.figures`), so a figure has one
definition, written next to the query that computes it (:mod:`.sections`).

Freezing a month (报送) stores its rows as a :class:`models.ledger.MonthlySnapshot` through the change
log; afterwards the report prints the figures as sent and lists every later difference, so editing an
old record never silently rewrites what was reported (:mod:`.report`). :mod:`.charts` has the trends and
everything the 统计报表 page shows; :mod:`.grouping` the per-key-group sums they share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.services.monthly.applications import APPLICATION_FLOWS, APPLICATIONS, applications_section
from desktop.services.monthly.charts import (
    TREND_KEYS,
    TREND_SOURCES,
    DashboardData,
    TrendPoint,
    TrendSource,
    dashboard,
    monthly_trend,
)
from desktop.services.monthly.figures import monthly_figures, monthly_sections
from desktop.services.monthly.grouping import month_bounds_utc, split_by_group
from desktop.services.monthly.report import (
    export_monthly,
    freeze_month,
    freeze_month_in,
    frozen_months,
    monthly_report,
)
from desktop.services.monthly.sections import (
    ENTREPRENEURS,
    MENTOR_PREFIX,
    TRAINING,
    VISITS,
    VISITS_BY_MENTOR,
    entrepreneur_section,
    training_section,
    visits_section,
)

if TYPE_CHECKING:
    from desktop.services.areas import Area

__all__ = [
    "APPLICATIONS",
    "APPLICATION_FLOWS",
    "ENTREPRENEURS",
    "MENTOR_PREFIX",
    "TRAINING",
    "TREND_KEYS",
    "TREND_SOURCES",
    "VISITS",
    "VISITS_BY_MENTOR",
    "DashboardData",
    "TrendPoint",
    "TrendSource",
    "applications_section",
    "area",
    "dashboard",
    "entrepreneur_section",
    "export_monthly",
    "freeze_month",
    "freeze_month_in",
    "frozen_months",
    "month_bounds_utc",
    "monthly_figures",
    "monthly_report",
    "monthly_sections",
    "monthly_trend",
    "split_by_group",
    "training_section",
    "visits_section",
]


def area() -> Area:
    """The monthly report: the frozen (报送) months travel, so HQ sees what each station reported. The
    sections of the report belong to the areas whose records they count; this area has none of its own."""
    from desktop.services.areas import Area, RecordKind
    from models.hq.snapshots import HqSnapshot
    from models.ledger.tables import MonthlySnapshot

    return Area(
        name="monthly",
        records=(
            RecordKind(
                MonthlySnapshot.__tablename__,
                owner="station",
                # a snapshot is one sending: its figures, when and by whom never mix two freezes
                conflicts_as_whole=frozenset({"figures", "frozen_at", "frozen_by", "note"}),
            ),
        ),
        local_tables=(str(HqSnapshot.__tablename__),),  # HQ's own frozen county figures: never travel
    )

"""统计 at HQ: the station's 月报 over every station — county totals, by station, by key group, by
district (the station's region, the person's household region), the 12-month trend — with HQ's frozen
versions and their revisions, and the county workbook (docs/hq-statistics.md).

The figures are the station's own definitions (:mod:`desktop.services.monthly`): the county total is
:func:`~desktop.services.monthly.figures.monthly_figures` over HQ's database, which holds every
station's records, and the splits are the same sections grouped by station or region in one pass.

Freezing (:func:`freeze_county_month`) stores the month's figures for the county and for every station
and district as version 1. A station's package that arrives later never changes a frozen figure: the
page shows the frozen figure and, where today's recomputation differs, a revision naming the new figure,
the difference and the stations whose own figures moved; freezing the revision writes the next version
and keeps the old one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop.services.gate import service
from desktop.services.hq.statistics import snapshots
from desktop.services.hq.statistics.figures import (
    GROUPINGS,
    NO_HOUSEHOLD_REGION,
    group_name,
    grouped_figures,
    require_hq,
    station_names,
)
from desktop.services.monthly.charts import TREND_KEYS, monthly_trend
from desktop.services.monthly.figures import monthly_figures
from models.actor import Actor
from models.audit import Operation
from models.base import china_today
from models.database import Database
from models.errors import ValidationError
from models.hq.snapshots import COUNTY, HOUSEHOLD_REGION, STATION, STATION_REGION
from models.ledger.months import month_start, next_month
from models.permissions import Permission
from reports.hq_statistics import (
    CountyStatistics,
    FrozenVersion,
    GroupFigures,
    Revision,
    revisions_of,
    write_county_statistics,
)
from reports.monthly_report import FigureRow, month_label
from reports.xlsx import export_filename

__all__ = [
    "NO_HOUSEHOLD_REGION",
    "CountyStatistics",
    "FrozenVersion",
    "GroupFigures",
    "Revision",
    "county_statistics",
    "export_county_statistics",
    "export_name",
    "freeze_county_month",
    "frozen_county_months",
    "grouped_figures",
]


def _scopes_now(
    db: Database, actor: Actor, first: date, stations: dict[str, str]
) -> dict[str, dict[str, list[FigureRow]]]:
    """Today's figures: the county and each grouping's groups, by scope name."""
    scopes: dict[str, dict[str, list[FigureRow]]] = {COUNTY: {"": monthly_figures(db, actor, month=first)}}
    include = {STATION: sorted(stations), STATION_REGION: sorted({code[:6] for code in stations})}
    for scope, grouping in GROUPINGS.items():
        scopes[scope] = grouped_figures(db, actor, month=first, by=grouping, include=include.get(scope, []))
    return scopes


def _build(
    db: Database, actor: Actor, first: date, county_name: str, months: int
) -> tuple[CountyStatistics, dict[str, dict[str, list[FigureRow]]]]:
    stations = station_names(db, actor)
    now = _scopes_now(db, actor, first, stations)
    with db.reading() as session:
        kept = snapshots.versions(session, first)
        latest = kept[-1] if kept else None
        frozen = snapshots.frozen_rows(session, first, latest.version) if latest else {}
        packages = snapshots.packages_since(session, latest.frozen_at) if latest else {}

    def scoped(scope: str) -> tuple[GroupFigures, ...]:
        keys = sorted(set(now[scope]) | {key for kind, key in frozen if kind == scope})
        return tuple(
            GroupFigures(
                key,
                group_name(scope, key, stations),
                tuple(now[scope].get(key, ())),
                frozen.get((scope, key), ()) if latest else None,
            )
            for key in keys
        )

    county = GroupFigures(
        "", county_name, tuple(now[COUNTY][""]), frozen.get((COUNTY, "")) if latest else None
    )
    by_station = scoped(STATION)
    trend = monthly_trend(db, actor, end=first, months=months)
    labels = {row.key: row.label for row in county.rows if row.key in TREND_KEYS}
    stats = CountyStatistics(
        month=first,
        county_name=county_name,
        county=county,
        stations=by_station,
        station_regions=scoped(STATION_REGION),
        household_regions=scoped(HOUSEHOLD_REGION),
        trend=tuple((point.month, dict(point.values)) for point in trend),
        trend_labels=labels,
        frozen=latest,
        versions=tuple(kept),
        revisions=revisions_of(county, by_station, packages),
    )
    return stats, now


@service(Permission.VIEW_STATISTICS)
def county_statistics(db: Database, actor: Actor, /, *, month: date, months: int = 12) -> CountyStatistics:
    """Everything the 统计 page shows for a month, in one call (run it off the GUI thread)."""
    _code, name = require_hq(db, actor)
    return _build(db, actor, month_start(month), name, months)[0]


@service(Permission.MANAGE_HQ)
def freeze_county_month(
    db: Database,
    actor: Actor,
    /,
    *,
    month: date,
    revision: bool = False,
    note: str = "",
    today: date | None = None,
) -> CountyStatistics:
    """Freeze the month's figures (version 1), or — with ``revision`` — freeze today's recomputation of
    a frozen month as the next version, the old one kept. A month not yet over cannot be frozen."""
    _code, name = require_hq(db, actor)
    first = month_start(month)
    day = today or china_today()
    if next_month(first) > day:
        last = date.fromordinal(next_month(first).toordinal() - 1)
        raise ValidationError(
            "月份", first, f"{month_label(first)}还没有结束（到 {last.isoformat()}），月末之后才能冻结"
        )
    stats, now = _build(db, actor, first, name, 1)
    if stats.frozen is not None and not revision:
        raise ValidationError(
            "月份",
            first,
            f"{month_label(first)}已冻结（第 {stats.frozen.version} 版）；"
            "如服务站数据包迟到带来修订，请选择“冻结修订”",
        )
    if stats.frozen is None and revision:
        raise ValidationError("月份", first, f"{month_label(first)}还没有冻结，请先冻结本月")
    if stats.frozen is not None and not _has_revisions(stats):
        raise ValidationError(
            "月份", first, f"{month_label(first)}的数字与第 {stats.frozen.version} 版一致，没有修订可冻结"
        )
    version = 1 if stats.frozen is None else stats.frozen.version + 1
    stations = station_names(db, actor)
    scopes = [
        (scope, key, name if scope == COUNTY else group_name(scope, key, stations), rows)
        for scope, groups in now.items()
        for key, rows in groups.items()
    ]
    with db.transaction() as session:
        snapshots.write_version(session, actor, month=first, version=version, scopes=scopes, note=note)
    return county_statistics(db, actor, month=first)


def _has_revisions(stats: CountyStatistics) -> bool:
    groups = (stats.county, *stats.stations, *stats.station_regions, *stats.household_regions)
    return any(group.revisions for group in groups)


@service(Permission.VIEW_STATISTICS)
def frozen_county_months(db: Database, actor: Actor, /) -> list[tuple[date, int]]:
    """Every month HQ has frozen and its latest version, newest first."""
    with db.reading() as session:
        return snapshots.frozen_months(session)


def export_name(code: str, month: date, day: date | None = None) -> str:
    """``HQ_全县统计2026年11月_20261203.xlsx``"""
    return export_filename(code, f"全县统计{month_label(month_start(month))}", day or china_today())


@service(Permission.EXPORT_DATA)
def export_county_statistics(db: Database, actor: Actor, /, *, month: date, out: Path) -> list[int]:
    """Write the county workbook (figures as frozen once frozen, with the revisions); logged as an
    export. The figures are the statistics', so the user also needs that permission."""
    stats = county_statistics(db, actor, month=month)
    counts = write_county_statistics(out, stats)
    with db.transaction() as session:
        Operation(session, actor, "导出全县统计").log_access(
            "export",
            "hq_statistics",
            "",
            f"{out.name}：{month_label(stats.month)}，{len(stats.stations)} 个服务站",
        )
    return counts

"""The county's monthly statistics at HQ (统计): the station's 月报 figures over every station, split by
station, key group and district, with HQ's frozen versions and their revisions, and the workbook.

The figures are computed in ``desktop.services.hq.statistics`` from the same sections as a station's
own report (:class:`reports.monthly_report.FigureRow`); this module holds what the page and the
workbook show, and writes the workbook (no formula cells: :mod:`reports.xlsx`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from models.base import to_china
from reports.monthly_report import (
    GROUP_COLUMNS,
    MONEY,
    PERCENT,
    FigureDifference,
    FigureRow,
    compare,
    format_value,
    month_label,
)
from reports.xlsx import Column, TableSheet, write_tables


@dataclass(frozen=True)
class FrozenVersion:
    """One freeze of a month at HQ: version 1, then one more for each revision frozen."""

    version: int
    frozen_at: datetime
    frozen_by: str
    note: str = ""


@dataclass(frozen=True)
class GroupFigures:
    """The figures of one scope (the county, a station, a district) as they stand and as frozen."""

    key: str  # station code, region code; "" for the county
    name: str
    rows: tuple[FigureRow, ...]  # recomputed now
    frozen: tuple[FigureRow, ...] | None = None  # the frozen version's rows (None: not frozen)

    @property
    def shown(self) -> tuple[FigureRow, ...]:
        """What the page shows: the frozen figures once frozen, else today's."""
        return self.frozen if self.frozen is not None else self.rows

    @property
    def revisions(self) -> tuple[FigureDifference, ...]:
        """Where today's recomputation differs from the frozen figure."""
        return compare(self.frozen, self.rows) if self.frozen is not None else ()

    def row(self, key: str) -> FigureRow | None:
        return next((row for row in self.shown if row.key == key), None)

    def current(self, key: str) -> FigureRow | None:
        return next((row for row in self.rows if row.key == key), None)


@dataclass(frozen=True)
class Revision:
    """A frozen county figure that today's recomputation changes, and the stations that changed it."""

    difference: FigureDifference
    stations: tuple[tuple[str, str, int], ...]  # (code, name, change) of each station whose figure moved
    packages: tuple[str, ...] = ()  # the packages received after the freeze, as the page names them

    @property
    def change(self) -> int:
        return (self.difference.current or 0) - (self.difference.reported or 0)

    def describe(self) -> str:
        """``修订：32（+2），来自 服务站002（330106002）``"""
        difference = self.difference
        change = self.change
        sign = "+" if change > 0 else ""
        text = (
            f"修订：{format_value(difference.current, difference.kind)}"
            f"（{sign}{format_value(change, difference.kind)}）"
        )
        if self.stations:
            text += "，来自 " + "、".join(f"{name}（{code}）" for code, name, _change in self.stations)
        return text


@dataclass(frozen=True)
class CountyStatistics:
    month: date  # the first day
    county_name: str
    county: GroupFigures
    stations: tuple[GroupFigures, ...]
    station_regions: tuple[GroupFigures, ...]
    household_regions: tuple[GroupFigures, ...]
    trend: tuple[tuple[date, dict[str, int]], ...]  # (month, figure key -> 合计), oldest first
    trend_labels: dict[str, str]
    frozen: FrozenVersion | None = None  # the latest version frozen
    versions: tuple[FrozenVersion, ...] = ()
    revisions: tuple[Revision, ...] = field(default=())

    @property
    def is_frozen(self) -> bool:
        return self.frozen is not None

    def revision(self, key: str, column: str = GROUP_COLUMNS[0][1]) -> Revision | None:
        """The revision of a county figure in a column (a GROUP_COLUMNS label), if it has one."""
        return next(
            (r for r in self.revisions if r.difference.key == key and r.difference.column == column), None
        )


def revisions_of(
    county: GroupFigures, stations: Sequence[GroupFigures], packages: dict[str, tuple[str, ...]]
) -> tuple[Revision, ...]:
    """The county's revisions, each with the stations whose own figure moved by the same cell."""
    moved: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
    for station in stations:
        for difference in station.revisions:
            change = (difference.current or 0) - (difference.reported or 0)
            moved.setdefault((difference.key, difference.column), []).append(
                (station.key, station.name, change)
            )
    found = []
    for difference in county.revisions:
        causes = tuple(moved.get((difference.key, difference.column), ()))
        named = tuple(text for code, _name, _change in causes for text in packages.get(code, ()))
        found.append(Revision(difference, causes, named))
    return tuple(found)


# ------------------------------------------------------------------------------------------ the workbook
def _cell_value(value: int | None, kind: str) -> object:
    """A figure as a number a spreadsheet sums: yuan for money, percent points for a rate."""
    if value is None:
        return None
    if kind == MONEY:
        return Decimal(value) / 100
    if kind == PERCENT:
        return Decimal(value) / 100
    return value


def _unit(row: FigureRow) -> str:
    return "%" if row.kind == PERCENT else row.unit


def _matrix(scopes: Sequence[GroupFigures], figures: Sequence[FigureRow]) -> list[list[Any]]:
    lines = []
    for scope in scopes:
        values = []
        for figure in figures:
            found = scope.row(figure.key)
            values.append(_cell_value(found.total if found else None, figure.kind))
        lines.append([scope.key, scope.name, *values])
    return lines


def _figure_columns(figures: Sequence[FigureRow]) -> list[Column]:
    return [Column(f"{figure.label}（{_unit(figure)}）", 14) for figure in figures]


def write_county_statistics(path: Path, stats: CountyStatistics) -> list[int]:
    """The county workbook: 合计, 按服务站, 按重点群体, 按区县 (station region, household region),
    近12个月 and 修订. Figures as frozen once frozen; today's recomputation and the change beside them."""
    month = month_label(stats.month)
    if stats.frozen is not None:
        moment = to_china(stats.frozen.frozen_at)
        state = f"已冻结（第 {stats.frozen.version} 版，{moment:%Y-%m-%d %H:%M}，{stats.frozen.frozen_by}）"
    else:
        state = "未冻结：数字会随服务站数据包的到达而变化"
    figures = stats.county.shown
    totals: list[list[Any]] = []
    for figure in figures:
        revision = stats.revision(figure.key)
        totals.append(
            [
                figure.section,
                figure.label,
                _unit(figure),
                _cell_value(figure.total, figure.kind),
                _cell_value(revision.difference.current, figure.kind) if revision else None,
                _cell_value(revision.change, figure.kind) if revision else None,
                "、".join(code for code, _name, _change in revision.stations) if revision else "",
            ]
        )
    group_columns = [Column(label, 11) for _key, label in GROUP_COLUMNS]
    by_group = [
        [
            figure.section,
            figure.label,
            _unit(figure),
            *(
                _cell_value(value, figure.kind) if index == 0 or figure.split else None
                for index, value in enumerate(figure.values)
            ),
        ]
        for figure in figures
    ]
    keys = list(stats.trend_labels)
    trend = [[f"{first:%Y-%m}", *(values.get(key, 0) for key in keys)] for first, values in stats.trend]
    revisions = [
        [
            revision.difference.section,
            revision.difference.label,
            revision.difference.column,
            _cell_value(revision.difference.reported, revision.difference.kind),
            _cell_value(revision.difference.current, revision.difference.kind),
            _cell_value(revision.change, revision.difference.kind),
            "、".join(f"{name}（{code}）" for code, name, _change in revision.stations),
            "；".join(revision.packages),
        ]
        for revision in stats.revisions
    ]
    title = f"{stats.county_name} {month} 创业服务统计　{state}"
    return write_tables(
        path,
        [
            TableSheet(
                "合计",
                [
                    Column("板块", 18),
                    Column("指标", 30),
                    Column("单位", 6),
                    Column("合计", 12),
                    Column("修订后", 12),
                    Column("修订差异", 10),
                    Column("引起修订的服务站", 24),
                ],
                totals,
                title,
            ),
            TableSheet(
                "按服务站",
                [Column("服务站编码", 12), Column("服务站", 16), *_figure_columns(figures)],
                _matrix(stats.stations, figures),
                f"{title}（按服务站，合计数）",
            ),
            TableSheet(
                "按重点群体",
                [Column("板块", 18), Column("指标", 30), Column("单位", 6), *group_columns],
                by_group,
                f"{title}（一人属于多个群体时在各群体中分别计数）",
            ),
            TableSheet(
                "按服务站所在区县",
                [Column("区划代码", 10), Column("区县", 24), *_figure_columns(figures)],
                _matrix(stats.station_regions, figures),
                f"{title}（按服务站所在区县）",
            ),
            TableSheet(
                "按户籍地区县",
                [Column("区划代码", 10), Column("户籍地", 24), *_figure_columns(figures)],
                _matrix(stats.household_regions, figures),
                f"{title}（按创业者户籍地）",
            ),
            TableSheet(
                "近12个月",
                [Column("月份", 10), *(Column(stats.trend_labels[key], 14) for key in keys)],
                trend,
                f"{stats.county_name} 近12个月（按当前数据）",
            ),
            TableSheet(
                "修订",
                [
                    Column("板块", 18),
                    Column("指标", 30),
                    Column("群体", 14),
                    Column("冻结数", 12),
                    Column("当前数", 12),
                    Column("差异", 10),
                    Column("引起修订的服务站", 24),
                    Column("冻结后收到的数据包", 40),
                ],
                revisions,
                f"{month}冻结后，因服务站迟到的数据包而变化的数字" if stats.is_frozen else f"{month}尚未冻结",
            ),
        ],
    )

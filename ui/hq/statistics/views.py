"""The 统计 page's tables: the rows each view lists and their columns (``ui.widgets.rows_model``), and
the read models the station's charts draw (``ui.statistics.charts``) built from the county's figures."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from desktop.services.hq.statistics import CountyStatistics, GroupFigures, Revision
from desktop.services.monthly.charts import DashboardData, TrendPoint
from reports.monthly_report import GROUP_COLUMNS, MONEY, PERCENT, FigureRow, MonthlyReport, format_value
from ui.style import Tone
from ui.widgets.rows_model import ColumnSpec

RIGHT = Qt.AlignmentFlag.AlignRight
TOTAL = GROUP_COLUMNS[0][1]


def shown(value: int | None, row: FigureRow | None) -> str:
    if row is None or value is None:
        return "—"
    return format_value(value, row.kind)


def unit(row: FigureRow) -> str:
    return "%" if row.kind == PERCENT else row.unit


def chart_value(value: int, kind: str) -> int:
    """A figure as a bar's length: yuan for money, whole percent for a rate."""
    return value // 100 if kind in (MONEY, PERCENT) else value


@dataclass(frozen=True)
class CountyLine:
    """One figure of the county: as shown (frozen once frozen) and its revision."""

    figure: FigureRow
    revision: Revision | None


def county_lines(stats: CountyStatistics) -> list[CountyLine]:
    return [CountyLine(row, stats.revision(row.key)) for row in stats.county.shown]


def _revision_tip(line: CountyLine) -> str:
    if line.revision is None:
        return ""
    parts = [line.revision.describe()]
    if line.revision.packages:
        parts.append("冻结后收到：" + "；".join(line.revision.packages))
    return "\n".join(parts)


COUNTY_COLUMNS: list[ColumnSpec[CountyLine]] = [
    ColumnSpec("板块", 130, lambda line: line.figure.section),
    ColumnSpec("指标", 220, lambda line: line.figure.label),
    ColumnSpec("单位", 44, lambda line: unit(line.figure)),
    ColumnSpec("合计", 96, lambda line: shown(line.figure.total, line.figure), align=RIGHT),
    ColumnSpec(
        "修订",
        320,
        lambda line: line.revision.describe() if line.revision else "",
        tone=lambda line: Tone.AMBER if line.revision else None,
        tip=_revision_tip,
    ),
]


@dataclass(frozen=True)
class GroupLine:
    """One station or district for the figure picked: its value as shown and its revision."""

    group: GroupFigures
    key: str

    @property
    def row(self) -> FigureRow | None:
        return self.group.row(self.key)

    @property
    def revision_text(self) -> str:
        for difference in self.group.revisions:
            if difference.key == self.key and difference.column == TOTAL:
                change = (difference.current or 0) - (difference.reported or 0)
                sign = "+" if change > 0 else ""
                return (
                    f"修订：{format_value(difference.current, difference.kind)}"
                    f"（{sign}{format_value(change, difference.kind)}）"
                )
        return ""


def group_columns(code_title: str, name_title: str) -> list[ColumnSpec[GroupLine]]:
    return [
        ColumnSpec(code_title, 96, lambda line: line.group.key or "—"),
        ColumnSpec(name_title, 200, lambda line: line.group.name),
        ColumnSpec(
            "数值", 96, lambda line: shown(line.row.total if line.row else None, line.row), align=RIGHT
        ),
        ColumnSpec(
            "修订",
            160,
            lambda line: line.revision_text,
            tone=lambda line: Tone.AMBER if line.revision_text else None,
        ),
    ]


def _group_value(index: int) -> ColumnSpec[FigureRow]:
    def text(row: FigureRow) -> str:
        return shown(row.values[index], row) if index == 0 or row.split else "—"

    return ColumnSpec(GROUP_COLUMNS[index][1], 84, text, align=RIGHT)


KEY_GROUP_COLUMNS: list[ColumnSpec[FigureRow]] = [
    ColumnSpec("指标", 220, lambda row: row.label),
    ColumnSpec("单位", 44, unit),
    *(_group_value(index) for index in range(len(GROUP_COLUMNS))),
]


def trend_columns(stats: CountyStatistics) -> list[ColumnSpec[TrendPoint]]:
    def value(key: str) -> ColumnSpec[TrendPoint]:
        return ColumnSpec(
            stats.trend_labels[key], 110, lambda point: f"{point.values.get(key, 0):,}", align=RIGHT
        )

    return [
        ColumnSpec("月份", 90, lambda point: f"{point.month.year}年{point.month.month}月"),
        *(value(key) for key in stats.trend_labels),
    ]


def dashboard_of(stats: CountyStatistics, ranking: list[tuple[str, int]] | None = None) -> DashboardData:
    """The county as the station's charts read a station: the figures shown, the trend, and (in the
    place of the mentors) a ranking of stations or districts."""
    report = MonthlyReport("", stats.county_name, stats.month, stats.county.shown)
    trend = tuple(TrendPoint(month, values) for month, values in stats.trend)
    return DashboardData(stats.month, report, trend, dict(stats.trend_labels), tuple(ranking or ()))

"""The dashboard's charts (QtCharts): trend by month, split by key group, visits by mentor.

Each chart is a :class:`ChartPanel`: a title, the chart, a one-line note when there is nothing to show,
and 导出图片 (PNG, at twice the screen size so it prints sharply).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from desktop.services.monthly.charts import DashboardData
from reports.monthly_report import GROUP_COLUMNS
from ui.style import ACCENT, TEXT_MUTED, icon

SERIES_COLOURS = (ACCENT, "#e07b00", "#1a7f37", "#8250df", "#b42318")
SHORT_GROUP_LABELS = (
    "高校毕业生",
    "农民工/返乡",
    "退役军人",
    "就业困难",
    "脱贫人口",
    "登记失业",
    "残疾人",
    "其他",
)
"""Key groups as a chart axis can show them whole (same order as :data:`GROUP_COLUMNS` after 合计)."""


def _chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _value_axis(maximum: int) -> QValueAxis:
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    top = max(4, maximum + max(1, maximum // 6))
    axis.setRange(0, top)
    axis.setTickCount(5)
    axis.applyNiceNumbers()
    axis.setLabelsColor(QColor(TEXT_MUTED))
    return axis


class ChartPanel(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("surface")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        head = QHBoxLayout()
        self.title = QLabel(title, self)
        self.title.setStyleSheet("font-weight: bold;")
        head.addWidget(self.title)
        head.addStretch(1)
        self.export_button = QToolButton(self)
        self.export_button.setIcon(icon("mdi6.image-outline"))
        self.export_button.setText(self.tr("导出图片"))
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        head.addWidget(self.export_button)
        layout.addLayout(head)
        self.view = QChartView(_chart(), self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setBackgroundBrush(QColor("white"))
        self.view.setFrameShape(QChartView.Shape.NoFrame)
        self.view.setMinimumHeight(110)
        layout.addWidget(self.view, 1)
        self.note = QLabel(self)
        self.note.setObjectName("muted")
        self.note.setVisible(False)
        layout.addWidget(self.note)

    def replace_chart(self, chart: QChart, note: str = "") -> None:
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None and old is not chart:
            old.deleteLater()
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def save_png(self, path: Path) -> bool:
        """The chart alone, at twice its on-screen size."""
        size = self.view.size() * 2
        pixmap = QPixmap(size)
        pixmap.fill(QColor("white"))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.render(painter)
        painter.end()
        return pixmap.save(str(path), "PNG")


RIGHT_AXIS_KEYS = frozenset({"visits.total"})
"""Counted in 次 and an order of magnitude larger than the people counts: drawn against the right axis."""


def trend_chart(data: DashboardData) -> tuple[QChart, str]:
    """One line per figure over the months; people on the left axis (人/户), visits on the right (次)."""
    chart = _chart()
    months = [f"{p.month.year % 100:02d}年{p.month.month}月" for p in data.trend]
    axis_x = QBarCategoryAxis()
    axis_x.append(months)
    axis_x.setLabelsColor(QColor(TEXT_MUTED))
    axis_x.setTruncateLabels(False)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    highest = {False: 0, True: 0}
    lines: list[tuple[QLineSeries, bool]] = []
    for index, (key, label) in enumerate(data.trend_labels.items()):
        right = key in RIGHT_AXIS_KEYS
        series = QLineSeries()
        series.setName(label + ("（右轴）" if right else ""))
        pen = QPen(QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)]), 2.5)
        if right:
            pen.setStyle(Qt.PenStyle.DashLine)
        series.setPen(pen)
        series.setPointsVisible(True)
        for position, point in enumerate(data.trend):
            value = point.values.get(key, 0)
            highest[right] = max(highest[right], value)
            series.append(QPointF(position, value))
        lines.append((series, right))
    axes = {False: _value_axis(highest[False])}
    chart.addAxis(axes[False], Qt.AlignmentFlag.AlignLeft)
    if any(right for _series, right in lines):
        axes[True] = _value_axis(highest[True])
        axes[True].setGridLineVisible(False)
        chart.addAxis(axes[True], Qt.AlignmentFlag.AlignRight)
    for series, right in lines:
        chart.addSeries(series)
        series.attachAxis(axis_x)
        series.attachAxis(axes[right])
    note = "" if any(highest.values()) else "这段时间还没有数据"
    return chart, note


def group_chart(data: DashboardData, key: str = "entrepreneurs.new") -> tuple[QChart, str]:
    """Bars per key group for one figure of the month (a person in two groups is in both bars)."""
    chart = _chart()
    row = data.report.row(key)
    values = list(row.values[1:]) if row is not None else [0] * (len(GROUP_COLUMNS) - 1)
    bars = QBarSet(row.label if row is not None else key)
    bars.setColor(QColor(ACCENT))
    bars.append([float(v) for v in reversed(values)])  # a horizontal axis starts at the bottom
    bars.setLabelColor(QColor("#1f2328"))
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append(list(reversed(SHORT_GROUP_LABELS)))
    axis_y.setTruncateLabels(False)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = _value_axis(max(values, default=0))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    chart.legend().setVisible(False)
    total = row.total if row is not None else 0
    note = f"合计 {total} 人；一人属于多个群体时在各群体中分别计数" if total else "本月没有新增创业者"
    return chart, note


def mentor_chart(data: DashboardData, limit: int = 12) -> tuple[QChart, str]:
    """Visits in the month per mentor, most first (the first ``limit``)."""
    chart = _chart()
    shown = list(data.by_mentor[:limit])
    bars = QBarSet("走访次数")
    bars.setColor(QColor("#1a7f37"))
    bars.setLabelColor(QColor("#1f2328"))
    bars.append([float(count) for _name, count in reversed(shown)])
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append([name for name, _count in reversed(shown)] or [""])
    axis_y.setTruncateLabels(False)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = _value_axis(max((count for _name, count in shown), default=0))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    chart.legend().setVisible(False)
    if not shown:
        return chart, "本月还没有走访记录"
    more = len(data.by_mentor) - len(shown)
    return chart, (f"另有 {more} 位导师未显示" if more > 0 else "")

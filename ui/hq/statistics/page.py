"""统计 at HQ: the station's 月报 over the whole county — 合计, 按服务站, 按重点群体, 按区县, 近12个月 —
with the station's charts, 冻结本月 (and 冻结修订 when a late package changed a frozen figure), and
导出Excel.

Everything comes from ``desktop.services.hq.statistics.county_statistics`` in one background call, so
the tables, the charts and the workbook show the same numbers. Once a month is frozen the page shows
the frozen figures; where today's recomputation differs, an amber 修订 beside them names the new
figure, the difference and the station that caused it.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.services.hq.statistics import (
    CountyStatistics,
    GroupFigures,
    county_statistics,
    export_county_statistics,
    export_name,
    freeze_county_month,
)
from models.base import china_today, to_china
from models.errors import DoorstepError
from models.ledger.months import month_start, months_back
from reports.monthly_report import month_label
from ui.hq.statistics.views import (
    COUNTY_COLUMNS,
    KEY_GROUP_COLUMNS,
    CountyLine,
    GroupLine,
    chart_value,
    county_lines,
    dashboard_of,
    group_columns,
    trend_columns,
)
from ui.operations import run_in_background
from ui.statistics.charts import ChartPanel, group_chart, mentor_chart, trend_chart
from ui.style import Tone, icon
from ui.widgets import dialogs
from ui.widgets.chip_label import ChipLabel
from ui.widgets.chips import ChipDelegate
from ui.widgets.rows_model import ColumnSpec, RowsModel
from ui.widgets.saving import ask_save_path, offer_open

log = logging.getLogger(__name__)

MONTHS_SHOWN = 24
VIEWS = ("合计", "按服务站", "按重点群体", "按区县", "近12个月")
RANKED = 20  # bars in a ranking chart
DISTRICTS = (("station_regions", "服务站所在区县"), ("household_regions", "创业者户籍地"))


def revised_figures(stats: CountyStatistics) -> int:
    """How many of the county's figures have a revision (in any column)."""
    return len({revision.difference.key for revision in stats.revisions})


def _table(parent: QWidget, model: RowsModel[Any], stretch: int = 1) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
    table.setItemDelegate(ChipDelegate(table))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    _size_columns(table, model, stretch)
    return table


def _size_columns(table: QTableView, model: RowsModel[Any], stretch: int) -> None:
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for index, column in enumerate(model.columns):
        header.resizeSection(index, column.width)
    if 0 <= stretch < len(model.columns):
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


class CountyStatisticsPage(QWidget):
    status_changed = Signal()
    message = Signal(str)
    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.stats: CountyStatistics | None = None
        self.loading = False
        self._pending: date | None = None
        self.last_export: Path | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        layout.addLayout(self._build_top())
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.tabs = QTabWidget(self)
        self._build_views()
        layout.addWidget(self.tabs, 1)
        self._set_enabled(False)

    # ------------------------------------------------------------------------------------ layout
    def _build_top(self) -> QHBoxLayout:
        top = QHBoxLayout()
        title = QLabel(self.tr("全县统计"), self)
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("月份："), self))
        self.month_combo = QComboBox(self)
        for first in reversed(months_back(china_today(), MONTHS_SHOWN)):
            self.month_combo.addItem(month_label(first), first.isoformat())
        self.month_combo.setCurrentIndex(1 if self.month_combo.count() > 1 else 0)  # last month
        self.month_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.month_combo)
        self.state_chip = ChipLabel("", Tone.GREY, self)
        top.addWidget(self.state_chip)
        top.addSpacing(12)
        top.addWidget(QLabel(self.tr("指标："), self))
        self.figure_combo = QComboBox(self)
        self.figure_combo.setMinimumContentsLength(14)
        self.figure_combo.currentIndexChanged.connect(lambda _i: self._show_figure())
        top.addWidget(self.figure_combo)
        top.addStretch(1)
        self.freeze_button = QPushButton(icon("mdi6.lock-outline"), self.tr("冻结本月"), self)
        self.freeze_button.setToolTip(
            self.tr("把本月全县、各服务站和各区县的数字冻结保存；之后迟到的数据包显示为修订")
        )
        self.freeze_button.clicked.connect(self.freeze)
        self.export_button = QPushButton(icon("mdi6.file-excel-outline"), self.tr("导出Excel"), self)
        self.export_button.clicked.connect(self.export_dialog)
        self.refresh_button = QPushButton(icon("mdi6.refresh"), self.tr("刷新"), self)
        self.refresh_button.clicked.connect(self.refresh)
        for button in (self.freeze_button, self.export_button, self.refresh_button):
            top.addWidget(button)
        return top

    def _build_views(self) -> None:
        self.county_model: RowsModel[CountyLine] = RowsModel(COUNTY_COLUMNS, self)
        self.county_table = _table(self.tabs, self.county_model, stretch=4)
        self.tabs.addTab(self.county_table, self.tr(VIEWS[0]))

        self.station_model: RowsModel[GroupLine] = RowsModel(group_columns("服务站编码", "服务站"), self)
        self.station_panel = ChartPanel(self.tr("按服务站"), self)
        self.tabs.addTab(self._split(self.station_model, self.station_panel), self.tr(VIEWS[1]))

        self.group_model: RowsModel[Any] = RowsModel(KEY_GROUP_COLUMNS, self)
        self.group_panel = ChartPanel(self.tr("按重点群体"), self)
        self.tabs.addTab(self._split(self.group_model, self.group_panel, stretch=0), self.tr(VIEWS[2]))

        district = QWidget(self.tabs)
        box = QVBoxLayout(district)
        box.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("区县按："), district))
        self.district_combo = QComboBox(district)
        for attribute, label in DISTRICTS:
            self.district_combo.addItem(self.tr(label), attribute)
        self.district_combo.currentIndexChanged.connect(lambda _i: self._show_figure())
        row.addWidget(self.district_combo)
        row.addStretch(1)
        box.addLayout(row)
        self.district_model: RowsModel[GroupLine] = RowsModel(group_columns("区划代码", "区县"), self)
        self.district_panel = ChartPanel(self.tr("按区县"), district)
        box.addWidget(self._split(self.district_model, self.district_panel), 1)
        self.tabs.addTab(district, self.tr(VIEWS[3]))

        self.trend_model: RowsModel[Any] = RowsModel([], self)
        self.trend_panel = ChartPanel(self.tr("近 12 个月（按当前数据）"), self)
        trend = self._split(self.trend_model, self.trend_panel)
        trend.setStretchFactor(0, 2)
        trend.setStretchFactor(1, 3)
        self.trend_table = trend.widget(0)
        self.tabs.addTab(trend, self.tr(VIEWS[4]))
        for panel in (self.station_panel, self.group_panel, self.district_panel, self.trend_panel):
            panel.export_button.clicked.connect(lambda _checked=False, p=panel: self.export_chart(p))

    def _split(self, model: RowsModel[Any], panel: ChartPanel, stretch: int = 1) -> QSplitter:
        splitter = QSplitter(self.tabs)
        splitter.addWidget(_table(splitter, model, stretch))
        splitter.addWidget(panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        return splitter

    # ----------------------------------------------------------------------------------- loading
    @property
    def month(self) -> date:
        value = self.month_combo.currentData()
        return date.fromisoformat(value) if isinstance(value, str) else month_start(china_today())

    def select_month(self, month: date) -> None:
        index = self.month_combo.findData(month_start(month).isoformat())
        if index >= 0:
            self.month_combo.setCurrentIndex(index)

    def refresh(self) -> None:
        """Recompute the month's county figures (off the GUI thread)."""
        month = self.month
        if self.loading:
            self._pending = month
            return
        self.loading = True
        self._set_enabled(False)
        services = self.context.services

        def work(_job: JobState) -> CountyStatistics:
            return services(county_statistics, month=month)

        run_in_background(self, self.tr("正在统计全县数字"), work, self._loaded, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        self._set_enabled(True)
        if not isinstance(error, DoorstepError):
            log.error("county statistics failed", exc_info=error)
        dialogs.tell(
            self,
            self.tr("无法统计"),
            str(error)
            if isinstance(error, DoorstepError)
            else self.tr("统计时出现意外错误，错误详情已写入日志。"),
        )

    def _loaded(self, stats: CountyStatistics) -> None:
        self.loading = False
        if self._pending is not None and self._pending != stats.month:
            self._pending = None
            self.refresh()
            return
        self._pending = None
        self.stats = stats
        self._show(stats)
        self._set_enabled(True)
        self.status_changed.emit()
        self.loaded.emit()

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self.export_button, self.refresh_button):
            button.setEnabled(enabled)
        stats = self.stats
        can_freeze = stats is not None and (not stats.is_frozen or bool(stats.revisions))
        self.freeze_button.setEnabled(enabled and can_freeze)

    # ------------------------------------------------------------------------------------ showing
    def _show(self, stats: CountyStatistics) -> None:
        month = month_label(stats.month)
        if stats.frozen is not None:
            moment = to_china(stats.frozen.frozen_at)
            count = revised_figures(stats)
            version = stats.frozen.version
            self.state_chip.set_chip(
                self.tr("已冻结 第{0}版").format(version)
                + (self.tr("，{0} 项修订").format(count) if count else ""),
                Tone.AMBER if count else Tone.GREEN,
            )
            text = self.tr("{0}已于 {1:%Y-%m-%d %H:%M} 由 {2} 冻结（第 {3} 版），下面是冻结的数字。").format(
                month, moment, stats.frozen.frozen_by, version
            )
            if count:
                causes = sorted({code for r in stats.revisions for code, _n, _c in r.stations})
                text += self.tr(
                    "冻结后 {0} 的数据包使 {1} 项指标变化，见黄色“修订”；"
                    "核对后可点“冻结修订”保存为第 {2} 版（第 {3} 版保留）。"
                ).format("、".join(causes) or self.tr("服务站"), count, version + 1, version)
            else:
                text += self.tr("冻结后没有变化。")
            self.freeze_button.setText(self.tr("冻结修订"))
        else:
            self.state_chip.set_chip(self.tr("未冻结"), Tone.GREY)
            text = self.tr(
                "{0}尚未冻结：数字会随服务站数据包的到达而变化。"
                "共 {1} 个服务站；月末各站数据到齐后，点“冻结本月”。"
            ).format(month, len(stats.stations))
            self.freeze_button.setText(self.tr("冻结本月"))
        self.info.setText(text)
        self.county_model.replace(county_lines(stats))
        self.group_model.replace(list(stats.county.shown))
        self._fill_figures(stats)
        self._show_trend(stats)
        self._show_figure()

    def _fill_figures(self, stats: CountyStatistics) -> None:
        chosen = self.figure_combo.currentData() or "entrepreneurs.new"
        self.figure_combo.blockSignals(True)
        self.figure_combo.clear()
        for row in stats.county.shown:
            self.figure_combo.addItem(row.label.removeprefix("其中："), row.key)
        index = self.figure_combo.findData(chosen)
        self.figure_combo.setCurrentIndex(max(index, 0))
        self.figure_combo.blockSignals(False)

    @property
    def figure_key(self) -> str:
        value = self.figure_combo.currentData()
        return value if isinstance(value, str) else "entrepreneurs.new"

    def _show_figure(self) -> None:
        stats = self.stats
        if stats is None:
            return
        key = self.figure_key
        label = self.figure_combo.currentText()
        self.station_model.replace([GroupLine(group, key) for group in stats.stations])
        self._rank(
            self.station_panel, stats, stats.stations, self.tr("按服务站：{0}").format(label), with_code=True
        )
        attribute = self.district_combo.currentData() or DISTRICTS[0][0]
        districts: tuple[GroupFigures, ...] = getattr(stats, str(attribute))
        self.district_model.replace([GroupLine(group, key) for group in districts])
        self._rank(self.district_panel, stats, districts, self.tr("按区县：{0}").format(label))
        chart, _note = group_chart(dashboard_of(stats), key)
        row = stats.county.row(key)
        self.group_panel.title.setText(self.tr("按重点群体：{0}").format(label))
        note = "" if row is None or row.split else self.tr("这项指标不分重点群体")
        self.group_panel.replace_chart(chart, note or self.tr("一人属于多个群体时在各群体中分别计数"))

    def _rank(
        self,
        panel: ChartPanel,
        stats: CountyStatistics,
        groups: tuple[GroupFigures, ...],
        title: str,
        *,
        with_code: bool = False,
    ) -> None:
        """Bars for the figure picked, most first (a station's name with its code: names repeat)."""
        key = self.figure_key
        values = []
        for group in groups:
            row = group.row(key)
            if row is not None:
                name = f"{group.name} {group.key}" if with_code else group.name
                values.append((name, chart_value(row.total, row.kind)))
        values.sort(key=lambda item: (-item[1], item[0]))
        chart, _note = mentor_chart(dashboard_of(stats, values), limit=RANKED)
        panel.title.setText(title)
        more = len(values) - RANKED
        note = self.tr("另有 {0} 个未显示").format(more) if more > 0 else ""
        if not any(value for _name, value in values):
            note = self.tr("本月这项指标都是 0")
        panel.replace_chart(chart, note)

    def _show_trend(self, stats: CountyStatistics) -> None:
        columns: list[ColumnSpec[Any]] = list(trend_columns(stats))
        self.trend_model.beginResetModel()
        self.trend_model.columns = columns
        self.trend_model.endResetModel()
        self.trend_model.replace(list(dashboard_of(stats).trend))
        if isinstance(self.trend_table, QTableView):
            _size_columns(self.trend_table, self.trend_model, -1)
        chart, note = trend_chart(dashboard_of(stats))
        self.trend_panel.replace_chart(chart, note)

    def status_text(self) -> str:
        stats = self.stats
        if stats is None:
            return ""
        if stats.frozen is None:
            state = self.tr("未冻结")
        else:
            state = self.tr("已冻结第 {0} 版").format(stats.frozen.version)
            if stats.revisions:
                state += self.tr("，{0} 项修订").format(revised_figures(stats))
        return self.tr("{0}：{1}，{2} 个服务站").format(month_label(stats.month), state, len(stats.stations))

    # ------------------------------------------------------------------------------------ actions
    def freeze(self) -> None:
        stats = self.stats
        if stats is None or stats.month != self.month:
            return
        month = month_label(stats.month)
        if stats.frozen is None:
            title = self.tr("冻结本月")
            text = self.tr(
                "冻结{0}的全县统计？全县、{1} 个服务站和各区县的数字将按现在保存为第 1 版；"
                "之后迟到的数据包不会改变它，只显示为修订。"
            ).format(month, len(stats.stations))
        else:
            title = self.tr("冻结修订")
            text = self.tr("把{0}的 {1} 处修订冻结为第 {2} 版？第 {3} 版的数字保留，可随时查看。").format(
                month, len(stats.revisions), stats.frozen.version + 1, stats.frozen.version
            )
        if not dialogs.ask(self, title, text, self.tr("冻结"), self.tr("取消")):
            return
        self.freeze_month(stats.month, revision=stats.frozen is not None)

    def freeze_month(self, month: date, *, revision: bool = False) -> None:
        services = self.context.services
        self._set_enabled(False)

        def work(_job: JobState) -> CountyStatistics:
            return services(freeze_county_month, month=month, revision=revision)

        def done(stats: CountyStatistics) -> None:
            version = stats.frozen.version if stats.frozen is not None else 1
            self.message.emit(self.tr("已冻结 {0} 全县统计（第 {1} 版）").format(month_label(month), version))
            self._loaded(stats)

        def failed(error: BaseException) -> None:
            self._set_enabled(True)
            dialogs.tell(self, self.tr("无法冻结"), str(error))

        run_in_background(self, self.tr("正在冻结"), work, done, failed)

    def export_dialog(self) -> None:
        month = self.month
        name = export_name(self.context.station.code, month)
        path = ask_save_path(
            self,
            self.context.preferences,
            title=self.tr("导出Excel"),
            name=name,
            file_filter=self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if path is not None:
            self.export(path, month, ask_open=True)

    def export(self, path: Path, month: date, *, ask_open: bool = False) -> None:
        services = self.context.services

        def work(_job: JobState) -> list[int]:
            return services(export_county_statistics, month=month, out=path)

        def done(_counts: list[int]) -> None:
            self.last_export = path
            self.message.emit(self.tr("已导出 {0}").format(path.name))
            if ask_open:
                offer_open(
                    self,
                    path,
                    title=self.tr("导出完成"),
                    text=self.tr("{0}全县统计已导出到 {1}。").format(month_label(month), path.name),
                )

        def failed(error: BaseException) -> None:
            dialogs.tell(self, self.tr("无法导出"), str(error))

        run_in_background(self, self.tr("正在导出全县统计"), work, done, failed)

    def export_chart(self, panel: ChartPanel) -> None:
        name = export_name(self.context.station.code, self.month).replace(".xlsx", ".png")
        path = ask_save_path(
            self,
            self.context.preferences,
            title=self.tr("导出图片"),
            name=name,
            file_filter=self.tr("PNG 图片 (*.png)"),
        )
        if path is None:
            return
        if panel.save_png(path):
            self.message.emit(self.tr("已导出图片 {0}").format(path.name))
        else:
            dialogs.tell(self, self.tr("无法导出图片"), self.tr("无法写入 {0}").format(path))

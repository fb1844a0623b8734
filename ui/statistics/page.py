"""统计报表: the month's figures at a glance, as charts and as the 月报 table; freeze (报送) and export.

Everything comes from ``desktop.services.monthly.charts.dashboard`` in one background call, so the
charts, the table and the exported workbook always show the same numbers.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.services.exports import suggested_name
from desktop.services.monthly.charts import DashboardData, dashboard
from desktop.services.monthly.report import export_monthly, freeze_month
from models.base import china_today, to_china
from models.errors import DoorstepError
from models.ledger.months import month_start, months_back
from reports.monthly_report import format_value, month_label
from ui.operations import run_in_background
from ui.statistics.charts import ChartPanel, group_chart, mentor_chart, trend_chart
from ui.statistics.models import FiguresModel
from ui.style import Tone, icon
from ui.widgets import dialogs
from ui.widgets.chip_label import ChipLabel
from ui.widgets.saving import ask_save_path, offer_open

log = logging.getLogger(__name__)

KPI_KEYS = (
    "entrepreneurs.new",
    "ventures.new",
    "ventures.new_jobs",
    "visits.total",
    "training.completed",
    "applications.disbursed_amount",
)
MONTHS_SHOWN = 24


class StatisticsPage(QWidget):
    status_changed = Signal()
    message = Signal(str)
    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.data: DashboardData | None = None
        self.loading = False
        self._pending: date | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)

        top = QHBoxLayout()
        title = QLabel(self.tr("统计报表"), self)
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("月份："), self))
        self.month_combo = QComboBox(self)
        today = china_today()
        for first in reversed(months_back(today, MONTHS_SHOWN)):
            self.month_combo.addItem(month_label(first), first.isoformat())
        self.month_combo.setCurrentIndex(
            1 if self.month_combo.count() > 1 else 0
        )  # last month: the one to report
        self.month_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.month_combo)
        self.state_chip = ChipLabel("", Tone.GREY, self)
        top.addWidget(self.state_chip)
        top.addStretch(1)
        self.freeze_button = QPushButton(icon("mdi6.lock-outline"), self.tr("冻结报送"), self)
        self.freeze_button.setToolTip(
            self.tr("把本月数字保存为报送数；之后修改旧记录，会显示为与报送数的差异")
        )
        self.freeze_button.clicked.connect(self.freeze)
        self.export_button = QPushButton(icon("mdi6.file-excel-outline"), self.tr("导出月报"), self)
        self.export_button.clicked.connect(self.export_report_dialog)
        self.refresh_button = QPushButton(icon("mdi6.refresh"), self.tr("刷新"), self)
        self.refresh_button.clicked.connect(self.refresh)
        for button in (self.freeze_button, self.export_button, self.refresh_button):
            top.addWidget(button)
        layout.addLayout(top)

        self.cards_row = QHBoxLayout()
        self.cards: dict[str, tuple[QLabel, QLabel]] = {}
        layout.addLayout(self.cards_row)

        self.tabs = QTabWidget(self)
        charts = QWidget(self.tabs)
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 6, 0, 0)
        self.trend_panel = ChartPanel(self.tr("逐月趋势（近 12 个月）"), charts)
        self.group_panel = ChartPanel(self.tr("本月新增创业者：按重点群体"), charts)
        self.mentor_panel = ChartPanel(self.tr("本月走访：按导师"), charts)
        grid.addWidget(self.trend_panel, 0, 0, 1, 2)
        grid.addWidget(self.group_panel, 1, 0)
        grid.addWidget(self.mentor_panel, 1, 1)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)
        for panel in (self.trend_panel, self.group_panel, self.mentor_panel):
            panel.export_button.clicked.connect(lambda _checked=False, p=panel: self.export_chart_dialog(p))
        self.tabs.addTab(charts, self.tr("图表"))

        table_tab = QWidget(self.tabs)
        table_layout = QVBoxLayout(table_tab)
        table_layout.setContentsMargins(0, 6, 0, 0)
        self.difference_label = QLabel(table_tab)
        self.difference_label.setWordWrap(True)
        table_layout.addWidget(self.difference_label)
        self.figures = FiguresModel(self)
        self.table = QTableView(table_tab)
        self.table.setModel(self.figures)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 128)
        header.resizeSection(2, 40)
        for section in range(3, self.figures.columnCount()):
            header.resizeSection(section, 86)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table_layout.addWidget(self.table, 1)
        self.tabs.addTab(table_tab, self.tr("月报数字"))
        layout.addWidget(self.tabs, 1)
        self._set_enabled(False)

    # --------------------------------------------------------------------------------- loading
    @property
    def month(self) -> date:
        value = self.month_combo.currentData()
        return date.fromisoformat(value) if isinstance(value, str) else month_start(china_today())

    def select_month(self, month: date) -> None:
        index = self.month_combo.findData(month_start(month).isoformat())
        if index >= 0:
            self.month_combo.setCurrentIndex(index)

    def refresh(self) -> None:
        """Recompute the month's figures and charts (off the GUI thread)."""
        month = self.month
        if self.loading:
            self._pending = month
            return
        self.loading = True
        self._set_enabled(False)
        services = self.context.services

        def work(_job: JobState) -> DashboardData:
            return services(dashboard, month=month)

        run_in_background(self, self.tr("正在统计"), work, self._loaded, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        self._set_enabled(True)
        if not isinstance(error, DoorstepError):
            log.error("statistics failed", exc_info=error)
        dialogs.tell(
            self,
            self.tr("无法统计"),
            str(error)
            if isinstance(error, DoorstepError)
            else self.tr("统计时出现意外错误，错误详情已写入日志。"),
        )

    def _loaded(self, data: DashboardData) -> None:
        self.loading = False
        if self._pending is not None and self._pending != data.month:
            self._pending = None
            self.refresh()
            return
        self._pending = None
        self.data = data
        self._show(data)
        self._set_enabled(True)
        self.status_changed.emit()
        self.loaded.emit()

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self.freeze_button, self.export_button, self.refresh_button):
            button.setEnabled(enabled)

    def _show(self, data: DashboardData) -> None:
        report = data.report
        if report.snapshot is not None:
            moment = to_china(report.snapshot.frozen_at)
            changed = len(report.differences)
            text = self.tr("已报送 {0:%m-%d %H:%M}").format(moment)
            self.state_chip.set_chip(
                text + (self.tr("，{0} 处变化").format(changed) if changed else ""),
                Tone.AMBER if changed else Tone.GREEN,
            )
            self.difference_label.setText(
                self.tr("{0}已于 {1:%Y-%m-%d %H:%M} 由 {2} 冻结报送。").format(
                    month_label(report.month), moment, report.snapshot.frozen_by
                )
                + (
                    self.tr(
                        "之后修改旧记录使 {0} 个数字与报送数不同（黄色格子，鼠标停留可看报送数）。"
                    ).format(changed)
                    if changed
                    else self.tr("报送后没有变化。")
                )
            )
        else:
            self.state_chip.set_chip(self.tr("未冻结"), Tone.GREY)
            self.difference_label.setText(
                self.tr("{0}尚未冻结：数字会随档案的录入和修改而变化。月末后核对无误，点“冻结报送”。").format(
                    month_label(report.month)
                )
            )
        self.figures.set_report(report)
        self._show_cards(data)
        self.trend_panel.replace_chart(*trend_chart(data))
        self.group_panel.replace_chart(*group_chart(data))
        self.mentor_panel.replace_chart(*mentor_chart(data))

    def _show_cards(self, data: DashboardData) -> None:
        for key in KPI_KEYS:
            row = data.report.row(key)
            if row is None:
                continue
            if key not in self.cards:
                card = QFrame(self)
                card.setObjectName("surface")
                card.setFrameShape(QFrame.Shape.StyledPanel)
                box = QVBoxLayout(card)
                box.setContentsMargins(12, 6, 12, 6)
                caption = QLabel(card)
                caption.setObjectName("muted")
                number = QLabel(card)
                number.setStyleSheet("font-size: 17pt; font-weight: bold;")
                box.addWidget(caption)
                box.addWidget(number)
                self.cards_row.addWidget(card)
                self.cards[key] = (caption, number)
            caption, number = self.cards[key]
            caption.setText(row.label.removeprefix("其中："))
            number.setText(
                f"{format_value(row.total, row.kind)} {row.unit if row.kind == 'count' else ''}".strip()
            )

    def status_text(self) -> str:
        if self.data is None:
            return ""
        report = self.data.report
        state = self.tr("已冻结报送") if report.frozen else self.tr("未冻结")
        return f"{month_label(report.month)}：{state}"

    # --------------------------------------------------------------------------------- actions
    def freeze(self) -> None:
        month = self.month
        report = self.data.report if self.data is not None else None
        if report is not None and report.snapshot is not None:
            moment = to_china(report.snapshot.frozen_at)
            text = self.tr("{0}已于 {1:%Y-%m-%d %H:%M} 冻结报送。").format(
                month_label(month), moment
            ) + self.tr("重新冻结会用现在的数字替换报送数（原来的数字保留在变更记录中）。")
        else:
            text = self.tr(
                "冻结{0}的月报？冻结后，月报按现在的数字打印和报送；之后对旧记录的修改会作为“与报送数的差异”列出。"
            ).format(month_label(month))
        if not dialogs.ask(self, self.tr("冻结报送"), text, self.tr("冻结"), self.tr("取消")):
            return
        self.freeze_month(month)

    def freeze_month(self, month: date) -> None:
        services = self.context.services
        self._set_enabled(False)

        def work(_job: JobState) -> object:
            return services(freeze_month, month=month)

        def done(_result: object) -> None:
            self.message.emit(self.tr("已冻结 {0} 月报").format(month_label(month)))
            self.refresh()

        def failed(error: BaseException) -> None:
            self._set_enabled(True)
            dialogs.tell(self, self.tr("无法冻结"), str(error))

        run_in_background(self, self.tr("正在冻结"), work, done, failed)

    def export_report_dialog(self) -> None:
        month = self.month
        name = self.context.services(suggested_name, content=f"月报{month:%Y%m}")
        path = ask_save_path(
            self,
            self.context.preferences,
            title=self.tr("导出月报"),
            name=name,
            file_filter=self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if path is not None:
            self.export_report(path, month, ask_open=True)

    def export_report(self, path: Path, month: date, *, ask_open: bool = False) -> None:
        services = self.context.services

        def work(_job: JobState) -> int:
            return services(export_monthly, month=month, out=path)

        def done(_rows: int) -> None:
            self.message.emit(self.tr("已导出 {0}").format(path.name))
            if ask_open:
                offer_open(
                    self,
                    path,
                    title=self.tr("导出完成"),
                    text=self.tr("{0}月报已导出到 {1}。").format(month_label(month), path.name),
                )

        run_in_background(self, self.tr("正在导出月报"), work, done)

    def export_chart_dialog(self, panel: ChartPanel) -> None:
        name = self.context.services(suggested_name, content=panel.title.text().split("（")[0])
        path = ask_save_path(
            self,
            self.context.preferences,
            title=self.tr("导出图片"),
            name=name.replace(".xlsx", ".png"),
            file_filter=self.tr("PNG 图片 (*.png)"),
        )
        if path is None:
            return
        if panel.save_png(path):
            self.message.emit(self.tr("已导出图片 {0}").format(path.name))
            offer_open(
                self, path, title=self.tr("导出完成"), text=self.tr("图片已导出到 {0}。").format(path.name)
            )
        else:
            dialogs.tell(self, self.tr("无法导出图片"), self.tr("无法写入 {0}").format(path))

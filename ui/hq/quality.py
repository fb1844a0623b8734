"""总部 → 数据质量: the stations' records that fail HQ's checks — ID numbers that fail their checksum or
disagree with the recorded birth date or household region, people without a venture after some months
(a setting), visits without outcomes — a list per check, filtered by station; 发回服务站 sends the
selected rows to their stations as tasks in their next reply (数据同步 → 通知 at the station)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QTabWidget, QWidget

from desktop.context import AppContext
from desktop.services.hq.quality import CHECKS, NO_VENTURE, QualityRow, quality_report, send_back
from desktop.services.hq.stations import station_overview
from models.errors import DoorstepError
from ui.hq.table import RowsTable, page_frame
from ui.hq.words import day_text
from ui.style import Tone, icon
from ui.widgets import dialogs
from ui.widgets.buttons import button
from ui.widgets.rows_model import CENTER, ColumnSpec


def columns() -> list[ColumnSpec[QualityRow]]:
    return [
        ColumnSpec("服务站", 96, lambda r: r.station, align=CENTER),
        ColumnSpec("姓名", 90, lambda r: r.person),
        ColumnSpec("身份证号码", 170, lambda r: r.id_shown),
        ColumnSpec("问题", 420, lambda r: r.detail, tip=lambda r: r.detail),
        ColumnSpec("日期", 120, lambda r: day_text(r.day), align=CENTER),
        ColumnSpec(
            "发回",
            150,
            lambda r: f"已发回 {day_text(r.sent_at)}" if r.sent_at else "",
            tone=lambda r: Tone.ACCENT if r.sent_at else None,
        ),
    ]


class QualityPage(QWidget):
    status_changed = Signal()
    message = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.report: dict[str, list[QualityRow]] = {}
        self.today: date | None = None  # the checks' day (None: today; a test puts its own here)
        layout, bar = page_frame(self, self.tr("数据质量"))
        self.send_button = button(
            self.tr("发回服务站…"),
            self,
            self.send,
            primary=True,
            tip=self.tr(
                "把选中的记录作为任务发回各自的服务站：随下一个回复包送达，在服务站“数据同步”的通知中"
            ),
        )
        self.send_button.setIcon(icon("mdi6.send-outline", color="#ffffff"))
        bar.addWidget(self.send_button)
        bar.addStretch(1)
        self.station = QComboBox(self)
        self.station.setMinimumWidth(180)
        self.station.currentIndexChanged.connect(lambda _i: self._load())
        bar.addWidget(QLabel(self.tr("服务站"), self))
        bar.addWidget(self.station)
        bar.addSpacing(12)
        self.months = QSpinBox(self)
        self.months.setRange(1, 60)
        self.months.setValue(context.preferences.hq_venture_months)
        self.months.setSuffix(self.tr(" 个月"))
        self.months.valueChanged.connect(self._months_changed)
        bar.addWidget(QLabel(self.tr("建档超过"), self))
        bar.addWidget(self.months)
        bar.addWidget(QLabel(self.tr("仍无创业项目的列出"), self))
        hint = QLabel(
            self.tr(
                "各服务站交来的记录中没有通过总部检查的：选中后点“发回服务站”，"
                "服务站导入下一个回复包后会在“数据同步 → 通知”中看到这项任务。"
            ),
            self,
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.tabs = QTabWidget(self)
        self.lists: dict[str, RowsTable[QualityRow]] = {}
        for check in CHECKS:
            table: RowsTable[QualityRow] = RowsTable(
                columns(),
                [0, 0, 0, 3, 0, 0],
                self.tabs,
                key=lambda r: (r.record_kind, r.record_id),
                multiple=True,
            )
            table.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
            self.lists[check] = table
            self.tabs.addTab(table, CHECKS[check])
        self.tabs.currentChanged.connect(lambda _i: self._enable())
        layout.addWidget(self.tabs, 1)

    @property
    def current_list(self) -> RowsTable[QualityRow]:
        return self.lists[list(CHECKS)[self.tabs.currentIndex()]]

    def refresh(self) -> None:
        chosen = self.station.currentData()
        self.station.blockSignals(True)
        self.station.clear()
        self.station.addItem(self.tr("全部服务站"), "")
        for row in self.context.services(station_overview):
            self.station.addItem(f"{row.code} {row.name}", row.code)
        self.station.setCurrentIndex(max(self.station.findData(chosen), 0) if chosen else 0)
        self.station.blockSignals(False)
        self._load()

    def _load(self) -> None:
        self.report = self.context.services(
            quality_report,
            station=self.station.currentData() or None,
            venture_months=self.months.value(),
            today=self.today,
        )
        for index, (check, rows) in enumerate(self.report.items()):
            self.lists[check].show_rows(rows, self.tr("没有发现这类问题。"))
            label = self.tr("建档 {0} 个月仍无创业项目").format(self.months.value())
            self.tabs.setTabText(index, f"{label if check == NO_VENTURE else CHECKS[check]}（{len(rows)}）")
        self._enable()
        self.status_changed.emit()

    def _enable(self) -> None:
        self.send_button.setEnabled(bool(self.current_list.selected()))

    def _months_changed(self, value: int) -> None:
        prefs = self.context.preferences
        prefs.hq_venture_months = value
        try:
            prefs.save()
        except OSError as error:
            self.message.emit(self.tr("设置没有保存：{0}").format(error))
        self._load()

    def status_text(self) -> str:
        return self.tr("待核对 {0} 条").format(sum(len(rows) for rows in self.report.values()))

    def focus_target(self) -> QWidget:
        return self.current_list.table

    def send(self) -> None:
        rows = self.current_list.selected()
        if not rows:
            return
        stations = sorted({row.station for row in rows})
        text = self.tr(
            "把选中的 {0} 条记录作为任务发回服务站 {1}？\n任务随各服务站的下一个回复包送达；"
            "已发回而服务站尚未收到的不会重复发送。"
        ).format(len(rows), "、".join(stations))
        if not dialogs.ask(self, self.tr("发回服务站"), text, self.tr("发回"), self.tr("取消")):
            return
        try:
            made = self.context.services(send_back, rows=rows)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("没有发回"), str(error))
            return
        self._load()
        self.message.emit(
            self.tr("已把 {0} 条任务排入回复包：请为服务站 {1} 写回复包").format(made, "、".join(stations))
        )

"""总部 → 冲突与隔离: every conflict, quarantined change and waiting change from every station, with both
values, who, where and when; filtered by station and kind. HQ keeps the value in force, reinstates the
other one (an HQ change that travels back in the station's next reply), or force-applies a waiting
change — the station's own decisions (``desktop.services.sync``), taken at HQ."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from desktop.context import AppContext
from desktop.services import sync
from desktop.services.hq.review import CONFLICT, QUARANTINE, WAITING, ReviewItem, review_items
from desktop.services.hq.stations import station_overview
from models.errors import DoorstepError
from ui.hq.table import RowsTable, page_frame
from ui.hq.words import day_text
from ui.style import Tone
from ui.sync.words import ACTION_WORDS, field_label, kind_word, minute, value_word
from ui.widgets import dialogs
from ui.widgets.buttons import button
from ui.widgets.rows_model import CENTER, ColumnSpec

KIND_WORDS = {CONFLICT: "冲突", QUARANTINE: "隔离", WAITING: "等待队列"}
KIND_TONES = {CONFLICT: Tone.AMBER, QUARANTINE: Tone.RED, WAITING: Tone.GREY}


def values_text(labels: Mapping[str, Mapping[str, str]], item: ReviewItem, value: Any) -> str:
    """One side of an item: a conflict's one value, or a queued change's fields and values."""
    if item.kind == CONFLICT:
        return value_word(item.field, value)
    if not isinstance(value, dict) or not value:
        return ""
    known = labels.get(item.record_kind, {})
    # the fields a worker knows by name (a label), the name first; bookkeeping fields are left out
    names = sorted((n for n in value if n in known), key=lambda n: (n != "name", list(known).index(n)))
    return "；".join(f"{known[n]}：{value_word(n, value[n])}" for n in names if value[n] not in (None, ""))


def columns(labels: Mapping[str, Mapping[str, str]]) -> list[ColumnSpec[ReviewItem]]:
    def record(item: ReviewItem) -> str:
        return (
            f"{item.person} · {kind_word(item.record_kind)}" if item.person else kind_word(item.record_kind)
        )

    def what(item: ReviewItem) -> str:
        if item.kind == CONFLICT:
            return field_label(labels, item.record_kind, item.field)
        return ACTION_WORDS.get(item.action, item.action)

    def this(item: ReviewItem) -> str:
        return values_text(labels, item, item.value)

    def other(item: ReviewItem) -> str:
        return values_text(labels, item, item.other)

    return [
        ColumnSpec("类别", 84, lambda i: KIND_WORDS[i.kind], tone=lambda i: KIND_TONES[i.kind]),
        ColumnSpec("服务站", 92, lambda i: i.station, align=CENTER),
        ColumnSpec("档案", 150, record, tip=lambda i: f"{kind_word(i.record_kind)} {i.record_id}"),
        ColumnSpec("内容", 96, what),
        ColumnSpec("当前值 / 这条变更的值", 170, this, tip=this, color=lambda _i: Tone.GREEN.value[0]),
        ColumnSpec("由谁、在哪、何时", 220, lambda i: i.value_by, tip=lambda i: i.value_by),
        ColumnSpec("另一方的值 / 原值", 170, other, tip=other, color=lambda _i: Tone.AMBER.value[0]),
        ColumnSpec("另一方由谁、在哪、何时", 220, lambda i: i.other_by, tip=lambda i: i.other_by),
        ColumnSpec("原因", 200, lambda i: i.reason, tip=lambda i: i.reason),
        ColumnSpec("时间", 130, lambda i: minute(i.at), align=CENTER, tip=lambda i: day_text(i.at)),
    ]


class ReviewPage(QWidget):
    status_changed = Signal()
    message = Signal(str)
    sync_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.items: list[ReviewItem] = []
        layout, bar = page_frame(self, self.tr("冲突与隔离"))
        self.keep_button = button(
            self.tr("保留当前值"), self, self.keep, tip=self.tr("当前值是对的：从列表中移除")
        )
        self.reinstate_button = button(
            self.tr("恢复另一方的值…"),
            self,
            self.reinstate,
            tip=self.tr("改回另一方的值：这是总部的一次修改，随该服务站的下一个回复包发回"),
        )
        self.force_button = button(
            self.tr("强制应用…"),
            self,
            self.force,
            tip=self.tr("依据的记录一直不来时由总部决定应用；此操作会记入操作日志"),
        )
        for widget in (self.keep_button, self.reinstate_button, self.force_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.station = QComboBox(self)
        self.station.setMinimumWidth(180)
        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("全部类别"), "")
        for key, word in KIND_WORDS.items():
            self.kind.addItem(word, key)
        bar.addWidget(QLabel(self.tr("服务站"), self))
        bar.addWidget(self.station)
        bar.addWidget(self.kind)
        self.station.currentIndexChanged.connect(lambda _i: self._show())
        self.kind.currentIndexChanged.connect(lambda _i: self._show())
        self.hint = QLabel(
            self.tr(
                "冲突：两边同时修改了同一内容，已按统一规则取了当前值，另一方的值保留在这里。"
                "隔离：总部没有接受的变更及原因。等待队列：依据的记录还没有到达的变更。"
            ),
            self,
        )
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.list: RowsTable[ReviewItem] = RowsTable(
            columns(context.areas.change_labels),
            [0, 0, 1, 0, 2, 1, 2, 1, 1, 0],
            self,
            key=lambda i: (i.kind, i.id),
        )
        self.list.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        for widget in (self.keep_button, self.reinstate_button, self.force_button):
            self.list.offer(widget)
        layout.addWidget(self.list, 1)
        self.detail = QLabel(self)  # the selected item in full: both sides, who, where and when
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(64)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.detail)

    # ------------------------------------------------------------------------------------ the list
    def refresh(self) -> None:
        chosen = self.station.currentData()
        stations = self.context.services(station_overview)
        self.station.blockSignals(True)
        self.station.clear()
        self.station.addItem(self.tr("全部服务站"), "")
        for row in stations:
            self.station.addItem(f"{row.code} {row.name}", row.code)
        index = self.station.findData(chosen) if chosen else 0
        self.station.setCurrentIndex(max(index, 0))
        self.station.blockSignals(False)
        self.items = self.context.services(review_items)
        self._show()

    def _show(self) -> None:
        station, kind = self.station.currentData() or "", self.kind.currentData() or ""
        shown = [
            item
            for item in self.items
            if (not station or item.station == station) and (not kind or item.kind == kind)
        ]
        self.list.show_rows(shown, self.tr("没有待处理的冲突、隔离或等待中的变更。"))
        self._enable()
        self.status_changed.emit()
        self.sync_changed.emit()

    def _enable(self) -> None:
        item = self.list.current()
        self.detail.setText(self._detail(item) if item is not None else "")
        self.keep_button.setEnabled(item is not None and item.kind == CONFLICT)
        self.reinstate_button.setEnabled(item is not None and item.kind == CONFLICT)
        self.force_button.setEnabled(item is not None and item.kind == WAITING)

    def _detail(self, item: ReviewItem) -> str:
        labels = self.context.areas.change_labels
        head = f"{KIND_WORDS[item.kind]} · 服务站 {item.station} · " + (
            f"{item.person} 的{kind_word(item.record_kind)}" if item.person else kind_word(item.record_kind)
        )
        this, other = values_text(labels, item, item.value), values_text(labels, item, item.other)
        if item.kind == CONFLICT:
            lines = [
                f"{head}：{self._label(item)}",
                f"当前值：{this}（{item.value_by}）",
                f"另一方的值：{other}（{item.other_by}）",
            ]
        else:
            lines = [
                f"{head}：{ACTION_WORDS.get(item.action, item.action)}（{item.value_by}）",
                f"原因：{item.reason}",
                f"这条变更的值：{this or '—'}",
            ]
            if other:
                lines.append(f"原值：{other}")
        return "\n".join(lines)

    def status_text(self) -> str:
        counts = {kind: sum(1 for item in self.items if item.kind == kind) for kind in KIND_WORDS}
        return self.tr("冲突 {0} · 隔离 {1} · 等待 {2}").format(
            counts[CONFLICT], counts[QUARANTINE], counts[WAITING]
        )

    def focus_target(self) -> QWidget:
        return self.list.table

    # ---------------------------------------------------------------------------------- decisions
    def _label(self, item: ReviewItem) -> str:
        return field_label(self.context.areas.change_labels, item.record_kind, item.field)

    def keep(self) -> None:
        item = self.list.current()
        if item is None or item.kind != CONFLICT:
            return
        if self._call(
            self.tr("无法处理"), lambda: self.context.services(sync.keep_winner, conflict_id=item.id)
        ):
            self.message.emit(
                self.tr("已保留“{0}”的当前值（服务站 {1}）").format(self._label(item), item.station)
            )

    def reinstate(self) -> None:
        item = self.list.current()
        if item is None or item.kind != CONFLICT:
            return
        text = self.tr(
            "把服务站 {0} {1}“{2}”从“{3}”改回另一方的值“{4}”？\n"
            "这是总部的一次修改，随服务站 {0} 的下一个回复包发回。"
        ).format(
            item.station,
            f"{item.person} 的" if item.person else "",
            self._label(item),
            value_word(item.field, item.value),
            value_word(item.field, item.other),
        )
        if not dialogs.ask(self, self.tr("恢复另一方的值"), text, self.tr("恢复"), self.tr("取消")):
            return
        if self._call(
            self.tr("无法恢复"), lambda: self.context.services(sync.reinstate_other, conflict_id=item.id)
        ):
            self.message.emit(self.tr("已把“{0}”恢复为另一方的值").format(self._label(item)))

    def force(self) -> None:
        item = self.list.current()
        if item is None or item.kind != WAITING:
            return
        text = self.tr(
            "强制应用服务站 {0} 的这条{1}变更？\n它依据的记录（{2}）一直没有到达。"
            "强制应用后，能应用的就应用；仍不能应用的改为隔离保存，不会丢失。\n此操作会以总部的名义记入操作日志。"
        ).format(item.station, kind_word(item.record_kind), item.reason)
        if not dialogs.ask(
            self, self.tr("强制应用"), text, self.tr("强制应用"), self.tr("取消"), warning=True
        ):
            return
        outcome: list[str] = []
        if self._call(
            self.tr("无法应用"),
            lambda: outcome.append(self.context.services(sync.force_apply, change_id=item.id)),
        ):
            self.message.emit(self.tr("强制应用：{0}").format(outcome[0]))
            dialogs.tell(self, self.tr("强制应用"), outcome[0], warning=False)

    def _call(self, title: str, call: Callable[[], object]) -> bool:
        try:
            call()
        except DoorstepError as error:
            dialogs.tell(self, title, str(error))
            self.refresh()
            return False
        self.refresh()
        return True

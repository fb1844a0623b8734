"""The query bar over the entrepreneur list: one search box that filters as you type, the filters that
matter (重点群体, 阶段, 区域) and 重置."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from models.enums import KeyGroup, Stage
from models.regions import PROVINCES, region_name
from ui.overrides import override
from ui.roles import TOOLTIP_ROLE
from ui.style import icon

DEBOUNCE_MS = 150


def region_choices(counts: Mapping[str, int]) -> list[tuple[str, str, int]]:
    """(shown name, code prefix, files) for each province, prefecture and county present, as a tree
    flattened in code order; names are indented under their parent and shortened to their own part."""
    totals: dict[str, int] = {}
    for code, count in counts.items():
        if len(code) != 6 or not code.isdigit():
            continue
        for prefix in {code[:2], code[:4], code}:
            totals[prefix] = totals.get(prefix, 0) + count
    choices: list[tuple[str, str, int]] = []
    for prefix in sorted(totals):
        level = {2: 0, 4: 1, 6: 2}[len(prefix)]
        if level == 2 and prefix.endswith("00") and prefix[:4] in totals:
            continue  # a code for the prefecture itself is counted under the prefecture
        full = _full_name(prefix)
        parent = _full_name(prefix[: len(prefix) - 2]) if level else ""
        own = full[len(parent) :] if parent and full.startswith(parent) and full != parent else full
        if level == 1 and full == parent:
            continue  # 北京市 + 市辖区: the prefecture adds nothing to the province
        choices.append(("\u3000" * level + own, prefix, totals[prefix]))
    return choices


def _full_name(prefix: str) -> str:
    if len(prefix) == 2:
        return PROVINCES.get(prefix, prefix)
    code = prefix.ljust(6, "0")
    return region_name(code) or code


class QueryBar(QWidget):
    """Emits :attr:`changed` when what the list should show changed (typing is debounced)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("搜索：姓名、拼音首字母、身份证后几位、电话或项目名称"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setMinimumWidth(260)
        layout.addWidget(self.search, 3)

        self.key_group = QComboBox(self)
        self.key_group.addItem(self.tr("全部重点群体"), None)
        for group in KeyGroup:
            self.key_group.addItem(group.label, group.value)
        layout.addWidget(self.key_group, 1)

        self.stage = QComboBox(self)
        self.stage.addItem(self.tr("全部阶段"), None)
        for stage in Stage:
            self.stage.addItem(stage.label, stage.value)
        layout.addWidget(self.stage, 1)

        self.region = _RegionCombo(self)
        self.region.addItem(self.tr("全部区域"), "")
        self.region.setMinimumContentsLength(8)
        self.region.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        layout.addWidget(self.region, 1)

        self.reset_button = QPushButton(icon("mdi6.filter-remove-outline"), self.tr("重置"), self)
        self.reset_button.setToolTip(self.tr("清除搜索和全部筛选条件"))
        self.reset_button.clicked.connect(self.reset)
        layout.addWidget(self.reset_button)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.changed)
        self.search.textChanged.connect(self._timer.start)
        for combo in (self.key_group, self.stage, self.region):
            combo.currentIndexChanged.connect(self._filter_changed)

    def _filter_changed(self, _index: int) -> None:
        self._timer.stop()
        self._update_reset()
        self.changed.emit()

    def _update_reset(self) -> None:
        self.reset_button.setEnabled(self.filtered)

    # ------------------------------------------------------------------------------------------- values
    @property
    def text(self) -> str:
        return self.search.text()

    @property
    def key_group_value(self) -> KeyGroup | None:
        data = self.key_group.currentData()
        return KeyGroup(data) if data else None

    @property
    def stage_value(self) -> Stage | None:
        data = self.stage.currentData()
        return Stage(data) if data else None

    @property
    def region_prefix(self) -> str:
        return str(self.region.currentData() or "")

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.key_group_value or self.stage_value or self.region_prefix)

    def describe(self) -> str:
        """The filters that are on, in words, for the status bar ("阶段：初创；区域：西湖区")."""
        parts = []
        if self.text.strip():
            parts.append(self.tr("搜索“{text}”").format(text=self.text.strip()))
        if self.key_group_value:
            parts.append(self.tr("重点群体：{name}").format(name=self.key_group_value.label))
        if self.stage_value:
            parts.append(self.tr("阶段：{name}").format(name=self.stage_value.label))
        if self.region_prefix:
            name = self.region.itemData(self.region.currentIndex(), TOOLTIP_ROLE)
            parts.append(self.tr("区域：{name}").format(name=name or self.region_prefix))
        return "；".join(parts)

    def flush(self) -> None:
        """Apply typed text at once (Enter in the search box, tests)."""
        if self._timer.isActive():
            self._timer.stop()
            self.changed.emit()

    def reset(self) -> None:
        for combo in (self.key_group, self.stage, self.region):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._timer.stop()
        self._update_reset()
        self.changed.emit()

    def regions_from(self, counts: Callable[[], Mapping[str, int]]) -> None:
        """Offer the regions that ``counts`` finds on file, read when the worker first goes to the
        region filter (a count over every file: not worth doing before the list has shown)."""
        self.region.pending = lambda: self.set_regions(counts())

    def set_regions(self, counts: Mapping[str, int]) -> None:
        """Offer the regions present on file; keep the current choice if it is still there."""
        current = self.region_prefix
        self.region.blockSignals(True)
        self.region.clear()
        self.region.addItem(self.tr("全部区域"), "")
        for text, prefix, count in region_choices(counts):
            self.region.addItem(self.tr("{name}（{count} 人）").format(name=text, count=f"{count:,}"), prefix)
            self.region.setItemData(self.region.count() - 1, text.strip(), TOOLTIP_ROLE)
        index = self.region.findData(current) if current else 0
        self.region.setCurrentIndex(max(index, 0))
        self.region.blockSignals(False)
        if current and index < 0:
            self._filter_changed(0)
        self._update_reset()


class _RegionCombo(QComboBox):
    """Fills itself when it is about to be used: on focus (the arrow keys choose without a popup) or
    when its list opens."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pending: Callable[[], None] | None = None

    def fill(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending()

    @override
    def focusInEvent(self, event: QFocusEvent) -> None:
        self.fill()
        super().focusInEvent(event)

    @override
    def showPopup(self) -> None:
        self.fill()
        super().showPopup()

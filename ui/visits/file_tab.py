"""走访与时间线: the tab of a person's file with their mentors, tracking plan and everything that happened
— visits, changes to the file, training, applications — newest first (desktop.services.timeline)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.timeline import TimelineEntry, timeline
from desktop.services.visits.mentors import mentors_of
from desktop.services.visits.tracking import pool_rows
from models.base import to_china
from models.errors import DoorstepError
from models.visits import TrackingState
from ui.style import Tone, icon
from ui.visits.detail import show_visit
from ui.visits.dialogs import PoolEntryDialog
from ui.visits.files import print_sheet
from ui.visits.quick_entry import open_quick_visit
from ui.widgets.chip_label import chip_style

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_TONES = {"走访": Tone.ACCENT, "陪跑": Tone.AMBER, "导师": Tone.GREEN, "档案变更": Tone.GREY}


class VisitsFileTab(QWidget):
    def __init__(self, context: AppContext, entrepreneur_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.entrepreneur_id = entrepreneur_id
        self.entries: list[TimelineEntry] = []
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        tools = QHBoxLayout()
        log = QPushButton(icon("mdi6.plus", color="#ffffff"), self.tr("记走访"), self)
        log.setObjectName("primary")
        log.setToolTip(self.tr("为这位创业者记一次走访（Ctrl+Shift+V）"))
        log.clicked.connect(self.log_visit)
        print_all = QPushButton(icon("mdi6.printer-outline"), self.tr("打印全部走访记录表"), self)
        print_all.clicked.connect(self.print_all)
        self.pool_button = QPushButton(icon("mdi6.flag-outline"), self.tr("入重点项目库"), self)
        self.pool_button.clicked.connect(self.enter_pool)
        for widget in (log, print_all, self.pool_button):
            tools.addWidget(widget)
        tools.addStretch(1)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("时间"), self.tr("类别"), self.tr("内容")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setColumnWidth(0, 130)
        self.tree.setColumnWidth(1, 80)
        self.tree.currentItemChanged.connect(self._show_detail)
        self.tree.itemActivated.connect(self._open)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMargin(8)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(tools)
        layout.addWidget(splitter, 1)
        self.refresh()

    def refresh(self) -> None:
        services = self.context.services
        try:
            mentors = services(mentors_of, entrepreneur_id=self.entrepreneur_id)
            projects = services(pool_rows, entrepreneur_id=self.entrepreneur_id)
            self.entries = self.context.services(timeline, entrepreneur_id=self.entrepreneur_id)
        except DoorstepError as error:
            self.summary.setText(str(error))
            return
        parts = [
            self.tr("导师：{names}").format(names="、".join(m.name for m in mentors))
            if mentors
            else self.tr("还没有分配导师（在“导师走访 › 导师库”中分配）")
        ]
        for project in projects:
            tone = {TrackingState.OVERDUE: Tone.RED, TrackingState.DUE_SOON: Tone.AMBER}.get(
                project.state, Tone.GREEN
            )
            due = project.next_due.isoformat() if project.next_due else "—"
            parts.append(
                self.tr("重点项目 {name}：{cadence}走访，下次应访 {due} {chip}").format(
                    name=project.venture_name,
                    cadence=project.cadence,
                    due=due,
                    chip=f'<span style="{chip_style(tone)}">&nbsp;{project.state.label}&nbsp;</span>',
                )
            )
        visits = sum(e.kind == "走访" for e in self.entries)
        parts.append(self.tr("共走访 {n} 次").format(n=visits))
        self.summary.setText("　·　".join(parts))
        self.tree.clear()
        for entry in self.entries:
            first = entry.detail.split("\n", 1)[0] if entry.detail else ""
            text = f"{entry.title}　{first}" if first else entry.title
            item = QTreeWidgetItem([to_china(entry.at).strftime("%Y-%m-%d %H:%M"), entry.kind, text])
            item.setData(0, ENTRY_ROLE, self.entries.index(entry))
            tone = KIND_TONES.get(entry.kind, Tone.GREY)
            item.setForeground(1, tone.foreground)
            item.setToolTip(2, entry.detail or entry.title)
            self.tree.addTopLevelItem(item)
        first_item = self.tree.topLevelItem(0)
        if first_item is not None:
            self.tree.setCurrentItem(first_item)
        else:
            self.detail.setText(self.tr("还没有走访和变更记录。点“记走访”记下第一次走访。"))

    def _entry(self, item: QTreeWidgetItem | None) -> TimelineEntry | None:
        if item is None:
            return None
        index = item.data(0, ENTRY_ROLE)
        return self.entries[int(index)] if isinstance(index, int) and 0 <= index < len(self.entries) else None

    def _show_detail(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None = None) -> None:
        entry = self._entry(item)
        if entry is not None:
            self.detail.setText(f"{entry.title}\n{entry.detail}".strip())

    def _open(self, item: QTreeWidgetItem | None) -> None:
        entry = self._entry(item)
        if entry is not None and entry.open_kind == "visit":
            dialog = show_visit(self.context, self, entry.open_id)
            if dialog is not None:
                dialog.changed.connect(lambda _person: self.changed())

    def log_visit(self) -> None:
        dialog = open_quick_visit(self.context, self.window(), entrepreneur_id=self.entrepreneur_id)
        dialog.visit_recorded.connect(lambda _visit, _person: self.changed())

    def print_all(self) -> None:
        print_sheet(self, self.context, self.entrepreneur_id, title=self.tr("全部"))

    def enter_pool(self) -> None:
        if PoolEntryDialog(self.context, self, entrepreneur_id=self.entrepreneur_id).exec():
            self.changed()

    def changed(self) -> None:
        """The file changed through this tab: reload the whole file if it has no unsaved edits."""
        file_dialog = self.window()
        if not getattr(file_dialog, "dirty", True) and callable(getattr(file_dialog, "load", None)):
            file_dialog.load()  # type: ignore[attr-defined]  # reloads this tab too
            signal = getattr(file_dialog, "file_changed", None)
            if signal is not None:
                signal.emit(self.entrepreneur_id)
        else:
            self.refresh()


def file_tab(context: AppContext, entrepreneur_id: str, parent: QWidget | None) -> tuple[str, QWidget]:
    """The factory registered in ui.entrepreneurs.file_tabs.FILE_TABS."""
    tab = VisitsFileTab(context, entrepreneur_id, parent)
    return tab.tr("走访与时间线"), tab

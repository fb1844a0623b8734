"""导师走访: the visit log, the mentor pool and the key project pool on one page (5号文 (五)(十),
推进行动 计划3)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop.context import AppContext
from ui.visits.mentors_tab import MentorsTab
from ui.visits.pool_tab import PoolTab
from ui.visits.quick_entry import open_quick_visit
from ui.visits.visits_tab import VisitsTab


class VisitsPage(QWidget):
    status_changed = Signal()
    message = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.tabs = QTabWidget(self)
        self.visits = VisitsTab(context, self)
        self.mentors = MentorsTab(context, self)
        self.pool = PoolTab(context, self)
        self.tabs.addTab(self.visits, self.tr("走访记录"))
        self.tabs.addTab(self.mentors, self.tr("导师库"))
        self.tabs.addTab(self.pool, self.tr("重点项目库"))
        for tab in (self.visits, self.mentors, self.pool):
            tab.log_visit.connect(self.log_visit)
        self.visits.counts_changed.connect(self.status_changed)
        self.tabs.currentChanged.connect(lambda _index: self.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.tabs)
        self._loaded: set[int] = set()

    def refresh(self) -> None:
        """Called each time the page is shown, and after a visit is logged from anywhere."""
        current = self.tabs.currentWidget()
        if current is self.visits:
            self.visits.refresh_mentors()
            self.visits.apply()
        elif current is self.mentors:
            self.mentors.refresh()
        elif current is self.pool:
            self.pool.refresh()
        self.status_changed.emit()

    def status_text(self) -> str:
        current = self.tabs.currentWidget()
        count = getattr(current, "count", None)
        return count.text() if isinstance(count, QLabel) else ""

    def log_visit(self, entrepreneur_id: str) -> None:
        dialog = open_quick_visit(self.context, self.window(), entrepreneur_id=entrepreneur_id or None)
        dialog.visit_recorded.connect(lambda _visit, _person: self.refresh())

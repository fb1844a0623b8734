"""重点孵化项目库 (5号文 (十)): the projects under "跟踪陪跑", most urgent first — overdue in red, due this
week in amber — with 入库, 调整计划, 出库, 记走访 and 打开档案."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.visits.tracking import KeyProjectRow, pool_rows
from models.visits import TrackingState
from ui.style import icon
from ui.visits.dialogs import LeaveDialog, PlanDialog, PoolEntryDialog
from ui.visits.models import PoolModel
from ui.widgets.chips import ChipDelegate


class PoolTab(QWidget):
    log_visit = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.state = QComboBox(self)
        self.state.addItem(self.tr("全部在库项目"), "")
        for state in TrackingState:
            self.state.addItem(state.label, state.value)
        self.state.currentIndexChanged.connect(self.refresh)
        tools = QHBoxLayout()
        enter = QPushButton(icon("mdi6.plus", color="#ffffff"), self.tr("入库"), self)
        enter.setObjectName("primary")
        enter.clicked.connect(self.enter)
        plan = QPushButton(icon("mdi6.calendar-edit"), self.tr("调整计划"), self)
        plan.clicked.connect(self.change_plan)
        leave = QPushButton(icon("mdi6.export"), self.tr("出库"), self)
        leave.clicked.connect(self.leave)
        visit = QPushButton(icon("mdi6.account-tie-voice-outline"), self.tr("记走访"), self)
        visit.clicked.connect(self.visit)
        open_file = QPushButton(self.tr("打开档案"), self)
        open_file.clicked.connect(self.open_file)
        for widget in (enter, plan, leave, visit, open_file):
            tools.addWidget(widget)
        tools.addStretch(1)
        tools.addWidget(self.state)
        self.count = QLabel(self)
        tools.addWidget(self.count)
        self.model = PoolModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChipDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setWordWrap(False)
        for column, spec in enumerate(self.model.columns):
            self.table.setColumnWidth(column, spec.width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.open_file())
        note = QLabel(
            self.tr(
                "定期征集成长性好、带动就业能力强的创业项目，在一定周期内给予“跟踪陪跑”帮扶（5号文 (十)）。"
                "下次应访日期按走访频次自动推算，逾期标红。"
            ),
            self,
        )
        note.setObjectName("muted")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)

    def refresh(self, *_args: object) -> None:
        value = str(self.state.currentData() or "")
        state = TrackingState(value) if value else None
        rows = self.context.services(pool_rows, state=state)
        self.model.replace(rows)
        overdue = sum(r.state is TrackingState.OVERDUE for r in rows)
        self.count.setText(self.tr("共 {n} 个项目，逾期 {late} 个").format(n=len(rows), late=overdue))

    def current(self) -> KeyProjectRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def enter(self) -> None:
        if PoolEntryDialog(self.context, self).exec():
            self.refresh()

    def change_plan(self) -> None:
        project = self.current()
        if project is not None and project.left_on is None and PlanDialog(self.context, project, self).exec():
            self.refresh()

    def leave(self) -> None:
        project = self.current()
        if (
            project is not None
            and project.left_on is None
            and LeaveDialog(self.context, project, self).exec()
        ):
            self.refresh()

    def visit(self) -> None:
        project = self.current()
        if project is not None:
            self.log_visit.emit(project.entrepreneur_id)

    def open_file(self) -> None:
        project = self.current()
        opener = getattr(self.window(), "open_entrepreneur", None)
        if project is not None and callable(opener):
            opener(project.entrepreneur_id)

    def select_state(self, state: TrackingState) -> None:
        self.state.setCurrentIndex(max(self.state.findData(state.value), 0))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

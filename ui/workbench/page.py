"""工作台 — the first page a worker sees each morning (UI.md): this month's figures at the top, and below
today's work from every area, most urgent first. One click on a line opens its record; 完成 ticks an
agreed action off; 记走访 logs the visit a tracking plan or a long silence asks for.

The tasks come from the registries in desktop/services/workbench.py (visits, training, policy …) and are
read off the GUI thread, so a large station opens its workbench without a pause.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.gate import Services
from desktop.services.visits.mentors import actor_for_mentor, list_mentors
from desktop.services.visits.sources import ordered_figures
from desktop.services.workbench import Figure, Task, Urgency, mark_done, month_figures, tasks_for
from models.base import china_today
from models.errors import DoorstepError
from ui.style import icon
from ui.widgets.chips import ChipDelegate
from ui.widgets.empty_state import EmptyState
from ui.workbench.model import ACTION, TEXT, VISIT_TASK_KINDS, TaskModel
from ui.workbench.openers import open_task

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Loaded:
    generation: int
    figures: list[Figure]
    tasks: list[Task]
    error: str = ""


class _Signals(QObject):
    loaded = Signal(object)


class _Load(QRunnable):
    def __init__(self, work: Callable[[], Loaded], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work()
        except DoorstepError as error:
            result = Loaded(-1, [], [], str(error))
        except Exception:  # a source's bug must not leave the page saying "loading" for ever
            log.exception("workbench sources failed")
            result = Loaded(-1, [], [], "有一项待办来源出错，详情已写入日志")
        self.signals.loaded.emit(result)


class FigureCard(QFrame):
    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("surface")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        value = QLabel(figure.value, self)
        value.setStyleSheet("font-size: 17pt; font-weight: bold;")
        label = QLabel(self.tr("本月{label}").format(label=figure.label), self)
        label.setObjectName("muted")
        layout.addWidget(value)
        layout.addWidget(label)


class WorkbenchPage(QWidget):
    status_changed = Signal()
    message = Signal(str)
    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.generation = 0
        # Without a parent: a load still running when the page goes away emits into an object that
        # still exists (the connection to the deleted page is simply gone).
        self.signals = _Signals()
        self.signals.loaded.connect(self._show)
        self.loading = False

        title = QLabel(self.tr("工作台"), self)
        title.setObjectName("pageTitle")
        today = china_today()
        self.date_label = QLabel(
            self.tr("{y}年{m}月{d}日 星期{w}").format(
                y=today.year, m=today.month, d=today.day, w=WEEKDAYS[today.weekday()]
            ),
            self,
        )
        self.date_label.setObjectName("muted")
        self.scope = QComboBox(self)
        self.scope.setToolTip(self.tr("看谁的工作台：全站，或某位导师联系的创业者"))
        self.scope.activated.connect(lambda _index: self.refresh())
        reload_button = QPushButton(icon("mdi6.refresh"), self.tr("刷新"), self)
        reload_button.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(self.date_label)
        head.addStretch(1)
        head.addWidget(QLabel(self.tr("查看："), self))
        head.addWidget(self.scope)
        head.addWidget(reload_button)
        self.figures = QHBoxLayout()
        self.figures.setSpacing(10)

        self.model = TaskModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChipDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setWordWrap(False)
        self.table.setMouseTracking(True)
        for column, width in enumerate((76, 96, 86, 84, 560, 90)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._activated)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self.table, self.act_on_current)
        self.count = QLabel(self)
        self.count.setObjectName("muted")
        self.empty = EmptyState(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(head)
        layout.addLayout(self.figures)
        heading = QHBoxLayout()
        today_label = QLabel(self.tr("今天要办的事"), self)
        today_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        heading.addWidget(today_label)
        hint = QLabel(
            self.tr("单击一行打开记录；“完成”“记走访”在最后一列；键盘：回车打开，空格执行操作"), self
        )
        hint.setObjectName("muted")
        heading.addWidget(hint)
        heading.addStretch(1)
        heading.addWidget(self.count)
        layout.addLayout(heading)
        layout.addWidget(self.stack, 1)
        self._fill_scope()

    # ----------------------------------------------------------------------------------------- loading
    def _fill_scope(self) -> None:
        current = self.scope.currentData()
        self.scope.clear()
        self.scope.addItem(self.tr("全站（{user}）").format(user=self.context.actor.user_name), "")
        try:
            mentors = self.context.services(list_mentors, active_only=True)
        except DoorstepError:
            mentors = []
        for mentor in mentors:
            self.scope.addItem(
                self.tr("导师 {name}（{n} 人）").format(name=mentor.name, n=mentor.assigned), mentor.id
            )
        self.scope.setCurrentIndex(max(self.scope.findData(current or ""), 0))

    def viewing(self) -> Services:
        """The services as the user whose workbench is shown: the station's, or a mentor's own."""
        services = self.context.services
        mentor_id = str(self.scope.currentData() or "")
        if not mentor_id:
            return services
        return services.acting_as(services(actor_for_mentor, mentor_id=mentor_id))

    def refresh(self) -> None:
        """Read figures and tasks again, off the GUI thread; the newest request wins."""
        self.generation += 1
        generation = self.generation
        station, viewer, today = self.context.services, self.viewing(), china_today()
        self.loading = True
        self.count.setText(self.tr("正在载入……"))

        def work() -> Loaded:
            return Loaded(generation, station(month_figures, today=today), viewer(tasks_for, today=today))

        QThreadPool.globalInstance().start(_Load(work, self.signals))

    def _show(self, result: Loaded) -> None:
        if result.generation not in (self.generation, -1):
            return  # an older request finished after a newer one
        self.loading = False
        if not self.isVisible():
            return  # the page (or its window) was left meanwhile; showing it again reloads
        if result.error:
            self.count.setText(result.error)
            self.loaded.emit()
            return
        self._show_figures(result.figures)
        self.model.set_tasks(result.tasks)
        overdue = sum(1 for t in result.tasks if t.urgency is Urgency.OVERDUE)
        self.count.setText(self.tr("共 {n} 项，逾期 {late} 项").format(n=len(result.tasks), late=overdue))
        if result.tasks:
            self.stack.setCurrentWidget(self.table)
        else:
            self.empty.show_state(
                "mdi6.check-circle-outline",
                self.tr("今天没有待办的事"),
                self.tr("逾期的跟进、到期的陪跑走访、久未联系的创业者、到期贷款和待办申请都会出现在这里。"),
            )
            self.stack.setCurrentWidget(self.empty)
        self.status_changed.emit()
        self.loaded.emit()

    def _show_figures(self, figures: list[Figure]) -> None:
        while self.figures.count():
            item = self.figures.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for figure in ordered_figures(figures):
            self.figures.addWidget(FigureCard(figure, self))
        self.figures.addStretch(1)

    def status_text(self) -> str:
        return self.count.text()

    # ----------------------------------------------------------------------------------------- actions
    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == ACTION:
            self.act(index.row())
        else:
            self.open(index.row())

    def _activated(self, index: QModelIndex) -> None:
        self.open(index.row())

    def act_on_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.act(index.row())

    def open(self, row: int) -> None:
        task = self.model.task(row)
        if task is not None:
            open_task(self, self.context, task)

    def act(self, row: int) -> None:
        """完成 an agreed action, or 记走访 for a tracking visit / a long silence, or open."""
        task = self.model.task(row)
        if task is None:
            return
        if task.done_key:
            try:
                self.context.services(mark_done, task=task)
            except DoorstepError as error:
                self.count.setText(str(error))
                return
            self.message.emit(
                self.tr("已完成：{who}{what}").format(
                    who=f"{task.subject_name} " if task.subject_name else "", what=task.text
                )
            )
            self._drop(row)
            self.refresh()
        elif task.open_kind in VISIT_TASK_KINDS and task.open_id:
            from ui.visits.quick_entry import open_quick_visit

            dialog = open_quick_visit(self.context, self.window(), entrepreneur_id=task.open_id)
            dialog.visit_recorded.connect(lambda _visit, _person: self.refresh())
        else:
            self.open(row)

    def _drop(self, row: int) -> None:
        """Take a done task off the list at once; the reload that follows confirms it."""
        tasks = list(self.model.tasks)
        del tasks[row]
        self.model.set_tasks(tasks)

    def file_changed(self, _entrepreneur_id: str) -> None:
        self.refresh()

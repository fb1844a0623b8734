"""走访记录: every visit, this month first; a search box, month / mentor / mode filters, and the toolbar
people know (记走访, 导出, 打印, 删除)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.visits.mentors import list_mentors
from desktop.services.visits.queries import VisitQuery
from models.base import china_today
from models.visits import VisitMode, add_months
from ui.style import icon
from ui.visits.detail import show_visit
from ui.visits.files import export_month, print_sheet
from ui.visits.models import ID_ROLE, PERSON_ROLE, VisitListModel
from ui.widgets.empty_state import EmptyState


class VisitsTab(QWidget):
    log_visit = Signal(str)  # entrepreneur id, or "" for anyone
    counts_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("按创业者查找：姓名、拼音、身份证尾号、电话"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply)
        self.month = QComboBox(self)
        this_month = china_today().replace(day=1)
        for back in range(24):
            month = add_months(this_month, -back)
            self.month.addItem(f"{month.year}年{month.month}月", month.isoformat())
        self.month.addItem(self.tr("全部月份"), "")
        self.month.currentIndexChanged.connect(self.apply)
        self.mentor = QComboBox(self)
        self.mode = QComboBox(self)
        self.mode.addItem(self.tr("全部方式"), "")
        for mode in VisitMode:
            self.mode.addItem(mode.label, mode.value)
        self.mode.currentIndexChanged.connect(self.apply)
        reset = QPushButton(self.tr("重置"), self)
        reset.clicked.connect(self.reset)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.month)
        bar.addWidget(self.mentor)
        bar.addWidget(self.mode)
        bar.addWidget(reset)

        tools = QHBoxLayout()
        new = QPushButton(icon("mdi6.plus", color="#ffffff"), self.tr("记走访 Ctrl+Shift+V"), self)
        new.setObjectName("primary")
        new.clicked.connect(lambda: self.log_visit.emit(""))
        export = QPushButton(icon("mdi6.microsoft-excel"), self.tr("导出"), self)
        export.clicked.connect(self.export)
        self.print_button = QPushButton(icon("mdi6.printer-outline"), self.tr("打印"), self)
        self.print_button.setToolTip(self.tr("打印选中走访的走访记录表"))
        self.print_button.clicked.connect(self.print_selected)
        for button in (new, export, self.print_button):
            tools.addWidget(button)
        tools.addStretch(1)
        self.count = QLabel(self)
        tools.addWidget(self.count)

        self.model = VisitListModel(context.services, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        for column, spec in enumerate(self.model.columns):
            self.table.setColumnWidth(column, spec.width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self.open_visit)
        self.table.activated.connect(self.open_visit)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.empty = EmptyState(self)
        self.empty.action_clicked.connect(lambda: self.log_visit.emit(""))
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self.refresh_mentors()

    def refresh_mentors(self) -> None:
        current = self.mentor.currentData()
        self.mentor.blockSignals(True)
        self.mentor.clear()
        self.mentor.addItem(self.tr("全部导师"), "")
        for mentor in self.context.services(list_mentors):
            self.mentor.addItem(mentor.name, mentor.id)
        self.mentor.setCurrentIndex(max(self.mentor.findData(current or ""), 0))
        self.mentor.blockSignals(False)
        self.mentor.currentIndexChanged.connect(self.apply, Qt.ConnectionType.UniqueConnection)

    def query(self) -> VisitQuery:
        month = str(self.month.currentData() or "")
        mode = str(self.mode.currentData() or "")
        return VisitQuery(
            month=date.fromisoformat(month) if month else None,
            mentor_id=str(self.mentor.currentData() or "") or None,
            mode=VisitMode(mode) if mode else None,
            text=self.search.text(),
        )

    def apply(self, *_args: object) -> None:
        query = self.query()
        self.model.set_query(query)
        total = self.model.rowCount()
        self.count.setText(
            self.tr("共 {n:,} 次").format(n=total) + (self.tr("（已筛选）") if query.filtered else "")
        )
        if total:
            self.stack.setCurrentWidget(self.table)
        else:
            what = self.tr("这个月还没有走访记录") if query.month else self.tr("还没有走访记录")
            self.empty.show_state(
                "mdi6.account-tie-voice-outline",
                what if not query.text.strip() else self.tr("没有找到符合条件的走访"),
                self.tr("导师上门、电话、线上、集中服务或预约的每一次走访都记在这里（推进行动 计划3）。"),
                self.tr("记走访"),
            )
            self.stack.setCurrentWidget(self.empty)
        self.counts_changed.emit()

    def reset(self) -> None:
        for widget in (self.month, self.mentor, self.mode):
            widget.blockSignals(True)
            widget.setCurrentIndex(0)
            widget.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply()

    def selected_visit(self) -> tuple[str, str] | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return str(index.data(ID_ROLE)), str(index.data(PERSON_ROLE))

    def open_visit(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        dialog = show_visit(self.context, self, str(index.data(ID_ROLE)))
        if dialog is not None:
            dialog.changed.connect(lambda _person: self.apply())

    def print_selected(self) -> None:
        chosen = self.selected_visit()
        if chosen is None:
            self.count.setText(self.tr("请先在列表中选中一次走访，再打印"))
            return
        row = self.model.row_at(self.table.currentIndex().row())
        print_sheet(self, self.context, chosen[0], title=row.entrepreneur_name if row else "")

    def export(self) -> None:
        month = str(self.month.currentData() or "")
        export_month(self, self.context, date.fromisoformat(month) if month else None)

    def _menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.addAction(self.tr("查看"), lambda: self.open_visit(index))
        person = str(index.data(PERSON_ROLE))
        opener = getattr(self.window(), "open_entrepreneur", None)
        if callable(opener):
            menu.addAction(self.tr("打开档案"), lambda: opener(person))
        menu.addAction(self.tr("再记一次走访"), lambda: self.log_visit.emit(person))
        print_action = QAction(self.tr("打印走访记录表"), menu)
        print_action.setShortcut(QKeySequence.StandardKey.Print)
        print_action.triggered.connect(self.print_selected)
        menu.addAction(print_action)
        menu.exec(self.table.viewport().mapToGlobal(point))

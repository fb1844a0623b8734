"""培训 (5号文 (二), 推进行动 计划4): the classes list, and a class's page when one is opened."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
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
from desktop.services import training as service
from models.base import china_today
from models.errors import DoorstepError
from models.permissions import Permission
from models.validators import parse_date
from ui.operations import run_in_background
from ui.training.class_view import ClassView
from ui.training.dialogs import ClassDialog
from ui.training.keys import on_delete
from ui.training.models import class_columns
from ui.widgets import dialogs
from ui.widgets.buttons import button
from ui.widgets.chips import ChipDelegate
from ui.widgets.empty_state import EmptyState
from ui.widgets.rows_model import RowsModel
from ui.widgets.saving import ask_save_path, offer_open


class ClassListView(QWidget):
    """The list: 新增班级, search, course / status / year filters, and the classes with their figures."""

    open_class = Signal(str)
    status_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        bar = QHBoxLayout()
        title = QLabel(self.tr("培训"), self)
        title.setObjectName("pageTitle")
        bar.addWidget(title)
        bar.addSpacing(16)
        self.new_button = button(
            self.tr("新增班级"), self, self.new_class, primary=True, tip=self.tr("开一期培训班（Ctrl+N）")
        )
        bar.addWidget(self.new_button)
        bar.addWidget(
            button(self.tr("打开"), self, self.open_current, tip=self.tr("打开选中的班级（Enter 或双击）"))
        )
        bar.addWidget(button(self.tr("删除"), self, self.delete_current))
        bar.addWidget(
            button(
                self.tr("导出考勤"),
                self,
                self.export_month,
                tip=self.tr("一个月的考勤明细（身份证号码已遮盖）"),
            )
        )
        bar.addStretch(1)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet("font-weight: bold;")
        bar.addWidget(self.count_label)
        layout.addLayout(bar)
        new_action = QAction(self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_action.triggered.connect(self.new_class)
        self.addAction(new_action)

        query = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("查找期次编号、班级名称、培训机构或地点"))
        self.search.setClearButtonEnabled(True)
        query.addWidget(self.search, 2)
        self.course = QComboBox(self)
        self.status = QComboBox(self)
        self.status.addItem(self.tr("全部状态"), None)
        for status in service.ClassStatus.ALL:
            self.status.addItem(status, status)
        self.year = QComboBox(self)
        self.year.addItem(self.tr("全部年份"), None)
        for year in range(china_today().year + 1, china_today().year - 5, -1):
            self.year.addItem(self.tr("{0} 年").format(year), year)
        for combo in (self.course, self.status, self.year):
            query.addWidget(combo, 1)
        self.reset_button = QPushButton(self.tr("重置"), self)
        self.reset_button.clicked.connect(self.reset)
        query.addWidget(self.reset_button)
        layout.addLayout(query)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.search.textEdited.connect(lambda _t: self._timer.start())
        for combo in (self.course, self.status, self.year):
            combo.activated.connect(lambda _i: self.refresh())

        self.model: RowsModel[service.ClassRow] = RowsModel(class_columns(), self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setItemDelegate(ChipDelegate(self.table))
        for section, column in enumerate(self.model.columns):
            self.table.setColumnWidth(section, column.width)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            action = QAction(self.table)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(self.open_current)
            self.table.addAction(action)
        on_delete(self.table, self.delete_current)  # the current row, however it was reached
        self.empty = EmptyState(self)
        self.empty.action_clicked.connect(self._empty_action)
        self.body = QStackedWidget(self)
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        self.rows_total = 0

    def _fill_courses(self) -> None:
        current = self.course.currentData()
        self.course.clear()
        self.course.addItem(self.tr("全部课程"), None)
        for course in self.context.services(service.list_courses, include_inactive=True):
            self.course.addItem(course.label, course.id)
        index = self.course.findData(current) if current else 0
        self.course.setCurrentIndex(max(index, 0))

    def query(self) -> service.ClassQuery:
        return service.ClassQuery(
            text=self.search.text(),
            course_id=self.course.currentData(),
            status=self.status.currentData(),
            year=self.year.currentData(),
        )

    @property
    def filtered(self) -> bool:
        q = self.query()
        return bool(q.text.strip() or q.course_id or q.status or q.year)

    def _ensure_catalogue(self) -> None:
        """The default courses, stored once by a user who manages training (others only read them)."""
        if self.context.actor.may(Permission.MANAGE_TRAINING):
            self.context.services(service.ensure_course_catalogue)

    def refresh(self) -> None:
        self._timer.stop()
        if self.course.count() == 0:
            self._ensure_catalogue()
            self._fill_courses()
        rows = self.context.services(service.list_classes, query=self.query())
        self.model.replace(rows)
        self.rows_total = len(rows)
        people = sum(r.enrolled for r in rows)
        suffix = self.tr("（已筛选）") if self.filtered else ""
        self.count_label.setText(self.tr("共 {0} 期，{1} 人次{2}").format(len(rows), people, suffix))
        if rows:
            self.body.setCurrentWidget(self.table)
        elif self.filtered:
            self.empty.show_state(
                "mdi6.filter-remove-outline",
                self.tr("没有符合条件的班级"),
                self.tr("换个关键词或条件试试"),
                self.tr("重置条件"),
            )
            self.body.setCurrentWidget(self.empty)
        else:
            self.empty.show_state(
                "mdi6.school-outline",
                self.tr("还没有培训班"),
                self.tr("新增一期培训班（SYB、IYB、网创、创业训练营……），再排课、报名、点名、结业"),
                self.tr("新增班级"),
            )
            self.body.setCurrentWidget(self.empty)
        self.status_changed.emit()

    def reset(self) -> None:
        self.search.clear()
        for combo in (self.course, self.status, self.year):
            combo.setCurrentIndex(0)
        self.refresh()

    def _empty_action(self) -> None:
        if self.filtered:
            self.reset()
        else:
            self.new_class()

    def current_row(self) -> service.ClassRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_class.emit(row.id)

    def open_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.open_class.emit(row.id)

    def new_class(self) -> None:
        self._ensure_catalogue()
        dialog = ClassDialog(self.context, self)
        if dialog.exec() and dialog.saved_id:
            self.refresh()
            self.open_class.emit(dialog.saved_id)

    def delete_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        text = self.tr("删除第 {0} 期“{1}”？可在回收站恢复。").format(row.class_number, row.title)
        if not dialogs.ask(self, self.tr("删除班级"), text, self.tr("删除"), self.tr("取消"), warning=True):
            return
        try:
            self.context.services(service.delete_class, class_id=row.id)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法删除"), str(error))
            return
        self.refresh()

    def export_month(self) -> None:
        today = china_today()
        text, ok = QInputDialog.getText(
            self, self.tr("导出考勤"), self.tr("导出哪个月的考勤？（如 2025-03）"), text=f"{today:%Y-%m}"
        )
        if not ok:
            return
        try:
            month = parse_date(text, field="月份", allow_month=True).replace(day=1)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("月份不对"), str(error))
            return
        name = f"{self.context.station.code}_培训考勤_{month:%Y%m}.xlsx"
        out = ask_save_path(
            self, self.context.preferences, title=self.tr("导出考勤"), name=name, file_filter="Excel (*.xlsx)"
        )
        if out is None:
            return

        def done(rows: int) -> None:
            text = self.tr("已导出 {0}（{1} 行）").format(out.name, rows)
            offer_open(self, out, title=self.tr("导出完成"), text=text)

        run_in_background(
            self,
            self.tr("正在导出考勤"),
            lambda _job: self.context.services(service.export_attendance, out=out, month=month),
            done,
        )

    def _menu(self, point: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.tr("打开"), self.open_current)
        menu.addAction(self.tr("新增班级"), self.new_class)
        menu.addAction(self.tr("删除"), self.delete_current)
        menu.exec(self.table.viewport().mapToGlobal(point))


class TrainingPage(QWidget):
    """The 培训 page of the main window: the list, or one class."""

    status_changed = Signal()
    message = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)
        self.list = ClassListView(context, self)
        self.list.open_class.connect(self.open_class)
        self.list.status_changed.connect(self.status_changed)
        self.stack.addWidget(self.list)
        self.class_view: ClassView | None = None

    def refresh(self) -> None:
        if self.class_view is not None and self.stack.currentWidget() is self.class_view:
            try:
                self.class_view.reload()
            except DoorstepError:
                self.show_list()
            return
        self.list.refresh()

    def status_text(self) -> str:
        if self.class_view is not None and self.stack.currentWidget() is self.class_view:
            d = self.class_view.detail
            return self.tr("第 {0} 期 · 报名 {1} 人 · 结业率 {2}").format(
                d.class_number, d.enrolled, d.completion_text
            )
        return self.list.count_label.text()

    def open_class(self, class_id: str) -> ClassView:
        """Show a class (from the list, the workbench's 今日课程 or a file's 培训 tab)."""
        if self.class_view is not None:
            self.stack.removeWidget(self.class_view)
            self.class_view.deleteLater()
        self.class_view = ClassView(self.context, class_id, self)
        self.class_view.back.connect(self.show_list)
        self.class_view.changed.connect(self.status_changed)
        self.stack.addWidget(self.class_view)
        self.stack.setCurrentWidget(self.class_view)
        self.status_changed.emit()
        return self.class_view

    def open_record(self, kind: str, record_id: str) -> None:
        """The workbench's way in (``open_kind`` ``training_class``)."""
        if kind == service.CLASS_KIND:
            self.open_class(record_id)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list)
        self.list.refresh()

"""导师库 (5号文 (五)): the mentors, and on the right the people the selected mentor follows, with
分配创业者 and 取消分配 (推进行动 计划3: 分类指导)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.entrepreneur_list import fetch_rows
from desktop.services.visits.mentors import (
    MentorView,
    assign_entrepreneurs,
    assigned_entrepreneur_ids,
    end_assignment,
    list_mentors,
    set_mentor_active,
)
from models.errors import DoorstepError
from models.visits import MentorKind
from ui.style import icon
from ui.visits.dialogs import MentorDialog
from ui.visits.models import MentorModel
from ui.visits.picker import PersonPicker
from ui.widgets import dialogs
from ui.widgets.chips import ChipDelegate

PERSON_ROLE = Qt.ItemDataRole.UserRole + 1
SHOWN_PEOPLE = 500


class MentorsTab(QWidget):
    log_visit = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("查找导师：姓名、拼音、单位"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh)
        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("全部类别"), "")
        for kind in MentorKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.active_only = QCheckBox(self.tr("只看在库"), self)
        self.active_only.setChecked(True)
        self.active_only.toggled.connect(self.refresh)
        tools = QHBoxLayout()
        new = QPushButton(icon("mdi6.plus", color="#ffffff"), self.tr("新增导师"), self)
        new.setObjectName("primary")
        new.clicked.connect(self.new_mentor)
        edit = QPushButton(icon("mdi6.pencil-outline"), self.tr("修改"), self)
        edit.clicked.connect(self.edit_mentor)
        self.toggle = QPushButton(self.tr("停用"), self)
        self.toggle.clicked.connect(self.toggle_active)
        for widget in (new, edit, self.toggle):
            tools.addWidget(widget)
        tools.addWidget(self.search, 1)
        tools.addWidget(self.kind)
        tools.addWidget(self.active_only)
        self.count = QLabel(self)
        tools.addWidget(self.count)

        self.model = MentorModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChipDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        for column, spec in enumerate(self.model.columns):
            self.table.setColumnWidth(column, spec.width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.edit_mentor())
        self.table.selectionModel().selectionChanged.connect(self._selected)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        self.side_title = QLabel(self.tr("选中一位导师，查看其联系的创业者"), side)
        self.side_title.setStyleSheet("font-weight: bold;")
        side_layout.addWidget(self.side_title)
        self.picker = PersonPicker(context.services, side)
        self.picker.chosen.connect(self._assign)
        side_layout.addWidget(self.picker)
        self.people = QListWidget(side)
        self.people.itemDoubleClicked.connect(self._open_person)
        side_layout.addWidget(self.people, 1)
        people_tools = QHBoxLayout()
        open_button = QPushButton(self.tr("打开档案"), side)
        open_button.clicked.connect(lambda: self._open_person(self.people.currentItem()))
        visit = QPushButton(self.tr("记走访"), side)
        visit.clicked.connect(self._visit_person)
        unassign = QPushButton(self.tr("取消分配"), side)
        unassign.clicked.connect(self._unassign)
        for widget in (open_button, visit, unassign):
            people_tools.addWidget(widget)
        side_layout.addLayout(people_tools)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(splitter, 1)
        self.picker.setEnabled(False)
        # Delete on the row the keyboard is on, however it was reached: a mentor is 停用 (a mentor is
        # never deleted: the visits keep their name), a person in the side list is 取消分配
        for view, slot in ((self.table, self.deactivate_current), (self.people, self.unassign_current)):
            action = QAction(view)
            action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            view.addAction(action)

    def deactivate_current(self) -> None:
        """Delete on a mentor: 停用, after asking (启用 brings the mentor back at any time)."""
        mentor = self.current()
        if mentor is None or not mentor.active:
            return
        if not dialogs.ask(
            self,
            self.tr("停用导师"),
            self.tr("停用导师 {name}？停用后不能再分配创业者，已有的走访记录不变；可随时启用。").format(
                name=mentor.name
            ),
            self.tr("停用"),
            self.tr("取消"),
        ):
            return
        self.toggle_active()

    def unassign_current(self) -> None:
        """Delete on a person in the side list: 取消分配, after asking."""
        mentor, item = self.current(), self.people.currentItem()
        if mentor is None or self._person() is None or item is None:
            return
        name = item.text().split("　")[0]
        if dialogs.ask(
            self,
            self.tr("取消分配"),
            self.tr("取消 {person} 与导师 {mentor} 的分配？").format(person=name, mentor=mentor.name),
            self.tr("取消分配"),
            self.tr("返回"),
        ):
            self._unassign()

    def refresh(self, *_args: object) -> None:
        chosen = self.current()
        kind = str(self.kind.currentData() or "")
        mentors = self.context.services(
            list_mentors,
            text=self.search.text(),
            active_only=self.active_only.isChecked(),
            kind=MentorKind(kind) if kind else None,
        )
        self.model.replace(mentors)
        self.count.setText(self.tr("共 {n} 位导师").format(n=len(mentors)))
        rows = [i for i, m in enumerate(mentors) if chosen and m.id == chosen.id]
        if rows:
            self.table.selectRow(rows[0])
        else:
            self._show_people(None)

    def current(self) -> MentorView | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._show_people(self.model.row_at(rows[0].row()) if rows else None)

    def _show_people(self, mentor: MentorView | None) -> None:
        self.people.clear()
        self.picker.setEnabled(bool(mentor and mentor.active))
        if mentor is None:
            self.side_title.setText(self.tr("选中一位导师，查看其联系的创业者"))
            self.toggle.setText(self.tr("停用"))
            return
        self.toggle.setText(self.tr("停用") if mentor.active else self.tr("启用"))
        ids = self.context.services(assigned_entrepreneur_ids, mentor_id=mentor.id)
        self.side_title.setText(self.tr("{name} 联系的创业者（{n} 人）").format(name=mentor.name, n=len(ids)))
        for row in self.context.services(fetch_rows, ids[:SHOWN_PEOPLE]):
            item = QListWidgetItem(f"{row.name}　{row.case_number}　{row.ventures}", self.people)
            item.setData(PERSON_ROLE, row.id)
        if len(ids) > SHOWN_PEOPLE:
            more = QListWidgetItem(self.tr("……另有 {n} 人").format(n=len(ids) - SHOWN_PEOPLE), self.people)
            more.setFlags(Qt.ItemFlag.NoItemFlags)
        self.picker.line_edit.setPlaceholderText(self.tr("分配创业者：输入姓名或拼音，回车分配"))

    def new_mentor(self) -> None:
        if MentorDialog(self.context, None, self).exec():
            self.refresh()

    def edit_mentor(self) -> None:
        mentor = self.current()
        if mentor is not None and MentorDialog(self.context, mentor, self).exec():
            self.refresh()

    def toggle_active(self) -> None:
        mentor = self.current()
        if mentor is None:
            return
        try:
            self.context.services(set_mentor_active, mentor_id=mentor.id, active=not mentor.active)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法完成"), str(error))
        self.refresh()

    def _assign(self, entrepreneur_id: str) -> None:
        mentor = self.current()
        if not entrepreneur_id or mentor is None:
            return
        try:
            self.context.services(
                assign_entrepreneurs, mentor_id=mentor.id, entrepreneur_ids=[entrepreneur_id]
            )
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法分配"), str(error))
            return
        self.picker.line_edit.clear()
        self.refresh()

    def _person(self) -> str | None:
        item = self.people.currentItem()
        value = item.data(PERSON_ROLE) if item is not None else None
        return str(value) if value else None

    def _unassign(self) -> None:
        mentor, person = self.current(), self._person()
        if mentor is None or person is None:
            return
        try:
            self.context.services(end_assignment, mentor_id=mentor.id, entrepreneur_id=person)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法取消分配"), str(error))
            return
        self.refresh()

    def _visit_person(self) -> None:
        person = self._person()
        if person:
            self.log_visit.emit(person)

    def _open_person(self, item: QListWidgetItem | None) -> None:
        if item is None or not item.data(PERSON_ROLE):
            return
        opener = getattr(self.window(), "open_entrepreneur", None)
        if callable(opener):
            opener(str(item.data(PERSON_ROLE)))

    def index_of(self, mentor_id: str) -> QModelIndex:
        for row, mentor in enumerate(self.model.rows):
            if mentor.id == mentor_id:
                return self.model.index(row, 0)
        return QModelIndex()

"""考勤: people × sessions, marked with the keyboard like a spreadsheet.

Keys (shown under the grid):

- arrows, Home/End, PgUp/PgDn move; Shift+arrows or the mouse select several cells;
- ``1`` or ``C`` (出) 出勤, ``2`` or ``L`` (late) 迟到, ``3`` or ``J`` (假) 请假, ``4`` or ``Q`` (缺)
  缺勤 — mark every selected cell, then move down to the next person when one cell was marked, as
  Enter does in a spreadsheet; the characters 出 迟 假 缺 work too when an input method sends them;
- ``Space`` cycles the current cell (and the other selected cells) 未记 → 出勤 → 迟到 → 请假 → 缺勤 → 未记;
- ``Delete`` / ``Backspace`` clear the selected cells; ``Ctrl+Z`` undoes the last change to the class.

A session still ahead (after today) is greyed and cannot be marked: its cells are disabled, their tooltip
says why, and the service refuses such a mark anyway (no attendance for a session not yet held).

A whole column is marked with the 本课次全部出勤 button (fills the cells still unmarked) or the column
header's menu (sets every cell). Totals: per person (出勤学时, 出勤率, red below the rule's minimum) and per
session (the header's second line, attended / enrolled).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services import training as service
from models.errors import DoorstepError
from models.training import ATTENDED, AttendanceMark, attended_hours
from ui.overrides import override
from ui.style import Tone
from ui.widgets import dialogs

Index = QModelIndex | QPersistentModelIndex

MARK_TONES: dict[AttendanceMark, Tone] = {
    AttendanceMark.PRESENT: Tone.GREEN,
    AttendanceMark.LATE: Tone.AMBER,
    AttendanceMark.EXCUSED: Tone.ACCENT,
    AttendanceMark.ABSENT: Tone.RED,
}
CYCLE: tuple[AttendanceMark | None, ...] = (
    None,
    AttendanceMark.PRESENT,
    AttendanceMark.LATE,
    AttendanceMark.EXCUSED,
    AttendanceMark.ABSENT,
)
KEY_MARKS: dict[int, AttendanceMark] = {
    Qt.Key.Key_1: AttendanceMark.PRESENT,
    Qt.Key.Key_C: AttendanceMark.PRESENT,
    Qt.Key.Key_2: AttendanceMark.LATE,
    Qt.Key.Key_L: AttendanceMark.LATE,
    Qt.Key.Key_3: AttendanceMark.EXCUSED,
    Qt.Key.Key_J: AttendanceMark.EXCUSED,
    Qt.Key.Key_4: AttendanceMark.ABSENT,
    Qt.Key.Key_Q: AttendanceMark.ABSENT,
}
TEXT_MARKS: dict[str, AttendanceMark] = {
    "出": AttendanceMark.PRESENT,
    "迟": AttendanceMark.LATE,
    "假": AttendanceMark.EXCUSED,
    "缺": AttendanceMark.ABSENT,
}
LEGEND = (
    "键盘点名：1/C 出勤 · 2/L 迟到 · 3/J 请假 · 4/Q 缺勤（记完自动到下一人）· 空格 切换 · Delete 清除 · "
    "方向键移动，Shift+方向键多选 · Ctrl+Z 撤销"
)
TOTAL_COLUMNS = 2
MARK_ROLE = Qt.ItemDataRole.UserRole + 1


class AttendanceModel(QAbstractTableModel):
    """The grid's data: one row per enrolled person, one column per session, then the two totals."""

    def __init__(self, grid: service.AttendanceGrid, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._set(grid)

    def _set(self, grid: service.AttendanceGrid) -> None:
        self.grid = grid
        self.marks: dict[tuple[str, str], AttendanceMark] = dict(grid.marks)
        self.people = grid.people
        self.sessions = grid.sessions

    def replace(self, grid: service.AttendanceGrid) -> None:
        self.beginResetModel()
        self._set(grid)
        self.endResetModel()

    # -- shape --------------------------------------------------------------------------------------
    @override
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.people)

    @override
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.sessions) + TOTAL_COLUMNS

    def is_session_column(self, column: int) -> bool:
        return 0 <= column < len(self.sessions)

    def is_future_column(self, column: int) -> bool:
        """A session not yet held: nothing can be marked in it."""
        return self.is_session_column(column) and self.grid.is_future(self.sessions[column])

    def future_note(self, column: int) -> str:
        session = self.sessions[column]
        return self.tr("{0} 还没有上（今天是 {1}），上课当天或之后才能记考勤").format(
            session.long_label, self.grid.today.isoformat()
        )

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or self.is_future_column(index.column()):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- values -------------------------------------------------------------------------------------
    def mark_at(self, row: int, column: int) -> AttendanceMark | None:
        if not (0 <= row < len(self.people) and self.is_session_column(column)):
            return None
        return self.marks.get((self.people[row].enrolment_id, self.sessions[column].id))

    def person_hours(self, row: int) -> tuple[int, int]:
        enrolment = self.people[row].enrolment_id
        attended, required, _, _ = attended_hours(
            self.grid.rule, [(s.hours, self.marks.get((enrolment, s.id))) for s in self.sessions]
        )
        return attended, required

    def unmarked_hours(self, row: int) -> int:
        enrolment = self.people[row].enrolment_id
        return sum(s.hours for s in self.sessions if (enrolment, s.id) not in self.marks)

    def session_count(self, column: int) -> int:
        session_id = self.sessions[column].id
        return sum(1 for p in self.people if self.marks.get((p.enrolment_id, session_id)) in ATTENDED)

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if self.is_future_column(column):
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.future_note(column)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(Tone.GREY.background)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(Tone.GREY.foreground)
            if role == Qt.ItemDataRole.DisplayRole:
                mark = self.mark_at(row, column)
                return mark.short if mark else ""
            return None
        if self.is_session_column(column):
            mark = self.mark_at(row, column)
            if role == Qt.ItemDataRole.DisplayRole:
                return mark.short if mark else ""
            if role == MARK_ROLE:
                return mark.value if mark else None
            if role == Qt.ItemDataRole.ToolTipRole:
                person, session = self.people[row], self.sessions[column]
                state = mark.label if mark else self.tr("未记")
                return f"{person.name} · {session.long_label}（{session.hours} 学时）：{state}"
            if role == Qt.ItemDataRole.BackgroundRole and mark is not None:
                return QBrush(MARK_TONES[mark].background)
            if role == Qt.ItemDataRole.ForegroundRole and mark is not None:
                return QBrush(MARK_TONES[mark].foreground)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
            return None
        attended, required = self.person_hours(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == len(self.sessions):
                return f"{attended}/{required}"
            return f"{100 * attended / required:.0f}%" if required else "—"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ForegroundRole and required:
            # green: meets the rule; red: cannot reach it even if every unmarked session is attended
            minimum = self.grid.rule.min_attendance_percent * required
            if attended * 100 >= minimum:
                return QBrush(Tone.GREEN.foreground)
            if (attended + self.unmarked_hours(row)) * 100 < minimum:
                return QBrush(Tone.RED.foreground)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("出勤 {0} 学时，应出勤 {1} 学时；{2}").format(
                attended, required, self.grid.rule.describe()
            )
        return None

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self.people):
                return None
            person = self.people[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{person.number:>2}  {person.name}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{person.name} {person.id_number_masked}"
            return None
        if not 0 <= section < self.columnCount():
            return None
        if self.is_session_column(section):
            session = self.sessions[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{session.label}\n{self.session_count(section)}/{len(self.people)}"
            if role == Qt.ItemDataRole.ToolTipRole:
                topic = f"\n{session.topic}" if session.topic else ""
                head = f"{session.long_label}（{session.hours} 学时）{topic}\n"
                if self.is_future_column(section):
                    return head + self.future_note(section)
                return head + self.tr("右键：整列标记")
            if role == Qt.ItemDataRole.ForegroundRole and self.is_future_column(section):
                return QBrush(Tone.GREY.foreground)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr("出勤学时") if section == len(self.sessions) else self.tr("出勤率")
        return None

    # -- changes ------------------------------------------------------------------------------------
    def apply(self, changes: Iterable[service.MarkChange]) -> None:
        """Show what the service stored: the changed cells, their rows' totals and their columns' counts."""
        rows = {p.enrolment_id: r for r, p in enumerate(self.people)}
        columns = {s.id: c for c, s in enumerate(self.sessions)}
        touched_rows: set[int] = set()
        touched_columns: set[int] = set()
        for change in changes:
            key = (change.enrolment_id, change.session_id)
            if change.mark is None:
                self.marks.pop(key, None)
            else:
                self.marks[key] = change.mark
            if change.enrolment_id in rows and change.session_id in columns:
                touched_rows.add(rows[change.enrolment_id])
                touched_columns.add(columns[change.session_id])
        if not touched_rows:
            return
        first_row, last_row = min(touched_rows), max(touched_rows)
        self.dataChanged.emit(self.index(first_row, 0), self.index(last_row, self.columnCount() - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, min(touched_columns), max(touched_columns))


class AttendanceView(QTableView):
    """The grid's keys; it asks its owner to store marks through ``mark_cells``."""

    mark_cells = Signal(list, object)  # [(row, column)], AttendanceMark | None
    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.horizontalHeader().setDefaultSectionSize(64)
        self.horizontalHeader().setMinimumSectionSize(48)
        self.horizontalHeader().setHighlightSections(True)
        self.verticalHeader().setDefaultSectionSize(28)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def attendance_model(self) -> AttendanceModel:
        model = self.model()
        assert isinstance(model, AttendanceModel)
        return model

    def selected_cells(self) -> list[tuple[int, int]]:
        model = self.attendance_model()
        cells = {(i.row(), i.column()) for i in self.selectionModel().selectedIndexes()}
        current = self.currentIndex()
        if current.isValid():
            cells.add((current.row(), current.column()))
        return sorted(
            (r, c) for r, c in cells if model.is_session_column(c) and not model.is_future_column(c)
        )

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo_requested.emit()
            return
        if modifiers == Qt.KeyboardModifier.NoModifier:
            key = event.key()
            mark = KEY_MARKS.get(key) or TEXT_MARKS.get(event.text())
            if mark is not None:
                self._mark(mark, advance=True)
                return
            if key == Qt.Key.Key_Space:
                self._cycle()
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self._mark(None, advance=False)
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._move_down()
                return
        super().keyPressEvent(event)

    def _mark(self, mark: AttendanceMark | None, *, advance: bool) -> None:
        cells = self.selected_cells()
        if not cells:
            return
        self.mark_cells.emit(cells, mark)
        if advance and len(cells) == 1:
            self._move_down()

    def _cycle(self) -> None:
        current = self.currentIndex()
        if not current.isValid() or not self.attendance_model().is_session_column(current.column()):
            return
        now = self.attendance_model().mark_at(current.row(), current.column())
        following = CYCLE[(CYCLE.index(now) + 1) % len(CYCLE)]
        self._mark(following, advance=False)

    def _move_down(self) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        row = min(current.row() + 1, self.model().rowCount() - 1)
        target = self.model().index(row, current.column())
        self.selectionModel().setCurrentIndex(target, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(target)


class AttendanceGridWidget(QWidget):
    """The 考勤 tab: the grid, the 全部出勤 button, the key legend; stores marks through the services."""

    changed = Signal()

    def __init__(self, context: AppContext, class_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.class_id = class_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        bar = QHBoxLayout()
        self.all_present = QPushButton(self.tr("本课次全部出勤"), self)
        self.all_present.setToolTip(self.tr("把当前列中还没有记的人都记为出勤（已记为请假、缺勤等的不变）"))
        self.all_present.clicked.connect(self.mark_current_column)
        bar.addWidget(self.all_present)
        self.undo_button = QPushButton(self.tr("撤销"), self)
        self.undo_button.setToolTip(self.tr("撤销本班最近一次修改（Ctrl+Z）"))
        self.undo_button.clicked.connect(self.undo)
        bar.addWidget(self.undo_button)
        bar.addStretch(1)
        self.summary = QLabel(self)
        bar.addWidget(self.summary)
        layout.addLayout(bar)
        self.view = AttendanceView(self)
        self.model = AttendanceModel(context.services(service.attendance_grid, class_id=class_id), self)
        self.view.setModel(self.model)
        self.view.mark_cells.connect(self.store_marks)
        self.view.undo_requested.connect(self.undo)
        header = self.view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        layout.addWidget(self.view, 1)
        legend = QLabel(self.tr(LEGEND), self)
        legend.setObjectName("muted")
        legend.setWordWrap(True)
        layout.addWidget(legend)
        undo = QAction(self)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.triggered.connect(self.undo)
        self.addAction(undo)
        self._after_reload()

    # -- data ---------------------------------------------------------------------------------------
    def reload(self) -> None:
        current = self.view.currentIndex()
        self.model.replace(self.context.services(service.attendance_grid, class_id=self.class_id))
        if current.isValid() and current.row() < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(current.row(), current.column()))
        self._after_reload()

    def _after_reload(self) -> None:
        header = self.view.horizontalHeader()
        metrics = header.fontMetrics()
        for column in range(self.model.columnCount()):
            text = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            widest = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)
            header.resizeSection(column, max(widest + 18, 56 if self.model.is_session_column(column) else 76))
        held = any(not self.model.is_future_column(c) for c in range(len(self.model.sessions)))
        self.all_present.setEnabled(bool(self.model.people) and held)
        self._update_summary()
        if not self.view.currentIndex().isValid() and self.model.people and self.model.sessions:
            self.view.setCurrentIndex(self.model.index(0, self._first_open_column()))

    def _first_open_column(self) -> int:
        """The first session with someone unmarked (where roll-call usually continues)."""
        held = [c for c in range(len(self.model.sessions)) if not self.model.is_future_column(c)]
        for column in held:
            if any(self.model.mark_at(row, column) is None for row in range(len(self.model.people))):
                return column
        return held[-1] if held else 0

    def _update_summary(self) -> None:
        marked = len(self.model.marks)
        cells = len(self.model.people) * len(self.model.sessions)
        self.summary.setText(
            self.tr("{0} 人 × {1} 个课次，已记 {2}/{3} 格").format(
                len(self.model.people), len(self.model.sessions), marked, cells
            )
        )

    # -- writes -------------------------------------------------------------------------------------
    def store_marks(self, cells: Sequence[tuple[int, int]], mark: AttendanceMark | None) -> None:
        people, sessions = self.model.people, self.model.sessions
        wanted = [(people[r].enrolment_id, sessions[c].id, mark) for r, c in cells]
        self._run(
            lambda: self.context.services(service.mark_attendance, class_id=self.class_id, marks=wanted)
        )

    def mark_column(self, column: int, mark: AttendanceMark, *, overwrite: bool) -> None:
        if not self.model.is_session_column(column):
            return
        session_id = self.model.sessions[column].id
        self._run(
            lambda: self.context.services(
                service.mark_column, session_id=session_id, mark=mark, overwrite=overwrite
            )
        )

    def mark_current_column(self) -> None:
        column = self.view.currentIndex().column()
        if not self.model.is_session_column(column):
            column = self._first_open_column()
        self.mark_column(column, AttendanceMark.PRESENT, overwrite=False)

    def _run(self, work: Callable[[], list[service.MarkChange]]) -> None:
        try:
            changes = work()
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法记考勤"), str(error))
            self.reload()
            return
        self.model.apply(changes)
        self._update_summary()
        if changes:
            self.changed.emit()

    def undo(self) -> None:
        try:
            label = self.context.services(service.undo_last_class_change, class_id=self.class_id)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法撤销"), str(error))
            return
        self.reload()
        if label:
            self.summary.setText(self.tr("已撤销：{0}").format(label))
            self.changed.emit()

    def _header_menu(self, point: QPoint) -> None:
        column = self.view.horizontalHeader().logicalIndexAt(point)
        if not self.model.is_session_column(column):
            return
        if self.model.is_future_column(column):
            self.summary.setText(self.model.future_note(column))
            return
        menu = QMenu(self)
        fill = menu.addAction(self.tr("未记的人记为出勤"))
        fill.triggered.connect(lambda: self.mark_column(column, AttendanceMark.PRESENT, overwrite=False))
        menu.addSeparator()
        for mark in AttendanceMark:
            action = menu.addAction(self.tr("整列记为{0}").format(mark.label))
            action.triggered.connect(lambda _=False, m=mark: self.mark_column(column, m, overwrite=True))
        menu.exec(self.view.horizontalHeader().mapToGlobal(point))

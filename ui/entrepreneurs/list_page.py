"""创业者档案: the list of files — toolbar, query bar, a lazy table, and the recycle bin (回收站)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QModelIndex, QPoint, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.entrepreneur_list import ListQuery, count_entrepreneurs, household_regions
from models.errors import DoorstepError
from models.regions import province_name
from ui.entrepreneurs.list_model import EntrepreneurListModel
from ui.entrepreneurs.query_bar import QueryBar
from ui.style import extension_b_needed, fonts_deferred, icon, register_deferred_fonts
from ui.widgets import dialogs
from ui.widgets.columns import ColumnFitter
from ui.widgets.first_paint import after_first_paint

if TYPE_CHECKING:
    from ui.widgets.empty_state import EmptyState

_FIRST_SCREEN_ROWS = 60
"""More rows than a list shows at once on any screen (30 px each)."""


class EntrepreneurListPage(QFrame):
    """The first screen: it paints without PySide's ``Qt`` namespace (ui/roles.py). Its look is in the
    style sheet, and the stage chips, the sort arrow, the table's keys and its menu follow the first
    paint (:meth:`_after_first_paint`)."""

    status_changed = Signal()
    message = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # a QFrame paints its style sheet background; a QWidget would not
        self.setObjectName("page")
        self.context = context
        self.total = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)

        # -- actions and toolbar, in the order people know: 新增, then 打开, 删除, 回收站
        self.act_new = self._action("mdi6.account-plus-outline", self.tr("新增"), self.new_file)
        # every binding of the platform; setShortcut()'s overloads would build Qt's enums (ui/roles.py)
        self.act_new.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.New))
        self.act_new.setToolTip(self.tr("新建一份创业者档案（Ctrl+N）"))
        self.addAction(self.act_new)
        self.act_open = self._action("mdi6.folder-open-outline", self.tr("打开"), self.open_current)
        self.act_open.setToolTip(self.tr("打开选中的档案（Enter 或双击）"))
        self.act_delete = self._action("mdi6.trash-can-outline", self.tr("删除"), self.delete_current)
        self.act_delete.setToolTip(self.tr("把选中的档案移到回收站（Delete）"))
        self.act_restore = self._action("mdi6.restore", self.tr("恢复"), self.restore_current)
        self.act_restore.setToolTip(self.tr("把选中的档案从回收站恢复"))
        self.act_bin = self._action("mdi6.delete-variant", self.tr("回收站"), self._bin_toggled)
        self.act_bin.setCheckable(True)
        self.act_bin.setToolTip(self.tr("查看已删除的档案，可以恢复"))
        self.act_import = self._action("mdi6.file-import-outline", self.tr("导入"), self.import_ledger)
        self.act_import.setToolTip(self.tr("从 Excel 台账导入档案：先核对列、预览，再写入"))
        self.act_export = self._action("mdi6.file-export-outline", self.tr("导出"), self.export_list)
        self.act_export.setToolTip(self.tr("把当前列表（筛选、排序、列）导出为 Excel"))

        toolbar = QHBoxLayout()
        toolbar.setSpacing(6)
        title = QLabel(self.tr("创业者档案"), self)
        title.setObjectName("pageTitle")
        toolbar.addWidget(title)
        toolbar.addSpacing(16)
        self.buttons: dict[str, QToolButton] = {}
        for name, action in (
            ("new", self.act_new),
            ("import", self.act_import),
            ("export", self.act_export),
            ("open", self.act_open),
            ("delete", self.act_delete),
            ("restore", self.act_restore),
            ("bin", self.act_bin),
        ):
            button = QToolButton(self)
            button.setObjectName("pageAction")  # text beside the icon (ui/style.py)
            button.setDefaultAction(action)
            button.setAutoRaise(False)
            self.buttons[name] = button
            toolbar.addWidget(button)
        toolbar.addStretch(1)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet("font-weight: bold;")
        toolbar.addWidget(self.count_label)
        layout.addLayout(toolbar)

        self.query_bar = QueryBar(self)
        self.query_bar.changed.connect(self.apply_query)
        self.query_bar.search.returnPressed.connect(self.query_bar.flush)
        layout.addWidget(self.query_bar)

        # -- the table, or what an empty list says
        self.model = EntrepreneurListModel(
            context.services, self, home_province=province_name(context.station.region_code) or ""
        )
        self.body = QStackedWidget(self)
        self.table = QTableView(self.body)  # made in its place: moving a widget restyles all of it
        self.table.setObjectName("entrepreneurList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)  # and long text is elided on the right, Qt's default
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._double_clicked)
        header = self.table.horizontalHeader()
        header.setModel(self.model.header_model(header))  # not the list model's headerData (ui/roles.py)
        header.setSectionsClickable(True)
        header.setHighlightSections(False)
        columns = self.model.columns
        self.fitter = ColumnFitter(
            self.table, [c.width for c in columns], [c.minimum for c in columns], [c.grow for c in columns]
        )
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.selectionModel().currentChanged.connect(self._update_actions)
        after_first_paint(self, self._after_first_paint)

        self._empty: EmptyState | None = None  # made when the list is first empty
        self.body.addWidget(self.table)
        layout.addWidget(self.body, 1)
        self._show_bin_actions(False)
        self.apply_query()

    def _after_first_paint(self) -> None:
        """What needs PySide's ``Qt`` values (ui/roles.py), from the second frame on: the stage's chips
        (the first frame shows the stage's word), the sort arrow, the table's Enter and Delete keys, its
        context menu."""
        from ui.widgets.chips import ChipDelegate

        Qt = QtCore.Qt  # noqa: N806 (Qt's own name)
        self.table.setItemDelegateForColumn(self._column("stage"), ChipDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSortIndicator(*self.model.sort_section())
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        for key, target in (
            (QKeySequence(Qt.Key.Key_Return), self.act_open),
            (QKeySequence(Qt.Key.Key_Enter), self.act_open),
            (QKeySequence(QKeySequence.StandardKey.Delete), self.act_delete),
        ):
            shortcut = QAction(self.table)
            shortcut.setShortcut(key)
            shortcut.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.triggered.connect(target.trigger)
            self.table.addAction(shortcut)

    @property
    def empty(self) -> EmptyState:
        if self._empty is None:
            from ui.widgets import empty_state  # its alignments build Qt's enums (ui/roles.py)

            self._empty = empty_state.EmptyState(self)
            self._empty.action_clicked.connect(self._empty_action)
            self.body.addWidget(self._empty)
        return self._empty

    def _action(self, icon_name: str, text: str, slot: object) -> QAction:
        action = QAction(icon(icon_name), text, self)
        action.triggered.connect(slot)
        return action

    def _column(self, key: str) -> int:
        return next(i for i, column in enumerate(self.model.columns) if column.key == key)

    # ------------------------------------------------------------------------------------ page hooks
    def refresh(self) -> None:
        """Called each time the page is shown: files may have changed elsewhere (import, CLI)."""
        self.query_bar.regions_from(lambda: self.context.services(household_regions))
        self.apply_query()

    def status_text(self) -> str:
        if self.in_recycle_bin:
            return self.tr("回收站：{count} 人").format(count=f"{self.model.rowCount():,}")
        filters = self.query_bar.describe()
        if filters:
            return self.tr("已筛选（{filters}）：{shown} 人，共 {total} 人").format(
                filters=filters, shown=f"{self.model.rowCount():,}", total=f"{self.total:,}"
            )
        return self.tr("共 {total} 人").format(total=f"{self.total:,}")

    def save_state(self, settings: QSettings) -> None:
        self.fitter.save(settings, "entrepreneurs")

    def restore_state(self, settings: QSettings) -> None:
        """The columns' widths; the sort arrow is the model's, set after the first paint."""
        self.fitter.restore(settings, "entrepreneurs")

    def focus_search(self) -> None:
        self.query_bar.search.setFocus()
        self.query_bar.search.selectAll()

    # ---------------------------------------------------------------------------------------- query
    @property
    def in_recycle_bin(self) -> bool:
        return self.act_bin.isChecked()

    def apply_query(self) -> None:
        keep = self.current_id()
        try:
            query = ListQuery(
                text=self.query_bar.text,
                key_group=self.query_bar.key_group_value,
                stage=self.query_bar.stage_value,
                region_prefix=self.query_bar.region_prefix,
                recycle_bin=self.in_recycle_bin,
                sort=self.model.query.sort,
                descending=self.model.query.descending,
            )
            self.model.set_query(query)
            self._fonts_for_first_screen()
            # an unfiltered list's length is the total; a filtered one counts it
            self.total = (
                self.context.services(count_entrepreneurs, recycle_bin=query.recycle_bin)
                if query.filtered
                else self.model.rowCount()
            )
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法查询"), str(error))
            return
        if keep:
            self.select_id(keep)
        self._update_view()

    def _fonts_for_first_screen(self) -> None:
        """Start-up registers one font face after the first paint (ui/style.py); a first screen of
        names that needs it gets it before."""
        if not fonts_deferred():
            return
        rows = (self.model.row_data(row) for row in range(min(self.model.rowCount(), _FIRST_SCREEN_ROWS)))
        if extension_b_needed(f"{row.name} {row.ventures}" for row in rows if row is not None):
            register_deferred_fonts()

    def _update_view(self) -> None:
        shown = self.model.rowCount()
        filtered = self.query_bar.filtered
        if self.in_recycle_bin:
            self.count_label.setText(self.tr("回收站：共 {count} 人").format(count=f"{shown:,}"))
        elif filtered:
            self.count_label.setText(
                self.tr("已筛选：{shown} 人（共 {total} 人）").format(
                    shown=f"{shown:,}", total=f"{self.total:,}"
                )
            )
        else:
            self.count_label.setText(self.tr("共 {total} 人").format(total=f"{self.total:,}"))
        if shown:
            self.body.setCurrentWidget(self.table)
        elif self.in_recycle_bin and not filtered:
            self.empty.show_state(
                "mdi6.delete-empty-outline",
                self.tr("回收站是空的"),
                self.tr("删除的档案会放在这里，可以随时恢复。"),
                self.tr("返回档案列表"),
            )
            self.body.setCurrentWidget(self.empty)
        elif filtered:
            self.empty.show_state(
                "mdi6.account-search-outline",
                self.tr("没有找到符合条件的档案"),
                self.tr("请检查搜索的内容，或清除筛选条件后再找。"),
                self.tr("重置筛选"),
            )
            self.body.setCurrentWidget(self.empty)
        else:
            self.empty.show_state(
                "mdi6.card-account-details-outline",
                self.tr("还没有创业者档案"),
                self.tr("点“新增”建立第一份档案，或点“导入”从现有的 Excel 台账批量导入。"),
                self.tr("新增"),
            )
            self.body.setCurrentWidget(self.empty)
        self._update_actions()
        self.status_changed.emit()

    def _empty_action(self) -> None:
        if self.in_recycle_bin and not self.query_bar.filtered:
            self.act_bin.setChecked(False)
            self._bin_toggled()
        elif self.query_bar.filtered:
            self.query_bar.reset()
        else:
            self.new_file()

    def _bin_toggled(self) -> None:
        self._show_bin_actions(self.in_recycle_bin)
        self.apply_query()

    def _show_bin_actions(self, in_bin: bool) -> None:
        """In the recycle bin a file can be opened and restored; outside it, added and deleted."""
        self.act_new.setVisible(not in_bin)
        self.act_delete.setVisible(not in_bin)
        self.act_restore.setVisible(in_bin)
        self.act_bin.setText(self.tr("返回档案列表") if in_bin else self.tr("回收站"))
        for button in self.buttons.values():
            action = button.defaultAction()
            button.setVisible(action is not None and action.isVisible())

    def _sort_changed(self, section: int, order: QtCore.Qt.SortOrder) -> None:
        if self.model.is_sortable(section):
            keep = self.current_id()
            self.model.sort(section, order)
            if keep:
                self.select_id(keep)
            return
        current, current_order = self.model.sort_section()
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(current, current_order)
        header.blockSignals(False)

    # -------------------------------------------------------------------------------------- selection
    def current_id(self) -> str | None:
        """The row the keyboard is on, however it was reached (a click, the arrows, Tab into the table,
        a search): Delete and Enter act on it even when no row is highlighted as selected."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.entrepreneur_id(index.row())

    def current_name(self) -> str:
        index = self.table.currentIndex()
        row = self.model.row_data(index.row()) if index.isValid() else None
        return row.name if row else ""

    def select_id(self, entrepreneur_id: str) -> bool:
        row = self.model.row_of(entrepreneur_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_actions(self, *_args: object) -> None:
        has = self.current_id() is not None
        self.act_open.setEnabled(has)
        self.act_delete.setEnabled(has and not self.in_recycle_bin)
        self.act_restore.setEnabled(has and self.in_recycle_bin)

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_file(self.model.entrepreneur_id(index.row()))

    def _context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if index.isValid():
            self.table.selectRow(index.row())
        from PySide6.QtWidgets import QMenu  # not needed to paint the first screen

        menu = QMenu(self)
        actions = [self.act_open, self.act_restore] if self.in_recycle_bin else [self.act_new, self.act_open]
        for action in actions:
            menu.addAction(action)
        if not self.in_recycle_bin:
            menu.addSeparator()
            menu.addAction(self.act_delete)
        menu.popup(self.table.viewport().mapToGlobal(position))

    # ---------------------------------------------------------------------------------------- actions
    def new_file(self) -> None:
        self._open_dialog(None)

    def import_ledger(self) -> None:
        from ui.ledger import open_import_wizard

        wizard = open_import_wizard(self.window(), self.context)
        wizard.imported.connect(lambda: self.file_changed(""))

    def export_list(self) -> None:
        """The list as shown: its query, and its visible columns in their on-screen order."""
        from ui.ledger import export_list

        header = self.table.horizontalHeader()
        sections = [header.logicalIndex(visual) for visual in range(header.count())]
        keys = [self.model.columns[s].key for s in sections if not header.isSectionHidden(s)]
        export_list(self.window(), self.context, self.model.query, keys, self.model.rowCount())

    def open_current(self) -> None:
        entrepreneur_id = self.current_id()
        if entrepreneur_id:
            self.open_file(entrepreneur_id)

    def open_file(self, entrepreneur_id: str) -> None:
        self._open_dialog(entrepreneur_id)

    def _open_dialog(self, entrepreneur_id: str | None) -> None:
        from ui.entrepreneurs.file_dialog import open_file

        open_file(self.context, self.window(), entrepreneur_id, on_changed=self.file_changed)

    def file_changed(self, entrepreneur_id: str) -> None:
        """A file was saved, undone or restored from its dialog: show the list as it is now."""
        self.query_bar.regions_from(lambda: self.context.services(household_regions))
        self.apply_query()
        self.select_id(entrepreneur_id)

    def delete_current(self) -> None:
        entrepreneur_id = self.current_id()
        if not entrepreneur_id or self.in_recycle_bin:
            return
        from desktop.services import entrepreneurs as service

        try:  # the question names what goes with the file (its ventures, assignments, enrolments …)
            preview = self.context.services(service.deletion_preview, entrepreneur_id=entrepreneur_id)
            question = preview.question
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法删除"), str(error))
            return
        if not dialogs.ask(self, self.tr("删除档案"), question, self.tr("删除"), self.tr("取消")):
            return

        row = self.table.currentIndex().row()
        try:
            deleted = self.context.services(service.delete_entrepreneur, entrepreneur_id=entrepreneur_id)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法删除"), str(error))
            return
        self.apply_query()
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))
        self.message.emit(self.tr("已删除 {name} 的档案，可在回收站恢复").format(name=deleted))

    def restore_current(self) -> None:
        entrepreneur_id = self.current_id()
        if not entrepreneur_id or not self.in_recycle_bin:
            return
        from desktop.services import entrepreneurs as service

        try:
            restored = self.context.services(service.restore_entrepreneur, entrepreneur_id=entrepreneur_id)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法恢复"), str(error))
            return
        self.apply_query()
        self.message.emit(self.tr("已恢复 {name} 的档案").format(name=restored))

"""The global search (Ctrl+K): finds a person by name, pinyin initials, ID tail or phone from any page.

The list of people found is a child of the main window laid over the page under the search box, so the
box keeps the keyboard: ↑/↓ choose, Enter opens, Esc closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QListView, QWidget

from desktop.services.entrepreneur_list import EntrepreneurRow, ListQuery, fetch_rows, search_ids
from desktop.services.gate import Services
from models.errors import DoorstepError
from ui.entrepreneurs.list_model import ID_ROLE
from ui.overrides import override
from ui.roles import DISPLAY_ROLE, TOOLTIP_ROLE, USER_ROLE

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

RESULT_LIMIT = 8
DEBOUNCE_MS = 120
SHOW_ALL_ROLE = USER_ROLE + 2

_Index = QModelIndex | QPersistentModelIndex


class SearchResultsModel(QAbstractListModel):
    """A few people found, then one line offering all of them in the list."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[EntrepreneurRow] = []
        self.total = 0
        self.text = ""

    def set_results(self, text: str, rows: list[EntrepreneurRow], total: int) -> None:
        self.beginResetModel()
        self.text = text
        self.rows = rows
        self.total = total
        self.endResetModel()

    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or not self.text:
            return 0
        return len(self.rows) + 1

    @override
    def flags(self, index: _Index) -> Qt.ItemFlag:
        flag = QtCore.Qt.ItemFlag  # asked only once there are results, long after the first paint
        if not index.isValid():
            return flag.NoItemFlags
        if index.row() == len(self.rows) and not self.total:
            return flag.ItemNeverHasChildren
        return flag.ItemIsEnabled | flag.ItemIsSelectable | flag.ItemNeverHasChildren

    @override
    def data(self, index: _Index, role: int = DISPLAY_ROLE) -> object:
        if not index.isValid() or index.row() > len(self.rows):
            return None
        if index.row() == len(self.rows):
            if role == SHOW_ALL_ROLE:
                return bool(self.total)
            if role == DISPLAY_ROLE:
                if not self.total:
                    return self.tr("没有找到“{text}”").format(text=self.text)
                return self.tr("在创业者档案中查看全部 {count} 人 →").format(count=f"{self.total:,}")
            return None
        row = self.rows[index.row()]
        if role == ID_ROLE:
            return row.id
        if role == DISPLAY_ROLE:
            parts = [row.name, row.id_number_masked, row.phone_masked, row.region, row.case_number]
            return "　".join(part for part in parts if part)
        if role == TOOLTIP_ROLE:
            return row.ventures or None
        return None


class GlobalSearch(QObject):
    open_requested = Signal(str)
    show_all_requested = Signal(str)

    def __init__(self, services: Services, line_edit: QLineEdit, host: QWidget) -> None:
        super().__init__(host)
        self.services = services
        self.line_edit = line_edit
        self.model = SearchResultsModel(self)
        self._popup: QListView | None = None  # made for the first search (ui/roles.py)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search)
        line_edit.textChanged.connect(self._timer.start)
        line_edit.installEventFilter(self)

    @property
    def popup(self) -> QListView:
        if self._popup is None:
            host = self.parent()  # not kept in an attribute: no reference cycle with the window
            popup = QListView(host if isinstance(host, QWidget) else None)
            popup.setObjectName("searchPopup")
            popup.setModel(self.model)
            popup.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
            popup.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            popup.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            popup.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            popup.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            popup.setUniformItemSizes(True)
            popup.clicked.connect(self._choose)
            popup.hide()
            self._popup = popup
        return self._popup

    def search(self) -> None:
        self._timer.stop()
        text = self.line_edit.text().strip()
        if not text:
            self.model.set_results("", [], 0)
            self.hide()
            return
        try:
            ids = self.services(search_ids, ListQuery(text=text))
            rows = self.services(fetch_rows, ids[:RESULT_LIMIT])
        except DoorstepError:
            ids, rows = [], []
        self.model.set_results(text, rows, len(ids))
        self._place()
        self.popup.setCurrentIndex(self.model.index(0, 0) if rows else QModelIndex())
        self.popup.show()
        self.popup.raise_()

    def _place(self) -> None:
        host = self.popup.parentWidget()  # not kept in an attribute: no reference cycle with the window
        if host is None:
            return
        origin = self.line_edit.mapTo(host, QPoint(0, self.line_edit.height() + 2))
        width = max(self.line_edit.width(), 460)
        left = min(origin.x(), host.width() - width - 4)
        row_height = self.popup.sizeHintForRow(0) if self.model.rowCount() else 28
        height = row_height * self.model.rowCount() + 2 * self.popup.frameWidth() + 2
        self.popup.setGeometry(max(left, 0), origin.y(), width, height)

    def hide(self) -> None:
        if self._popup is not None:
            self._popup.hide()

    def _choose(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        entrepreneur_id = index.data(ID_ROLE)
        if entrepreneur_id:
            self.popup.hide()
            self.open_requested.emit(str(entrepreneur_id))
        elif index.data(SHOW_ALL_ROLE):
            self.popup.hide()
            self.show_all_requested.emit(self.model.text)

    def _move(self, step: int) -> None:
        count = self.model.rowCount()
        if not count:
            return
        row = self.popup.currentIndex().row() if self.popup.currentIndex().isValid() else -1
        row = (row + step) % count
        if not self.model.flags(self.model.index(row, 0)) & QtCore.Qt.ItemFlag.ItemIsSelectable:
            return
        self.popup.setCurrentIndex(self.model.index(row, 0))

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # While the window is being torn down, Python may already have cleared this object's state.
        if watched is not getattr(self, "line_edit", None):
            return False
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, keys = event.key(), QtCore.Qt.Key
            if key in (keys.Key_Down, keys.Key_Up):
                if not self.popup.isVisible():
                    self.search()
                self._move(1 if key == keys.Key_Down else -1)
                return True
            if key in (keys.Key_Return, keys.Key_Enter):
                if self._timer.isActive() or not self.popup.isVisible():
                    self.search()
                self._choose(self.popup.currentIndex())
                return True
            if key == keys.Key_Escape and self.popup.isVisible():
                self.popup.hide()
                return True
        elif event.type() == QEvent.Type.FocusOut:
            self.hide()
        elif event.type() == QEvent.Type.FocusIn and self.line_edit.text().strip():
            self._timer.start()
        return False

"""The entrepreneur list as an item model that holds ids, not people (STYLE.md 10).

``list_ids`` gives the ids in display order; rows are fetched a page at a time with ``fetch_rows``
when the view first asks for them and kept in a small least-recently-used cache, so 100,000 files cost
100,000 short strings, not 100,000 objects — and the unfiltered list not even those until something
needs them all (``ListIds``: a count, then a page of ids at a time).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from PySide6 import QtCore
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex
from PySide6.QtGui import QStandardItem, QStandardItemModel

from desktop.services.entrepreneur_list import EntrepreneurRow, ListQuery, data_stamp, fetch_rows, list_ids
from desktop.services.gate import Services
from ui.overrides import override
from ui.roles import (
    ALIGN_CENTER,
    ALIGN_LEFT_MIDDLE,
    DISPLAY_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TONE_ROLE,
    TOOLTIP_ROLE,
    USER_ROLE,
)
from ui.style import stage_tone
from ui.widgets.page_cache import PageCache

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

ID_ROLE = USER_ROLE + 1
"""The entrepreneur id of a row."""

_Index = QModelIndex | QPersistentModelIndex


class ListColumn(NamedTuple):
    key: str
    title: str
    sort: str | None = None  # a key of SORT_COLUMNS in the service
    width: int = 100  # natural width
    minimum: int = 40  # never narrower when the window is narrow
    grow: float = 0.0  # share of spare width when the window is wide
    inverted: bool = False  # 年龄 sorts by birth date the other way round


class EntrepreneurListModel(QAbstractTableModel):
    def __init__(
        self,
        services: Services,
        parent: QObject | None = None,
        *,
        page_size: int = 100,  # more rows than a screen shows: one read paints it
        cached_pages: int = 40,
        home_province: str = "",
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.home_province = home_province  # left out of 户籍地 (the tooltip has the full name)
        self.pages = PageCache(lambda ids: services(fetch_rows, ids), page_size=page_size, pages=cached_pages)
        self.columns: list[ListColumn] = [
            ListColumn("case_number", self.tr("档案号"), "case_number", 164, 156),
            ListColumn("name", self.tr("姓名"), "name", 76, 58),
            ListColumn("sex", self.tr("性别"), None, 44, 40),
            ListColumn("age", self.tr("年龄"), "birth_date", 48, 42, inverted=True),
            ListColumn("id_number", self.tr("身份证号"), None, 152, 146),
            ListColumn("phone", self.tr("联系电话"), None, 104, 98),
            ListColumn("key_groups", self.tr("重点群体"), None, 128, 64, grow=1.0),
            ListColumn("stage", self.tr("阶段"), "current_stage", 80, 64),
            ListColumn("region", self.tr("户籍地"), "household_region", 128, 84, grow=0.3),
            ListColumn("ventures", self.tr("创业项目"), None, 150, 64, grow=2.0),
            ListColumn("created_on", self.tr("建档日期"), "created_at", 96, 90),
        ]
        self._query = ListQuery()
        self._stamp: int | None = None
        self._ids: Sequence[str] = []

    # ------------------------------------------------------------------------------------------ query
    @property
    def query(self) -> ListQuery:
        return self._query

    def set_query(self, query: ListQuery) -> None:
        """Run the query and show its result (one scan; rows are fetched later, as they are shown).

        Showing the page again with the same query and no change to any file since keeps the result."""
        stamp = self.services(data_stamp)
        if query == self._query and stamp == self._stamp:
            return
        ids = self.services(list_ids, query)
        self._stamp = stamp
        self.beginResetModel()
        self._query = query
        self._ids = ids
        self.pages.clear()
        self.endResetModel()

    def refresh(self) -> None:
        self.set_query(self._query)

    def sort_section(self) -> tuple[int, Qt.SortOrder]:
        """Which header shows the sort indicator for the current query, and which way."""
        orders = QtCore.Qt.SortOrder  # not before the first paint (ui/roles.py)
        for section, column in enumerate(self.columns):
            if column.sort == self._query.sort:
                descending = self._query.descending != column.inverted
                return section, orders.DescendingOrder if descending else orders.AscendingOrder
        return -1, orders.AscendingOrder

    def is_sortable(self, section: int) -> bool:
        return 0 <= section < len(self.columns) and self.columns[section].sort is not None

    @override
    def sort(self, column: int, order: Qt.SortOrder | None = None) -> None:  # None: ascending, as Qt's
        if not self.is_sortable(column):
            return
        spec = self.columns[column]
        descending = (order == QtCore.Qt.SortOrder.DescendingOrder) != spec.inverted
        assert spec.sort is not None
        query = self._query._replace(sort=spec.sort, descending=descending)
        ids = self.services(list_ids, query)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        position = {entrepreneur_id: row for row, entrepreneur_id in enumerate(ids)}
        moved = [
            self.index(position[self._ids[i.row()]], i.column())
            if i.row() < len(self._ids) and self._ids[i.row()] in position
            else QModelIndex()
            for i in old
        ]
        self._query = query
        self._ids = ids
        self.pages.clear()
        self.changePersistentIndexList(old, moved)
        self.layoutChanged.emit()

    # ------------------------------------------------------------------------------------------- rows
    def entrepreneur_id(self, row: int) -> str:
        """From the row's page when it is held (the selection is always on screen), not a walk of the
        sort index to that position."""
        data = self.row_data(row)
        return data.id if data is not None else self._ids[row]

    def row_of(self, entrepreneur_id: str) -> int:
        try:
            return self._ids.index(entrepreneur_id)
        except ValueError:
            return -1

    def row_data(self, row: int) -> EntrepreneurRow | None:
        return self.pages.row(self._ids, row)

    # ---------------------------------------------------------------------------------- model interface
    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._ids)

    @override
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def header_model(self, parent: QObject) -> QStandardItemModel:
        """The horizontal header's titles, alignment and tooltips, in a model that is Qt's own: this
        model has no ``headerData``, because Qt would hand it a ``Qt.Orientation`` (ui/roles.py)."""
        model = QStandardItemModel(0, len(self.columns), parent)
        for section, column in enumerate(self.columns):
            item = QStandardItem(column.title)
            item.setData(ALIGN_LEFT_MIDDLE, TEXT_ALIGNMENT_ROLE)
            if column.sort is not None:
                item.setToolTip(self.tr("点击按此列排序"))
            model.setHorizontalHeaderItem(section, item)
        return model

    # flags() is QAbstractTableModel's own: enabled, selectable, never has children

    @override
    def data(self, index: _Index, role: int = DISPLAY_ROLE) -> object:
        # The view asks for about eight roles per cell on every paint: answer the ones not used first.
        if role not in _ANSWERED or not index.isValid():
            return None
        row_number = index.row()
        if row_number >= len(self._ids):
            return None
        if role == ID_ROLE:
            return self.entrepreneur_id(row_number)
        key = self.columns[index.column()].key
        if role == TEXT_ALIGNMENT_ROLE:
            return ALIGN_CENTER if key in ("sex", "age") else ALIGN_LEFT_MIDDLE
        row = self.row_data(row_number)
        if row is None:
            return None
        if role == TONE_ROLE:
            return stage_tone(row.stage).name if key == "stage" and row.stage is not None else None
        text = _cell_text(row, key)
        if role == TOOLTIP_ROLE:
            return text if key in ("key_groups", "region", "ventures") and text else None
        if key == "region" and self.home_province and text.startswith(self.home_province):
            return text[len(self.home_province) :] or text
        return text


_ANSWERED = frozenset({DISPLAY_ROLE, TOOLTIP_ROLE, TEXT_ALIGNMENT_ROLE, TONE_ROLE, ID_ROLE})


def _cell_text(row: EntrepreneurRow, key: str) -> str:
    if key == "id_number":
        return row.id_number_masked
    if key == "phone":
        return row.phone_masked
    if key == "age":
        return str(row.age)
    if key == "stage":
        return row.stage.label if row.stage is not None else ""
    if key == "created_on":
        return row.created_on.isoformat()
    value = getattr(row, key)
    return str(value) if value is not None else ""

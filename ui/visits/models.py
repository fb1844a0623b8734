"""Item models of the visits area: the visit list (ids from a query, rows fetched a page at a time), the
mentor pool and the key project pool (small enough to hold whole)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.services.gate import Services
from desktop.services.visits.mentors import MentorView
from desktop.services.visits.queries import VisitQuery, VisitRow, fetch_visit_rows, visit_ids
from desktop.services.visits.tracking import KeyProjectRow
from models.visits import TrackingState
from ui.overrides import override
from ui.style import Tone
from ui.widgets.rows_model import ColumnSpec, RowsModel

ID_ROLE = Qt.ItemDataRole.UserRole + 1
PERSON_ROLE = Qt.ItemDataRole.UserRole + 3
_Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")

TRACKING_TONES = {
    TrackingState.OVERDUE: Tone.RED,
    TrackingState.DUE_SOON: Tone.AMBER,
    TrackingState.ON_TRACK: Tone.GREEN,
    TrackingState.PERIOD_ENDED: Tone.AMBER,
    TrackingState.LEFT: Tone.GREY,
}


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _column(title: str, text: Callable[[T], str], width: int = 100) -> ColumnSpec[T]:
    """A column whose long texts (problems, advice, reasons) show whole as a tooltip."""
    return ColumnSpec(title, width, text, tip=lambda row: _long(text(row)))


def _long(text: str) -> str:
    return text if len(text) > 12 else ""


class VisitListModel(QAbstractTableModel):
    """Visits in display order; a page of rows is fetched when the view first shows it (STYLE.md 10)."""

    def __init__(self, services: Services, parent: QObject | None = None, *, page_size: int = 200) -> None:
        super().__init__(parent)
        self.services = services
        self.page_size = page_size
        self.query = VisitQuery()
        self.ids: list[str] = []
        self._pages: OrderedDict[int, dict[str, VisitRow]] = OrderedDict()
        self.columns: list[ColumnSpec[VisitRow]] = [
            _column(self.tr("走访日期"), lambda r: _day(r.visit_date), 96),
            _column(self.tr("创业者"), lambda r: r.entrepreneur_name, 80),
            _column(self.tr("档案号"), lambda r: r.case_number, 164),
            _column(self.tr("导师"), lambda r: r.mentor_name, 72),
            _column(self.tr("方式"), lambda r: r.mode.label, 80),
            _column(self.tr("走访内容"), lambda r: r.topics, 120),
            _column(self.tr("发现的问题"), lambda r: r.problems.replace("\n", " "), 220),
            _column(self.tr("指导建议"), lambda r: r.advice.replace("\n", " "), 240),
            _column(self.tr("下次走访"), lambda r: _day(r.next_visit_date), 96),
        ]

    def set_query(self, query: VisitQuery) -> None:
        self.beginResetModel()
        self.query = query
        self.ids = self.services(visit_ids, query=query)
        self._pages.clear()
        self.endResetModel()

    def reload(self) -> None:
        self.set_query(self.query)

    def row_at(self, row: int) -> VisitRow | None:
        if not 0 <= row < len(self.ids):
            return None
        page = row // self.page_size
        if page not in self._pages:
            ids = self.ids[page * self.page_size : (page + 1) * self.page_size]
            self._pages[page] = {r.id: r for r in self.services(fetch_visit_rows, ids=ids)}
            if len(self._pages) > 50:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return self._pages[page].get(self.ids[row])

    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    @override
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == ID_ROLE:
            return self.ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, PERSON_ROLE):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == PERSON_ROLE:
            return row.entrepreneur_id
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (column.tip(row) if column.tip is not None else "") or None
        return column.text(row)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    @override
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class MentorModel(RowsModel[MentorView]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([], parent)
        self.columns = [
            _column(self.tr("姓名"), lambda m: m.name, 72),
            _column(self.tr("类别"), lambda m: m.kind_label, 150),
            _column(self.tr("擅长领域"), lambda m: m.expertise_label, 140),
            _column(self.tr("工作单位"), lambda m: m.organisation, 180),
            _column(self.tr("联系电话"), lambda m: m.phone, 110),
            _column(self.tr("联系创业者"), lambda m: f"{m.assigned:,} 人", 90),
            ColumnSpec(
                self.tr("状态"),
                80,
                lambda m: self.tr("在库") if m.active else self.tr("已停用"),
                tone=lambda m: Tone.GREEN if m.active else Tone.GREY,
            ),
        ]


class PoolModel(RowsModel[KeyProjectRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([], parent)
        self.columns = [
            ColumnSpec(self.tr("状态"), 92, lambda p: p.state.label, tone=lambda p: TRACKING_TONES[p.state]),
            _column(self.tr("创业项目"), lambda p: p.venture_name, 150),
            _column(self.tr("创业者"), lambda p: p.entrepreneur_name, 72),
            _column(self.tr("联系导师"), lambda p: p.mentor_name, 72),
            _column(self.tr("走访频次"), lambda p: p.cadence, 100),
            _column(self.tr("上次走访"), lambda p: _day(p.last_visit_date), 96),
            _column(self.tr("下次应访"), lambda p: _day(p.next_due), 96),
            _column(self.tr("入库日期"), lambda p: _day(p.entered_on), 96),
            _column(self.tr("陪跑期至"), lambda p: _day(p.planned_end), 96),
            _column(self.tr("入库理由"), lambda p: p.reason, 200),
            _column(self.tr("出库结果"), lambda p: p.outcome.label if p.outcome else "", 110),
        ]

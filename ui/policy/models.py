"""Item models of the 政策与补贴 pages: the applications list (ids, rows fetched a page at a time) and the
colours of statuses and answers (always shown with their word)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.services.applications import (
    ApplicationQuery,
    ApplicationRow,
    fetch_application_rows,
    search_application_ids,
)
from desktop.services.gate import Services
from models.applications import ApplicationStatus
from models.money import format_yuan
from models.policy import Eligibility, ItemCode, Outcome
from ui.overrides import override
from ui.roles import TONE_ROLE
from ui.style import Tone
from ui.widgets.page_cache import PageCache

ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""The application id of a row."""

STATUS_TONES: dict[ApplicationStatus, Tone] = {
    ApplicationStatus.DRAFT: Tone.GREY,
    ApplicationStatus.SUBMITTED: Tone.ACCENT,
    ApplicationStatus.REVIEWING: Tone.ACCENT,
    ApplicationStatus.APPROVED: Tone.AMBER,  # 待发放
    ApplicationStatus.RETURNED: Tone.RED,
    ApplicationStatus.DISBURSED: Tone.GREEN,
}
ELIGIBILITY_TONES: dict[Eligibility, Tone] = {
    Eligibility.ELIGIBLE: Tone.GREEN,
    Eligibility.MISSING_DATA: Tone.AMBER,
    Eligibility.NOT_ELIGIBLE: Tone.GREY,
}
OUTCOME_MARKS: dict[Outcome, str] = {Outcome.HELD: "✔", Outcome.FAILED: "✘", Outcome.MISSING: "？"}
OUTCOME_TONES: dict[Outcome, Tone] = {
    Outcome.HELD: Tone.GREEN,
    Outcome.FAILED: Tone.RED,
    Outcome.MISSING: Tone.AMBER,
}

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int


class ApplicationListModel(QAbstractTableModel):
    """Applications in display order; holds ids and a small cache of fetched rows (STYLE.md 10)."""

    def __init__(self, services: Services, parent: QObject | None = None, *, page_size: int = 200) -> None:
        super().__init__(parent)
        self.services = services
        self.pages = PageCache(
            lambda ids: services(fetch_application_rows, ids=ids), page_size=page_size, pages=20
        )
        self.columns = [
            Column("number", self.tr("申请编号"), 196),
            Column("name", self.tr("姓名"), 70),
            Column("id_number", self.tr("身份证号"), 148),
            Column("item", self.tr("政策项目"), 156),
            Column("venture", self.tr("创业主体"), 130),
            Column("amount", self.tr("金额"), 104),
            Column("status", self.tr("状态"), 78),
            Column("status_on", self.tr("办理日期"), 94),
            Column("applied_on", self.tr("申请日期"), 94),
            Column("status_by", self.tr("经办人"), 96),
        ]
        self.query = ApplicationQuery()
        self._ids: list[str] = []

    def set_query(self, query: ApplicationQuery) -> None:
        ids = self.services(search_application_ids, query=query)
        self.beginResetModel()
        self.query = query
        self._ids = ids
        self.pages.clear()
        self.endResetModel()

    def refresh(self) -> None:
        self.set_query(self.query)

    def application_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, application_id: str) -> int:
        try:
            return self._ids.index(application_id)
        except ValueError:
            return -1

    def row_data(self, row: int) -> ApplicationRow | None:
        return self.pages.row(self._ids, row)

    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._ids)

    @override
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        horizontal = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        if horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    @override
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._ids) or index.column() >= len(self.columns):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key == "amount":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, TONE_ROLE):
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        if role == TONE_ROLE:
            return STATUS_TONES[row.status].name if key == "status" else None
        text = cell_text(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if key in ("item", "venture") and text else None
        return text


def cell_text(row: ApplicationRow, key: str) -> str:
    values = {
        "number": row.number,
        "name": row.name,
        "id_number": row.id_number_masked,
        "item": row.item_name,
        "venture": row.venture_name,
        "amount": "免费" if row.item_code is ItemCode.INCUBATOR_SPACE else format_yuan(row.amount_fen),
        "status": row.status.label,
        "status_on": row.status_on.isoformat(),
        "applied_on": row.applied_on.isoformat(),
        "status_by": row.status_by,
    }
    return values[key]

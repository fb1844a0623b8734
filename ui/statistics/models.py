"""The 月报 figures as a table model: 指标, 单位, 合计 and one column per key group; a cell that differs
from what was reported (a frozen month) is amber and says both numbers."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from reports.monthly_report import GROUP_COLUMNS, FigureRow, MonthlyReport, format_value
from ui.overrides import override
from ui.statistics.charts import SHORT_GROUP_LABELS
from ui.style import Tone

_Index = QModelIndex | QPersistentModelIndex
FIRST_VALUE_COLUMN = 3


class FiguresModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.titles = [
            self.tr("板块"),
            self.tr("指标"),
            self.tr("单位"),
            self.tr("合计"),
            *SHORT_GROUP_LABELS,
        ]
        self.full_titles = [*self.titles[:3], *(label for _key, label in GROUP_COLUMNS)]
        self._rows: tuple[FigureRow, ...] = ()
        self._changed: dict[tuple[str, str], int | None] = {}

    def set_report(self, report: MonthlyReport | None) -> None:
        self.beginResetModel()
        self._rows = report.rows if report is not None else ()
        self._changed = (
            {(d.key, d.column): d.reported for d in report.differences} if report is not None else {}
        )
        self.endResetModel()

    def figure(self, row: int) -> FigureRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    @override
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.titles)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.titles):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.titles[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.full_titles[section]
        return None

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        figure = self.figure(index.row())
        if figure is None:
            return None
        column = index.column()
        value_index = column - FIRST_VALUE_COLUMN
        group_label = GROUP_COLUMNS[value_index][1] if 0 <= value_index < len(GROUP_COLUMNS) else ""
        changed = (figure.key, group_label) in self._changed
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:  # the section once, on its first row
                previous = self.figure(index.row() - 1)
                return figure.section if previous is None or previous.section != figure.section else ""
            if column == 1:
                return figure.label
            if column == 2:
                return figure.unit
            if 0 <= value_index < len(figure.values):
                if value_index and not figure.split:
                    return "—"
                return format_value(figure.values[value_index], figure.kind)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= FIRST_VALUE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and changed:
            return Tone.AMBER.background
        if role == Qt.ItemDataRole.ToolTipRole:
            if changed:
                reported = self._changed[(figure.key, group_label)]
                return self.tr("报送数 {0}，现在 {1}：报送后修改了旧记录").format(
                    format_value(reported, figure.kind), format_value(figure.values[value_index], figure.kind)
                )
            if column == 1:
                return figure.definition or None
            return None
        if role == Qt.ItemDataRole.FontRole and column == FIRST_VALUE_COLUMN:
            font = QFont()
            font.setBold(True)
            return font
        return None

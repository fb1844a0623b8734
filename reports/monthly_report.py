"""The monthly report (月报) as a fixed, printable workbook (DOMAIN.md "What stations report").

One sheet of figures — per key group and in total, in sections — laid out for A4 landscape with the
header row repeated on every page, "第 x 页，共 y 页" and signature lines; a sheet with the definition of
every figure (which date counts, what is "new", how jobs are attributed); and, for a month that was
frozen (报送), the figures as they were sent with a sheet listing what has changed since.

The figures themselves are computed in ``desktop.services.monthly``; this module only lays them
out, so the report can be written from current figures or from a snapshot alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.base import to_china
from models.enums import KeyGroup

TOTAL = "total"
GROUP_COLUMNS: tuple[tuple[str, str], ...] = ((TOTAL, "合计"), *((g.value, g.label) for g in KeyGroup))
"""The report's value columns: 合计, then one per key group (a person counts in each group they are in)."""

COUNT, MONEY, PERCENT = "count", "money", "percent"


@dataclass(frozen=True)
class FigureRow:
    """One line of the report. ``values`` follow :data:`GROUP_COLUMNS`; money is in fen, a percentage in
    hundredths of a percent (8571 = 85.71 %), so a snapshot holds only integers."""

    section: str
    key: str  # stable across versions: snapshots are compared by it
    label: str
    unit: str
    values: tuple[int, ...]
    kind: str = COUNT
    definition: str = ""
    split: bool = True  # False for figures that are not about people (classes held): 合计 only

    @property
    def total(self) -> int:
        return self.values[0]

    def value(self, column: str) -> int:
        return self.values[[key for key, _label in GROUP_COLUMNS].index(column)]

    def to_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "values": list(self.values),
            "kind": self.kind,
            "split": self.split,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> FigureRow:
        values = [int(v) for v in data.get("values", [])]
        values += [0] * (len(GROUP_COLUMNS) - len(values))
        return FigureRow(
            section=str(data.get("section", "")),
            key=str(data.get("key", "")),
            label=str(data.get("label", "")),
            unit=str(data.get("unit", "")),
            values=tuple(values[: len(GROUP_COLUMNS)]),
            kind=str(data.get("kind", COUNT)),
            split=bool(data.get("split", True)),
        )


@dataclass(frozen=True)
class FigureDifference:
    """A figure that is not what was reported: an old record was edited after the month was frozen."""

    key: str
    section: str
    label: str
    column: str  # a GROUP_COLUMNS label
    reported: int | None  # None: the figure did not exist in the snapshot
    current: int | None  # None: the figure no longer exists
    kind: str = COUNT


@dataclass(frozen=True)
class Snapshot:
    frozen_at: datetime
    frozen_by: str
    rows: tuple[FigureRow, ...]
    note: str = ""


@dataclass(frozen=True)
class MonthlyReport:
    station_code: str
    station_name: str
    month: date  # the first day
    rows: tuple[FigureRow, ...]  # as the records say now
    snapshot: Snapshot | None = None
    differences: tuple[FigureDifference, ...] = field(default=())

    @property
    def frozen(self) -> bool:
        return self.snapshot is not None

    @property
    def reported_rows(self) -> tuple[FigureRow, ...]:
        """What the printed report shows: the figures as sent once frozen, else the current ones."""
        return self.snapshot.rows if self.snapshot is not None else self.rows

    def row(self, key: str) -> FigureRow | None:
        return next((row for row in self.rows if row.key == key), None)


def compare(reported: Sequence[FigureRow], current: Sequence[FigureRow]) -> tuple[FigureDifference, ...]:
    """Every cell where the current figures differ from the reported ones (also figures added/gone)."""
    before = {row.key: row for row in reported}
    after = {row.key: row for row in current}
    found: list[FigureDifference] = []
    for key in list(before) + [k for k in after if k not in before]:
        old, new = before.get(key), after.get(key)
        base = new or old
        assert base is not None
        for index, (_column, label) in enumerate(GROUP_COLUMNS):
            if index and not base.split:
                continue
            was = old.values[index] if old is not None else None
            now = new.values[index] if new is not None else None
            if was != now and not (was in (None, 0) and now in (None, 0)):
                found.append(FigureDifference(key, base.section, base.label, label, was, now, base.kind))
    return tuple(found)


def format_value(value: int | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == MONEY:
        return f"¥{Decimal(value) / 100:,.2f}"
    if kind == PERCENT:
        return f"{value / 100:.1f}%"
    return f"{value:,}"


def month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


# ------------------------------------------------------------------------------------------ the workbook
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
CHANGED_FILL = PatternFill("solid", fgColor="FFE699")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _text(sheet: Worksheet, row: int, column: int, value: str, **style: Any) -> Any:
    """A text cell that can never become a formula, whatever the data (station names come from data)."""
    cell = sheet.cell(row=row, column=column, value=value)
    cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _number(sheet: Worksheet, row: int, column: int, value: int | None, kind: str) -> Any:
    if value is None:
        return _text(sheet, row, column, "—", alignment=CENTER, border=BOX)
    if kind == MONEY:
        cell = sheet.cell(row=row, column=column, value=Decimal(value) / 100)
        cell.number_format = "#,##0.00"
    elif kind == PERCENT:
        cell = sheet.cell(row=row, column=column, value=Decimal(value) / 10000)
        cell.number_format = "0.0%"
    else:
        cell = sheet.cell(row=row, column=column, value=value)
        cell.number_format = "#,##0"
    cell.border = BOX
    cell.alignment = Alignment(horizontal="right", vertical="center")
    return cell


def write_monthly_report(path: Path, report: MonthlyReport, *, definitions: Sequence[FigureRow] = ()) -> int:
    """Write the 月报 workbook; returns the number of figure rows. Written to a temporary name first."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "月报"
    rows = _write_figures(sheet, report)
    _write_definitions(workbook.create_sheet("指标说明"), definitions or report.rows)
    if report.snapshot is not None:
        _write_differences(workbook.create_sheet("与报送数的差异"), report)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    try:
        workbook.save(temporary)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return rows


def _write_figures(sheet: Worksheet, report: MonthlyReport) -> int:
    width = 3 + len(GROUP_COLUMNS)
    last = get_column_letter(width)
    _text(sheet, 1, 1, f"{report.station_name} 创业服务月报", font=Font(bold=True, size=16), alignment=CENTER)
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 30
    month = report.month
    end = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    last_day = date.fromordinal(end.toordinal() - 1)
    period = f"报告期：{month_label(month)}（{month.isoformat()} 至 {last_day.isoformat()}）"
    if report.snapshot is not None:
        moment = to_china(report.snapshot.frozen_at)
        state = f"已冻结报送：{moment:%Y-%m-%d %H:%M}，{report.snapshot.frozen_by}"
        if report.differences:
            state += f"；报送后有 {len(report.differences)} 处数据变化，见“与报送数的差异”"
    else:
        state = "未冻结：数字会随档案的录入和修改而变化"
    _text(
        sheet,
        2,
        1,
        f"{period}    服务站编码：{report.station_code}    {state}",
        alignment=Alignment(wrap_text=True),
    )
    sheet.merge_cells(f"A2:{last}2")
    sheet.row_dimensions[2].height = 30
    header_row = 4
    for column, title in enumerate(
        ("序号", "指标", "单位", *(label for _k, label in GROUP_COLUMNS)), start=1
    ):
        _text(
            sheet,
            header_row,
            column,
            title,
            font=Font(bold=True),
            fill=HEAD_FILL,
            alignment=CENTER,
            border=BOX,
        )
    sheet.row_dimensions[header_row].height = 32
    row_number = header_row
    section = None
    serial = 0
    for figure in report.reported_rows:
        if figure.section != section:
            section = figure.section
            row_number += 1
            _text(sheet, row_number, 1, section, font=Font(bold=True), fill=SECTION_FILL, border=BOX)
            sheet.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=width)
        row_number += 1
        serial += 1
        sheet.cell(row=row_number, column=1, value=serial).border = BOX
        sheet.cell(row=row_number, column=1).alignment = CENTER
        _text(
            sheet,
            row_number,
            2,
            figure.label,
            border=BOX,
            alignment=Alignment(vertical="center", wrap_text=True),
        )
        _text(sheet, row_number, 3, figure.unit, border=BOX, alignment=CENTER)
        for index, value in enumerate(figure.values):
            _number(sheet, row_number, 4 + index, value if index == 0 or figure.split else None, figure.kind)
    row_number += 2
    notes = (
        "说明：一人同时属于多个重点群体时，在各群体中分别计数，所以各群体之和可以大于“合计”。"
        "各项指标的口径见“指标说明”工作表。"
    )
    _text(sheet, row_number, 1, notes, alignment=Alignment(wrap_text=True, vertical="top"))
    sheet.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=width)
    sheet.row_dimensions[row_number].height = 30
    row_number += 2
    _text(
        sheet,
        row_number,
        1,
        "填报人：__________    审核人：__________    报送日期：____年__月__日    （盖章）",
    )
    sheet.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=width)
    widths = [6, 30, 6, *([11] * len(GROUP_COLUMNS))]
    for column, value in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = value
    sheet.freeze_panes = f"D{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = sheet.ORIENTATION_LANDSCAPE
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.oddHeader.right.text = f"{report.station_code} {month_label(report.month)}"
    sheet.print_area = f"A1:{last}{row_number}"
    return serial


def _write_definitions(sheet: Worksheet, rows: Sequence[FigureRow]) -> None:
    for column, title in enumerate(("板块", "指标", "单位", "口径说明"), start=1):
        _text(sheet, 1, column, title, font=Font(bold=True), fill=HEAD_FILL, alignment=CENTER, border=BOX)
    seen: set[str] = set()
    line = 1
    for figure in rows:
        if figure.key in seen:
            continue
        seen.add(figure.key)
        line += 1
        for column, value in enumerate(
            (figure.section, figure.label, figure.unit, figure.definition), start=1
        ):
            _text(sheet, line, column, value, border=BOX, alignment=Alignment(wrap_text=True, vertical="top"))
    line += 2
    general = (
        "通用口径：月份按北京时间计算；“本月”指该月 1 日 0 时至月末 24 时；回收站中的档案不计入；"
        "一人属于多个重点群体时在各群体中分别计数，“合计”中只计一次。月份冻结（报送）后，"
        "报表打印的是报送时的数字；之后对旧记录的修改列在“与报送数的差异”中，不会悄悄改变已报送的历史。"
    )
    _text(sheet, line, 1, general, alignment=Alignment(wrap_text=True, vertical="top"))
    sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=4)
    sheet.row_dimensions[line].height = 60
    for column, width in enumerate((16, 28, 6, 90), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"


def _write_differences(sheet: Worksheet, report: MonthlyReport) -> None:
    snapshot = report.snapshot
    assert snapshot is not None
    moment = to_china(snapshot.frozen_at)
    _text(
        sheet,
        1,
        1,
        f"{month_label(report.month)}已于 {moment:%Y-%m-%d %H:%M} 报送；以下是报送后因修改旧记录而变化的数字",
    )
    sheet.merge_cells("A1:F1")
    for column, title in enumerate(("板块", "指标", "群体", "报送数", "当前数", "差异"), start=1):
        _text(sheet, 2, column, title, font=Font(bold=True), fill=HEAD_FILL, alignment=CENTER, border=BOX)
    line = 2
    for difference in report.differences:
        line += 1
        _text(sheet, line, 1, difference.section, border=BOX)
        _text(sheet, line, 2, difference.label, border=BOX)
        _text(sheet, line, 3, difference.column, border=BOX)
        _number(sheet, line, 4, difference.reported, difference.kind)
        _number(sheet, line, 5, difference.current, difference.kind)
        change = (difference.current or 0) - (difference.reported or 0)
        cell = _number(sheet, line, 6, change, difference.kind)
        cell.fill = CHANGED_FILL
    if not report.differences:
        _text(sheet, 3, 1, "报送后没有变化")
    for column, value in enumerate((16, 28, 20, 12, 12, 12), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = value
    sheet.freeze_panes = "A3"

"""The shared xlsx writer: no formula can come from data; dates stay dates; header frozen."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from reports.xlsx import Column, export_filename, write_table

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=y", '=HYPERLINK("http://x")']


def test_data_never_becomes_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    rows = [[text, date(2025, 1, 5), 1200000] for text in HOSTILE]
    count = write_table(
        path,
        sheet_title="名单",
        columns=[Column("姓名"), Column("日期", kind="date"), Column("金额", kind="money")],
        rows=rows,
        title="测试",
    )
    assert count == len(HOSTILE)
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    sheet = load_workbook(path).active
    assert sheet is not None
    assert [sheet.cell(row=i + 3, column=1).value for i in range(len(HOSTILE))] == [
        text.replace("\r", "\n")
        for text in HOSTILE  # XML normalises CR on reading
    ]
    assert sheet.cell(row=3, column=2).value.date() == date(2025, 1, 5)
    assert float(sheet.cell(row=3, column=3).value) == 12000.0
    assert sheet.freeze_panes == "A3"


def test_export_filename() -> None:
    assert (
        export_filename("330106001", "创业者名单", date(2025, 11, 5)) == "330106001_创业者名单_20251105.xlsx"
    )


def test_formula_like_text_is_quote_prefixed_so_an_edit_keeps_it_text(tmp_path: Path) -> None:
    """Issue 12: a text cell F2+Enter turns into a formula unless it carries Excel's quote prefix."""
    path = tmp_path / "out.xlsx"
    write_table(
        path,
        sheet_title="名单",
        columns=[Column("备注"), Column("姓名")],
        rows=[[t, "张三"] for t in HOSTILE],
    )
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert 'quotePrefix="1"' in styles
    sheet = load_workbook(path).active
    assert sheet is not None
    for row in range(2, 2 + len(HOSTILE)):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s" and cell.quotePrefix, (row, cell.value)
        assert cell.number_format == "@"
        plain = sheet.cell(row=row, column=2)
        assert not plain.quotePrefix and plain.value == "张三"  # plain text stays a plain cell

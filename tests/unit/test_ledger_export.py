"""The entrepreneur list export: exactly what the list shows, masked, and no formula from data."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import select

from desktop.services import entrepreneurs as people
from desktop.services.entrepreneur_list import ListQuery, fetch_rows, search_ids
from desktop.services.exports import export_entrepreneurs, suggested_name
from models.audit import AccessLog, Actor
from models.database import Database
from models.enums import KeyGroup
from tests.data import ledgers as fx

HOSTILE = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", "=x\t", '=HYPERLINK("http://x","点我")', "#N/A"]
STORED = [text.strip() for text in HOSTILE]  # the form's validator strips the ends


def file_with(db: Database, actor: Actor, name: str, number: str, *, groups: str, shops: list[str]) -> str:
    return people.create_entrepreneur(
        db,
        actor,
        person={"name": name, "id_number": number, "phone": "13812345678", "key_groups": groups},
        ventures=[{"name": shop, "entity_type": "其他", "stage": "意向"} for shop in shops],
    )


def test_no_cell_from_data_becomes_a_formula(db: Database, actor: Actor, tmp_path: Path) -> None:
    file_with(db, actor, "张三", fx.ZHANG, groups="退役军人", shops=HOSTILE)
    out = tmp_path / "名单.xlsx"
    result = export_entrepreneurs(db, actor, out=out)
    assert result.rows == 1 and result.masked
    with zipfile.ZipFile(out) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and 't="e"' not in sheet_xml
    book = load_workbook(out)
    sheet = book.active
    assert sheet is not None
    assert sheet.freeze_panes == "A3"
    header = [cell.value for cell in sheet[2]]
    assert header == [
        "档案号",
        "姓名",
        "性别",
        "年龄",
        "身份证号",
        "联系电话",
        "重点群体",
        "阶段",
        "户籍地",
        "创业项目",
        "建档日期",
    ]
    row = [cell for cell in sheet[3]]
    assert row[9].value == "、".join(STORED)
    assert all(cell.data_type != "f" for cell in row)
    assert row[4].value == "330***********1236" and row[5].value == "138****5678"
    assert isinstance(row[10].value, datetime) and row[10].number_format == "yyyy-mm-dd"


def test_each_hostile_text_alone_stays_text(db: Database, actor: Actor, tmp_path: Path) -> None:
    for index, text in enumerate(HOSTILE):
        number = fx.id_number("330106", "19900101", 100 + index)
        people.create_entrepreneur(
            db,
            actor,
            person={"name": f"张{'一二三四五六七'[index]}", "id_number": number},
            ventures=[{"name": text, "entity_type": "其他", "stage": "意向"}],
            confirm_possible_duplicate=True,
        )
    out = tmp_path / "名单.xlsx"
    export_entrepreneurs(db, actor, out=out, columns=["name", "ventures"])
    sheet = load_workbook(out).active
    assert sheet is not None
    values = sorted(str(sheet.cell(row=r, column=2).value) for r in range(3, 3 + len(HOSTILE)))
    assert values == sorted(STORED)
    with zipfile.ZipFile(out) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_exports_what_the_list_shows(db: Database, actor: Actor, tmp_path: Path) -> None:
    file_with(db, actor, "张三", fx.ZHANG, groups="退役军人", shops=["向阳便利店"])
    file_with(db, actor, "李四", fx.LI, groups="农民工", shops=[])
    file_with(db, actor, "王五", fx.WANG, groups="退役军人、高校毕业生", shops=[])
    query = ListQuery(key_group=KeyGroup.VETERAN, sort="name", descending=False)
    out = tmp_path / "退役军人.xlsx"
    result = export_entrepreneurs(db, actor, out=out, query=query, columns=["name", "key_groups", "ventures"])
    assert result.rows == 2
    sheet = load_workbook(out).active
    assert sheet is not None
    assert "重点群体：退役军人" in str(sheet["A1"].value) and "共 2 人" in str(sheet["A1"].value)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [
        ["姓名", "重点群体", "创业项目"],
        ["王五", "高校毕业生、退役军人", None],
        ["张三", "退役军人", "向阳便利店"],
    ]
    assert [r[0] for r in rows[1:]] == [
        row.name for row in fetch_rows(db, actor, search_ids(db, actor, query))
    ]


def test_unmasked_only_when_allowed_and_always_logged(db: Database, actor: Actor, tmp_path: Path) -> None:
    file_with(db, actor, "张三", fx.ZHANG, groups="退役军人", shops=[])
    out = tmp_path / "a.xlsx"
    export_entrepreneurs(db, actor, out=out, unmasked=True, columns=["id_number", "phone"])
    sheet = load_workbook(out).active
    assert sheet is not None
    assert (sheet["A3"].value, sheet["B3"].value) == (fx.ZHANG, "13812345678")
    clerk = Actor(user_name="临时人员", station_code=actor.station_code, can_see_personal_data=False)
    result = export_entrepreneurs(db, clerk, out=out, unmasked=True, columns=["id_number"])
    sheet = load_workbook(out).active
    assert sheet is not None
    assert result.masked and sheet["A3"].value == "330***********1236"
    with db.reading() as session:
        logged = session.exec(select(AccessLog).where(AccessLog.action == "export")).all()
    assert [entry.user_name for entry in logged] == [actor.user_name, "临时人员"]
    assert "未遮盖" in logged[0].detail and "已遮盖" in logged[1].detail


def test_suggested_name(db: Database, actor: Actor) -> None:
    from datetime import date

    assert (
        suggested_name(db, actor, content="创业者名单", today=date(2025, 11, 5))
        == "330106001_创业者名单_20251105.xlsx"
    )

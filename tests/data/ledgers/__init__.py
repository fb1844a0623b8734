"""Fixture ledgers (台账) built with openpyxl at test time, so no binary is committed.

:func:`station_ledger` looks like a real station's ledger: two title rows, a two-row header with merged
cells and a merged group header (创业项目信息 over 名称 / 统一社会信用代码 / 成立日期 / 带动就业人数), local
column names, every date form ledgers use, full-width characters, stray spaces, a phone stored as a
number, an ID number stored as a number, a duplicate row, blank rows, one person with two ventures whose
cells are merged down, a 合计 row and a footnote. :data:`STATION_EXPECTED` holds the counts worked out by
hand from the rows below. The hostile files (a .xls renamed .xlsx, an encrypted workbook, an XML bomb, a
sheet that claims a billion cells, a zip that is not a workbook …) are generated here too.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import ric, uscc


def id_number(region: str, birth: str, sequence: int) -> str:
    """A valid 18-character 公民身份号码 (``birth`` as yyyymmdd)."""
    body = f"{region}{birth}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(prefix: str, region: str, serial: str) -> str:
    body = f"{prefix}{region}{serial}"
    assert len(body) == 17
    return body + uscc.calc_check_digit(body)


FULLWIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}

ZHANG = id_number("330106", "19900307", 123)
LI = id_number("330102", "19850512", 456)
WANG = id_number("360426", "19920101", 201)
ZHAO = id_number("330106", "19880808", 111)
SUN = id_number("410105", "19950620", 302)
ZHOU = id_number("510107", "19791111", 481)
WU = id_number("440305", "19930303", 562)
CHEN = id_number("330110", "19870415", 733)
CHU = id_number("330127", "19960909", 845)
QIAN = id_number("330108", "19910219", 917)
ZHENG_BAD = ZHAO[:-1] + ("0" if ZHAO[-1] != "0" else "1")  # wrong check character

ZHANG_SHOP = credit_code("92", "330106", "MA2H12345")
WANG_SHOP = credit_code("92", "360426", "MA3K54321")


@dataclass(frozen=True)
class Expected:
    created: int
    updated: int
    unchanged: int
    refused: int
    skipped: int
    ventures_created: int
    refused_rows: tuple[int, ...]
    skipped_rows: tuple[int, ...]


# Worked out by hand from the rows written by station_ledger():
#   created 张三 李四 王五 孙七 周八 吴九 陈二 褚四 = 8 people, 8 ventures (陈二 has two; 褚四 none)
#   refused 赵六 (ID stored as a number), 郑十 (check char), 钱一 (a phone one digit short),
#           冯三 (same ID as 李四, another phone)              = 4 rows: 8, 15, 16, 19
#   skipped row 14 (same as row 5), 合计 (row 22), 填表人 (row 23) = 3 rows
STATION_EXPECTED = Expected(
    created=8,
    updated=0,
    unchanged=0,
    refused=4,
    skipped=3,
    ventures_created=8,
    refused_rows=(8, 15, 16, 19),
    skipped_rows=(14, 22, 23),
)


def station_ledger(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "创业者台账"
    # Rows 1–2: titles, merged across the table.
    sheet["A1"] = "文新街道家门口就业服务站创业者服务台账（2025年）"
    sheet.merge_cells("A1:J1")
    sheet["A2"] = "填报单位：文新街道　　　　填报日期：2025年11月5日"
    sheet.merge_cells("A2:J2")
    # Rows 3–4: the header, cells merged down and a group header merged across.
    for column, title in zip(
        "ABCDEJ", ("序号", "姓 名", "身份证号", "手机号", "人员类别", "备注"), strict=True
    ):
        sheet[f"{column}3"] = title
        sheet.merge_cells(f"{column}3:{column}4")
    sheet["F3"] = "创业项目信息"
    sheet.merge_cells("F3:I3")
    for column, title in zip(
        "FGHI", ("名称", "统一社会信用代码", "成立日期", "带动就业人数（人）"), strict=True
    ):
        sheet[f"{column}4"] = title
    rows: list[tuple[int, list[object]]] = [
        (
            5,
            [
                1,
                "张三",
                ZHANG,
                "13812345678",
                "退役军人、高校毕业生",
                "向阳便利店",
                ZHANG_SHOP,
                "2024-03-05",
                3,
                "",
            ],
        ),
        (6, [2, "李四", LI, 13912345678, "农民工", "青禾餐饮店", None, "2024/3/5", 2, None]),
        (
            7,
            [
                3,
                "王　五",
                WANG.translate(FULLWIDTH),
                "１３７１２３４５６７８",
                " 就业困难人员 ",
                "匠心手工坊",
                WANG_SHOP,
                "2024.3.5",
                "５",
                None,
            ],
        ),
        (
            8,
            [
                4,
                "赵六",
                float(ZHAO[:17]) * 10,
                "13612345678",
                "退役军人",
                "启航物流服务部",
                None,
                "2023-06-01",
                1,
                None,
            ],
        ),
        # row 9 blank
        (
            10,
            [5, "孙七", SUN, "15912345678", "脱贫人口", "云帆网络科技工作室", None, "2024年3月5日", 1, None],
        ),
        (11, [6, "周八", ZHOU, "18912345678", "城镇登记失业人员", "好邻居超市", None, 20240305, 0, None]),
        (12, [7, "吴九", WU, "17712345678", "残疾人", "乡味餐饮店", None, datetime(2024, 3, 5), 2, "老客户"]),
        (
            13,
            [
                8,
                "褚 四",
                f" {CHU[:6]} {CHU[6:14]} {CHU[14:]} ",
                "0571-88886666",
                "其他",
                None,
                None,
                None,
                None,
                None,
            ],
        ),
        (
            14,
            [
                1,
                "张三",
                ZHANG,
                "13812345678",
                "退役军人、高校毕业生",
                "向阳便利店",
                ZHANG_SHOP,
                "2024-03-05",
                3,
                "",
            ],
        ),
        (15, [9, "郑十", ZHENG_BAD, "13512345678", "退役军人", None, None, None, None, None]),
        (16, [10, "钱一", QIAN, "1341234567", "退役军人", None, None, None, None, None]),
        (17, [11, "陈二", CHEN, "13312345678", "农民工/返乡入乡创业", "陈记面馆", None, 45356, 4, None]),
        (18, [None, None, None, None, None, "陈氏家庭农场", None, "2022-10-01", 6, None]),
        (19, [12, "冯三", LI, "13000000000", "农民工", None, None, None, None, None]),
        # rows 20–21 blank
        (22, [None, "合计", None, None, None, None, None, None, 19, None]),
        (23, ["填表人：李四　　审核人：王五", None, None, None, None, None, None, None, None, None]),
    ]
    for number, values in rows:
        for position, value in enumerate(values, start=1):
            if value is not None:
                cell = sheet.cell(row=number, column=position, value=value)
                if isinstance(value, datetime):
                    cell.number_format = "yyyy/m/d"
    # 陈二's person cells span both of his venture rows.
    for column in "ABCDE":
        sheet.merge_cells(f"{column}17:{column}18")
    sheet.merge_cells("A23:J23")
    workbook.save(path)
    return path


def synonyms_ledger(path: Path) -> Path:
    """One header row with other common column names; a second sheet in front that is not a ledger."""
    workbook = Workbook()
    cover = workbook.active
    assert cover is not None
    cover.title = "说明"
    cover["A1"] = "本表由社区工作人员每月更新"
    sheet = workbook.create_sheet("2025年")
    sheet.append(
        [
            "公民身份号码",
            "创业者姓名",
            "联系电话",
            "重点群体",
            "经营主体名称",
            "主体类型",
            "注册日期",
            "所属行业",
            "创业阶段",
            "学历",
            "民族",
        ]
    )
    sheet.append(
        [
            ZHANG,
            "张三",
            "13812345678",
            "退役军人",
            "向阳便利店",
            "个体户",
            "2024-03-05",
            "F",
            "初创期",
            "本科",
            "汉",
        ]
    )
    sheet.append(
        [
            SUN,
            "孙七",
            "15912345678",
            "高校毕业生",
            "云帆科技有限公司",
            "企业",
            "2021/1/1",
            "I",
            "成长期",
            "大专",
            "汉",
        ]
    )
    workbook.save(path)
    return path


def simple_ledger(path: Path, rows: list[list[object]], headers: list[str] | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        headers or ["姓名", "身份证号码", "联系电话", "人员类别", "创业项目", "注册日期", "带动就业人数"]
    )
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


# ------------------------------------------------------------------------------------------- hostile
def renamed_xls(path: Path) -> Path:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    path.write_bytes(header + b"\x00" * 4000 + "Workbook".encode("utf-16-le") + b"\x00" * 500)
    return path


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a workbook with an opening password: a compound file (CFB) whose streams
    are EncryptionInfo and EncryptedPackage, not a zip."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 40 + "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(header + b"\x00" * 1000 + directory + b"\x5a" * 3000)
    return path


def zip_not_xlsx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("照片/说明.txt", "not a workbook")
    return path


def html_as_xlsx(path: Path) -> Path:
    path.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding="utf-8")
    return path


def truncated_xlsx(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _replace_part(source: Path, target: Path, part: str, content: bytes) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, content if info.filename == part else old.read(info.filename))
    return target


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10)
    )
    + "]>\n"
)


def xml_bomb(path: Path, base: Path) -> Path:
    """A workbook whose sheet XML declares the "billion laughs" entities and uses them in a cell."""
    sheet = (
        BILLION_LAUGHS
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    return _replace_part(base, path, "xl/worksheets/sheet1.xml", sheet.encode())


def billion_cells(path: Path, base: Path) -> Path:
    """A sheet that declares 1,048,576 × 16,384 cells (it would take hours to read)."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    return _replace_part(base, path, "xl/worksheets/sheet1.xml", sheet.encode())


def many_rows_without_dimension(path: Path, base: Path, rows: int) -> Path:
    """A sheet with no <dimension> element and ``rows`` rows: only a count while reading can stop it."""
    body = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>{n}</v></c></row>' for n in range(1, rows + 1)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + body
        + "</sheetData></worksheet>"
    )
    return _replace_part(base, path, "xl/worksheets/sheet1.xml", sheet.encode())


def plain_workbook(path: Path) -> Path:
    return simple_ledger(path, [["张三", ZHANG, "13812345678", "退役军人", "", "", ""]])

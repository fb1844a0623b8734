"""下载导入模板: an empty ledger with the expected headers, an example row and a sheet of instructions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from models.base import china_today
from models.enums import EntityType, Stage
from models.ledger.columns import FIELDS_BY_KEY

TEMPLATE_ORDER = (
    "name",
    "id_number",
    "phone",
    "key_groups",
    "education",
    "graduation_date",
    "household_region",
    "address",
    "venture.name",
    "venture.entity_type",
    "venture.credit_code",
    "venture.registration_date",
    "venture.industry",
    "venture.address",
    "venture.jobs_created",
    "venture.stage",
    "notes",
)


def _template_example(today: date) -> dict[str, object]:
    from stdnum.cn import ric, uscc

    body = "33010619900307123"
    credit = "92330106MA2H" + "12345"
    return {
        "name": "示例：张三（导入时自动跳过本行）",
        "id_number": body + ric.calc_check_digit(body + "0"),
        "phone": "13812345678",
        "key_groups": "退役军人、高校毕业生",
        "education": "大学本科",
        "graduation_date": "2012-06",
        "household_region": "330106",
        "address": "文三路 100 号",
        "venture.name": "向阳便利店",
        "venture.entity_type": "个体工商户",
        "venture.credit_code": credit + uscc.calc_check_digit(credit),
        "venture.registration_date": date(today.year - 1, 3, 5),
        "venture.industry": "F 批发和零售业",
        "venture.address": "文三路 102 号",
        "venture.jobs_created": 3,
        "venture.stage": "初创",
        "notes": "",
    }


def write_import_template(out: Path, *, today: date | None = None) -> Path:
    """下载导入模板: the expected headers, an example row (skipped by the import), the ID column as text,
    choice lists for the closed vocabularies, and a sheet explaining each column."""
    from models.enums import Education as Edu

    day = today or china_today()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "创业者台账"
    example = _template_example(day)
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    choices = {
        "venture.entity_type": [e.label for e in EntityType],
        "venture.stage": [s.label for s in Stage],
        "education": [e.label for e in Edu],
    }
    for position, key in enumerate(TEMPLATE_ORDER, start=1):
        spec = FIELDS_BY_KEY[key]
        letter = get_column_letter(position)
        title = spec.synonyms[0] if key != "key_groups" else "人员类别"
        cell = sheet.cell(row=1, column=position, value=("*" if spec.required else "") + title)
        cell.font = Font(bold=True, color="C00000" if spec.required else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        value = example[key]
        example_cell = sheet.cell(row=2, column=position, value=value)
        example_cell.data_type = "s" if isinstance(value, str) else example_cell.data_type
        example_cell.font = Font(italic=True, color="7F7F7F")
        if isinstance(value, date):
            example_cell.number_format = "yyyy-mm-dd"
        sheet.column_dimensions[letter].width = 24 if key in ("id_number", "venture.credit_code") else 16
        if key in ("id_number", "phone", "venture.credit_code", "household_region"):
            for row in range(2, 1002):  # text, so Excel keeps every digit (and the X) of a code
                sheet.cell(row=row, column=position).number_format = "@"
        if key in choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choices[key]) + '"',
                allow_blank=True,
                showErrorMessage=False,
            )
            validation.add(f"{letter}2:{letter}1001")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写要求", "也可以叫"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for key in TEMPLATE_ORDER:
        spec = FIELDS_BY_KEY[key]
        notes.append(
            [
                spec.synonyms[0],
                "必填" if spec.required else "",
                spec.hint or _default_hint(key),
                "、".join(spec.synonyms[1:6]),
            ]
        )
    notes.append([])
    notes.append(
        [
            "说明",
            "",
            "第 2 行是示例，导入时会自动跳过；可以删掉。"
            "日期可写 2024-03-05、2024/3/5、2024年3月5日 或 20240305。",
        ]
    )
    notes.append(["", "", "同一人有多个创业项目时，可写成多行（身份证号码相同），也可以合并单元格。"])
    notes.append(["", "", "已有档案（身份证号码相同）的人：表中填了的格子会更新档案，空着的格子不改动档案。"])
    for letter, width in zip("ABCD", (18, 10, 70, 50), strict=True):
        notes.column_dimensions[letter].width = width
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".part")
    try:
        workbook.save(temporary)
        temporary.replace(out)
    finally:
        temporary.unlink(missing_ok=True)
    return out


def _default_hint(key: str) -> str:
    return {
        "name": "与身份证一致",
        "phone": "手机号 11 位，固定电话带区号（如 0571-88886666）",
        "education": "博士研究生、硕士研究生、大学本科、大学专科、高中/中专/技校、初中及以下",
        "graduation_date": "高校毕业生填写，可只写年月，如 2023-06",
        "household_region": "6 位行政区划代码，如 330106",
        "address": "",
        "venture.name": "有创业项目时填写；没有可空着",
        "venture.credit_code": "18 位，请按文本录入",
        "venture.registration_date": "营业执照上的成立日期",
        "venture.address": "",
        "venture.jobs_created": "不小于 0 的整数",
        "notes": "",
    }.get(key, "")

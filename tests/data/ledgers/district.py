"""Two district ledgers as districts really keep them, built with openpyxl at test time (issue 12: "two
district ledgers that no test here has seen").

:func:`chengdong_ledger` (城东街道): a title and a 填报单位 line; a two-level header whose merged groups
(创业者基本情况 · 经营实体情况) sit over titles that are ambiguous alone (名称 · 类型 · 人数) and over titles
broken by line breaks (公民身份\\n号码); 人员类别 in the district's own words (退役士兵, 4050人员,
返乡创业大学生, 建档立卡脱贫户, 退役军人+高校毕业生, 就业困难人员（零就业家庭）) and one word no rule
knows (低保户, two rows); an entity type no rule knows (家庭农场, two rows); names padded with full-width
spaces; Excel date serials, 2023年5月8日 and 二〇二二年十月一日; a 15-digit first-generation ID number as
text and one as a number; a 合计 row, 填表人/审核人, a 负责人（签字） line and a 年 月 日 line.

:func:`xihu_ledger` (西湖镇): its name column headed 业主 (no rule may guess it: the worker names it), a
merged 个体工商户信息 over 名称 · 注册\\n日期 · 号码 · 人数, 15-digit ID numbers with spaces, a date serial
typed as text, and 总计/审核人（签字）/填报日期 at the foot.

Run ``python -m tests.data.ledgers.district OUT_DIR`` to write both files and look at them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

from tests.data.ledgers import credit_code, id_number

CD_ZHANG = id_number("330105", "19880412", 131)
CD_LI_15 = "330105850512456"  # first generation: 330105198505124560
CD_LI = "330105198505124560"
CD_WANG = id_number("330105", "19930716", 355)
CD_ZHAO = id_number("330105", "19790203", 517)
CD_SUN = id_number("330105", "19860930", 624)
CD_ZHOU = id_number("330105", "19900101", 742)
CD_WU_15 = 330105920101201  # stored as a number: 15 digits fit exactly
CD_WU = "330105199201012011"
CD_CHEN = id_number("330105", "19951120", 868)

XH_QIAN_15 = "330106 800101 123"
XH_QIAN = "330106198001011235"
XH_SUN = id_number("330106", "19910304", 242)
XH_OUYANG = id_number("330106", "19870808", 328)
XH_LI = id_number("330106", "19940615", 419)
XH_QIAN_SHOP = credit_code("92", "330106", "MA2Q8AN01")


@dataclass(frozen=True)
class DistrictExpected:
    created: int
    ventures: int
    skipped: int
    footers: int
    unknown: tuple[tuple[str, str, tuple[int, ...]], ...]  # (field key, word, rows)


CHENGDONG_EXPECTED = DistrictExpected(
    created=8,
    ventures=7,
    skipped=4,
    footers=4,
    unknown=(("key_groups", "低保户", (8, 10)), ("venture.entity_type", "家庭农场", (8, 10))),
)
XIHU_EXPECTED = DistrictExpected(created=4, ventures=4, skipped=3, footers=3, unknown=())


def _wrap(sheet: object, cells: str) -> None:
    for row in sheet[cells]:  # type: ignore[index]
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def chengdong_ledger(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "2025年创业人员"
    sheet["A1"] = "城东街道2025年度创业人员服务台账"
    sheet.merge_cells("A1:M1")
    sheet["A2"] = "填报单位（盖章）：城东街道社区服务中心　　　　填报时间：2025年10月"
    sheet.merge_cells("A2:M2")
    sheet["A3"] = "序号"
    sheet.merge_cells("A3:A4")
    sheet["B3"] = "创业者基本情况"
    sheet.merge_cells("B3:G3")
    for column, title in zip(
        "BCDEFG", ("姓\n名", "性别", "公民身份\n号码", "联系\n电话", "人员\n类别", "文化\n程度"), strict=True
    ):
        sheet[f"{column}4"] = title
    sheet["H3"] = "经营实体情况"
    sheet.merge_cells("H3:L3")
    for column, title in zip("HIJKL", ("名称", "类型", "成立时间", "人数", "所处阶段"), strict=True):
        sheet[f"{column}4"] = title
    sheet["M3"] = "备　注"
    sheet.merge_cells("M3:M4")
    _wrap(sheet, "A3:M4")
    rows: list[list[object]] = [
        [
            1,
            "张　三",
            "男",
            CD_ZHANG,
            "13811112222",
            "退役士兵",
            "本科（学士）",
            "东升便利店",
            "个体户",
            45356,
            3,
            "初创期（3年内）",
            None,
        ],
        [
            2,
            "　李四　",
            "男",
            CD_LI_15,
            "13922223333",
            "4050人员",
            "大专",
            "李记小吃",
            "个体工商户",
            "2023年5月8日",
            "2",
            "成长期",
            None,
        ],
        [
            3,
            "王　五",
            "女",
            CD_WANG,
            "13733334444",
            "返乡创业大学生",
            "研究生（硕士）",
            "五谷农业科技有限公司",
            "有限责任公司",
            "二〇二二年十月一日",
            5,
            "稳定经营",
            None,
        ],
        [
            4,
            "赵六",
            "男",
            CD_ZHAO,
            "13644445555",
            "低保户",
            "高中/中专",
            "赵家庄家庭农场",
            "家庭农场",
            "2021.6.1",
            4,
            "发展期",
            None,
        ],
        [
            5,
            "孙七　",
            "女",
            CD_SUN,
            "15955556666",
            "建档立卡脱贫户",
            "初中及以下",
            None,
            None,
            None,
            None,
            None,
            "无项目",
        ],
        [
            6,
            "周八",
            "男",
            CD_ZHOU,
            "18966667777",
            "低保户",
            "本科",
            "周氏茶园",
            "家庭农场",
            45000,
            1,
            "初创",
            None,
        ],
        [
            7,
            "吴　九",
            "男",
            CD_WU_15,
            "17777778888",
            "退役军人+高校毕业生",
            "大学本科",
            "九号工作室",
            "其他",
            None,
            0,
            "筹备中",
            None,
        ],
        [
            8,
            "陈二",
            "女",
            CD_CHEN,
            "13388889999",
            "就业困难人员（零就业家庭）",
            "中专",
            "陈记面馆",
            "个体",
            "2024/1/15",
            2,
            "初创期",
            None,
        ],
    ]
    for offset, values in enumerate(rows):
        for position, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=5 + offset, column=position, value=value)
    sheet["B13"] = "合计：8人"
    sheet["K13"] = 17
    sheet["A14"] = "填表人：王芳　　　　审核人：李强"
    sheet.merge_cells("A14:M14")
    sheet["H15"] = "负责人（签字）："
    sheet["J16"] = "　　年　　月　　日"
    workbook.save(path)
    return path


def xihu_ledger(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "个体户"
    sheet["A1"] = "西湖镇个体工商户创业扶持台账"
    sheet.merge_cells("A1:I1")
    for column, title in zip("ABCDE", ("序号", "业主", "证件\n号码", "手 机", "人员身份"), strict=True):
        sheet[f"{column}2"] = title
        sheet.merge_cells(f"{column}2:{column}3")
    sheet["F2"] = "个体工商户信息"
    sheet.merge_cells("F2:I2")
    for column, title in zip("FGHI", ("名称", "注册\n日期", "号码", "人数"), strict=True):
        sheet[f"{column}3"] = title
    _wrap(sheet, "A2:I3")
    rows: list[list[object]] = [
        [1, "　钱一　", XH_QIAN_15, "13500001111", "退伍军人", "钱记五金店", "45200", XH_QIAN_SHOP, 2],
        [
            2,
            "孙　小　梅",
            XH_SUN,
            "13500002222",
            "失业人员（已登记）",
            "小梅美发店",
            datetime(2022, 5, 1),
            None,
            1,
        ],
        [3, "欧阳　娜娜", XH_OUYANG, "13500003333", "残疾人", "娜娜花艺", "2024年2月29日", None, "3"],
        [4, "李　强　", XH_LI, "13500004444", "农民工返乡", "强子修车铺", 44927, None, 0],
    ]
    for offset, values in enumerate(rows):
        for position, value in enumerate(values, start=1):
            if value is not None:
                cell = sheet.cell(row=4 + offset, column=position, value=value)
                if isinstance(value, datetime):
                    cell.number_format = "yyyy年m月d日"
    sheet["B8"] = "总计：4户"
    sheet["A9"] = "审核人（签字）："
    sheet["A10"] = f"填报日期：{date(2025, 11, 5):%Y年%m月%d日}"
    workbook.save(path)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    print(chengdong_ledger(out / "城东街道创业人员台账.xlsx"))
    print(xihu_ledger(out / "西湖镇个体工商户台账.xlsx"))

"""The ledger's habits as pure rules: column names, where the header is, a ledger's wording of choices."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl.utils import get_column_letter

from models.entrepreneur import validate_venture
from models.enums import EntityType, Stage
from models.ledger.cells import non_data_reason
from models.ledger.choices import infer_entity_type, infer_stage, prepare_venture, translate_choice
from models.ledger.columns import guess_mapping, header_signature, match_header, normalise_header
from models.ledger.header import detect_header
from models.ledger.months import months_back
from models.ledger.sheet import column_letter


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("姓名", "name"),
        ("姓 名", "name"),
        ("*姓名", "name"),
        ("身份证号", "id_number"),
        ("身份证号码（必填）", "id_number"),
        ("公民身份号码", "id_number"),
        ("证件号码", "id_number"),
        ("ＩＤ身份证号", "id_number"),
        ("联系电话", "phone"),
        ("手机号", "phone"),
        ("人员类别", "key_groups"),
        ("重点群体", "key_groups"),
        ("创业项目", "venture.name"),
        ("经营主体名称", "venture.name"),
        ("创业项目/名称", "venture.name"),
        ("统一社会信用代码", "venture.credit_code"),
        ("注册日期", "venture.registration_date"),
        ("成立日期", "venture.registration_date"),
        ("带动就业人数（人）", "venture.jobs_created"),
        ("户籍所在地行政区划代码", "household_region"),
        ("序号", None),
        ("民族", None),
        ("文新街道家门口就业服务站2025年度创业者服务台账汇总表", None),
    ],
)
def test_column_names_and_synonyms(header: str, field: str | None) -> None:
    assert match_header(header) == field


def test_normalise_header() -> None:
    assert normalise_header(" 身份证\n号码（必填）* ") == "身份证号码"


def test_header_under_title_rows_and_a_group_header() -> None:
    rows: list[tuple[int, list[object]]] = [
        (1, ["XX街道创业者台账"] * 6),  # a merged title, filled across
        (2, ["填报日期：2025年11月5日"]),
        (3, ["序号", "姓名", "身份证号码", "创业项目", "创业项目", "创业项目"]),
        (4, ["序号", "姓名", "身份证号码", "名称", "注册日期", "带动就业人数"]),
        (5, [1, "张三", "330106199003071236", "小店", "2024-03-05", 2]),
    ]
    guess = detect_header(rows)
    assert guess is not None
    assert (guess.first_row, guess.last_row) == (3, 4)
    assert guess.titles == ("序号", "姓名", "身份证号码", "创业项目/名称", "注册日期", "带动就业人数")
    assert guess_mapping(guess.titles) == {
        1: "name",
        2: "id_number",
        3: "venture.name",
        4: "venture.registration_date",
        5: "venture.jobs_created",
    }


def test_one_row_header_wins_over_header_plus_data() -> None:
    rows: list[tuple[int, list[object]]] = [
        (1, ["姓名", "身份证号码", "联系电话"]),
        (2, ["张三", "330106199003071236", "13812345678"]),
    ]
    guess = detect_header(rows)
    assert guess is not None and (guess.first_row, guess.last_row) == (1, 1)


def test_no_header_without_name_or_id() -> None:
    assert detect_header([(1, ["联系电话", "备注"]), (2, ["138", "x"])]) is None


def test_signature_ignores_spacing_but_not_names() -> None:
    assert header_signature(["姓 名", "身份证号"]) == header_signature(["姓名", "身份证号"])
    assert header_signature(["姓名", "身份证号"]) != header_signature(["姓名", "证件号码"])


def test_non_data_rows() -> None:
    assert non_data_reason([None, "合 计", None, 19]) == "合计行"
    assert non_data_reason(["填表人：李四"]) == "签名行"
    assert non_data_reason(["示例：张三", "330106199003071236"]) == "示例行"
    assert non_data_reason([1, "张三", "330106199003071236"]) is None


def test_ledger_wording_of_choices_is_translated_for_the_validator() -> None:
    assert translate_choice("venture.stage", "初创期") == "初创"
    assert translate_choice("venture.stage", "已注销") == "歇业/注销"
    assert translate_choice("venture.entity_type", "个体户") == "个体工商户"
    assert translate_choice("education", "本科") == "大学本科"
    assert translate_choice("venture.stage", "火箭期") == "火箭期"  # left for the validator to refuse


def test_inferred_type_and_stage() -> None:
    assert infer_entity_type("92330106MA2H123458", "") is EntityType.INDIVIDUAL_BUSINESS
    assert infer_entity_type("", "青禾种植专业合作社") is EntityType.FARMER_COOPERATIVE
    assert infer_entity_type("", "云帆科技有限公司") is EntityType.SMALL_FIRM
    assert infer_entity_type("", "向阳便利店") is EntityType.INDIVIDUAL_BUSINESS
    today = date(2025, 11, 5)
    assert infer_stage(None, today) is Stage.PREPARING
    assert infer_stage("2024-03-05", today) is Stage.STARTUP
    assert infer_stage("2020/1/1", today) is Stage.GROWTH
    venture = validate_venture(
        prepare_venture({"name": "向阳便利店", "registration_date": "2024.3.5"}, today)
    )
    assert (venture.entity_type, venture.stage) == (EntityType.INDIVIDUAL_BUSINESS, Stage.STARTUP)


def test_months_back() -> None:
    assert months_back(date(2025, 2, 17), 3) == [date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]


def test_column_letters_are_excels() -> None:
    letters = [column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703)]
    assert letters == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
    assert all(column_letter(n) == get_column_letter(n) for n in range(1, 18279))
    for outside in (0, 18279):
        with pytest.raises(ValueError):
            column_letter(outside)

"""The validation layer: what a station worker types or imports from an Excel ledger."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from stdnum.cn import ric, uscc

from models.errors import ValidationError
from models.masking import mask_id_number, mask_phone
from models.validators import (
    CreditCode,
    IdNumber,
    normalise_text,
    parse_credit_code,
    parse_date,
    parse_id_number,
    parse_name,
    parse_non_negative_int,
    parse_phone,
    parse_region_code,
    parse_station_code,
)

TODAY = date(2025, 6, 1)


def with_check_digit(first17: str) -> str:
    """A full ID number whose check digit is right (computed independently by stdnum)."""
    assert len(first17) == 17
    return first17 + ric.calc_check_digit(first17 + "0")


def with_check_char(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def refused(call: object, *args: object, **kwargs: object) -> ValidationError:
    assert callable(call)
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value


# --------------------------------------------------------------------------------------------------
# normalise_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  张三  ", "张三"),
        ("Ａｂｃ１２３", "Abc123"),
        ("杭州\u3000\u3000西湖", "杭州 西湖"),
        ("a \t\n b", "a b"),
        ("\u00a0no-break\u00a0space\u00a0", "no-break space"),
        ("零宽\u200b字符\ufeff", "零宽字符"),
        ("你好，世界。", "你好，世界。"),  # Chinese punctuation stays Chinese
        ("𠮷野家", "𠮷野家"),
        (12, "12"),
    ],
)
def test_normalise_text(raw: object, expected: str) -> None:
    assert normalise_text(raw) == expected


# --------------------------------------------------------------------------------------------------
# 身份证号码


def test_published_example_is_accepted() -> None:
    result = parse_id_number("11010519491231002X", today=TODAY)
    assert result == IdNumber(number="11010519491231002X", birth_date=date(1949, 12, 31), sex="女")
    assert result.masked == "110***********002X"
    assert str(result) == "11010519491231002X"


def test_stdnum_example_and_sex_from_sequence_digit() -> None:
    result = parse_id_number("360426199101010071", today=TODAY)
    assert result.birth_date == date(1991, 1, 1)
    assert result.sex == "男"  # 17th digit 7 is odd


def test_gb11643_example_born_1880_has_a_valid_check_digit_but_is_refused_as_before_1900() -> None:
    # 440524188001010014 is the example in GB 11643 itself; its check digit is right.
    assert ric.calc_check_digit("440524188001010014") == "4"
    error = refused(parse_id_number, "440524188001010014", today=TODAY)
    assert "1880-01-01" in error.message
    assert "早于 1900 年" in error.message


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",  # lower-case x
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and X
        "１１０１０５１９４９１２３１００２ｘ",
        "110105 19491231 002X",  # inner spaces
        "110105-19491231-002X",  # hyphens
        "  11010519491231002X\t",
        "110105\u300019491231002X",  # ideographic space
    ],
)
def test_id_number_typing_variants_are_accepted(typed: str) -> None:
    assert parse_id_number(typed, today=TODAY).number == "11010519491231002X"


@pytest.mark.parametrize(
    ("first17", "birth", "sex"),
    [
        ("33010619850315123", date(1985, 3, 15), "男"),  # 17th digit odd
        ("33010619850315124", date(1985, 3, 15), "女"),  # 17th digit even
        ("44030520000229001", date(2000, 2, 29), "男"),  # leap day
        ("65010219000101002", date(1900, 1, 1), "女"),  # earliest accepted
        ("82000019700101007", date(1970, 1, 1), "男"),  # Macao
    ],
)
def test_generated_numbers(first17: str, birth: date, sex: str) -> None:
    number = with_check_digit(first17)
    result = parse_id_number(number, today=TODAY)
    assert (result.number, result.birth_date, result.sex) == (number, birth, sex)


def test_check_digit_x_is_accepted_in_lower_case() -> None:
    with_x = next(
        number
        for number in (with_check_digit(f"330106198503151{n:02d}") for n in range(100))
        if number.endswith("X")
    )
    assert parse_id_number(with_x.lower(), today=TODAY).number == with_x


@pytest.mark.parametrize("typed", ["11010519491231002X", "110105491231002"])
def test_digits_of_another_script_are_named_not_read(typed: str) -> None:
    """Arabic-Indic digits count as digits to Python (isdigit, int, \\d); an ID number keeps 0-9 only."""
    arabic = typed.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    error = refused(parse_id_number, arabic)
    assert "含有不允许的字符" in error.message
    assert "١" in error.message


def test_scientific_notation_string_says_digits_were_lost() -> None:
    error = refused(parse_id_number, "1.10105E+17")
    assert (
        error.message
        == "身份证号码 1.10105E+17 已被表格软件转成数字，后几位已丢失，请把该列设为文本后重新录入"
    )
    assert error.field == "身份证号码"
    assert error.value == "1.10105E+17"


@pytest.mark.parametrize(
    "typed", ["1.10105e+17", "1.10105E17", "110,105,194,912,310,000", "110105194912310021.0"]
)
def test_other_spreadsheet_number_forms_say_digits_were_lost(typed: str) -> None:
    assert "后几位已丢失" in refused(parse_id_number, typed).message


def test_float_is_refused_with_digits_lost() -> None:
    error = refused(parse_id_number, 1.10105e17)
    assert "已被表格软件转成数字" in error.message
    assert "后几位已丢失" in error.message
    assert "1.10105e+17" in error.message


def test_decimal_is_refused_as_a_number() -> None:
    assert "后几位已丢失" in refused(parse_id_number, Decimal("110105194912310021")).message


def test_int_of_18_digits_is_refused_with_store_as_text() -> None:
    error = refused(parse_id_number, 110105194912310021)
    assert "110105194912310021" in error.message
    assert "文本" in error.message
    assert "X" in error.message  # an int cannot hold a trailing X
    assert "0" in error.message and "丢失" in error.message  # nor a leading zero


def test_trailing_zeros_from_a_spreadsheet_with_a_wrong_check_digit() -> None:
    error = refused(parse_id_number, "110105194912310000", today=TODAY)
    assert "后几位已丢失" in error.message


def test_fifteen_digit_old_number_is_refused_with_conversion_hint() -> None:
    error = refused(parse_id_number, "110105491231002", today=TODAY)
    assert "15 位旧号码" in error.message
    assert "18 位" in error.message
    assert "11010519491231002X" in error.message  # the converted number, for the worker to check


@pytest.mark.parametrize(
    ("typed", "length"), [("1101051949123100", 16), ("11010519491231002X1", 19), ("1", 1)]
)
def test_wrong_length_names_the_length_found(typed: str, length: int) -> None:
    message = refused(parse_id_number, typed, today=TODAY).message
    assert f"有 {length} 位" in message
    assert "应为 18 位" in message


@pytest.mark.parametrize(
    ("typed", "bad"), [("11010519491231002Y", "Y"), ("1101051949123I002X", "I"), ("110105/9491231002X", "/")]
)
def test_bad_characters_are_named(typed: str, bad: str) -> None:
    message = refused(parse_id_number, typed, today=TODAY).message
    assert "不允许的字符" in message
    assert bad in message


def test_x_only_at_the_end() -> None:
    assert "X 只能是最后一位" in refused(parse_id_number, "1101051949X231002X", today=TODAY).message


def test_unknown_province_is_refused() -> None:
    number = with_check_digit("99010519491231002")
    message = refused(parse_id_number, number, today=TODAY).message
    assert "99" in message
    assert "省级" in message


def test_unknown_county_code_is_accepted() -> None:
    # 330199 is not a county in any year, but old county codes change, so only the province is checked.
    number = with_check_digit("33019919850315123")
    assert parse_id_number(number, today=TODAY).number == number


def test_impossible_birth_date_with_a_valid_check_digit() -> None:
    number = with_check_digit("11010519990230002")
    assert ric.calc_check_digit(number) == number[-1]  # the check digit alone would pass
    message = refused(parse_id_number, number, today=TODAY).message
    assert "出生日期 1999-02-30 不存在" in message


def test_month_13_is_impossible() -> None:
    number = with_check_digit("11010519991301002")
    assert "出生日期 1999-13-01 不存在" in refused(parse_id_number, number, today=TODAY).message


def test_birth_date_in_the_future_is_refused() -> None:
    number = with_check_digit("11010520250602002")
    assert "晚于今天" in refused(parse_id_number, number, today=TODAY).message
    assert parse_id_number(with_check_digit("11010520250601002"), today=TODAY).birth_date == TODAY


def test_birth_date_before_1900_is_refused() -> None:
    number = with_check_digit("11010518991231002")
    assert "早于 1900 年" in refused(parse_id_number, number, today=TODAY).message


def test_wrong_check_digit_names_the_expected_character() -> None:
    error = refused(parse_id_number, "36042619910102009X", today=TODAY)
    assert error.message == "身份证号码 36042619910102009X 的最后一位应为 3，请核对"


def test_wrong_check_digit_when_x_expected() -> None:
    error = refused(parse_id_number, "110105194912310025", today=TODAY)
    assert "最后一位应为 X" in error.message


@pytest.mark.parametrize("empty", [None, "", "   ", True])
def test_empty_id_number(empty: object) -> None:
    assert "身份证号码" in refused(parse_id_number, empty).message


def test_field_name_is_used_in_message() -> None:
    error = refused(parse_id_number, "123", field="法定代表人身份证号码")
    assert error.field == "法定代表人身份证号码"
    assert error.message.startswith("法定代表人身份证号码 123")


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("11010519491231002X", "110***********002X"),
        ("12345678", "123*5678"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_mask_id_number(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


def test_id_number_masked_has_eleven_stars() -> None:
    assert parse_id_number("11010519491231002X", today=TODAY).masked.count("*") == 11


# --------------------------------------------------------------------------------------------------
# 统一社会信用代码


@pytest.mark.parametrize("code", ["91110000600037341L", "9144030071526726XG"])
def test_published_credit_codes(code: str) -> None:
    assert parse_credit_code(code) == code


def test_generated_credit_codes_of_several_kinds() -> None:
    for first17 in [
        "92330106MA2CXXXX0",  # 个体工商户 — contains no forbidden letters? X is allowed
        "93330106MA2B12345",  # 农民专业合作社
        "91330106MA27Y1234",
        "N2330106MA2B12345",  # registered by 农业 authorities: the first character may be a letter
        "Y1110000500012345",
    ]:
        code = with_check_char(first17)
        assert parse_credit_code(code) == code
        assert parse_credit_code(" " + code.lower()[:9] + " " + code.lower()[9:] + " ") == code


def test_credit_code_full_width_lower_case_and_spaces() -> None:
    assert parse_credit_code("９１１１００００６０００３７３４１ｌ") == "91110000600037341L"
    assert parse_credit_code("9111 0000 6000 3734 1L") == "91110000600037341L"
    assert parse_credit_code("91110000-600037341-L") == "91110000600037341L"


@pytest.mark.parametrize(
    ("code", "letters"),
    [
        ("91110000600O37341L", "O"),
        ("9111000060003734IL", "I"),
        ("91110000S00037341L", "S"),
        ("91110000V00037341L", "V"),
        ("91110000Z00037341L", "Z"),
        ("9111000O6I0037341L", "O、I"),
    ],
)
def test_credit_code_with_forbidden_letters_names_them(code: str, letters: str) -> None:
    message = refused(parse_credit_code, code).message
    assert f"含有字母 {letters}" in message
    assert "I、O、S、V、Z" in message


def test_credit_code_wrong_check_char_names_the_expected_one() -> None:
    error = refused(parse_credit_code, "91110000600037341A")
    assert error.message == "统一社会信用代码 91110000600037341A 的最后一位应为 L，请核对"


def test_credit_code_wrong_length_and_characters() -> None:
    assert "有 17 位，应为 18 位" in refused(parse_credit_code, "91110000600037341").message
    assert "不允许的字符 *" in refused(parse_credit_code, "9111000060003734*L").message
    assert "第 3–8 位" in refused(parse_credit_code, with_check_char("91A10000600037341")).message


@pytest.mark.parametrize("value", [None, "", 91110000600037341, 9.111e17])
def test_credit_code_empty_or_number(value: object) -> None:
    assert "统一社会信用代码" in refused(parse_credit_code, value).message


def test_credit_code_parts() -> None:
    code = CreditCode("91110000600037341L")
    assert code.registration_authority == "9"
    assert code.entity_type == "1"
    assert code.region_code == "110000"
    assert code.organisation_code == "600037341"
    assert str(code) == "91110000600037341L"


# --------------------------------------------------------------------------------------------------
# 联系电话


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("13812345678", "13812345678"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),  # a spreadsheet number
        (Decimal("13812345678"), "13812345678"),
        ("13812345678.0", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("86-13812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("0571-88886666", "0571-88886666"),
        ("057188886666", "0571-88886666"),
        ("0571 88886666", "0571-88886666"),
        ("(0571)88886666", "0571-88886666"),
        ("（0571）88886666", "0571-88886666"),
        ("0571-8888-6666", "0571-88886666"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("020-83001234", "020-83001234"),
        ("0371-6234567", "0371-6234567"),
        ("+86 571 8888 6666", "0571-88886666"),
        ("0571-88886666转123", "0571-88886666-123"),
        ("0571-88886666-123", "0571-88886666-123"),
        ("0571-88886666 ext. 8", "0571-88886666-8"),
        ("057188886666#12", "0571-88886666-12"),
    ],
)
def test_phone_accepted_forms(typed: object, canonical: str) -> None:
    assert parse_phone(typed) == canonical
    assert parse_phone(canonical) == canonical  # canonical form parses to itself


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("1381234567", "有 10 位数字，手机号应为 11 位"),
        ("138123456789", "有 12 位数字"),
        ("12345678901", "第二位应为 3–9"),
        ("88886666", "缺少区号"),
        ("0571-0888666", "不是有效的电话号码"),
        ("0571-123", "不是有效的电话号码"),
        ("138abc45678", "不允许的字符"),
        ("13812345٦٧8", "不允许的字符"),  # Arabic-Indic digits: not 0-9, whatever \d says
        ("0571-٨٨٨٨٦٦٦٦", "不允许的字符"),
        (13812345678.5, "不是有效的电话号码"),
        (-13812345678, "不是有效的电话号码"),
        ("", "不能为空"),
        (None, "不能为空"),
    ],
)
def test_phone_refused(typed: object, fragment: str) -> None:
    error = refused(parse_phone, typed)
    assert fragment in error.message
    assert error.field == "联系电话"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0571-88886666", "0571-******66"),
        ("010-6234567", "010-*****67"),
        ("0571-88886666-123", "0571-******66-***"),
        ("something else", "som*******else"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


# --------------------------------------------------------------------------------------------------
# 行政区划代码, 服务站编码


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("330106", "330106"),
        (330106, "330106"),
        (330106.0, "330106"),
        ("３３０１０６", "330106"),
        (" 330100 ", "330100"),
        ("330000", "330000"),
        ("820000", "820000"),
        ("330199", "330199"),  # not a county in the database, but accepted (codes change)
    ],
)
def test_region_code_accepted(value: object, code: str) -> None:
    assert parse_region_code(value) == code


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("990106", "99 不是有效的省级代码"),
        ("000000", "00 不是有效的省级代码"),
        ("33010", "无效"),
        ("3301060", "无效"),
        ("33O106", "无效"),
        (330106.5, "无效"),
        (None, "不能为空"),
        ("", "不能为空"),
    ],
)
def test_region_code_refused(value: object, fragment: str) -> None:
    assert fragment in refused(parse_region_code, value).message


def test_station_code() -> None:
    assert parse_station_code("330106001") == "330106001"
    assert parse_station_code(330106012) == "330106012"
    assert parse_station_code("３３０１０６００１") == "330106001"
    assert "000" in refused(parse_station_code, "330106000").message
    assert "99 不是有效的省级代码" in refused(parse_station_code, "990106001").message
    assert "9 位数字" in refused(parse_station_code, "33010600").message
    assert "9 位数字" in refused(parse_station_code, "3301060011").message
    assert refused(parse_station_code, "33010600A").field == "服务站编码"


# --------------------------------------------------------------------------------------------------
# 日期


@pytest.mark.parametrize(
    "typed",
    [
        "2024-03-05",
        "2024/3/5",
        "2024/03/05",
        "2024.3.5",
        "2024.03.05",
        "2024-3-5",
        "2024年3月5日",
        "2024年03月05日",
        "2024年3月5",
        "2024年3月5号",
        "2024 年 3 月 5 日",
        "20240305",
        "２０２４－０３－０５",
        "２０２４年３月５日",
        "  2024-03-05  ",
        "2024-03-05 00:00:00",
        "2024-03-05T08:30:00",
        "2024/3/5 8:30",
        date(2024, 3, 5),
        datetime(2024, 3, 5, 17, 45),
        45356,  # Excel serial number
        45356.0,
        45356.75,  # serial with a time of day
        Decimal("45356"),
        20240305,  # yyyymmdd stored as a number
    ],
)
def test_date_accepted_forms(typed: object) -> None:
    assert parse_date(typed, field="开业日期") == date(2024, 3, 5)


def test_excel_serials_around_the_fake_leap_day() -> None:
    assert parse_date(1, field="日期") == date(1900, 1, 1)
    assert parse_date(59, field="日期") == date(1900, 2, 28)
    error = refused(parse_date, 60, field="日期")
    assert "1900-02-29" in error.message
    assert parse_date(61, field="日期") == date(1900, 3, 1)
    assert parse_date(25569, field="日期") == date(1970, 1, 1)
    assert parse_date(73050, field="日期") == date(2099, 12, 31)


@pytest.mark.parametrize("serial", [0, -5, 80000, 1e9])
def test_excel_serial_out_of_range(serial: object) -> None:
    assert "无法识别" in refused(parse_date, serial, field="日期").message


def test_bare_year_as_number_is_refused() -> None:
    assert "年份" in refused(parse_date, 2024, field="毕业日期").message
    assert "年份" in refused(parse_date, 2024.3, field="毕业日期").message


def test_impossible_dates() -> None:
    error = refused(parse_date, "2023-02-30", field="出生日期")
    assert error.message.startswith("出生日期 2023-02-30 不存在")
    assert "出生日期 2023-02-29 不存在" in refused(parse_date, "2023年2月29日", field="出生日期").message
    assert parse_date("2024-02-29", field="出生日期") == date(2024, 2, 29)
    assert "2024-13-01 不存在" in refused(parse_date, "20241301", field="出生日期").message
    assert "2024-04-31 不存在" in refused(parse_date, "2024/4/31", field="出生日期").message
    assert "不存在" in refused(parse_date, 20230230, field="出生日期").message


def test_years_out_of_range() -> None:
    assert "1899" in refused(parse_date, "1899-12-31", field="出生日期").message
    assert "2101" in refused(parse_date, "2101-01-01", field="出生日期").message


@pytest.mark.parametrize("typed", ["abc", "2024-03-05-01", "24-3-5", "3/5/2024", "2024/03-05", "明天"])
def test_unparseable_dates_list_accepted_forms(typed: str) -> None:
    message = refused(parse_date, typed, field="开业日期").message
    assert message.startswith(f"开业日期 {typed} 无法识别")
    assert "应为 2024-03-05、2024/3/5 或 2024年3月5日 这样的日期" in message


@pytest.mark.parametrize("typed", ["2024-03", "2024年3月", "2024.03", "2024/3", "202403"])
def test_month_only_needs_allow_month(typed: str) -> None:
    assert parse_date(typed, field="毕业时间", allow_month=True) == date(2024, 3, 1)
    message = refused(parse_date, typed, field="毕业时间").message
    assert "只有年月" in message


def test_month_as_spreadsheet_number_is_ambiguous() -> None:
    message = refused(parse_date, 2024.1, field="毕业时间", allow_month=True).message
    assert "分不清月份" in message


def test_month_out_of_range_with_allow_month() -> None:
    assert "2024-13-01 不存在" in refused(parse_date, "2024-13", field="毕业时间", allow_month=True).message


@pytest.mark.parametrize("empty", [None, "", "  ", True])
def test_empty_date(empty: object) -> None:
    assert "开业日期" in refused(parse_date, empty, field="开业日期").message


# --------------------------------------------------------------------------------------------------
# 姓名


@pytest.mark.parametrize(
    "name",
    [
        "张三",
        "欧阳修",
        "𠮷野家",
        "王堃",
        "李喆",
        "陈玥",
        "刘昇",
        "赵珺",
        "𠮷",
        "阿依古丽·买买提",
        "John Smith",
        "张A",
    ],
)
def test_names_are_kept_exactly(name: str) -> None:
    assert parse_name(name) == name


def test_supplementary_plane_character_is_one_character_and_preserved() -> None:
    result = parse_name("  𠮷田 ")
    assert result == "𠮷田"
    assert ord(result[0]) == 0x20BB7
    assert result.encode("utf-8") == "𠮷田".encode()


def test_private_use_characters_from_other_systems_are_kept() -> None:
    assert parse_name("张\ue000") == "张\ue000"


@pytest.mark.parametrize("dot", ["•", "．", "・", "･", "‧", "·", ".", " · ", " • "])
def test_minority_name_separator_is_normalised(dot: str) -> None:
    assert parse_name(f"阿依古丽{dot}买买提") == "阿依古丽·买买提"


def test_spaces_inside_chinese_names_are_removed() -> None:
    assert parse_name("张 三") == "张三"
    assert parse_name("欧阳　修") == "欧阳修"
    assert parse_name("Mary  Ann") == "Mary Ann"


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("张3", "不能有数字（3）"),
        ("张３", "不能有数字（3）"),
        ("张三（小）", "不允许的字符"),
        ("张三@", "不允许的字符 @"),
        ("张□", "不允许的字符 □"),
        ("·买买提", "间隔号"),
        ("买买提·", "间隔号"),
        ("", "不能为空"),
        ("   ", "不能为空"),
        (None, "不能为空"),
        (123, "不能有数字"),
        ("张" * 51, "最多 50 个字"),
        ("- '", "没有文字"),
    ],
)
def test_names_refused(name: object, fragment: str) -> None:
    error = refused(parse_name, name)
    assert fragment in error.message
    assert error.field == "姓名"


def test_name_length_limit_counts_characters_not_bytes() -> None:
    assert parse_name("𠮷" * 50) == "𠮷" * 50


# --------------------------------------------------------------------------------------------------
# 非负整数


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (12, 12),
        ("12", 12),
        (12.0, 12),
        ("12.0", 12),
        ("１２", 12),
        ("1,200", 1200),
        (0, 0),
        ("0", 0),
        (Decimal("7"), 7),
        (" 5 ", 5),
    ],
)
def test_non_negative_int_accepted(value: object, number: int) -> None:
    assert parse_non_negative_int(value, field="带动就业人数") == number


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (-1, "不能为负数"),
        ("-3", "不能为负数"),
        (1.5, "不是整数"),
        ("2.5", "不是整数"),
        ("abc", "不是数字"),
        ("12人", "不是数字"),
        (True, "不能为空"),
        (None, "不能为空"),
        ("", "不能为空"),
        (float("nan"), "无效"),
        (Decimal("Infinity"), "无效"),
    ],
)
def test_non_negative_int_refused(value: object, fragment: str) -> None:
    error = refused(parse_non_negative_int, value, field="带动就业人数")
    assert fragment in error.message
    assert error.message.startswith("带动就业人数")


def test_non_negative_int_maximum() -> None:
    assert parse_non_negative_int("100", field="人数", maximum=100) == 100
    assert "超过上限" in refused(parse_non_negative_int, "101", field="人数", maximum=100).message

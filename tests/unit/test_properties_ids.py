"""Properties of the ID number and credit code checks (models/validators.py) against python-stdnum and an
independent check digit written here: the right check character is accepted, every wrong one refused with
a ValidationError naming the field, and any input at all gives a result or a ValidationError, nothing else."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from models.errors import ValidationError
from models.validators import PROVINCE_PREFIXES, USCC_ALPHABET, parse_credit_code, parse_id_number

TODAY = date(2026, 12, 3)
ID_FIELD = "法定代表人身份证号码"
USCC_FIELD = "经营主体统一社会信用代码"


# --------------------------------------------------------------------------- 公民身份号码 (GB 11643-1999)
def mod_11_2(body: str) -> str:
    """ISO 7064 MOD 11-2 as GB 11643 writes it: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11."""
    total = sum(int(digit) * pow(2, 17 - index, 11) for index, digit in enumerate(body))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


@st.composite
def id_bodies(draw: st.DrawFn) -> str:
    """17 digits: a province prefix, any four digits, a birth date 1900 … today, a sequence number."""
    province = draw(st.sampled_from(sorted(PROVINCE_PREFIXES)))
    rest_of_region = draw(st.text("0123456789", min_size=4, max_size=4))
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.text("0123456789", min_size=3, max_size=3))
    return f"{province}{rest_of_region}{birth:%Y%m%d}{sequence}"


@given(body=id_bodies())
@example(body="11010519491231002")  # GB 11643's own example: 11010519491231002X
@example(body="44052418800101001")  # … and 440524188001010014
def test_the_check_digit_agrees_with_stdnum(body: str) -> None:
    assert mod_11_2(body) == ric.calc_check_digit(body + "0")


def test_the_standards_examples() -> None:
    assert mod_11_2("11010519491231002") == "X"
    assert mod_11_2("44052418800101001") == "4"


@given(body=id_bodies())
def test_the_right_check_digit_is_accepted(body: str) -> None:
    number = body + ric.calc_check_digit(body + "0")
    for typed in (
        number,
        number.lower(),
        f" {number[:6]} {number[6:14]} {number[14:]} ",
        number[:6] + "-" + number[6:],
    ):
        checked = parse_id_number(typed, field=ID_FIELD, today=TODAY)
        assert checked.number == number
        assert checked.birth_date == ric.get_birth_date(number)
        assert checked.sex == ("男" if int(number[16]) % 2 else "女")


@given(body=id_bodies())
def test_every_wrong_check_digit_is_refused_naming_the_field(body: str) -> None:
    right = ric.calc_check_digit(body + "0")
    for wrong in (char for char in "0123456789X" if char != right):
        with pytest.raises(ValidationError) as caught:
            parse_id_number(body + wrong, field=ID_FIELD, today=TODAY)
        assert caught.value.field == ID_FIELD
        assert ID_FIELD in caught.value.message
        assert not ric.is_valid(body + wrong)


@given(body=id_bodies(), position=st.integers(min_value=0, max_value=16), digit=st.sampled_from("0123456789"))
def test_one_mistyped_digit_is_caught_like_stdnum_catches_it(body: str, position: int, digit: str) -> None:
    """GB 11643's check catches every single wrong digit: when a mistyped number still has a real birth
    date and province, refusing it is the check digit's work, exactly where stdnum refuses the checksum."""
    number = body + ric.calc_check_digit(body + "0")
    typo = number[:position] + digit + number[position + 1 :]
    try:
        checked = parse_id_number(typo, field=ID_FIELD, today=TODAY)
    except ValidationError as error:
        assert error.field == ID_FIELD
        assert typo != number
        assert not ric.is_valid(typo)
        return
    assert typo == number and checked.number == number


def without_separators(text: str) -> str:
    """The text as stdnum compacts it, less the spaces and hyphens inside that the program drops."""
    return str(ric.compact(text.replace(" ", "").replace("-", "")))


def stdnum_would_accept(number: str) -> bool:
    """stdnum.cn.ric.validate without its county table (counties change; the program checks provinces),
    with the program's own limits: a province it knows and a birth date from 1900 up to today."""
    try:
        compact = without_separators(number)
        if len(compact) != 18 or not compact[:17].isdigit() or not compact[:17].isascii():
            return False
        if compact[17] != ric.calc_check_digit(compact):
            return False
        birth = ric.get_birth_date(compact)
    except Exception:  # stdnum's own errors, and int() of odd digits
        return False
    return compact[:2] in PROVINCE_PREFIXES and date(1900, 1, 1) <= birth <= TODAY


near_ids = st.builds(
    lambda body, tail, cut, junk: (body + ric.calc_check_digit(body + "0") + tail)[:cut] + junk,
    id_bodies(),
    st.text("0123456789Xx -", max_size=3),
    st.integers(min_value=14, max_value=21),
    st.text("0123456789Xx -", max_size=3),
)


@given(text=near_ids)
@example(text="110105194912310021")
@example(text="11010519491231002x")
@example(text="11010519491231002X1")
@example(text="000000194912310021")
@example(text="110105000012310021")
@example(text="110105194902300021")
def test_acceptance_is_stdnums_on_numbers_of_about_eighteen_digits(text: str) -> None:
    try:
        checked = parse_id_number(text, field=ID_FIELD, today=TODAY)
    except ValidationError as error:
        assert error.field == ID_FIELD
        assert not stdnum_would_accept(text), text
        return
    assert stdnum_would_accept(text), text
    assert checked.number == without_separators(text)


anything = st.one_of(
    st.text(),
    st.text("0123456789Xx -.,E+１２３４５６７８９０Ｘ\u3000\u200b"),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.booleans(),
    st.none(),
    st.binary(max_size=20),
    st.dates(),
    st.lists(st.integers(), max_size=3),
)


@given(value=anything)
@example(value="1.10105E+17")
@example(value="110105491231002")  # 15 digits, the old form
@example(value="110105194912310000")
@example(value=110105194912310021)
@example(value=1.10105194912310021e17)
@example(value="٣٣٠١٠٦١٩٩٠٠١٠١٠٠٧١")  # Arabic-Indic digits
@example(value="𝟑𝟑𝟎𝟏𝟎𝟔𝟏𝟗𝟗𝟎𝟎𝟏𝟎𝟏𝟎𝟎𝟕𝟏")  # mathematical bold digits: NFKC makes them ASCII
def test_any_input_gives_an_id_number_or_a_validation_error(value: object) -> None:
    try:
        checked = parse_id_number(value, field=ID_FIELD, today=TODAY)
    except ValidationError as error:
        assert error.field == ID_FIELD
        assert error.value is value
        return
    assert stdnum_would_accept(checked.number)
    assert TODAY - checked.birth_date >= timedelta(0)


# ------------------------------------------------------------------------- 统一社会信用代码 (GB 32100-2015)
WEIGHTS = [pow(3, index, 31) for index in range(17)]  # 1, 3, 9, 27, 19, 26, …


def mod_31_3(body: str) -> str:
    """GB 32100: weights 3^i mod 31, check = 31 - (sum mod 31), with 31 written as 0."""
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


alphabet = st.sampled_from(USCC_ALPHABET)
credit_bodies = st.builds(
    lambda head, region, organisation: head + region + organisation,
    st.text(USCC_ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
)


def test_the_weights_are_gb_32100s() -> None:
    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert mod_31_3("91110000600037341") == "L"  # stdnum's example, a real code


@given(body=credit_bodies)
@example(body="91110000600037341")
def test_the_check_character_agrees_with_stdnum(body: str) -> None:
    assert mod_31_3(body) == uscc.calc_check_digit(body)


@given(body=credit_bodies)
def test_the_right_check_character_is_accepted(body: str) -> None:
    code = body + uscc.calc_check_digit(body)
    for typed in (code, code.lower(), f"{code[:2]} {code[2:8]} {code[8:]}", f"{code[:8]}-{code[8:]}"):
        assert parse_credit_code(typed, field=USCC_FIELD) == code
    if code[:8].isdigit():
        assert uscc.is_valid(code)


@given(body=credit_bodies)
def test_every_wrong_check_character_is_refused_naming_the_field(body: str) -> None:
    right = uscc.calc_check_digit(body)
    for wrong in (char for char in USCC_ALPHABET if char != right):
        with pytest.raises(ValidationError) as caught:
            parse_credit_code(body + wrong, field=USCC_FIELD)
        assert caught.value.field == USCC_FIELD
        assert USCC_FIELD in caught.value.message
        assert not uscc.is_valid(body + wrong)


@given(body=credit_bodies, position=st.integers(min_value=0, max_value=17), char=st.sampled_from("IOSVZ"))
def test_letters_the_codes_never_use_are_refused(body: str, position: int, char: str) -> None:
    code = body + uscc.calc_check_digit(body)
    with pytest.raises(ValidationError, match=f"含有字母 {char}：") as caught:
        parse_credit_code(code[:position] + char + code[position + 1 :], field=USCC_FIELD)
    assert caught.value.field == USCC_FIELD


near_codes = st.builds(
    lambda body, cut, junk: (body + uscc.calc_check_digit(body))[:cut] + junk,
    credit_bodies,
    st.integers(min_value=15, max_value=19),
    st.text(USCC_ALPHABET + "ioszv -", max_size=3),
)


@given(text=near_codes)
def test_acceptance_is_stdnums_where_stdnum_applies(text: str) -> None:
    """stdnum wants eight digits first (it knows only 市场监管's codes); where it applies, it agrees."""
    try:
        code = parse_credit_code(text, field=USCC_FIELD)
    except ValidationError as error:
        assert error.field == USCC_FIELD
        compact = uscc.compact(text)
        assert not (uscc.is_valid(compact) and compact.isascii()), text
        return
    assert code == uscc.compact(text)
    assert code[17] == mod_31_3(code[:17])
    if code[:8].isdigit():
        assert uscc.is_valid(code)


@given(value=anything)
@example(value="9.1110000600037E+17")
@example(value=911100006000373410)
@example(value="91110000600037341L\u200b")
@example(value="９１１１００００６０００３７３４１Ｌ")
def test_any_input_gives_a_credit_code_or_a_validation_error(value: object) -> None:
    try:
        code = parse_credit_code(value, field=USCC_FIELD)
    except ValidationError as error:
        assert error.field == USCC_FIELD
        assert error.value is value
        return
    assert len(code) == 18 and set(code) <= set(USCC_ALPHABET)
    assert code[2:8].isdigit() and code[17] == mod_31_3(code[:17])


@pytest.mark.parametrize("value", [Decimal("9.1110000600037341E+17"), 9.1110000600037341e17])
def test_numbers_are_refused(value: object) -> None:
    with pytest.raises(ValidationError):
        parse_credit_code(value, field=USCC_FIELD)

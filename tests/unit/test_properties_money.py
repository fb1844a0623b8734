"""Properties of money (models/money.py): fen are integers end to end, yuan text reads back to the same fen,
and the financial capitals (大写金额) agree with a small reference written here from the rules
(《支付结算办法》附件一) and read back to the same amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from models.errors import ValidationError
from models.money import MAX_FEN, chinese_capitals, format_yuan, yuan_to_fen

DIGITS = "零壹贰叁肆伍陆柒捌玖"

# Random integers seldom have the runs of zeros where 零 is decided: build amounts digit by digit too.
zero_heavy = st.lists(st.sampled_from("000000123456789"), min_size=1, max_size=15).map(
    lambda digits: int("".join(digits))
)
amounts = st.one_of(st.integers(min_value=0, max_value=MAX_FEN), zero_heavy, st.integers(0, 100_000))


# ------------------------------------------------------------------------------ the reference capitals
def reference_integer(number: int) -> str:
    """0 < number < 10**16, digit by digit from the left: 拾佰仟 inside a group of four, 万/亿 after a group
    with any digit (亿 after everything above 10**8, so 10**12 is 壹万亿). Zeros at the start or inside a
    group, once something is written, become one 零; zeros at the end of a group are not written."""
    text = f"{number:016d}".lstrip("0")
    out = ""
    pending_zero = False
    group_has_digit = False
    for position, char in zip(range(len(text) - 1, -1, -1), text, strict=True):
        if char == "0":
            pending_zero = pending_zero or bool(out)
        else:
            if pending_zero:
                out += "零"
                pending_zero = False
            out += DIGITS[int(char)] + ("", "拾", "佰", "仟")[position % 4]
            group_has_digit = True
        if position % 4 == 0 and position > 0:
            label = "亿" if position == 8 else "万"
            if group_has_digit or (position == 8 and out):
                out += label
                pending_zero = False
            group_has_digit = False
    return out


def reference_capitals(fen: int) -> str:
    """The capitals as the rules write them, with the choices models/money.py documents: 整 only after 元;
    元 followed by 零 when the 元 digit or the 角 digit is 0; no 元 below one yuan."""
    if fen == 0:
        return "零元整"
    yuan, jiao, fen_digit = fen // 100, fen // 10 % 10, fen % 10
    decimals = (DIGITS[jiao] + "角" if jiao else "") + (DIGITS[fen_digit] + "分" if fen_digit else "")
    if not yuan:
        return decimals
    if not decimals:
        return reference_integer(yuan) + "元整"
    link = "零" if str(yuan).endswith("0") or not jiao else ""
    return reference_integer(yuan) + "元" + link + decimals


def read_capitals(text: str) -> int:
    """Read capitals back into fen, independently of how they were written (零 carries no value)."""
    integer, _, decimals = text.removesuffix("整").rpartition("元")
    total = section = number = 0
    for char in integer:
        if char in DIGITS:
            number = DIGITS.index(char)
        elif char in "拾佰仟":
            section += number * 10 ** ("拾佰仟".index(char) + 1)
            number = 0
        elif char == "万":
            section = (section + number) * 10**4
            number = 0
        elif char == "亿":
            total = (total + section + number) * 10**8
            section = number = 0
        else:
            raise AssertionError(f"unexpected {char!r} in {text}")
    fen = (total + section + number) * 100
    jiao = decimals.partition("角")
    if jiao[1]:
        fen += DIGITS.index(jiao[0].removeprefix("零")) * 10
        decimals = jiao[2]
    if decimals:
        assert decimals.endswith("分"), text
        fen += DIGITS.index(decimals.removesuffix("分").removeprefix("零"))
    return fen


@pytest.mark.parametrize(
    ("fen", "expected"),
    [  # the rules' own examples, and the docstring's
        (0, "零元整"),
        (5, "伍分"),
        (55, "伍角伍分"),
        (1000, "壹拾元整"),
        (1005, "壹拾元零伍分"),
        (600714, "陆仟零柒元壹角肆分"),
        (10000100, "壹拾万零壹元整"),
        (10700053, "壹拾万柒仟元零伍角叁分"),
        (100000050, "壹佰万元零伍角"),
        (168032, "壹仟陆佰捌拾元零叁角贰分"),
        (1640902, "壹万陆仟肆佰零玖元零贰分"),
        (1_0000_5000_00, "壹亿零伍仟元整"),
        (1_2000_0005_00, "壹亿贰仟万零伍元整"),
        (1_0000_1000_00, "壹亿零壹仟元整"),
        (1_0000_0000_0000_00, "壹万亿元整"),
        (1_0001_0000_0000_00, "壹万零壹亿元整"),
        (1_0000_0000_0001_00, "壹万亿零壹元整"),
        (MAX_FEN, "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_known_capitals(fen: int, expected: str) -> None:
    assert reference_capitals(fen) == expected  # the reference itself is right on these
    assert chinese_capitals(fen) == expected
    assert read_capitals(expected) == fen


def test_capitals_of_every_amount_up_to_a_thousand_yuan() -> None:
    for fen in range(100_001):
        assert chinese_capitals(fen) == reference_capitals(fen), fen


def test_capitals_of_every_ten_thousand_yuan_step_up_to_a_thousand_million() -> None:
    """Every digit pattern of the 万 and 亿 groups: amounts of whole 万元 from 0 to 10**9 yuan, stepped by
    a prime number of 万 so each group sees zeros and non-zeros in every place."""
    for wan in range(0, 100_001, 7):
        fen = wan * 10**6 + (wan % 3) * 100
        assert chinese_capitals(fen) == reference_capitals(fen), fen


@given(fen=amounts)
@example(fen=MAX_FEN)
def test_capitals_match_the_reference(fen: int) -> None:
    assert chinese_capitals(fen) == reference_capitals(fen)


@given(fen=amounts)
@example(fen=MAX_FEN)
def test_capitals_read_back_to_the_same_amount(fen: int) -> None:
    text = chinese_capitals(fen)
    assert read_capitals(text) == fen
    assert "零零" not in text
    assert text.startswith("零") == (fen == 0)
    assert text.endswith("整") == (fen % 100 == 0)


@given(fen=st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_FEN + 1)))
def test_capitals_refuse_amounts_outside_the_range(fen: int) -> None:
    with pytest.raises(ValidationError) as caught:
        chinese_capitals(fen)
    assert caught.value.field == "金额"


@given(value=st.one_of(st.floats(), st.decimals(), st.booleans(), st.text(max_size=5), st.none()))
def test_capitals_take_fen_only_never_a_float(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        chinese_capitals(value)  # type: ignore[arg-type]
    assert caught.value.field == "金额"


# ------------------------------------------------------------------------------------------ yuan ↔ fen
@given(fen=amounts)
@example(fen=MAX_FEN)
def test_formatted_yuan_reads_back_to_the_same_fen(fen: int) -> None:
    shown = format_yuan(fen)
    back = yuan_to_fen(shown)
    assert type(back) is int and back == fen
    yuan, cents = divmod(fen, 100)
    for text in (f"{yuan}.{cents:02d}", f"￥{yuan:,}.{cents:02d}", f"{yuan}.{cents:02d}元", f" {shown} "):
        assert yuan_to_fen(text) == fen, text
    assert yuan_to_fen(Decimal(fen) / 100) == fen
    if cents == 0:
        assert yuan_to_fen(yuan) == fen
        assert yuan_to_fen(f"{yuan}元整") == fen


@given(fen=amounts)
@example(fen=MAX_FEN)
@example(fen=10)  # 0.1 元 is 10 fen, not 10.000000000000002
def test_a_spreadsheet_float_reads_as_the_amount_it_shows(fen: int) -> None:
    """A double keeps 15 significant digits, and MAX_FEN has 15: every amount survives a spreadsheet."""
    yuan, cents = divmod(fen, 100)
    back = yuan_to_fen(float(f"{yuan}.{cents:02d}"))
    assert type(back) is int and back == fen


@given(value=st.one_of(st.floats(), st.decimals(), st.integers(), st.text(), st.none(), st.booleans()))
@example(value="1.005")
@example(value="-0.01")
@example(value="1e3")
@example(value=float("nan"))
@example(value=10_000_000_000_000.0)
def test_yuan_to_fen_gives_whole_fen_in_range_or_a_validation_error(value: object) -> None:
    try:
        fen = yuan_to_fen(value, field="补贴金额")
    except ValidationError as error:
        assert error.field == "补贴金额"
        assert "补贴金额" in error.message
        return
    assert type(fen) is int
    assert 0 <= fen <= MAX_FEN


@given(
    fen=st.integers(min_value=0, max_value=MAX_FEN),
    zeros=st.integers(min_value=0, max_value=40),
    last=st.integers(min_value=1, max_value=9),
)
@example(fen=1200050, zeros=26, last=9)  # 12,000.50000000000000000000000000009: 28 digits and more
@example(fen=100, zeros=29, last=1)
def test_decimals_beyond_the_fen_are_refused_not_rounded(fen: int, zeros: int, last: int) -> None:
    yuan, cents = divmod(fen, 100)
    tail = "0" * zeros + str(last)
    for value in (f"{yuan:,}.{cents:02d}{tail}", Decimal(f"{yuan}.{cents:02d}{tail}")):
        with pytest.raises(ValidationError, match="两位"):
            yuan_to_fen(value)


@pytest.mark.parametrize(
    "value", [Decimal("9E+999999"), Decimal("1E+999999999"), Decimal("1E-999999999"), Decimal("-1E+999999")]
)
def test_decimals_of_any_exponent_are_refused_with_a_validation_error(value: Decimal) -> None:
    with pytest.raises(ValidationError):
        yuan_to_fen(value)


@given(fen=st.integers(min_value=1, max_value=MAX_FEN))
def test_negative_amounts_are_refused(fen: int) -> None:
    yuan, cents = divmod(fen, 100)
    for value in (f"-{yuan}.{cents:02d}", -Decimal(fen) / 100, -fen):
        with pytest.raises(ValidationError, match="负数"):
            yuan_to_fen(value)


@given(fen=st.integers())
def test_format_yuan_keeps_sign_and_every_fen(fen: int) -> None:
    shown = format_yuan(fen)
    assert shown.startswith("-¥" if fen < 0 else "¥")
    yuan, _, cents = shown.lstrip("-¥").partition(".")
    assert len(cents) == 2
    assert int(yuan.replace(",", "") + cents) == abs(fen)

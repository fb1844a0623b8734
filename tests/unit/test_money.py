"""Money in fen, ¥ display and the capitals printed on forms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.errors import ValidationError
from models.money import MAX_FEN, chinese_capitals, format_yuan, yuan_to_fen


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (0, 0),
        (12000, 1_200_000),
        ("12000", 1_200_000),
        ("12,000.50", 1_200_050),
        ("12,000.5", 1_200_050),
        ("¥12000", 1_200_000),
        ("￥12,000.00", 1_200_000),
        ("１２０００元", 1_200_000),
        ("12000元整", 1_200_000),
        ("人民币 3000", 300_000),
        (" 0.05 ", 5),
        (".5", 50),
        ("5.", 500),
        (Decimal("1000000.50"), 100_000_050),
        (Decimal("12.10"), 1210),
        (12.5, 1250),
        (0.1, 10),  # read through "0.1", not the binary float
        (19.99, 1999),
        (1234567.89, 123_456_789),
        ("9,999,999,999,999.99", MAX_FEN),
    ],
)
def test_yuan_to_fen(value: object, fen: int) -> None:
    result = yuan_to_fen(value)
    assert result == fen
    assert type(result) is int


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (12.345, "小数超过两位"),
        ("12.345", "小数超过两位"),
        (Decimal("1.005"), "小数超过两位"),
        (-1, "不能为负数"),
        ("-12.00", "不能为负数"),
        (-0.5, "不能为负数"),
        ("abc", "不是金额"),
        ("1,2,3", "不是金额"),
        ("12,00", "不是金额"),
        ("1万", "不是金额"),
        ("", "不能为空"),
        (None, "不能为空"),
        (True, "不能为空"),
        (float("nan"), "无效"),
        (float("inf"), "无效"),
        (Decimal("NaN"), "无效"),
        ("10000000000000", "超出"),
    ],
)
def test_yuan_to_fen_refused(value: object, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        yuan_to_fen(value, field="补贴金额")
    assert fragment in info.value.message
    assert info.value.message.startswith("补贴金额")
    assert info.value.field == "补贴金额"


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (1_200_000, "¥12,000.00"),
        (1_200_050, "¥12,000.50"),
        (100_000_050, "¥1,000,000.50"),
        (-1200, "-¥12.00"),
    ],
)
def test_format_yuan(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


@pytest.mark.parametrize(
    ("yuan", "capitals"),
    [
        # the examples asked for
        ("0", "零元整"),
        ("10", "壹拾元整"),
        ("100001", "壹拾万零壹元整"),
        ("1000000.50", "壹佰万元零伍角"),
        ("12000", "壹万贰仟元整"),
        ("1001.01", "壹仟零壹元零壹分"),
        ("0.05", "伍分"),
        # the examples in 《正确填写票据和结算凭证的基本规定》 (first form where two are allowed)
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("107000.53", "壹拾万柒仟元零伍角叁分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        # more
        ("0.50", "伍角"),
        ("0.55", "伍角伍分"),
        ("1", "壹元整"),
        ("16", "壹拾陆元整"),
        ("110", "壹佰壹拾元整"),
        ("100010", "壹拾万零壹拾元整"),
        ("1203000", "壹佰贰拾万叁仟元整"),
        ("1200300", "壹佰贰拾万零叁佰元整"),
        ("30000", "叁万元整"),
        ("100000000", "壹亿元整"),
        ("100005000", "壹亿零伍仟元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("1000000000000", "壹万亿元整"),
        ("1000100000000", "壹万零壹亿元整"),
        ("9999999999999.99", "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_chinese_capitals(yuan: str, capitals: str) -> None:
    assert chinese_capitals(yuan_to_fen(yuan)) == capitals


def test_capitals_never_end_in_zheng_after_jiao_or_fen() -> None:
    for fen in range(0, 100_000, 7):
        text = chinese_capitals(fen)
        if fen % 100:
            assert not text.endswith("整"), (fen, text)
        else:
            assert text.endswith("元整"), (fen, text)
        assert "零零" not in text
        assert not text.startswith("零") or fen == 0
        assert not text.startswith("拾")


def test_capitals_refused() -> None:
    for bad in (-1, MAX_FEN + 1):
        with pytest.raises(ValidationError):
            chinese_capitals(bad)
    with pytest.raises(ValidationError):
        chinese_capitals(1.5)  # type: ignore[arg-type]

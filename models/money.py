"""Money: an integer number of fen (分), never a float.

Amounts enter as text or spreadsheet numbers (:func:`yuan_to_fen`), are stored as fen, and leave as
``¥12,000.00`` (:func:`format_yuan`) or in the financial capitals printed on application forms
(:func:`chinese_capitals`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation

from models.errors import ValidationError

MAX_FEN = 999_999_999_999_999  # 9,999,999,999,999.99 元, the largest amount the capitals are written for
_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$|^\.\d+$")
_FEN_PER_YUAN = Decimal(100)
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)  # yuan → fen never rounds, over- or underflows


def yuan_to_fen(value: object, *, field: str = "金额") -> int:
    """Read an amount in yuan and return it in fen.

    Accepts ``12000``, ``"12,000.50"``, ``"¥12000"``, ``"12000元"``, full-width digits and Decimal. A float
    (a spreadsheet cell) is read through its shortest decimal form, so 0.1 is 10 fen, and refused when it
    has more than two decimals; so are negative amounts, text and amounts above :data:`MAX_FEN`.
    """
    expected = "应为不小于 0、最多两位小数的金额（如 12000 或 12,000.50）"
    if value is None or isinstance(value, bool):
        raise ValidationError(field, value, f"{field}不能为空，{expected}")
    amount: Decimal
    shown: str
    if isinstance(value, int):
        amount, shown = Decimal(value), str(value)
    elif isinstance(value, float):
        shown = repr(value)
        if not math.isfinite(value):
            raise ValidationError(field, value, f"{field} {shown} 无效，{expected}")
        amount = Decimal(repr(value))
    elif isinstance(value, Decimal):
        amount, shown = value, str(value)
        if not amount.is_finite():
            raise ValidationError(field, value, f"{field} {shown} 无效，{expected}")
    else:
        shown = " ".join(unicodedata.normalize("NFKC", str(value)).split())
        if not shown:
            raise ValidationError(field, value, f"{field}不能为空，{expected}")
        text = shown.replace(" ", "")
        negative = text.startswith(("-", "−"))
        text = text.lstrip("-−+")
        text = re.sub(r"^(?:¥|￥|RMB|CNY|人民币)", "", text, flags=re.IGNORECASE)
        text = re.sub(r"(?:元整?|圆整?)$", "", text)
        if not _AMOUNT.match(text):
            raise ValidationError(field, value, f"{field} {shown} 不是金额，{expected}")
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern above only lets numbers through
            raise ValidationError(field, value, f"{field} {shown} 不是金额，{expected}") from None
        if negative:
            amount = -amount
    if amount < 0:
        raise ValidationError(field, value, f"{field} {shown} 不能为负数，{expected}")
    fen = _EXACT.multiply(amount, _FEN_PER_YUAN)
    if fen != fen.to_integral_value():
        raise ValidationError(field, value, f"{field} {shown} 的小数超过两位（分），{expected}")
    if fen > MAX_FEN:
        raise ValidationError(
            field, value, f"{field} {shown} 超出可处理的范围（最大 9,999,999,999,999.99 元）"
        )
    return int(fen)


def format_yuan(fen: int) -> str:
    """``1200050`` → ``"¥12,000.50"``; a negative amount (a difference) → ``"-¥12.00"``."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP = ("仟", "佰", "拾", "")


def _below_ten_thousand(number: int) -> str:
    """0 < number < 10,000: zeros between digits become one 零; trailing zeros are not written."""
    out: list[str] = []
    pending_zero = False
    for digit, unit in zip(f"{number:04d}", _IN_GROUP, strict=True):
        if digit == "0":
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[int(digit)] + unit)
    return "".join(out)


def _integer_capitals(number: int) -> str:
    """0 < number < 10**16, in groups of 亿 and 万; a group starting with 0 after a higher one gets 零."""
    for size, label in ((10**8, "亿"), (10**4, "万")):
        if number >= size:
            high, low = divmod(number, size)
            text = _integer_capitals(high) + label
            if low:
                if low < size // 10:
                    text += "零"
                text += _integer_capitals(low)
            return text
    return _below_ten_thousand(number)


def chinese_capitals(fen: int) -> str:
    """The amount in financial capitals (大写金额) as written on bills and forms.

    Follows 《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》:

    - "整" after 元 when there are no 角 and 分 (壹拾元整); none after 角 or 分 (the rules allow leaving it
      out after 角, and this module always does).
    - A zero between digits is written 零, several zeros in a row once (¥6,007.14 → 陆仟零柒元壹角肆分;
      ¥100,001 → 壹拾万零壹元整).
    - Where the 万 or 元 digit is 0 but the 千 or 角 digit is not, the rules allow either form; this module
      writes the first form of the rules' own example (¥107,000.53 → 壹拾万柒仟元零伍角叁分): no 零
      after 万 when the 千 digit follows directly, and 零 after 元 when the 元 digit is 0 and 角 follows
      (¥1,000,000.50 → 壹佰万元零伍角; ¥1,680.32 → 壹仟陆佰捌拾元零叁角贰分).
    - When 角 is 0 and 分 is not, 零 is written after 元 (¥16,409.02 → 壹万陆仟肆佰零玖元零贰分).
    - 拾 is always preceded by its digit (壹拾元整, not 拾元整), so that nothing can be written in front.
    - Less than one yuan has no 元 (伍分, 伍角伍分); zero is 零元整.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValidationError("金额", fen, f"金额 {fen!r} 应为以分计的整数")
    if fen < 0:
        raise ValidationError("金额", fen, f"金额 {format_yuan(fen)} 为负数，无法写成大写金额")
    if fen > MAX_FEN:
        raise ValidationError("金额", fen, f"金额 {format_yuan(fen)} 超出大写金额可写的范围")
    if fen == 0:
        return "零元整"
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    text = ""
    if yuan:
        text = _integer_capitals(yuan) + "元"
        if not cents:
            return text + "整"
        if jiao == 0 or yuan % 10 == 0:
            text += "零"
    if jiao:
        text += _DIGITS[jiao] + "角"
    if fen_digit:
        text += _DIGITS[fen_digit] + "分"
    return text

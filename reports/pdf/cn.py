"""How dates and amounts are written on Chinese paper forms."""

from __future__ import annotations

from datetime import date

from models.errors import ValidationError

BLANK_DATE = "\u3000\u3000年\u3000\u3000月\u3000\u3000日"
"""The date to fill in by hand: ideographic spaces leave room for the figures."""

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿")
_MAX_FEN = 10**14 - 1  # 999,999,999,999.99 yuan: every group of four digits has a unit


def format_date_cn(d: date | None) -> str:
    """``2025年1月5日``; :data:`BLANK_DATE` (``　　年　　月　　日``) when there is no date yet."""
    if d is None:
        return BLANK_DATE
    return f"{d.year}年{d.month}月{d.day}日"


def format_amount(fen: int) -> str:
    """An amount of money in figures with thousands separators: 1234567 fen -> ``12,345.67``."""
    _check_amount(fen)
    yuan, cents = divmod(fen, 100)
    return f"{yuan:,}.{cents:02d}"


def amount_in_capitals(fen: int) -> str:
    """An amount in financial capitals (大写金额) as banks and finance offices require.

    Rules of the People's Bank of China for filling in payment documents: ``整`` follows ``元`` or ``角``
    when there are no ``分``; a zero inside the figures is written once as ``零``; ``零`` stands between
    ``元`` and ``分`` when ``角`` is zero. 1234567 -> ``壹万贰仟叁佰肆拾伍元陆角柒分``,
    100000 -> ``壹仟元整``, 105 -> ``壹元零伍分``, 0 -> ``零元整``.
    """
    _check_amount(fen)
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    parts: list[str] = []
    if yuan:
        parts.append(_integer_in_capitals(yuan) + "元")
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif fen_digit and yuan:
        parts.append("零")
    if fen_digit:
        parts.append(_DIGITS[fen_digit] + "分")
    else:
        parts.append("整")
    return "".join(parts)


def _integer_in_capitals(n: int) -> str:
    groups: list[int] = []
    while n:
        n, group = divmod(n, 10_000)
        groups.append(group)
    out: list[str] = []
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or group < 1000):
            out.append("零")
        pending_zero = False
        out.append(_group_in_capitals(group) + _GROUP_UNITS[index])
    return "".join(out)


def _group_in_capitals(group: int) -> str:
    """1..9999 without a leading 零; inner zeros collapse into one 零 and trailing zeros vanish."""
    digits = [int(d) for d in f"{group:04d}"]
    out: list[str] = []
    zero = False
    started = False
    for position, digit in enumerate(digits):
        if digit == 0:
            zero = started
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[3 - position])
        started = True
    return "".join(out)


def _check_amount(fen: int) -> None:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValidationError("金额", fen, f"金额 {fen!r} 应为以分为单位的整数")
    if fen < 0:
        raise ValidationError("金额", fen, f"金额 {fen} 分为负数，表格上只能填写零或正数")
    if fen > _MAX_FEN:
        raise ValidationError("金额", fen, f"金额 {fen} 分超出可填写的范围，应小于一万亿元")

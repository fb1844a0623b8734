"""How dates and amounts are written on Chinese paper forms."""

from __future__ import annotations

from datetime import date

from models.errors import ValidationError
from models.money import chinese_capitals

BLANK_DATE = "\u3000\u3000年\u3000\u3000月\u3000\u3000日"
"""The date to fill in by hand: ideographic spaces leave room for the figures."""

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
    """An amount in financial capitals (大写金额) for paper: the one rule in :mod:`models.money`."""
    _check_amount(fen)
    return chinese_capitals(fen)


def _check_amount(fen: int) -> None:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValidationError("金额", fen, f"金额 {fen!r} 应为以分为单位的整数")
    if fen < 0:
        raise ValidationError("金额", fen, f"金额 {fen} 分为负数，表格上只能填写零或正数")
    if fen > _MAX_FEN:
        raise ValidationError("金额", fen, f"金额 {fen} 分超出可填写的范围，应小于一万亿元")

"""Cell values as districts type them, made ready for the form's validators: a 15-digit first-generation
ID number (第一代身份证) converted to 18 digits with its check character, an Excel date serial typed or
pasted as text ("45356"), a date in Chinese numerals (二〇二四年三月五日). Names padded with (full-width)
spaces need nothing here: the name's own validator drops the padding. Pure."""

from __future__ import annotations

import re
import unicodedata

_ID_SEPARATORS = re.compile(r"[\s\-‐‑–—]")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.0+)?$")
_CHINESE_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_CHINESE_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9, "元": 1}
_CHINESE_DATE = re.compile(
    r"^([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月(?:([一二三四五六七八九十]{1,3})[日号]?)?$"
)


def first_generation_upgrade(number: str) -> str | None:
    """The 18-digit number of a 15-digit first-generation ID number (born 19xx, check char added)."""
    if len(number) != 15 or not number.isdigit() or not number.isascii():
        return None
    from stdnum.cn import ric

    body = number[:6] + "19" + number[6:]
    return body + str(ric.calc_check_digit(body + "0"))


def upgrade_id_number(value: object) -> tuple[object, bool]:
    """``value``, or its 18-digit form when it is a 15-digit first-generation number (text, or a whole
    number: 15 digits fit a spreadsheet's number exactly). The second item says whether it was converted."""
    if isinstance(value, bool):
        return value, False
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float) and value.is_integer() and 1e14 <= value < 1e15:
        text = str(int(value))
    elif isinstance(value, str):
        if len(value) == 18 or len(value) > 40:  # the common case first: an 18-character number
            return value, False
        text = _ID_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    else:
        return value, False
    upgraded = first_generation_upgrade(text)
    return (upgraded, True) if upgraded is not None else (value, False)


def _chinese_number(text: str) -> int:
    if "十" not in text:
        return int("".join(str(_CHINESE_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[ones] if ones else 0)


def ledger_date(value: object) -> object:
    """A date cell in a form :func:`models.validators.parse_date` reads: a serial typed as text becomes
    the number, a date in Chinese numerals becomes 2024年3月5日; anything else is passed on unchanged."""
    if not isinstance(value, str) or (value.isascii() and not value.strip().isdigit()):
        return value  # the common case: 2024-03-05, 2024/3/5 … as the date's validator reads them
    text = "".join(unicodedata.normalize("NFKC", value).split())
    if _SERIAL_TEXT.match(text):
        return int(float(text))
    match = _CHINESE_DATE.match(text.replace("O", "〇"))
    if match:
        year = "".join(str(_CHINESE_DIGITS[c]) for c in match[1])
        try:
            month = _chinese_number(match[2])
            day = f"{_chinese_number(match[3])}日" if match[3] else ""
        except KeyError:
            return value
        return f"{year}年{month}月{day}"
    return value

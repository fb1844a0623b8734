"""Validation of what people type or import: ID numbers, credit codes, phones, dates, names, counts.

Every function here is pure (no database, no Qt) and is used wherever data enters the program: form
fields, Excel import, packages and the CLI. A refused value raises :class:`models.errors.ValidationError`
whose Chinese message names the field, the value and what is expected, so that a station worker can fix
the input without help.

Much of the input comes from Excel ledgers (台账), so the parsers know the spreadsheet traps: ID numbers
turned into numbers (``1.10105E+17``, digits lost), phones stored as ``13812345678.0``, dates stored as
serial numbers, full-width digits typed with a Chinese input method.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Literal, TypeGuard

from models.clock import china_today
from models.errors import ValidationError
from models.masking import MOBILE, mask_id_number

# GB/T 2260 province-level prefixes (the first two digits of a region code).
PROVINCE_PREFIXES: frozenset[str] = frozenset(
    {
        *("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"),
        *("71", "81", "82"),
    }
)

_FULLWIDTH_ALNUM = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B) if chr(code - 0xFEE0).isalnum()}
_ZERO_WIDTH = {0x200B: None, 0xFEFF: None}
_TIDY = {**_FULLWIDTH_ALNUM, **_ZERO_WIDTH}  # both at once: neither map makes what the other maps


def normalise_text(value: object) -> str:
    """Return ``value`` as tidy single-line text: ``None`` becomes ``""``.

    Full-width digits and letters (typed with a Chinese input method) become ASCII, every kind of space
    (ideographic, no-break, tabs, line breaks) becomes one ASCII space, zero-width characters pasted from
    web pages are dropped, and the ends are stripped. Chinese characters and Chinese punctuation (，。：)
    are kept as they are: only the ASCII look-alikes are NFKC-folded, so rare characters are never
    rewritten.
    """
    if value is None:
        return ""
    text = str(value)
    if not text.isascii():
        text = text.translate(_TIDY)
    # split() and strip() take the same characters for spaces as the regex \s: runs become one space
    return " ".join(text.split())


def _nfkc(value: object) -> str:
    """Fully NFKC-folded, stripped text, for codes made only of ASCII (where folding can lose nothing)."""
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def _is_number(value: object) -> TypeGuard[int | float | Decimal]:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _show(value: object) -> str:
    """The value as a worker would recognise it in a message."""
    if value is None:
        return "（空）"
    if isinstance(value, float):
        return repr(value)
    text = normalise_text(value)
    return text if text else "（空）"


def _whole_number_text(value: int | float | Decimal) -> str | None:
    """Digits of a number that a spreadsheet stored for a code (``13812345678.0`` → ``"13812345678"``)."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        return str(int(value))
    if not value.is_finite() or value != value.to_integral_value():
        return None
    return str(int(value))


# --------------------------------------------------------------------------------------------------
# 公民身份号码 (GB 11643)


@dataclass(frozen=True)
class IdNumber:
    """A checked 18-character 公民身份号码 with what it tells about the person."""

    number: str
    birth_date: date
    sex: Literal["男", "女"]

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)

    def __str__(self) -> str:
        return self.number


_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d*)?E[+-]?\d+$")
_DIGITS = frozenset("0123456789")
_GROUPED_OR_DECIMAL = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$|^\d+\.\d*$")
_DIGITS_LOST = "已被表格软件转成数字，后几位已丢失，请把该列设为文本后重新录入"
_CODE_SEPARATORS = re.compile(r"[\s\-‐‑–—]")


def _ric_check_char(number17: str) -> str:
    # python-stdnum is imported on first use: it pulls in ssl and pydoc (30 ms), which nothing needs
    # before the first ID number is checked.
    from stdnum.cn import ric

    # calc_check_digit wants the full number and ignores its last character.
    return str(ric.calc_check_digit(number17 + "0"))


def parse_id_number(value: object, *, field: str = "身份证号码", today: date | None = None) -> IdNumber:
    """Check a 公民身份号码 and return it with its birth date and sex.

    Numbers are refused: a float has already lost the last digits, and even an int cannot hold a trailing
    X, so the column must be stored as text. The region is checked only at province level because county
    codes change over the years while old ID numbers stay valid. ``today`` is for tests.
    """
    if isinstance(value, bool) or value is None:
        raise ValidationError(field, value, f"{field}不能为空，应为 18 位身份证号码")
    if isinstance(value, float | Decimal):
        raise ValidationError(field, value, f"{field} {_show(value)} {_DIGITS_LOST}")
    if isinstance(value, int):
        raise ValidationError(
            field,
            value,
            f"{field} {value} 是以数字而不是文本形式保存的：数字存不下末位的 X，开头的 0 也会丢失，"
            "请把该列设为文本后按文本录入",
        )
    raw = _nfkc(value)
    if not raw:
        raise ValidationError(field, value, f"{field}不能为空，应为 18 位身份证号码")
    text = raw.upper()
    if _SCIENTIFIC.match(text) or _GROUPED_OR_DECIMAL.match(text):
        raise ValidationError(field, value, f"{field} {raw} {_DIGITS_LOST}")
    number = _CODE_SEPARATORS.sub("", text)
    if len(number) == 15 and number.isdigit() and number.isascii():
        upgraded = number[:6] + "19" + number[6:]
        upgraded += _ric_check_char(upgraded)
        raise ValidationError(
            field,
            value,
            f"{field} {raw} 是 15 位旧号码，请换成 18 位新号码后录入"
            f"（按规则换算应为 {upgraded}，请与证件核对）",
        )
    bad = [ch for ch in dict.fromkeys(number) if ch not in _DIGITS and ch != "X"]
    if bad:
        raise ValidationError(
            field, value, f"{field} {raw} 含有不允许的字符 {'、'.join(bad)}，应为 17 位数字加一位数字或 X"
        )
    if len(number) != 18:
        raise ValidationError(field, value, f"{field} {raw} 有 {len(number)} 位，应为 18 位")
    if "X" in number[:17]:
        raise ValidationError(field, value, f"{field} {raw} 中的 X 只能是最后一位，前 17 位应为数字")
    if number[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(
            field, value, f"{field} {number} 的前两位 {number[:2]} 不是有效的省级行政区划代码，请核对"
        )
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        birth = date(year, month, day)
    except ValueError:
        raise ValidationError(
            field, value, f"{field} {number} 中的出生日期 {year:04d}-{month:02d}-{day:02d} 不存在，请核对"
        ) from None
    if birth.year < 1900:
        raise ValidationError(field, value, f"{field} {number} 中的出生日期 {birth} 早于 1900 年，请核对")
    if birth > (today or china_today()):
        raise ValidationError(field, value, f"{field} {number} 中的出生日期 {birth} 晚于今天，请核对")
    expected = _ric_check_char(number[:17])
    if number[17] != expected:
        if number.endswith("000"):
            raise ValidationError(field, value, f"{field} {raw} 末几位是 0，可能{_DIGITS_LOST}")
        raise ValidationError(field, value, f"{field} {number} 的最后一位应为 {expected}，请核对")
    sex: Literal["男", "女"] = "男" if int(number[16]) % 2 else "女"
    return IdNumber(number=number, birth_date=birth, sex=sex)


# --------------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_LOOKALIKE = {"I": "1", "O": "0", "S": "5", "V": "U", "Z": "2"}


@dataclass(frozen=True)
class CreditCode:
    """A checked 统一社会信用代码 and its parts (GB 32100-2015)."""

    code: str

    @property
    def registration_authority(self) -> str:
        """第 1 位 登记管理部门代码 (9 = 市场监管/工商)."""
        return self.code[0]

    @property
    def entity_type(self) -> str:
        """第 2 位 机构类别代码 (for authority 9: 1 企业, 2 个体工商户, 3 农民专业合作社)."""
        return self.code[1]

    @property
    def region_code(self) -> str:
        """第 3–8 位 登记管理机关行政区划码."""
        return self.code[2:8]

    @property
    def organisation_code(self) -> str:
        """第 9–17 位 主体标识码 (组织机构代码)."""
        return self.code[8:17]

    def __str__(self) -> str:
        return self.code


def parse_credit_code(value: object, *, field: str = "统一社会信用代码") -> str:
    """Check a 统一社会信用代码 and return it upper-case without spaces.

    Positions 3–8 must be digits (a region code); the first two may be letters (登记管理部门 A, N, Y …),
    unlike ``stdnum.cn.uscc.validate`` which wants eight digits and so would refuse valid codes issued
    outside 市场监管.
    """
    if value is None or isinstance(value, bool) or _is_number(value):
        shown = "（空）" if value is None else _show(value)
        raise ValidationError(field, value, f"{field} {shown} 无效，应为 18 位数字或大写字母，请按文本录入")
    raw = _nfkc(value)
    if not raw:
        raise ValidationError(field, value, f"{field}不能为空，应为 18 位数字或大写字母")
    code = _CODE_SEPARATORS.sub("", raw).upper()
    lookalikes = [ch for ch in dict.fromkeys(code) if ch in _USCC_LOOKALIKE]
    if lookalikes:
        hints = "、".join(f"{ch} 应为 {_USCC_LOOKALIKE[ch]}？" for ch in lookalikes)
        raise ValidationError(
            field,
            value,
            f"{field} {raw} 含有字母 {'、'.join(lookalikes)}：代码中不使用 I、O、S、V、Z，请核对（{hints}）",
        )
    others = [ch for ch in dict.fromkeys(code) if ch not in USCC_ALPHABET]
    if others:
        raise ValidationError(
            field, value, f"{field} {raw} 含有不允许的字符 {'、'.join(others)}，应为 18 位数字或大写字母"
        )
    if len(code) != 18:
        raise ValidationError(field, value, f"{field} {raw} 有 {len(code)} 位，应为 18 位")
    if not code[2:8].isdigit():
        raise ValidationError(field, value, f"{field} {code} 的第 3–8 位应为行政区划代码（6 位数字），请核对")
    from stdnum.cn import uscc

    expected = uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise ValidationError(field, value, f"{field} {code} 的最后一位应为 {expected}，请核对")
    return code


# --------------------------------------------------------------------------------------------------
# 联系电话

_THREE_DIGIT_AREAS = re.compile(r"^0(10|2\d)")
_PHONE_HINT = "手机号应为 11 位数字（如 13812345678），固定电话应带区号（如 0571-88886666）"


def parse_phone(value: object, *, field: str = "联系电话") -> str:
    """Check a mainland phone number and return it in canonical form.

    Mobiles become 11 digits; landlines ``0571-88886666`` (area codes 010 and 02x have three digits, all
    others four, which is how a number typed without a hyphen is split), with ``-分机`` when an extension
    is given. ``+86``/``0086`` prefixes, full-width digits, spaces, brackets and spreadsheet numbers
    (``13812345678.0``) are accepted.
    """
    if value is None or isinstance(value, bool):
        raise ValidationError(field, value, f"{field}不能为空，{_PHONE_HINT}")
    if _is_number(value):
        digits = _whole_number_text(value)
        if digits is None or digits.startswith("-"):
            raise ValidationError(field, value, f"{field} {_show(value)} 不是有效的电话号码，{_PHONE_HINT}")
        raw = digits
    else:
        raw = _nfkc(value)
    if not raw:
        raise ValidationError(field, value, f"{field}不能为空，{_PHONE_HINT}")
    if MOBILE.match(raw):  # the usual case, which none of the rewriting below changes
        return raw
    text = re.sub(r"\.0+$", "", raw)
    text = re.sub(r"(转|分机|ext\.?|x|#)\s*(\d{1,6})$", r"-\2", text, flags=re.IGNORECASE)
    text = re.sub(r"[\s()（）]", "-", text)
    international = False
    match = re.match(r"^(\+|00)?86-*", text)
    if match and (match.group(1) or re.match(r"^86-*1[3-9]\d{9}$", text)):
        international = True
        text = text[match.end() :]
    text = re.sub(r"-+", "-", text).strip("-")
    if re.search(r"[^0-9-]", text):  # digits of other scripts (٣, ๓) too: a number is stored in 0-9
        raise ValidationError(field, value, f"{field} {raw} 含有不允许的字符，{_PHONE_HINT}")
    parts = text.split("-")
    digits = "".join(parts)
    if MOBILE.match(digits):
        return digits
    if international and not digits.startswith("0"):
        digits = "0" + digits
        parts[0] = "0" + parts[0]
    if digits.startswith("1"):
        if len(digits) == 11:
            raise ValidationError(field, value, f"{field} {raw} 不是有效的手机号（第二位应为 3–9），请核对")
        raise ValidationError(field, value, f"{field} {raw} 有 {len(digits)} 位数字，手机号应为 11 位")
    if not digits.startswith("0"):
        if len(digits) in (7, 8):
            raise ValidationError(field, value, f"{field} {raw} 缺少区号，请写成 0571-88886666 这样的形式")
        raise ValidationError(field, value, f"{field} {raw} 不是有效的电话号码，{_PHONE_HINT}")
    # Landline: area code + local number (+ extension after a hyphen).
    extension = ""
    if len(parts) >= 2 and len(parts[-1]) <= 6 and len("".join(parts[:-1])) >= 10:
        extension = parts[-1]
        digits = "".join(parts[:-1])
    area_length = 3 if _THREE_DIGIT_AREAS.match(digits) else 4
    area, local = digits[:area_length], digits[area_length:]
    if not (7 <= len(local) <= 8) or local[0] in "01":
        raise ValidationError(field, value, f"{field} {raw} 不是有效的电话号码，{_PHONE_HINT}")
    return f"{area}-{local}" + (f"-{extension}" if extension else "")


# --------------------------------------------------------------------------------------------------
# 行政区划代码 and 服务站编码


def _code_text(value: object, field: str, expected: str) -> str:
    if value is None or isinstance(value, bool):
        raise ValidationError(field, value, f"{field}不能为空，应为{expected}")
    if _is_number(value):
        text = _whole_number_text(value)
        if text is None:
            raise ValidationError(field, value, f"{field} {_show(value)} 无效，应为{expected}")
        return text
    return re.sub(r"\s", "", _nfkc(value))


def parse_region_code(value: object, *, field: str = "行政区划代码") -> str:
    """Check a GB/T 2260 code (6 digits; province, prefecture or county level) and return it.

    Only the province prefix is checked against a list: county codes are created and retired every year,
    and a record keeps the code it was made with.
    """
    expected = "6 位数字的行政区划代码（如 330106）"
    code = _code_text(value, field, expected)
    if not code:
        raise ValidationError(field, value, f"{field}不能为空，应为{expected}")
    if not code.isdigit() or not code.isascii() or len(code) != 6:
        raise ValidationError(field, value, f"{field} {code} 无效，应为{expected}")
    if code[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(field, value, f"{field} {code} 的前两位 {code[:2]} 不是有效的省级代码")
    return code


def parse_station_code(value: object, *, field: str = "服务站编码") -> str:
    """Check a station code: the 6-digit region code followed by a 3-digit station number (not 000)."""
    expected = "9 位数字：6 位行政区划代码加 3 位站点序号（如 330106001）"
    code = _code_text(value, field, expected)
    if not code:
        raise ValidationError(field, value, f"{field}不能为空，应为{expected}")
    if not code.isdigit() or not code.isascii() or len(code) != 9:
        raise ValidationError(field, value, f"{field} {code} 无效，应为{expected}")
    if code[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(
            field,
            value,
            f"{field} {code} 的前 6 位应为行政区划代码，但前两位 {code[:2]} 不是有效的省级代码",
        )
    if code[6:] == "000":
        raise ValidationError(field, value, f"{field} {code} 的站点序号（后 3 位）不能是 000")
    return code


# --------------------------------------------------------------------------------------------------
# 日期

_DATE_HINT = "应为 2024-03-05、2024/3/5 或 2024年3月5日 这样的日期"
_MONTH_HINT = "（也可只填年月，如 2024-03）"
_EXCEL_EPOCH = date(1899, 12, 30)
_FULL_DATE_FORMS = (
    re.compile(r"^(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)
_MONTH_FORMS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
)
_TIME_SUFFIX = re.compile(r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")
_MIN_YEAR, _MAX_YEAR = 1900, 2100
_MAX_SERIAL = (date(_MAX_YEAR, 12, 31) - _EXCEL_EPOCH).days


def _checked_date(field: str, value: object, year: int, month: int, day: int) -> date:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValidationError(
            field, value, f"{field} {_show(value)} 的年份 {year} 超出范围（1900–2100），请核对"
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            field, value, f"{field} {year:04d}-{month:02d}-{day:02d} 不存在，请核对"
        ) from None


def _date_from_number(value: int | float | Decimal, field: str, allow_month: bool) -> date:
    """An Excel serial number (1900 date system) or a yyyymmdd number such as 20240305."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number <= 0:
        raise ValidationError(field, value, f"{field} {_show(value)} 无法识别，{_DATE_HINT}")
    whole = int(number)
    if 19000101 <= whole <= 21001231 and number == whole:
        return _checked_date(field, value, whole // 10000, whole // 100 % 100, whole % 100)
    if _MIN_YEAR <= whole <= _MAX_YEAR:
        # A bare year (2024) or a month typed as 2024.3 and turned into a number: as serial numbers
        # they would be days of 1905, which no record here has.
        if number != whole and allow_month:
            message = (
                f"{field} {_show(value)} 已被表格软件转成数字，分不清月份（如 10 月会变成 .1），"
                "请把该列设为文本"
            )
        else:
            message = f"{field} {_show(value)} 看起来只是年份或已被转成数字，请填写完整日期，{_DATE_HINT}"
        raise ValidationError(field, value, message)
    if whole == 60:
        raise ValidationError(field, value, f"{field} {_show(value)} 是表格软件中不存在的 1900-02-29，请核对")
    if whole > _MAX_SERIAL:
        raise ValidationError(field, value, f"{field} {_show(value)} 无法识别，{_DATE_HINT}")
    # Excel counts 1900-02-29 (serial 60), which never existed; before it, serials are one day off.
    return _EXCEL_EPOCH + timedelta(days=whole if whole > 60 else whole + 1)


def parse_date(value: object, *, field: str, allow_month: bool = False) -> date:
    """Read a date as people write it in forms and ledgers.

    Accepts date/datetime objects, Excel serial numbers (1900 system, fake 1900-02-29 refused), yyyymmdd
    numbers, and text such as 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 (日 optional), 20240305, with
    full-width digits and a trailing time. With ``allow_month`` a year and month (2024-03, 2024年3月,
    2024.03) means the first of that month. Years outside 1900–2100 are refused as typing errors.
    """
    hint = _DATE_HINT + (_MONTH_HINT if allow_month else "")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or isinstance(value, bool):
        raise ValidationError(field, value, f"{field}不能为空，{hint}")
    if _is_number(value):
        return _date_from_number(value, field, allow_month)
    raw = _nfkc(value)
    if not raw:
        raise ValidationError(field, value, f"{field}不能为空，{hint}")
    text = "".join(_TIME_SUFFIX.sub("", raw).split())  # without any space (split() takes \s's spaces)
    for form in _FULL_DATE_FORMS:
        match = form.match(text)
        if match:
            return _checked_date(field, value, int(match["y"]), int(match["m"]), int(match["d"]))
    for form in _MONTH_FORMS:
        match = form.match(text)
        if match:
            if not allow_month:
                raise ValidationError(field, value, f"{field} {raw} 只有年月，请填写到日，{_DATE_HINT}")
            return _checked_date(field, value, int(match["y"]), int(match["m"]), 1)
    raise ValidationError(field, value, f"{field} {raw} 无法识别，{hint}")


# --------------------------------------------------------------------------------------------------
# 姓名

_DOT_VARIANTS = str.maketrans(dict.fromkeys("•．・･‧∙⋅", "·"))
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_SPACED_DOT = re.compile(r"\s*·\s*")
_DOT_RUN = re.compile(r"·{2,}")


@cache
def _cjk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A full stop between Chinese characters, and a space beside one: compiled on first use (6 ms, and
    the window's first paint checks no names)."""
    return (
        re.compile(f"(?<=[{_CJK}])\\.(?=[{_CJK}])"),
        re.compile(f"(?<=[{_CJK}]) (?=\\S)|(?<=\\S) (?=[{_CJK}])"),
    )


NAME_MAX_LENGTH = 50


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
        or code == 0x3007
    )


def parse_name(value: object, *, field: str = "姓名") -> str:
    """Check a person's name and return it tidied.

    Rare characters are kept exactly, including those outside the Basic Multilingual Plane (𠮷) and
    private-use code points that other systems use for characters Unicode lacks. The separator in
    minority names is normalised to "·" (from •, ．, ・ or a full stop between Chinese characters), and
    spaces between Chinese characters are removed.
    """
    if value is None or isinstance(value, bool) or _is_number(value):
        if value is None:
            raise ValidationError(field, value, f"{field}不能为空")
        raise ValidationError(field, value, f"{field} {_show(value)} 不是姓名，{field}中不能有数字")
    text = normalise_text(value).translate(_DOT_VARIANTS)
    if "." in text:
        text = _cjk_patterns()[0].sub("·", text)
    if "·" in text:
        text = _DOT_RUN.sub("·", _SPACED_DOT.sub("·", text))
    if " " in text:  # normalise_text left single ASCII spaces only
        text = _cjk_patterns()[1].sub("", text)
    if not text:
        raise ValidationError(field, value, f"{field}不能为空")
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationError(
            field, value, f"{field} {text[:20]}… 有 {len(text)} 个字，最多 {NAME_MAX_LENGTH} 个字"
        )
    digits = [ch for ch in dict.fromkeys(text) if ch.isdigit() or unicodedata.category(ch) == "Nd"]
    if digits:
        raise ValidationError(field, value, f"{field} {text} 中不能有数字（{'、'.join(digits)}）")
    bad = [
        ch
        for ch in dict.fromkeys(text)
        if not (ch.isalpha() or _is_cjk(ch) or ch in "· -'" or unicodedata.category(ch) in ("Mn", "Mc", "Co"))
    ]
    if bad:
        raise ValidationError(field, value, f"{field} {text} 中有不允许的字符 {' '.join(bad)}，请核对")
    if not any(ch.isalpha() or _is_cjk(ch) or unicodedata.category(ch) == "Co" for ch in text):
        raise ValidationError(field, value, f"{field} {text} 中没有文字，请核对")
    if text[0] == "·" or text[-1] == "·":
        raise ValidationError(field, value, f"{field} {text} 的开头或结尾不能是间隔号 ·")
    return text


# --------------------------------------------------------------------------------------------------
# 人数、个数


def parse_non_negative_int(value: object, *, field: str, maximum: int | None = None) -> int:
    """Read a count (带动就业人数 …): ``12``, ``"12"``, ``12.0``, ``"１２"``, ``"1,200"``."""
    expected = "不小于 0 的整数" + (f"（最大 {maximum}）" if maximum is not None else "")
    if value is None or isinstance(value, bool):
        raise ValidationError(field, value, f"{field}不能为空，应为{expected}")
    number: Decimal
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(field, value, f"{field} {_show(value)} 无效，应为{expected}")
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    else:
        raw = _nfkc(value)
        if not raw:
            raise ValidationError(field, value, f"{field}不能为空，应为{expected}")
        text = raw.replace(" ", "")
        if re.match(r"^\d{1,3}(,\d{3})+(\.\d*)?$", text):
            text = text.replace(",", "")
        if not re.match(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", text):
            raise ValidationError(field, value, f"{field} {raw} 不是数字，应为{expected}")
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern above only lets numbers through
            raise ValidationError(field, value, f"{field} {raw} 不是数字，应为{expected}") from None
    if not number.is_finite():
        raise ValidationError(field, value, f"{field} {_show(value)} 无效，应为{expected}")
    if number < 0:
        raise ValidationError(field, value, f"{field} {_show(value)} 不能为负数，应为{expected}")
    if number != number.to_integral_value():
        raise ValidationError(field, value, f"{field} {_show(value)} 不是整数，应为{expected}")
    result = int(number)
    if maximum is not None and result > maximum:
        raise ValidationError(field, value, f"{field} {result} 超过上限，应为{expected}")
    return result

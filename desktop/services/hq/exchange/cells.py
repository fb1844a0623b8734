"""Reading one cell of the exchange workbook back into the value the database stores, or the Chinese reason
it cannot be: ID numbers through their GB 11643 check digit (python-stdnum, :mod:`models.validators`), region
codes, industry letters, ISO dates, the code tables; a masked ID number is refused by name."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from desktop.services.hq.exchange.columns import (
    BOOL,
    CODE,
    CODES,
    CREDIT_CODE,
    DATE,
    ID,
    ID_NUMBER,
    INDUSTRY,
    INT,
    JSON_LIST,
    MONEY,
    REF,
    REGION,
    REGIONS,
    STATION,
    TEXT,
    ExchangeColumn,
)
from models.enums import INDUSTRY_SECTIONS, Labelled
from models.money import MAX_FEN
from models.validators import parse_credit_code, parse_id_number, parse_region_code

MAX_INT = 2_147_483_647  # what every database's INTEGER holds (PostgreSQL's is 32-bit)
_TRUE = frozenset({"1", "是", "true", "yes", "y"})
_FALSE = frozenset({"0", "否", "false", "no", "n"})


class CellError(ValueError):
    """What is wrong with a cell, in Chinese, without the cell's place (the reader adds it)."""


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise CellError(f"应为文本，实为 {value}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    if isinstance(value, datetime | date):
        raise CellError("应为文本，实为日期；请把该列设为文本后重新录入")
    return str(value)


def _whole(value: object, maximum: int) -> int:
    number: int
    if isinstance(value, bool):
        raise CellError(f"应为非负整数，实为 {value}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        if value != int(value):
            raise CellError(f"应为整数，实为 {value}")
        number = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise CellError(f"应为非负整数，实为“{value}”")
    if number < 0 or number > maximum:
        raise CellError(f"{number} 超出范围，应为 0 到 {maximum:,} 之间的整数")
    return number


def _uuid(value: object) -> str:
    text = _text(value).strip()
    try:
        parsed = uuid.UUID(text)
    except ValueError:
        parsed = None
    if parsed is None or str(parsed) != text.lower() or len(text) != 36:
        raise CellError(f"“{text[:40]}”不是记录编号，应为 36 位 UUID（如 0190a1b2-…）")
    return text.lower()


def _length(text: str, column: ExchangeColumn) -> str:
    if column.max_length is not None and len(text) > column.max_length:
        raise CellError(f"过长：{len(text):,} 个字，最多 {column.max_length} 个字")
    return text


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise CellError(f"“{text[:40]}”不是 ISO 8601 日期，应写作 YYYY-MM-DD（如 2026-12-03）")


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"“{text[:20]}”应为 1（是）或 0（否）")


def _member(text: str, codes: type[Labelled]) -> Labelled:
    member = codes.from_label(text)
    if member is None:
        choices = "、".join(f"{m.value}（{m.label}）" for m in codes)
        raise CellError(f"“{text[:40]}”不在代码表中，应为：{choices}")
    return member


def _codes(value: object, codes: type[Labelled]) -> int:
    text = _text(value)
    for separator in "；,，、":
        text = text.replace(separator, ";")
    members = list(codes)
    bits = 0
    for part in text.split(";"):
        if part.strip():
            bits |= 1 << members.index(_member(part.strip(), codes))
    return bits


def _regions(value: object, label: str) -> str:
    text = _text(value).replace("，", ",")
    return ",".join(parse_region_code(part.strip(), field=label) for part in text.split(",") if part.strip())


def _industry(value: object) -> str:
    text = _text(value).strip().upper()
    if len(text) != 1 or text not in INDUSTRY_SECTIONS:
        raise CellError(f"“{text[:20]}”不是国民经济行业分类（GB/T 4754-2017）的门类字母，应为 A–T 之一，如 F")
    return text


def _id_number(value: object, label: str) -> str:
    text = _text(value).strip()
    if "*" in text:
        raise CellError(f"{label}已遮蔽（{text}）：遮蔽的工作簿不能导入，请由有权查看个人信息的人员重新导出")
    return parse_id_number(text, field=label).number


def _json_list(value: object) -> list[str]:
    text = _text(value)
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        raise CellError(f'应为文本列表（JSON 数组，如 ["身份证复印件"]），实为“{text[:40]}”')
    return parsed


def _station(value: object) -> str:
    text = _text(value).strip()
    if not 1 <= len(text) <= 9 or not text.isascii() or not text.isalnum():
        raise CellError(f"“{text[:20]}”不是服务站编码（9 位数字，总部参考数据为总部编码）")
    return text


def read_cell(column: ExchangeColumn, value: object) -> Any:
    """The stored value of one cell; :class:`CellError` (or the validators' error) says why not."""
    if blank(value):
        if column.required:
            raise CellError("必填，不能为空")
        default = column.default
        return list(default) if isinstance(default, list) else default
    kind = column.kind
    if kind == TEXT:
        return _length(_text(value), column)
    reader = _READERS.get(kind)
    if reader is not None:
        return reader(value)
    if kind == CODE and column.codes is not None:
        return _member(_text(value).strip(), column.codes).value
    if kind == CODES and column.codes is not None:
        return _codes(value, column.codes)
    if kind == REGION:
        return parse_region_code(value, field=column.label)
    if kind == REGIONS:
        return _length(_regions(value, column.label), column)
    if kind == ID_NUMBER:
        return _id_number(value, column.label)
    if kind == CREDIT_CODE:
        return parse_credit_code(value, field=column.label)
    raise CellError(f"未知的列类型 {kind}")  # pragma: no cover - columns.py names every kind


_READERS: dict[str, Callable[[object], Any]] = {
    ID: _uuid,
    REF: _uuid,
    STATION: _station,
    INT: lambda value: _whole(value, MAX_INT),
    MONEY: lambda value: _whole(value, min(MAX_FEN, MAX_INT)),
    DATE: _date,
    BOOL: _bool,
    INDUSTRY: _industry,
    JSON_LIST: _json_list,
}

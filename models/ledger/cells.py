"""A ledger's cells and rows as a worker reads them: blank cells, rows that are not a person (a 合计 row,
a footnote, the template's example row), a cell's text in a preview or a message."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from models.validators import normalise_text

TOTAL_WORDS = frozenset({"合计", "总计", "小计", "合计数", "总数", "累计"})
NOTE_PREFIXES = ("注：", "注:", "说明：", "说明:", "填表说明", "备注：", "备注:", "示例")
# The people who sign a ledger at its foot: a row that starts with one of them is a signature line.
SIGNER_PREFIXES = (
    "填表人",
    "制表人",
    "审核人",
    "填报人",
    "复核人",
    "经办人",
    "统计人",
    "负责人：",
    "负责人:",
    "负责人（",
    "负责人(",
    "单位负责人",
    "分管领导",
    "主管领导",
    "领导签字",
    "填表日期",
    "制表日期",
    "填报日期",
    "报送日期",
    "填报单位（",
    "单位（盖章",
    "单位(盖章",
    "（盖章）",
    "(盖章)",
)
_TOTAL_START = re.compile(r"^(合\s*计|总\s*计|小\s*计|累\s*计)\s*[:：(（\d]")
_SIGNATURE = re.compile(r"签\s*[字名章]|盖\s*章|^\s*年\s+月\s+日\s*$")


_INVISIBLE = "\u200b\ufeff"


def is_blank(value: object) -> bool:
    """No value: None, or text of nothing but spaces (any kind, full-width too) and zero-width marks.

    Called for every cell of a ledger, so it avoids the full :func:`normalise_text`."""
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        return not stripped or not stripped.strip(_INVISIBLE).strip()
    return False


FOOTER_REASONS = frozenset({"合计行", "签名行"})  # rows at a ledger's foot (skipped and counted)


def non_data_reason(values: Sequence[object]) -> str | None:
    """Why a row is not a person at all (a 合计 row, a signature line, a footnote, the template's example
    row), else None."""
    first: object = None
    for value in values:
        if is_blank(value):
            continue
        if first is None:
            first = value
        if (
            isinstance(value, str)
            and len(value) <= 12
            and ("计" in value or "总数" in value)
            and (re.sub(r"\s", "", value) in TOTAL_WORDS or _TOTAL_START.match(value.strip()))
        ):
            return "合计行"
    if isinstance(first, str):
        text = normalise_text(first)
        if text.startswith(NOTE_PREFIXES):
            return "示例行" if text.startswith("示例") else "说明行"
        if text.startswith(SIGNER_PREFIXES) or _SIGNATURE.search(text):
            return "签名行"
    return None


def cell_text(value: object) -> str:
    """A cell as a worker reads it in a preview or a message."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if not value.is_integer() or abs(value) >= 1e15 else str(int(value))
    return str(value)

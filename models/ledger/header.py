"""Where a ledger's header is: under title rows, over the data, sometimes two rows of merged group
headers (创业项目 over 名称 / 统一社会信用代码 / 注册日期). Pure: it looks at rows already read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from models.ledger.columns import is_derived_header, match_header
from models.validators import normalise_text


@dataclass(frozen=True)
class HeaderGuess:
    """Where the header is: its first and last row (1-based, as Excel numbers them) and column titles."""

    first_row: int
    last_row: int
    titles: tuple[str, ...]
    matched: int


HEADER_SCAN_ROWS = 30
MIN_FIELDS_WITHOUT_NAME = 3


_SPACE_IN_CHINESE = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


def header_title(value: object) -> str:
    """A header cell as a title: one line, and without the spaces typed between Chinese characters to
    align them ("姓　名", "公民身份\n号码" → "姓名", "公民身份号码")."""
    text = normalise_text(value)
    return _SPACE_IN_CHINESE.sub("", text) if " " in text else text


def _cell_words(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return ""
    return header_title(value)


def _score(titles: Sequence[str]) -> tuple[int, bool]:
    keys = {match_header(t) for t in titles if t}
    keys.discard(None)
    derived = sum(1 for t in titles if t and is_derived_header(t))
    essential = "name" in keys or "id_number" in keys
    return len(keys) + derived, essential


def _combined_titles(upper: Sequence[str], lower: Sequence[str]) -> tuple[str, ...]:
    """Titles of a two-row header: a cell merged down keeps its one title; a group title over several
    sub-titles is joined to each (创业项目 + 名称 → "创业项目/名称") unless the sub-title names a field
    alone."""
    width = max(len(upper), len(lower))
    titles = []
    for index in range(width):
        top = upper[index] if index < len(upper) else ""
        bottom = lower[index] if index < len(lower) else ""
        if not bottom or top == bottom:
            titles.append(top)
        elif not top or match_header(bottom) is not None or is_derived_header(bottom):
            titles.append(bottom)
        else:
            titles.append(f"{top}/{bottom}")
    return tuple(titles)


def detect_header(rows: Sequence[tuple[int, Sequence[object]]]) -> HeaderGuess | None:
    """Find the header among the first rows: the row (or pair of rows, for merged group headers) whose
    cells name the most known fields, and at least 姓名 or 身份证号码 (else three other fields). Title
    rows above it and the data below score low: a title is one long cell, data cells are not column names."""
    found: list[HeaderGuess] = []
    without_essential: list[HeaderGuess] = []
    scan = [(number, tuple(_cell_words(v) for v in values)) for number, values in rows[:HEADER_SCAN_ROWS]]
    for position, (number, titles) in enumerate(scan):
        candidates = [(number, titles)]
        if position + 1 < len(scan) and scan[position + 1][0] == number + 1:
            candidates.append((scan[position + 1][0], _combined_titles(titles, scan[position + 1][1])))
        for last, combined in candidates:
            score, essential = _score(combined)
            if essential and score >= 2:
                found.append(HeaderGuess(number, last, tuple(combined), score))
            elif score >= MIN_FIELDS_WITHOUT_NAME:
                without_essential.append(HeaderGuess(number, last, tuple(combined), score))
    # A header that names neither 姓名 nor 身份证号码 in words the program knows, but several other
    # fields, is still the header: the worker is asked for the column it did not recognise.
    found = found or without_essential
    if not found:
        return None
    # The most named fields; on a tie one row rather than two (a title row over the header adds nothing).
    return max(found, key=lambda guess: (guess.matched, guess.first_row == guess.last_row, -guess.first_row))

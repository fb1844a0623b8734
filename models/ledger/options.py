"""What a worker tells the import in words where the wizard would ask: ``--column 表头=字段`` (which column
holds a field the header did not name), ``--value 列=原值:类别`` (what a category word means), and a
mapping file holding such lines. Pure: the text in, a mapping and answers out, or a Chinese message
naming what is wrong."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from models.errors import ValidationError
from models.ledger.columns import FIELDS_BY_KEY, IGNORED, LEDGER_FIELDS, match_header, normalise_header
from models.ledger.sheet import LedgerTable
from models.ledger.words import CATEGORY_FIELDS, parse_answer, word_key

_LETTERS = re.compile(r"^([A-Za-z]{1,3})\s*列?$")


@dataclass(frozen=True)
class ColumnOption:
    header: str
    field: str


@dataclass(frozen=True)
class ValueOption:
    column: str
    word: str
    category: str


def parse_option_line(text: str) -> ColumnOption | ValueOption:
    """``表头=字段`` or ``列=原值:类别`` (full-width ＝ and ： accepted)."""
    line = text.strip().replace("＝", "=").replace("：", ":")
    left, equals, right = line.partition("=")
    if not equals or not left.strip() or not right.strip():
        raise ValidationError(
            "导入选项", text, f"“{text}”的写法不对：列应写成 表头=字段（如 户主=姓名），类别写成 列=原值:类别"
        )
    if ":" in right:
        word, _, category = right.rpartition(":")
        if not word.strip() or not category.strip():
            raise ValidationError(
                "导入选项",
                text,
                f"“{text}”的写法不对：类别应写成 列=原值:类别（如 人员类别=退役士兵:退役军人）",
            )
        return ValueOption(left.strip(), word.strip(), category.strip())
    return ColumnOption(left.strip(), right.strip())


def parse_mapping_file(text: str) -> list[ColumnOption | ValueOption]:
    """A mapping file: one ``表头=字段`` or ``列=原值:类别`` a line; blank lines, ``#`` comments skipped."""
    found: list[ColumnOption | ValueOption] = []
    for line in text.splitlines():
        stripped = line.strip().lstrip("\ufeff")
        if stripped and not stripped.startswith("#"):
            found.append(parse_option_line(stripped))
    return found


def _headers(table: LedgerTable) -> str:
    return "、".join(column.label for column in table.columns if column.title) or "（没有列名）"


def find_column(table: LedgerTable, text: str) -> int | None:
    """The column a worker names: its letter (C, C列) or its header (spaces and line breaks aside)."""
    letters = _LETTERS.match(text.strip())
    if letters:
        wanted = letters[1].upper()
        for column in table.columns:
            if column.letter == wanted:
                return column.index
    key = normalise_header(text)
    for column in table.columns:
        if column.title and (normalise_header(column.title) == key or column.title == text.strip()):
            return column.index
    return None


def find_field(text: str) -> str:
    """The field a worker names: its label (姓名, 身份证号码), its key, a name a header may use, or
    不导入."""
    key = normalise_header(text)
    if key in ("不导入", "忽略", "不要"):
        return IGNORED
    if text in FIELDS_BY_KEY:
        return text
    for spec in LEDGER_FIELDS:
        if normalise_header(spec.label) == key:
            return spec.key
    found = match_header(text)
    if found is None:
        labels = "、".join(spec.label for spec in LEDGER_FIELDS)
        raise ValidationError("字段", text, f"没有名为“{text}”的字段，可选：{labels}、不导入")
    return found


def apply_column_options(
    table: LedgerTable, mapping: Mapping[int, str], options: Iterable[ColumnOption]
) -> dict[int, str]:
    """The mapping with the worker's columns put in (a field named for a column leaves any other)."""
    result = dict(mapping)
    for option in options:
        index = find_column(table, option.header)
        if index is None:
            raise ValidationError(
                "列", option.header, f"表头中没有“{option.header}”这一列；表头有：{_headers(table)}"
            )
        field_key = find_field(option.field)
        if field_key:
            for other, key in list(result.items()):
                if key == field_key and other != index:
                    del result[other]
        result[index] = field_key
    return {index: key for index, key in result.items() if key}


def value_answers(
    table: LedgerTable, mapping: Mapping[int, str], options: Iterable[ValueOption]
) -> dict[str, dict[str, str]]:
    """The worker's category answers: the column named by header or letter (or the field by name)."""
    answers: dict[str, dict[str, str]] = {}
    for option in options:
        index = find_column(table, option.column)
        field_key = mapping.get(index, "") if index is not None else ""
        if field_key not in CATEGORY_FIELDS:
            try:
                field_key = find_field(option.column)
            except ValidationError:
                field_key = ""
        if field_key not in CATEGORY_FIELDS:
            names = "、".join(FIELDS_BY_KEY[k].label for k in CATEGORY_FIELDS)
            raise ValidationError(
                "列",
                option.column,
                f"“{option.column}”不是类别列：类别可以为这几项指定：{names}（写表头、列字母或字段名）",
            )
        answers.setdefault(field_key, {})[word_key(option.word)] = parse_answer(field_key, option.category)
    return answers

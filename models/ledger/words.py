"""Category values in a district's own words: a key group (重点群体), an education level, an entity type or
a stage as ledgers write them ("退役士兵", "4050人员", "返乡创业大学生", "本科（学士）", "个体户（网店）",
"初创期（1年内）", "退役军人+高校毕业生").

Two rules recognise a word, and nothing else does (never a silent guess):

1. the synonym table: each category's label, code and the words stations use for it;
2. the rule on the category's key words: a phrase recognises the categories whose key words it contains
   (退役 · 退伍 · 军人 → 退役军人). A parenthesised sub-group ("就业困难人员（4050）") is read only when
   the words outside the brackets say nothing. A key group cell may name several groups; an education
   level, an entity type or a stage must name exactly one, or it is not recognised.

A word still not recognised is asked once per distinct word (:func:`find_unknown_values`) and answered
with a category, with 其他 (or 不填 where the field has no 其他) or with "refuse those rows"
(:data:`REFUSE`); the answers are remembered with the column mapping. Pure: no session, no files.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from models.enums import Education, EntityType, KeyGroup, Labelled, Stage
from models.errors import ValidationError
from models.ledger.cells import cell_text, is_blank, non_data_reason
from models.ledger.columns import FIELDS_BY_KEY
from models.ledger.sheet import LedgerTable

CATEGORY_FIELDS: Final[dict[str, type[Labelled]]] = {
    "key_groups": KeyGroup,
    "education": Education,
    "venture.entity_type": EntityType,
    "venture.stage": Stage,
}
REFUSE: Final = "!"  # an answer: the rows with this word are not imported
BLANK: Final = "-"  # an answer: the field is left blank (key groups: none; type and stage: inferred)

Answers = Mapping[str, Mapping[str, str]]  # field key → {word key → enum value | BLANK | REFUSE}

_BLANK_WORDS = frozenset({"无", "暂无", "没有", "否", "/", "-", "—", "--", "——", "空", "无类别"})

_SYNONYMS: dict[str, dict[str, Labelled]] = {
    "key_groups": {
        "大学生": KeyGroup.COLLEGE_GRADUATE,
        "毕业生": KeyGroup.COLLEGE_GRADUATE,
        "大学生村官": KeyGroup.COLLEGE_GRADUATE,
        "返乡创业": KeyGroup.MIGRANT_RETURNEE,
        "返乡入乡创业": KeyGroup.MIGRANT_RETURNEE,
        "农民工返乡创业": KeyGroup.MIGRANT_RETURNEE,
        "4050人员": KeyGroup.EMPLOYMENT_DIFFICULTY,
        "脱贫户": KeyGroup.POVERTY_ALLEVIATED,
        "失业人员": KeyGroup.REGISTERED_UNEMPLOYED,
        "残疾人员": KeyGroup.DISABLED,
    },
    "education": {
        "大本": Education.BACHELOR,
        "初级中学": Education.JUNIOR,
        "高级中学": Education.SECONDARY,
        "中等专业学校": Education.SECONDARY,
        "中师": Education.SECONDARY,
        "高专": Education.COLLEGE,
        "博士研究生": Education.DOCTORATE,
        "硕士研究生": Education.MASTER,
        "初中及以下": Education.JUNIOR,
    },
    "venture.entity_type": {
        "个体户": EntityType.INDIVIDUAL_BUSINESS,
        "有限公司": EntityType.SMALL_FIRM,
    },
    "venture.stage": {
        "有意向": Stage.INTENT,
        "歇业注销": Stage.CLOSED,
    },
}

_KEY_WORDS: dict[str, tuple[tuple[Labelled, tuple[str, ...]], ...]] = {
    "key_groups": (
        (
            KeyGroup.COLLEGE_GRADUATE,
            ("毕业生", "大学生", "高校", "大学毕业", "大专毕业", "大中专", "应届", "研究生"),
        ),
        (KeyGroup.MIGRANT_RETURNEE, ("农民工", "返乡", "入乡", "回乡", "进城务工", "外出务工")),
        (KeyGroup.VETERAN, ("退役", "退伍", "军人", "军转", "转业", "复员", "士兵")),
        (KeyGroup.EMPLOYMENT_DIFFICULTY, ("就业困难", "困难人员", "4050", "零就业", "就困")),
        (KeyGroup.POVERTY_ALLEVIATED, ("脱贫", "贫困", "建档立卡", "扶贫", "防返贫")),
        (KeyGroup.REGISTERED_UNEMPLOYED, ("失业", "下岗", "待业")),
        (KeyGroup.DISABLED, ("残疾", "残障", "伤残")),
        (KeyGroup.OTHER, ("其他", "其它")),
    ),
    "education": (
        (Education.DOCTORATE, ("博士",)),
        (Education.MASTER, ("硕士", "研究生")),
        (Education.BACHELOR, ("本科", "学士")),
        (Education.COLLEGE, ("专科", "大专", "高职")),
        (Education.SECONDARY, ("高中", "中专", "技校", "职高", "中职", "中技", "技工", "普高")),
        (Education.JUNIOR, ("初中", "小学", "文盲")),
    ),
    "venture.entity_type": (
        (EntityType.INDIVIDUAL_BUSINESS, ("个体",)),
        (EntityType.SMALL_FIRM, ("公司", "企业", "有限", "股份", "小微", "独资")),
        (EntityType.FARMER_COOPERATIVE, ("合作社",)),
        (EntityType.OTHER, ("其他", "其它")),
    ),
    "venture.stage": (
        (Stage.INTENT, ("意向", "有意")),
        (Stage.PREPARING, ("筹备", "筹建", "筹划", "准备")),
        (Stage.STARTUP, ("初创", "起步", "新创")),
        (Stage.GROWTH, ("成长", "发展", "扩张")),
        (Stage.MATURE, ("成熟", "稳定")),
        (Stage.CLOSED, ("歇业", "注销", "停业", "关闭", "倒闭", "吊销", "关停")),
    ),
}

_NOISE = re.compile(r"[\s　*＊:：·.。_\"'“”‘’/／\\]+")
_BRACKETS = re.compile(r"[（(【\[〔]([^）)】\]〕]*)[）)】\]〕]")
_SEPARATORS = frozenset("、，,;；|｜+＋&\n")


def word_key(text: object) -> str:
    """A word as it is compared and remembered: NFKC-folded, without spaces, quotes or slashes."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(text))).lower()


def _exact() -> dict[str, dict[str, Labelled]]:
    table: dict[str, dict[str, Labelled]] = {}
    for field_key, kind in CATEGORY_FIELDS.items():
        words: dict[str, Labelled] = {}
        for member in kind:
            words[word_key(member.label)] = member
            words[word_key(member.value)] = member
        for word, member in _SYNONYMS[field_key].items():
            words[word_key(word)] = member
        table[field_key] = words
    return table


_EXACT = _exact()


def split_parts(text: str) -> list[str]:
    """A key group cell's parts ("退役军人、高校毕业生"), split outside brackets only."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in "（(【[〔":
            depth += 1
        elif ch in "）)】]〕":
            depth = max(0, depth - 1)
        if depth == 0 and ch in _SEPARATORS:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _by_key_words(field_key: str, key: str) -> list[Labelled]:
    found: list[Labelled] = []
    for member, words in _KEY_WORDS[field_key]:
        if any(word in key for word in words):
            found.append(member)
    return found


def recognise_part(field_key: str, text: str) -> tuple[Labelled, ...] | None:
    """The categories one word names (``()`` for a word meaning none, such as 无), or None."""
    key = word_key(text)
    if not key or key in _BLANK_WORDS:
        return ()
    exact = _EXACT[field_key].get(key)
    if exact is not None:
        return (exact,)
    inner = [word_key(m) for m in _BRACKETS.findall(text)]
    outer = word_key(_BRACKETS.sub("", text))
    for candidate in (outer, *inner):
        if not candidate:
            continue
        exact = _EXACT[field_key].get(candidate)
        if exact is not None:
            return (exact,)
        found = _by_key_words(field_key, candidate)
        if field_key == "education" and Education.DOCTORATE in found:
            found = [m for m in found if m is not Education.MASTER]  # 博士研究生
        if len(found) > 1 and KeyGroup.OTHER in found:
            found = [m for m in found if m is not KeyGroup.OTHER]
        if found and (field_key == "key_groups" or len(found) == 1):
            return tuple(found)
        if found:
            return None  # one value, several categories named: asked, never guessed
    return None


def parts_of(field_key: str, value: object) -> list[str]:
    text = str(value)
    return split_parts(text) if field_key == "key_groups" else [text]


def _is_code(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class UnknownValue:
    """A word a category column holds that neither rule recognises: asked once, for all its rows."""

    field_key: str
    column: int
    text: str  # as the ledger writes it (first occurrence)
    key: str  # :func:`word_key`
    rows: tuple[int, ...]

    @property
    def field_label(self) -> str:
        return FIELDS_BY_KEY[self.field_key].label


class Refused:
    """A category cell whose word the worker chose not to import: the row is refused with ``reason``."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class CategoryReader:
    """Reads the category cells of a ledger with the worker's answers; one reading per distinct cell."""

    def __init__(self, answers: Answers | None = None) -> None:
        self.answers: dict[str, dict[str, str]] = {k: dict(v) for k, v in (answers or {}).items()}
        self.refuses = any(REFUSE in words.values() for words in self.answers.values())
        self._cache: dict[tuple[str, object], object] = {}

    def answer(self, field_key: str, key: str) -> tuple[Labelled, ...] | str | None:
        """A worker's answer for a word: categories, :data:`REFUSE`, or None when not answered."""
        given = self.answers.get(field_key, {}).get(key)
        if given is None:
            return None
        if given == REFUSE:
            return REFUSE
        if given in (BLANK, ""):
            return ()
        kind = CATEGORY_FIELDS[field_key]
        try:
            return (kind(given),)
        except ValueError:
            member = kind.from_label(given)
            return (member,) if member is not None else None

    def meaning(self, field_key: str, part: str) -> tuple[Labelled, ...] | str | None:
        """What a word means: the worker's answer if they gave one (it wins over the rules), else what
        the rules recognise, else None."""
        answered = self.answer(field_key, word_key(part))
        if answered is not None:
            return answered
        return recognise_part(field_key, part)

    def read(self, field_key: str, value: object) -> object:
        """The cell in the form's terms: a set of key groups, an enum member, None (blank), a
        :class:`Refused` marker, or the value unchanged when a word is not recognised (the validator
        then names it: only reached when :func:`find_unknown_values` was not asked first)."""
        cache_key = (field_key, value)
        try:
            return self._cache[cache_key]
        except (KeyError, TypeError):
            pass
        result = self._read(field_key, value)
        with contextlib.suppress(TypeError):  # an unhashable cell is read again next time
            self._cache[cache_key] = result
        return result

    def _read(self, field_key: str, value: object) -> object:
        if _is_code(value):
            value = cell_text(value)  # a category typed as a number (文化程度 4): a word like any other
        if not isinstance(value, str) or is_blank(value):
            return value
        found: list[Labelled] = []
        for part in parts_of(field_key, value):
            meaning = self.meaning(field_key, part)
            if meaning is None:
                return value
            if meaning == REFUSE:
                label = FIELDS_BY_KEY[field_key].label
                return Refused(f"{label}“{part}”：导入时选择了不导入写有这个词的行")
            assert not isinstance(meaning, str)
            found.extend(m for m in meaning if m not in found)
        if field_key == "key_groups":
            return frozenset(found)
        if not found:
            return None
        if len(found) > 1:
            return value  # several values for a one-value field: the validator names it
        return found[0]


def find_unknown_values(
    table: LedgerTable, mapping: Mapping[int, str], reader: CategoryReader
) -> tuple[UnknownValue, ...]:
    """Every distinct word of the mapped category columns that neither rule recognises and the worker has
    not answered, with its rows (rows that are not a person, such as 合计, left out)."""
    columns = [(index, key) for index, key in sorted(mapping.items()) if key in CATEGORY_FIELDS]
    if not columns:
        return ()
    found: dict[tuple[str, str], tuple[int, str, list[int]]] = {}
    seen: dict[tuple[str, object], list[str]] = {}
    for row in table.rows:
        for index, key in columns:
            value = row.value(index)
            if _is_code(value):
                value = cell_text(value)
            if not isinstance(value, str) or is_blank(value):
                continue
            unknown = seen.get((key, value))
            if unknown is None:
                unknown = [part for part in parts_of(key, value) if reader.meaning(key, part) is None]
                seen[(key, value)] = unknown
            if not unknown or non_data_reason(row.values) is not None:
                continue
            for part in unknown:
                entry = found.setdefault((key, word_key(part)), (index, part.strip(), []))
                if not entry[2] or entry[2][-1] != row.number:
                    entry[2].append(row.number)
    return tuple(
        UnknownValue(key, index, text, word, tuple(rows))
        for (key, word), (index, text, rows) in found.items()
    )


def answer_choices(field_key: str) -> list[tuple[str, str]]:
    """(answer, label) a worker may give for an unrecognised word: each category, then 其他 or 不填,
    then 不导入这些行."""
    kind = CATEGORY_FIELDS[field_key]
    choices = [(m.value, m.label) for m in kind if m.value != "other"]
    if any(m.value == "other" for m in kind):
        choices.append(("other", "其他"))
    else:
        choices.append((BLANK, "不填（空着）"))
    choices.append((REFUSE, "不导入这些行"))
    return choices


def parse_answer(field_key: str, text: str) -> str:
    """An answer as typed (``退役军人``, ``其他``, ``不填``, ``不导入``): the stored answer."""
    word = word_key(text)
    if word in ("不导入", "不导入这些行", "拒绝", "refuse", REFUSE):
        return REFUSE
    if word in ("不填", "空", "空着", "留空", "blank", BLANK):
        return BLANK
    kind = CATEGORY_FIELDS[field_key]
    member = _EXACT[field_key].get(word)
    if member is None:
        member = next((m for m in kind if word_key(m.label) == word or m.value == word), None)
    if member is None:
        choices = "、".join(label for _answer, label in answer_choices(field_key))
        label = FIELDS_BY_KEY[field_key].label
        raise ValidationError(label, text, f"“{text}”不是{label}的类别，应为：{choices}")
    return member.value


def merge_answers(*many: Answers) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for answers in many:
        for field_key, words in answers.items():
            merged.setdefault(field_key, {}).update(words)
    return merged


def describe_unknown(values: Sequence[UnknownValue], table: LedgerTable, shown_rows: int = 5) -> str:
    """The question a CLI prints (and the error a service raises) for words still not recognised."""
    lines = []
    for value in values:
        rows = "、".join(str(r) for r in value.rows[:shown_rows]) + (
            "…" if len(value.rows) > shown_rows else ""
        )
        lines.append(
            f"{table.column_label(value.column)}的“{value.text}”（{len(value.rows)} 行：第 {rows} 行）"
        )
    return "；".join(lines)


class UnknownValues(ValidationError):
    """Words a person must map before the import can run (never guessed, never a row refused for them)."""

    def __init__(self, values: Iterable[UnknownValue], table: LedgerTable) -> None:
        self.values = tuple(values)
        super().__init__(
            "类别",
            [v.text for v in self.values],
            f"有 {len(self.values)} 种类别写法无法识别，请指定每种写法对应的类别："
            + describe_unknown(self.values, table),
        )

"""Policy sets and eligibility: policy parameters are data, not code (DOMAIN.md).

Amounts, ceilings, windows and conditions differ by province and year, so every rule reads a
**versioned policy set** — region, effective period, parameters and the document each item comes from —
that headquarters can replace. The product ships ``resources/policies/default.json``, labelled as an
example to be confirmed locally.

A set is checked when it is loaded (:func:`parse_policy_set`): a malformed or contradictory set is refused
with the line and the reason (:class:`PolicySetError`), and since a refused set is never added to the
:class:`PolicyBook`, the set in force before stays in force.

Eligibility (:func:`evaluate_item`) is a pure function of a policy item, a person's facts and a date. It
answers eligible / not eligible / missing data and, for each condition, whether it held, failed (with the
values, e.g. "毕业时间 2023-06 距今 29 个月，超过 24 个月") or lacks data.

Month arithmetic, precisely (tested at every boundary):

- :func:`add_months` moves a date by whole calendar months and clamps to the month's last day
  (2024-01-31 + 1 month = 2024-02-29; 2024-02-29 + 12 months = 2025-02-28).
- A window "within N months of a day" (登记注册 N 个月内) includes its last day: registered 2022-11-05,
  "within 36 months" holds up to and including 2025-11-05 and fails from 2025-11-06.
  "At least N months" (经营满 N 个月) holds from ``add_months(start, N)`` on.
- Graduation is recorded by month (毕业时间 2023-06), so months since graduation count calendar months:
  2023-06 → 2025-06 is 24 months (within "24 个月内"), 2025-07 is 25 (outside), whatever the day.

Policy background: 5号文 (十)(十五)(十六)(十七)(十八); 推进行动 计划4 计划5 计划7 计划8.
"""

from __future__ import annotations

import bisect
import calendar
import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any, Final

from sqlalchemy import Text
from sqlmodel import Field

from models.base import TravellingRecord
from models.enums import EntityType, KeyGroup, Labelled, Stage
from models.errors import ValidationError
from models.money import format_yuan

FORMAT_VERSION: Final = 1
MAX_POLICY_TEXT: Final = 1_000_000  # characters; a policy set is a few kilobytes
EXTENSION_LIMIT_MONTHS: Final = 12  # 展期原则上不超过 1 年 (推进行动 计划5)


# ------------------------------------------------------------------------------------------- vocabulary
class PolicyKind(Labelled):
    SUBSIDY = "subsidy", "补贴"
    LOAN = "loan", "贷款"
    INTEREST_SUBSIDY = "interest_subsidy", "贴息"
    SPACE = "space", "场地"


class ItemCode(Labelled):
    """The policy items the program knows how to apply for and print; a set offers some or all."""

    STARTUP_SUBSIDY = "startup_subsidy", "一次性创业补贴"
    TRAINING_SUBSIDY = "training_subsidy", "创业培训补贴"
    SOCIAL_INSURANCE_SUBSIDY = "social_insurance_subsidy", "社会保险补贴"
    LOAN_INDIVIDUAL = "guaranteed_loan_individual", "创业担保贷款（个人）"
    LOAN_PARTNERSHIP = "guaranteed_loan_partnership", "创业担保贷款（合伙创业）"
    LOAN_SMALL_FIRM = "guaranteed_loan_small_firm", "创业担保贷款（小微企业）"
    LOAN_INTEREST_SUBSIDY = "loan_interest_subsidy", "创业担保贷款贴息"
    INCUBATOR_SPACE = "incubator_space", "孵化场地免费入驻"

    @property
    def kind(self) -> PolicyKind:
        return _ITEM_KINDS[self]

    @property
    def form(self) -> str:
        """The printable form's name (``doorstep print FORM``)."""
        return _ITEM_FORMS[self]


_ITEM_KINDS: dict[ItemCode, PolicyKind] = {
    ItemCode.STARTUP_SUBSIDY: PolicyKind.SUBSIDY,
    ItemCode.TRAINING_SUBSIDY: PolicyKind.SUBSIDY,
    ItemCode.SOCIAL_INSURANCE_SUBSIDY: PolicyKind.SUBSIDY,
    ItemCode.LOAN_INDIVIDUAL: PolicyKind.LOAN,
    ItemCode.LOAN_PARTNERSHIP: PolicyKind.LOAN,
    ItemCode.LOAN_SMALL_FIRM: PolicyKind.LOAN,
    ItemCode.LOAN_INTEREST_SUBSIDY: PolicyKind.INTEREST_SUBSIDY,
    ItemCode.INCUBATOR_SPACE: PolicyKind.SPACE,
}
_ITEM_FORMS: dict[ItemCode, str] = {
    ItemCode.STARTUP_SUBSIDY: "startup-subsidy",
    ItemCode.TRAINING_SUBSIDY: "training-subsidy",
    ItemCode.SOCIAL_INSURANCE_SUBSIDY: "social-insurance-subsidy",
    ItemCode.LOAN_INDIVIDUAL: "guaranteed-loan",
    ItemCode.LOAN_PARTNERSHIP: "guaranteed-loan",
    ItemCode.LOAN_SMALL_FIRM: "guaranteed-loan",
    ItemCode.LOAN_INTEREST_SUBSIDY: "interest-subsidy",
    ItemCode.INCUBATOR_SPACE: "incubator-space",
}
LOAN_ITEMS: Final = frozenset(code for code, kind in _ITEM_KINDS.items() if kind is PolicyKind.LOAN)


class Outcome(Labelled):
    """One condition's result."""

    HELD = "held", "符合"
    FAILED = "failed", "不符合"
    MISSING = "missing", "缺少资料"


class Eligibility(Labelled):
    """A whole item's answer."""

    ELIGIBLE = "eligible", "符合条件"
    NOT_ELIGIBLE = "not_eligible", "不符合条件"
    MISSING_DATA = "missing_data", "缺少资料"


# ----------------------------------------------------------------------------------------- month arithmetic
def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the last day of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def whole_months_between(start: date, end: date) -> int:
    """Whole months elapsed from ``start`` to ``end``: the largest n with ``add_months(start, n) <= end``.

    Negative when ``end`` is before ``start`` (the smallest n, counted back, with the same rule mirrored).
    """
    if end < start:
        return -whole_months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def calendar_months_between(start: date, end: date) -> int:
    """Months between two year-months, days ignored (for facts recorded by month, such as graduation)."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def within_months(start: date, months: int, as_of: date) -> bool:
    """Whether ``as_of`` falls on or after ``start`` and no later than ``add_months(start, months)``."""
    return start <= as_of <= add_months(start, months)


# ---------------------------------------------------------------------------------------- the policy set
class ConditionType(Labelled):
    KEY_GROUP = "key_group", "重点群体"
    GRADUATED_WITHIN = "graduated_within", "毕业时间"
    AGE_BETWEEN = "age_between", "年龄"
    REGISTERED = "registered", "登记注册"
    REGISTERED_WITHIN = "registered_within", "登记注册时间"
    OPERATING_AT_LEAST = "operating_at_least", "持续经营时间"
    ENTITY_TYPE = "entity_type", "主体类型"
    STAGE = "stage", "创业阶段"
    JOBS_CREATED_AT_LEAST = "jobs_created_at_least", "带动就业人数"
    SOCIAL_INSURANCE_PAID = "social_insurance_paid", "社会保险缴费"
    TRAINING_COMPLETED = "training_completed", "创业培训结业"
    NO_PRIOR_RECEIPT = "no_prior_receipt", "未曾享受"
    HOLDS_ITEM = "holds_item", "已获贷款"
    NO_OUTSTANDING_LOAN = "no_outstanding_loan", "无未结清贷款"
    ANY_OF = "any_of", "满足其一"
    ALL_OF = "all_of", "同时满足"


VENTURE_CONDITIONS: Final = frozenset(
    {
        ConditionType.REGISTERED,
        ConditionType.REGISTERED_WITHIN,
        ConditionType.OPERATING_AT_LEAST,
        ConditionType.ENTITY_TYPE,
        ConditionType.STAGE,
        ConditionType.JOBS_CREATED_AT_LEAST,
    }
)


@dataclass(frozen=True)
class Condition:
    """One condition of a policy item. Which parameters matter depends on ``type``."""

    type: ConditionType
    months: int | None = None
    count: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    groups: frozenset[KeyGroup] = frozenset()
    entity_types: frozenset[EntityType] = frozenset()
    stages: frozenset[Stage] = frozenset()
    items: frozenset[ItemCode] = frozenset()
    children: tuple[Condition, ...] = ()
    label: str = ""
    source: str = ""

    def walk(self) -> Iterable[Condition]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class LoanTerms:
    """Parameters of a guaranteed loan item (5号文 (十六), 推进行动 计划5)."""

    term_max_months: int
    extension_max_months: int
    annual_rate_max_bp: int | None  # basis points: 395 = 3.95 %
    interest_subsidy_share_pct: int  # share of the interest the subsidy pays
    ceiling_per_partner_fen: int | None
    max_partners: int | None
    counter_guarantee_waived_groups: frozenset[KeyGroup]
    renewal_allowed: bool  # 无还本续贷


@dataclass(frozen=True)
class PolicyItem:
    code: ItemCode
    name: str
    source: str
    help: str
    one_time: bool
    amount_fen: int
    ceiling_fen: int
    per_month_fen: int | None
    max_months: int | None
    documents: tuple[str, ...]
    conditions: tuple[Condition, ...]
    loan: LoanTerms | None = None

    @property
    def kind(self) -> PolicyKind:
        return self.code.kind

    @property
    def form(self) -> str:
        return self.code.form

    @property
    def is_loan(self) -> bool:
        return self.code in LOAN_ITEMS

    def needs_venture(self) -> bool:
        return self._needs_venture

    @cached_property
    def _needs_venture(self) -> bool:
        return any(c.type in VENTURE_CONDITIONS for top in self.conditions for c in top.walk())


@dataclass(frozen=True)
class PolicySet:
    """A versioned set of policy parameters for a region and an effective period."""

    id: str
    version: int
    name: str
    notice: str
    example: bool
    region: str  # 6-digit region code; trailing zeros widen it (000000 = everywhere)
    effective_from: date
    effective_to: date | None
    documents: Mapping[str, str]
    items: tuple[PolicyItem, ...]
    digest: str
    origin: str = ""

    def item(self, code: ItemCode | str) -> PolicyItem | None:
        for candidate in self.items:
            if candidate.code == code:
                return candidate
        return None

    @property
    def region_prefix(self) -> str:
        return self.region.rstrip("0")

    def in_force(self, as_of: date) -> bool:
        return self.effective_from <= as_of and (self.effective_to is None or as_of <= self.effective_to)

    def applies_to(self, region: str) -> bool:
        return region.startswith(self.region_prefix)

    @property
    def period_label(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "长期"
        return f"{self.effective_from.isoformat()} 至 {end}"


class PolicySetError(ValidationError):
    """A policy set refused: each problem with its line; the message names the first few."""

    def __init__(self, origin: str, problems: Sequence[tuple[int, str]]) -> None:
        self.origin = origin
        self.problems = list(problems)
        line, reason = self.problems[0]
        where = f"政策参数文件 {origin} " if origin else "政策参数"
        message = f"{where}第 {line} 行：{reason}" if line else f"{where}：{reason}"
        if len(self.problems) > 1:
            message += f"（另有 {len(self.problems) - 1} 处问题）"
        message += "；未采用该文件，原有政策参数继续有效"
        super().__init__("政策参数", origin, message)

    @property
    def line(self) -> int:
        return self.problems[0][0]


# ------------------------------------------------------------------------------- JSON with line numbers
_Path = tuple[str | int, ...]
# The C string scanner json itself uses (typeshed does not declare it).
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.__dict__["scanstring"]
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")

_JSON_MESSAGES = {
    "Expecting value": "此处应为一个值（可能多了逗号，或缺少引号）",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "字段名应使用英文双引号（也可能多了逗号）",
    "Unterminated string starting at": "字符串缺少结束的双引号",
    "Invalid control character at": "字符串中有换行或控制字符",
    "Invalid \\escape": "字符串中有无效的转义符 \\",
    "Extra data": "文件结尾有多余的内容",
    "Illegal trailing comma before end of object": "对象末尾多了逗号",
    "Illegal trailing comma before end of array": "数组末尾多了逗号",
}


class _Refused(Exception):
    def __init__(self, line: int, key: str) -> None:
        super().__init__(key)
        self.line = line
        self.key = key


class _Located:
    """Parses JSON text that :func:`json.loads` accepted, remembering the line each value starts on."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.lines: dict[_Path, int] = {}

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def skip(self, pos: int) -> int:
        match = _WS.match(self.text, pos)
        return match.end() if match else pos

    def value(self, pos: int, path: _Path) -> tuple[Any, int]:
        pos = self.skip(pos)
        self.lines.setdefault(path, self.line(pos))
        char = self.text[pos]
        if char == "{":
            return self.object(pos + 1, path)
        if char == "[":
            return self.array(pos + 1, path)
        if char == '"':
            return _scanstring(self.text, pos + 1)
        for literal, result in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(literal, pos):
                return result, pos + len(literal)
        match = _NUMBER.match(self.text, pos)
        if match is None:  # NaN, Infinity: json.loads accepts them, a policy set does not
            raise _Refused(self.line(pos), "")
        integer, fraction, exponent = match.groups()
        number: Any = float(match.group()) if fraction or exponent else int(integer)
        return number, match.end()

    def object(self, pos: int, path: _Path) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        pos = self.skip(pos)
        if self.text[pos] == "}":
            return result, pos + 1
        while True:
            pos = self.skip(pos)
            key_line = self.line(pos)
            key, pos = _scanstring(self.text, pos + 1)
            if key in result:
                raise _Refused(key_line, key)
            self.lines[(*path, key)] = key_line
            pos = self.skip(pos) + 1  # the colon
            result[key], pos = self.value(pos, (*path, key))
            pos = self.skip(pos)
            if self.text[pos] == "}":
                return result, pos + 1
            pos += 1  # the comma

    def array(self, pos: int, path: _Path) -> tuple[list[Any], int]:
        result: list[Any] = []
        pos = self.skip(pos)
        if self.text[pos] == "]":
            return result, pos + 1
        while True:
            value, pos = self.value(pos, (*path, len(result)))
            result.append(value)
            pos = self.skip(pos)
            if self.text[pos] == "]":
                return result, pos + 1
            pos += 1


def _load_json(text: str, origin: str) -> tuple[Any, dict[_Path, int]]:
    if len(text) > MAX_POLICY_TEXT:
        raise PolicySetError(origin, [(0, f"文件过大（{len(text):,} 个字符），政策参数文件通常只有几千字")])
    text = text.removeprefix("\ufeff")
    try:
        json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        reason = next((zh for en, zh in _JSON_MESSAGES.items() if error.msg.startswith(en)), "格式错误")
        raise PolicySetError(
            origin, [(error.lineno, f"第 {error.colno} 列{reason}（不是有效的 JSON）")]
        ) from None
    except ValueError as error:
        raise PolicySetError(origin, [(0, f"{error}")]) from None
    except RecursionError:  # thousands of nested [ or {: no policy set nests more than a dozen deep
        raise PolicySetError(origin, [(0, "括号 [ 或 { 嵌套过深，不是政策参数文件")]) from None
    located = _Located(text)
    try:
        data, _ = located.value(0, ())
    except RecursionError:  # hundreds of nested [ or {, which json.loads accepted
        raise PolicySetError(origin, [(0, "括号 [ 或 { 嵌套过深，不是政策参数文件")]) from None
    except _Refused as duplicate:
        if not duplicate.key:
            raise PolicySetError(
                origin, [(duplicate.line, "数值应为普通数字，不能是 NaN 或 Infinity")]
            ) from None
        raise PolicySetError(
            origin, [(duplicate.line, f"字段“{duplicate.key}”重复出现，无法判断以哪个为准")]
        ) from None
    return data, located.lines


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"数值应为普通数字，不能是 {name}")


# ------------------------------------------------------------------------------------------ the checker
@dataclass
class _Checker:
    """Reads the parsed JSON into a :class:`PolicySet`, collecting every problem with its line."""

    lines: dict[_Path, int]
    problems: list[tuple[int, str]] = field(default_factory=list)
    item_names: dict[int, str] = field(default_factory=dict)

    def line(self, path: _Path) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def where(self, path: _Path) -> str:
        text = ""
        for index, part in enumerate(path):
            if isinstance(part, int):
                text += f"[{part}]"
                if index == 1 and path[0] == "items" and part in self.item_names:
                    text += f"（{self.item_names[part]}）"
            else:
                text += ("." if text else "") + part
        return text

    def problem(self, path: _Path, reason: str) -> None:
        entry = (self.line(path), f"{self.where(path)} {reason}" if path else reason)
        if entry not in self.problems:
            self.problems.append(entry)

    # -- field readers: each returns a usable default after recording a problem
    def fields(
        self, obj: Any, path: _Path, required: Iterable[str], optional: Iterable[str]
    ) -> dict[str, Any]:
        if not isinstance(obj, dict):
            self.problem(path, f"应为一个对象 {{…}}，实际为 {_kind_of(obj)}")
            return {}
        known = set(required) | set(optional)
        for key in obj:
            if key not in known and not key.startswith("_"):  # "_comment" and the like are allowed
                close = difflib.get_close_matches(key, sorted(known), n=1)
                hint = f"，是否应为“{close[0]}”？" if close else f"；可用的字段：{'、'.join(sorted(known))}"
                self.problem((*path, key), f"是未知的字段{hint}")
        for key in required:
            if key not in obj:
                self.problem(path, f"缺少必填字段“{key}”")
        return obj

    def text(self, obj: Mapping[str, Any], key: str, path: _Path, *, required: bool = True) -> str:
        value = obj.get(key)
        if value is None and not required:
            return ""
        if key not in obj:
            self.problem(path, f"缺少必填字段“{key}”")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            if key in obj or required:
                self.problem((*path, key), f"应为非空的文字，实际为 {_shown(value)}")
            return ""
        return value.strip()

    def integer(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: _Path,
        *,
        minimum: int = 0,
        maximum: int | None = None,
        what: str = "非负整数",
        required: bool = True,
    ) -> int | None:
        if key not in obj or (obj[key] is None and not required):
            return None
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem((*path, key), f"应为{what}，实际为 {_shown(value)}")
            return None
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"{minimum} 到 {maximum}" if maximum is not None else f"不小于 {minimum}"
            self.problem((*path, key), f"应为{what}（{bound}），实际为 {value}")
            return None
        return value

    def money(self, obj: Mapping[str, Any], key: str, path: _Path, *, required: bool = True) -> int | None:
        if key not in obj:
            if required:
                self.problem(path, f"缺少必填字段“{key}”（以分为单位的整数金额）")
            return None
        return self.integer(obj, key, path, what="以分为单位的非负整数金额", required=required)

    def flag(self, obj: Mapping[str, Any], key: str, path: _Path, default: bool) -> bool:
        value = obj.get(key, default)
        if not isinstance(value, bool):
            self.problem((*path, key), f"应为 true 或 false，实际为 {_shown(value)}")
            return default
        return value

    def day(self, obj: Mapping[str, Any], key: str, path: _Path, *, required: bool = True) -> date | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.problem((*path, key) if key in obj else path, f"缺少日期“{key}”（如 2025-01-01）")
            return None
        try:
            return date.fromisoformat(value) if isinstance(value, str) else _not_a_date()
        except ValueError:
            self.problem((*path, key), f"应为 2025-01-01 这样的日期，实际为 {_shown(value)}")
            return None

    def choices(
        self, obj: Mapping[str, Any], key: str, path: _Path, kind: type[Labelled], *, required: bool = True
    ) -> frozenset[Any]:
        value = obj.get(key)
        if value is None and not required:
            return frozenset()
        if not isinstance(value, list) or (required and not value):
            self.problem((*path, key) if key in obj else path, f"应为非空的列表，可选：{_labels(kind)}")
            return frozenset()
        found: set[Any] = set()
        for index, entry in enumerate(value):
            member = kind.from_label(entry) if isinstance(entry, str) else None
            if member is None:
                self.problem((*path, key, index), f"“{entry}”无法识别，应为：{_labels(kind)}")
            else:
                found.add(member)
        return frozenset(found)


def _not_a_date() -> date:
    raise ValueError


def _kind_of(value: object) -> str:
    return {dict: "对象", list: "列表", str: "文字", bool: "true/false", type(None): "null"}.get(
        type(value), "数字"
    )


def _shown(value: object) -> str:
    if value is None:
        return "空（null）"
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return _kind_of(value)
    return str(value)


def _labels(kind: type[Labelled]) -> str:
    return "、".join(f"{m.value}（{m.label}）" for m in kind)


_TOP_REQUIRED = ("format", "id", "version", "name", "region", "effective_from", "items", "documents")
_TOP_OPTIONAL = ("effective_to", "example", "notice")
_ITEM_REQUIRED = ("code", "source", "amount_fen", "ceiling_fen", "documents", "conditions")
_ITEM_OPTIONAL = ("name", "help", "one_time", "per_month_fen", "max_months", "loan")
_LOAN_REQUIRED = ("term_max_months", "extension_max_months", "interest_subsidy_share_pct")
_LOAN_OPTIONAL = (
    "annual_rate_max_bp",
    "ceiling_per_partner_fen",
    "max_partners",
    "counter_guarantee_waived_groups",
    "renewal_allowed",
)
_CONDITION_PARAMS: dict[ConditionType, tuple[tuple[str, ...], tuple[str, ...]]] = {
    ConditionType.KEY_GROUP: (("groups",), ()),
    ConditionType.GRADUATED_WITHIN: (("months",), ()),
    ConditionType.AGE_BETWEEN: (("min", "max"), ()),
    ConditionType.REGISTERED: ((), ()),
    ConditionType.REGISTERED_WITHIN: (("months",), ()),
    ConditionType.OPERATING_AT_LEAST: (("months",), ()),
    ConditionType.ENTITY_TYPE: (("types",), ()),
    ConditionType.STAGE: (("stages",), ()),
    ConditionType.JOBS_CREATED_AT_LEAST: (("count",), ()),
    ConditionType.SOCIAL_INSURANCE_PAID: (("months",), ()),
    ConditionType.TRAINING_COMPLETED: ((), ()),
    ConditionType.NO_PRIOR_RECEIPT: ((), ("items",)),
    ConditionType.HOLDS_ITEM: (("items",), ()),
    ConditionType.NO_OUTSTANDING_LOAN: ((), ()),
    ConditionType.ANY_OF: (("conditions",), ()),
    ConditionType.ALL_OF: (("conditions",), ()),
}


def _read_condition(check: _Checker, raw: Any, path: _Path, depth: int = 0) -> Condition | None:
    if not isinstance(raw, dict):
        check.problem(path, f'条件应为一个对象 {{"type": …}}，实际为 {_kind_of(raw)}')
        return None
    type_text = raw.get("type")
    found = ConditionType.from_label(type_text) if isinstance(type_text, str) else None
    kind = ConditionType(found) if found is not None else None
    if kind is None:
        check.problem(
            (*path, "type") if "type" in raw else path,
            f"条件类型 {_shown(type_text)} 无法识别，应为：{_labels(ConditionType)}",
        )
        return None
    required, optional = _CONDITION_PARAMS[kind]
    check.fields(raw, path, ("type", *required), (*optional, "label", "source"))
    label = check.text(raw, "label", path, required=False)
    source = check.text(raw, "source", path, required=False)
    common: dict[str, Any] = {"type": kind, "label": label, "source": source}
    if kind in (ConditionType.ANY_OF, ConditionType.ALL_OF):
        if depth >= 4:
            check.problem(path, "条件嵌套过深（最多 4 层）")
            return None
        children_raw = raw.get("conditions")
        if not isinstance(children_raw, list) or len(children_raw) < 2:
            check.problem((*path, "conditions"), "应为至少两个条件的列表")
            return None
        children = [
            _read_condition(check, c, (*path, "conditions", i), depth + 1) for i, c in enumerate(children_raw)
        ]
        good = tuple(c for c in children if c is not None)
        _check_contradictions(check, good, (*path, "conditions"), require_all=kind is ConditionType.ALL_OF)
        return Condition(children=good, **common)
    if kind is ConditionType.KEY_GROUP:
        return Condition(groups=check.choices(raw, "groups", path, KeyGroup), **common)
    if kind in (
        ConditionType.GRADUATED_WITHIN,
        ConditionType.REGISTERED_WITHIN,
        ConditionType.OPERATING_AT_LEAST,
        ConditionType.SOCIAL_INSURANCE_PAID,
    ):
        months = check.integer(raw, "months", path, minimum=0, maximum=600, what="月数（整数）")
        return Condition(months=months, **common) if months is not None else None
    if kind is ConditionType.AGE_BETWEEN:
        low = check.integer(raw, "min", path, minimum=0, maximum=120, what="年龄（整数）")
        high = check.integer(raw, "max", path, minimum=0, maximum=120, what="年龄（整数）")
        if low is not None and high is not None and low > high:
            check.problem((*path, "min"), f"最小年龄 {low} 大于最大年龄 {high}，条件无人能满足")
            return None
        return (
            Condition(minimum=low, maximum=high, **common) if low is not None and high is not None else None
        )
    if kind is ConditionType.ENTITY_TYPE:
        return Condition(entity_types=check.choices(raw, "types", path, EntityType), **common)
    if kind is ConditionType.STAGE:
        return Condition(stages=check.choices(raw, "stages", path, Stage), **common)
    if kind is ConditionType.JOBS_CREATED_AT_LEAST:
        count = check.integer(raw, "count", path, minimum=0, maximum=100_000, what="人数（整数）")
        return Condition(count=count, **common) if count is not None else None
    if kind in (ConditionType.NO_PRIOR_RECEIPT, ConditionType.HOLDS_ITEM):
        items = check.choices(raw, "items", path, ItemCode, required=kind is ConditionType.HOLDS_ITEM)
        return Condition(items=items, **common)
    return Condition(**common)


def _check_contradictions(
    check: _Checker, conditions: Sequence[Condition], path: _Path, *, require_all: bool
) -> None:
    """Conditions that must hold together but cannot: refused as contradictory."""
    if not require_all:
        return
    seen: dict[ConditionType, int] = {}
    for index, condition in enumerate(conditions):
        if condition.type in (ConditionType.ANY_OF, ConditionType.ALL_OF):
            continue
        if condition.type in seen:
            check.problem(
                (*path, index),
                f"与第 {seen[condition.type] + 1} 个条件重复（都是“{condition.type.label}”），"
                "两者不一致时无法判断",
            )
        seen.setdefault(condition.type, index)
    by_type = {c.type: c for c in conditions}
    within = by_type.get(ConditionType.REGISTERED_WITHIN)
    operating = by_type.get(ConditionType.OPERATING_AT_LEAST)
    if (
        within
        and operating
        and within.months is not None
        and operating.months is not None
        and operating.months > within.months
    ):
        check.problem(
            (*path, seen[ConditionType.OPERATING_AT_LEAST]),
            f"要求经营满 {operating.months} 个月，又要求登记注册 {within.months} 个月以内，"
            "无人能同时满足（条件矛盾）",
        )


def _read_loan(
    check: _Checker, raw: Any, path: _Path, code: ItemCode, ceiling: int | None
) -> LoanTerms | None:
    obj = check.fields(raw, path, _LOAN_REQUIRED, _LOAN_OPTIONAL)
    if not obj:
        return None
    term = check.integer(obj, "term_max_months", path, minimum=1, maximum=360, what="最长期限月数（整数）")
    extension = check.integer(
        obj, "extension_max_months", path, minimum=0, maximum=600, what="展期月数（整数）"
    )
    if extension is not None and extension > EXTENSION_LIMIT_MONTHS:
        check.problem(
            (*path, "extension_max_months"),
            f"展期 {extension} 个月超过 1 年；展期期限原则上不超过 1 年（推进行动 计划5）",
        )
    rate = check.integer(
        obj,
        "annual_rate_max_bp",
        path,
        minimum=0,
        maximum=3600,
        what="年利率上限（基点，395 即 3.95%）",
        required=False,
    )
    share = check.integer(
        obj, "interest_subsidy_share_pct", path, minimum=0, maximum=100, what="贴息比例（0–100 的百分数）"
    )
    per_partner = check.money(obj, "ceiling_per_partner_fen", path, required=False)
    partners = check.integer(
        obj, "max_partners", path, minimum=2, maximum=100, what="合伙人数上限（整数）", required=False
    )
    if code is ItemCode.LOAN_PARTNERSHIP:
        if per_partner is None:
            check.problem(path, "合伙创业贷款应填写每人贷款上限 ceiling_per_partner_fen")
        elif ceiling is not None and per_partner > ceiling:
            check.problem(
                (*path, "ceiling_per_partner_fen"),
                f"每人上限 {format_yuan(per_partner)} 高于贷款总额上限 {format_yuan(ceiling)}（条件矛盾）",
            )
    elif per_partner is not None or partners is not None:
        check.problem(path, "只有合伙创业贷款才有每人上限和合伙人数上限")
    waived = check.choices(obj, "counter_guarantee_waived_groups", path, KeyGroup, required=False)
    if term is None or extension is None or share is None:
        return None
    return LoanTerms(
        term_max_months=term,
        extension_max_months=min(extension, EXTENSION_LIMIT_MONTHS),
        annual_rate_max_bp=rate,
        interest_subsidy_share_pct=share,
        ceiling_per_partner_fen=per_partner,
        max_partners=partners,
        counter_guarantee_waived_groups=waived,
        renewal_allowed=check.flag(obj, "renewal_allowed", path, True),
    )


def _read_item(check: _Checker, raw: Any, path: _Path) -> PolicyItem | None:
    code_text = raw.get("code") if isinstance(raw, dict) else None
    code = ItemCode.from_label(code_text) if isinstance(code_text, str) else None
    if code is not None:
        check.item_names[int(path[-1])] = code.label
    obj = check.fields(raw, path, _ITEM_REQUIRED, _ITEM_OPTIONAL)
    if not obj:
        return None
    if code is None:
        if "code" in obj:
            check.problem(
                (*path, "code"), f"政策项目 {_shown(code_text)} 无法识别，应为：{_labels(ItemCode)}"
            )
        return None
    item_code = ItemCode(code)
    name = check.text(obj, "name", path, required=False) or item_code.label
    source = check.text(obj, "source", path)
    amount = check.money(obj, "amount_fen", path)
    ceiling = check.money(obj, "ceiling_fen", path)
    if amount is not None and ceiling is not None and amount > ceiling:
        check.problem(
            (*path, "amount_fen"),
            f"标准金额 {format_yuan(amount)} 高于上限 {format_yuan(ceiling)}（条件矛盾）",
        )
    per_month = check.money(obj, "per_month_fen", path, required=False)
    max_months = check.integer(
        obj, "max_months", path, minimum=1, maximum=600, what="月数（整数）", required=False
    )
    if item_code is ItemCode.SOCIAL_INSURANCE_SUBSIDY and (per_month is None or max_months is None):
        check.problem(path, "社会保险补贴应填写每月补贴标准 per_month_fen 和最长补贴月数 max_months")
    documents_raw = obj.get("documents")
    documents: list[str] = []
    if not isinstance(documents_raw, list) or not documents_raw:
        check.problem((*path, "documents"), "应为非空的材料清单（文字列表）")
    else:
        for index, entry in enumerate(documents_raw):
            if not isinstance(entry, str) or not entry.strip():
                check.problem((*path, "documents", index), f"材料名称应为非空的文字，实际为 {_shown(entry)}")
            elif entry.strip() in documents:
                check.problem((*path, "documents", index), f"材料“{entry.strip()}”重复")
            else:
                documents.append(entry.strip())
    conditions_raw = obj.get("conditions")
    conditions: list[Condition] = []
    if not isinstance(conditions_raw, list):
        check.problem((*path, "conditions"), "应为条件列表（可以为空列表 []）")
    else:
        for index, entry in enumerate(conditions_raw):
            condition = _read_condition(check, entry, (*path, "conditions", index))
            if condition is not None:
                conditions.append(condition)
        _check_contradictions(check, conditions, (*path, "conditions"), require_all=True)
    for condition in (c for top in conditions for c in top.walk()):
        if condition.type is ConditionType.HOLDS_ITEM and not condition.items <= LOAN_ITEMS:
            check.problem((*path, "conditions"), "“已获贷款”条件只能引用创业担保贷款项目")
    loan_raw = obj.get("loan")
    loan = None
    if item_code in LOAN_ITEMS:
        if loan_raw is None:
            check.problem(path, "贷款项目应有 loan 参数（期限、展期、贴息比例等）")
        else:
            loan = _read_loan(check, loan_raw, (*path, "loan"), item_code, ceiling)
    elif loan_raw is not None:
        check.problem((*path, "loan"), f"{item_code.label}不是贷款项目，不应有 loan 参数")
    if amount is None or ceiling is None or not source:
        return None
    return PolicyItem(
        code=item_code,
        name=name,
        source=source,
        help=check.text(obj, "help", path, required=False),
        one_time=check.flag(obj, "one_time", path, False),
        amount_fen=amount,
        ceiling_fen=ceiling,
        per_month_fen=per_month,
        max_months=max_months,
        documents=tuple(documents),
        conditions=tuple(conditions),
        loan=loan,
    )


def parse_policy_set(text: str, *, origin: str = "") -> PolicySet:
    """Read and check a policy set; :class:`PolicySetError` names the line and reason of each problem."""
    data, lines = _load_json(text, origin)
    check = _Checker(lines)
    top = check.fields(data, (), _TOP_REQUIRED, _TOP_OPTIONAL)
    if not top:
        raise PolicySetError(origin, check.problems)
    if top.get("format") != FORMAT_VERSION:
        check.problem(
            ("format",),
            f"格式版本应为 {FORMAT_VERSION}，实际为 {_shown(top.get('format'))}；"
            "请使用与本程序配套的政策参数文件",
        )
    set_id = check.text(top, "id", ())
    if set_id and not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z_.\-]{0,63}", set_id):
        check.problem(("id",), f"“{set_id}”应只含字母、数字、点、下划线和连字符")
    version = check.integer(top, "version", (), minimum=1, what="版本号（正整数）") or 0
    name = check.text(top, "name", ())
    example = check.flag(top, "example", (), False)
    notice = check.text(top, "notice", (), required=example)
    region = check.text(top, "region", ())
    if region and not re.fullmatch(r"\d{6}", region):
        check.problem(("region",), f"“{region}”应为 6 位行政区划代码（000000 表示全国通用）")
    start = check.day(top, "effective_from", ())
    end = check.day(top, "effective_to", (), required=False)
    if start and end and end < start:
        check.problem(
            ("effective_to",), f"失效日期 {end.isoformat()} 早于生效日期 {start.isoformat()}（条件矛盾）"
        )
    documents_raw = top.get("documents")
    documents: dict[str, str] = {}
    if not isinstance(documents_raw, dict) or not documents_raw:
        check.problem(("documents",), '应为政策依据文件的对象，如 {"5号文": "人社部发〔2025〕5号 …"}')
    else:
        for key, value in documents_raw.items():
            if not isinstance(value, str) or not value.strip():
                check.problem(("documents", key), "应为文件全称（文字）")
            else:
                documents[key] = value.strip()
    items_raw = top.get("items")
    items: list[PolicyItem] = []
    if not isinstance(items_raw, list) or not items_raw:
        check.problem(("items",), "应为非空的政策项目列表")
    else:
        seen: dict[str, int] = {}
        for index, entry in enumerate(items_raw):
            item = _read_item(check, entry, ("items", index))
            if item is None:
                continue
            if item.code in seen:
                check.problem(
                    ("items", index, "code"), f"政策项目“{item.code.label}”与第 {seen[item.code] + 1} 项重复"
                )
                continue
            seen[item.code] = index
            if documents and not any(item.source.startswith(key) for key in documents):
                check.problem(
                    ("items", index, "source"),
                    f"政策依据“{item.source}”应以 documents 中的文件简称开头（{'、'.join(documents)}）",
                )
            items.append(item)
    if check.problems or start is None:
        raise PolicySetError(origin, check.problems or [(1, "缺少生效日期")])
    return PolicySet(
        id=set_id,
        version=version,
        name=name,
        notice=notice,
        example=example,
        region=region,
        effective_from=start,
        effective_to=end,
        documents=documents,
        items=tuple(items),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        origin=origin,
    )


# ------------------------------------------------------------------------------------------- the book
class InstalledPolicySet(TravellingRecord, table=True):
    """A policy set installed at the station (sent by headquarters, or loaded from a file), kept as the
    exact text that was checked, so that the same digest and the same answers come back."""

    __tablename__ = "policy_set"

    set_id: str = Field(max_length=64, index=True)
    set_version: int
    name: str = Field(max_length=100)
    region: str = Field(max_length=6)
    effective_from: date
    effective_to: date | None = None
    content: str = Field(sa_type=Text)
    digest: str = Field(max_length=64)
    origin: str = Field(default="", max_length=200)


@dataclass(frozen=True)
class PolicyBook:
    """Every set a station knows; answers which one is in force for a date and a region.

    Immutable: :meth:`with_set` returns a new book, so a set refused on loading never touches the
    book in use, and the set in force before stays in force.
    """

    sets: tuple[PolicySet, ...] = ()

    def with_set(self, policy_set: PolicySet) -> PolicyBook:
        kept = tuple(s for s in self.sets if not (s.id == policy_set.id and s.version == policy_set.version))
        return PolicyBook((*kept, policy_set))

    def in_force(self, as_of: date, region: str = "") -> PolicySet | None:
        """The most specific region first, then the latest effective date, then the highest version."""
        candidates = [s for s in self.sets if s.in_force(as_of) and s.applies_to(region)]
        if not candidates:
            return None
        return max(candidates, key=lambda s: (len(s.region_prefix), s.effective_from, s.version))


# ------------------------------------------------------------------------------------------ the facts
@dataclass(frozen=True)
class VentureFacts:
    id: str
    name: str
    entity_type: str
    stage: str
    registration_date: date | None
    jobs_created: int

    @property
    def closed(self) -> bool:
        return self.stage == Stage.CLOSED.value


@dataclass(frozen=True)
class Receipt:
    """A policy item a person already received (a disbursed application)."""

    item: ItemCode
    on: date | None


@dataclass(frozen=True)
class PersonFacts:
    """What the rules read: from the file, its ventures and the person's applications.

    ``None`` means the fact is not known (the answer is "missing data"), not "no".
    """

    entrepreneur_id: str
    birth_date: date
    key_groups: frozenset[KeyGroup]
    graduation_date: date | None
    ventures: tuple[VentureFacts, ...] = ()
    receipts: tuple[Receipt, ...] = ()
    outstanding_loans: frozenset[ItemCode] = frozenset()
    social_insurance_months: int | None = None
    trainings_completed: int | None = None
    partners: int | None = None


# ------------------------------------------------------------------------------------------ the answers
@dataclass(frozen=True)
class ConditionResult:
    condition: ConditionType
    outcome: Outcome
    text: str  # "毕业时间 2023-06 距今 29 个月，超过 24 个月"
    source: str = ""
    children: tuple[ConditionResult, ...] = ()


@dataclass(frozen=True)
class ItemAnswer:
    item: PolicyItem
    eligibility: Eligibility
    conditions: tuple[ConditionResult, ...]
    venture_id: str | None
    venture_name: str
    ceiling_fen: int
    counter_guarantee_waived: bool | None

    def _leaves(self, outcome: Outcome) -> list[ConditionResult]:
        """Leaf conditions with ``outcome``. Failures and missing data inside a group that held anyway
        (the other branch of "满足其一") decide nothing and are left out."""
        found: list[ConditionResult] = []

        def visit(result: ConditionResult) -> None:
            if result.children:
                if result.outcome is Outcome.HELD and outcome is not Outcome.HELD:
                    return
                for child in result.children:
                    visit(child)
            elif result.outcome is outcome:
                found.append(result)

        for result in self.conditions:
            visit(result)
        return found

    @property
    def held(self) -> list[ConditionResult]:
        return self._leaves(Outcome.HELD)

    @property
    def failed(self) -> list[ConditionResult]:
        return self._leaves(Outcome.FAILED)

    @property
    def missing(self) -> list[ConditionResult]:
        return self._leaves(Outcome.MISSING)

    @property
    def summary(self) -> str:
        if self.eligibility is Eligibility.ELIGIBLE:
            return "符合条件"
        if self.eligibility is Eligibility.NOT_ELIGIBLE:
            return "不符合：" + "；".join(r.text for r in self.failed[:2])
        return "缺少资料：" + "；".join(r.text for r in self.missing[:2])


def _combine(outcomes: Iterable[Outcome], *, all_of: bool) -> Outcome:
    values = list(outcomes)
    decisive, other = (Outcome.FAILED, Outcome.HELD) if all_of else (Outcome.HELD, Outcome.FAILED)
    if decisive in values:
        return decisive
    if Outcome.MISSING in values:
        return Outcome.MISSING
    return other if values else Outcome.HELD


def _ym(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class _Context:
    item: PolicyItem
    facts: PersonFacts
    as_of: date
    venture: VentureFacts | None
    no_venture: tuple[Outcome, str]  # what a venture condition answers when ``venture`` is None


_Evaluator = Callable[[Condition, _Context], tuple[Outcome, str]]


_ORDER: Final[dict[Labelled, int]] = {
    member: index for kind in (KeyGroup, ItemCode, EntityType, Stage) for index, member in enumerate(kind)
}


def _names(members: Iterable[Labelled]) -> str:
    """Labels in their enum's order, joined with 、 (run 100,000 times for a station: no enum scans)."""
    return "、".join(m.label for m in sorted(members, key=_ORDER.__getitem__))


def _group_names(groups: Iterable[KeyGroup]) -> str:
    return _names(groups)


def _key_group(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    have = ctx.facts.key_groups
    if not have:
        return Outcome.MISSING, f"档案未填写重点群体（应为 {_group_names(condition.groups)} 之一）"
    matching = have & condition.groups
    if matching:
        return Outcome.HELD, f"重点群体：{_group_names(matching)}"
    return Outcome.FAILED, f"重点群体 {_group_names(have)} 不在 {_group_names(condition.groups)} 之中"


def _graduated_within(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    months = condition.months or 0
    graduated = ctx.facts.graduation_date
    if graduated is None:
        return Outcome.MISSING, f"档案未填写毕业时间（应在毕业 {months} 个月以内）"
    elapsed = calendar_months_between(graduated, ctx.as_of)
    if elapsed < 0:
        return Outcome.HELD, f"毕业时间 {_ym(graduated)}，尚未毕业（毕业年度内）"
    if elapsed <= months:
        return Outcome.HELD, f"毕业时间 {_ym(graduated)} 距今 {elapsed} 个月，在 {months} 个月以内"
    return Outcome.FAILED, f"毕业时间 {_ym(graduated)} 距今 {elapsed} 个月，超过 {months} 个月"


def _age_between(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    age = _age(ctx.facts.birth_date, ctx.as_of)
    low, high = condition.minimum or 0, condition.maximum or 200
    if low <= age <= high:
        return Outcome.HELD, f"年龄 {age} 周岁，在 {low}–{high} 周岁之间"
    return Outcome.FAILED, f"年龄 {age} 周岁，不在 {low}–{high} 周岁之间"


def _venture_label(venture: VentureFacts) -> str:
    return f"创业主体“{venture.name}”"


def _registration(ctx: _Context) -> tuple[VentureFacts | None, date | None, tuple[Outcome, str] | None]:
    venture = ctx.venture
    if venture is None:
        return None, None, ctx.no_venture
    if venture.registration_date is None:
        return venture, None, (Outcome.FAILED, f"{_venture_label(venture)}尚未登记注册")
    if venture.registration_date > ctx.as_of:
        return (
            venture,
            None,
            (
                Outcome.FAILED,
                f"{_venture_label(venture)}登记注册于 {venture.registration_date.isoformat()}，"
                f"晚于判断日期 {ctx.as_of.isoformat()}",
            ),
        )
    return venture, venture.registration_date, None


def _registered(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, registered, problem = _registration(ctx)
    if problem:
        return problem
    assert venture is not None and registered is not None
    return Outcome.HELD, f"{_venture_label(venture)}已于 {registered.isoformat()} 登记注册"


def _registered_within(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, registered, problem = _registration(ctx)
    if problem:
        return problem
    assert venture is not None and registered is not None
    months = condition.months or 0
    last_day = add_months(registered, months)
    elapsed = whole_months_between(registered, ctx.as_of)
    head = f"{_venture_label(venture)}登记注册于 {registered.isoformat()}"
    if ctx.as_of <= last_day:
        return Outcome.HELD, f"{head}，距今 {elapsed} 个月，在 {months} 个月以内（至 {last_day.isoformat()}）"
    return (
        Outcome.FAILED,
        f"{head}，距今 {elapsed} 个月，超过 {months} 个月（已于 {last_day.isoformat()} 期满）",
    )


def _operating_at_least(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, registered, problem = _registration(ctx)
    if problem:
        return problem
    assert venture is not None and registered is not None
    months = condition.months or 0
    elapsed = whole_months_between(registered, ctx.as_of)
    head = f"{_venture_label(venture)}自 {registered.isoformat()} 登记以来持续经营 {elapsed} 个月"
    if elapsed >= months:
        return Outcome.HELD, f"{head}，满 {months} 个月"
    return Outcome.FAILED, f"{head}，不足 {months} 个月（{add_months(registered, months).isoformat()} 满）"


def _venture_or_reason(ctx: _Context) -> tuple[VentureFacts | None, tuple[Outcome, str] | None]:
    if ctx.venture is None:
        return None, ctx.no_venture
    return ctx.venture, None


def _entity_type(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, problem = _venture_or_reason(ctx)
    if problem:
        return problem
    assert venture is not None
    wanted = _names(condition.entity_types)
    member = EntityType.from_label(venture.entity_type)
    shown = member.label if member else venture.entity_type
    if venture.entity_type in condition.entity_types:
        return Outcome.HELD, f"{_venture_label(venture)}为{shown}"
    return Outcome.FAILED, f"{_venture_label(venture)}为{shown}，应为{wanted}"


def _stage(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, problem = _venture_or_reason(ctx)
    if problem:
        return problem
    assert venture is not None
    wanted = _names(condition.stages)
    member = Stage.from_label(venture.stage)
    shown = member.label if member else venture.stage
    if venture.stage in condition.stages:
        return Outcome.HELD, f"{_venture_label(venture)}处于{shown}阶段"
    return Outcome.FAILED, f"{_venture_label(venture)}处于{shown}阶段，应为{wanted}"


def _jobs_created(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, problem = _venture_or_reason(ctx)
    if problem:
        return problem
    assert venture is not None
    count = condition.count or 0
    if venture.jobs_created >= count:
        return Outcome.HELD, f"{_venture_label(venture)}带动就业 {venture.jobs_created} 人，不少于 {count} 人"
    return Outcome.FAILED, f"{_venture_label(venture)}带动就业 {venture.jobs_created} 人，不足 {count} 人"


def _social_insurance(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    months = condition.months or 0
    paid = ctx.facts.social_insurance_months
    if paid is None:
        return Outcome.MISSING, f"未记录社会保险缴费月数（应至少缴纳 {months} 个月，请在申请中填写）"
    if paid >= months:
        return Outcome.HELD, f"已缴纳社会保险 {paid} 个月，不少于 {months} 个月"
    return Outcome.FAILED, f"已缴纳社会保险 {paid} 个月，不足 {months} 个月"


def _training_completed(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    completed = ctx.facts.trainings_completed
    if completed is None:
        return Outcome.MISSING, "没有培训结业信息（请核对结业证书）"
    if completed > 0:
        return Outcome.HELD, f"已结业 {completed} 期创业培训"
    return Outcome.FAILED, "尚无创业培训结业记录"


def _no_prior_receipt(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    items = condition.items or frozenset({ctx.item.code})
    for receipt in ctx.facts.receipts:
        if receipt.item in items:
            when = f"已于 {receipt.on.isoformat()} " if receipt.on else "已"
            return Outcome.FAILED, f"{when}享受过{receipt.item.label}，同一人只能享受一次"
    names = _names(items)
    return Outcome.HELD, f"未曾享受过{names}"


def _holds_item(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    names = _names(condition.items)
    for receipt in ctx.facts.receipts:
        if receipt.item in condition.items:
            when = f"（{receipt.on.isoformat()} 发放）" if receipt.on else ""
            return Outcome.HELD, f"已获得{receipt.item.label}{when}"
    return Outcome.FAILED, f"尚未获得{names}，贴息以已发放的贷款为前提"


def _no_outstanding_loan(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    if ctx.facts.outstanding_loans:
        return Outcome.FAILED, f"尚有未结清的{_names(ctx.facts.outstanding_loans)}"
    return Outcome.HELD, "没有未结清的创业担保贷款"


_EVALUATORS: dict[ConditionType, _Evaluator] = {
    ConditionType.KEY_GROUP: _key_group,
    ConditionType.GRADUATED_WITHIN: _graduated_within,
    ConditionType.AGE_BETWEEN: _age_between,
    ConditionType.REGISTERED: _registered,
    ConditionType.REGISTERED_WITHIN: _registered_within,
    ConditionType.OPERATING_AT_LEAST: _operating_at_least,
    ConditionType.ENTITY_TYPE: _entity_type,
    ConditionType.STAGE: _stage,
    ConditionType.JOBS_CREATED_AT_LEAST: _jobs_created,
    ConditionType.SOCIAL_INSURANCE_PAID: _social_insurance,
    ConditionType.TRAINING_COMPLETED: _training_completed,
    ConditionType.NO_PRIOR_RECEIPT: _no_prior_receipt,
    ConditionType.HOLDS_ITEM: _holds_item,
    ConditionType.NO_OUTSTANDING_LOAN: _no_outstanding_loan,
}


def _evaluate(condition: Condition, ctx: _Context) -> ConditionResult:
    source = condition.source
    if condition.type in (ConditionType.ANY_OF, ConditionType.ALL_OF):
        all_of = condition.type is ConditionType.ALL_OF
        children = tuple(_evaluate(child, ctx) for child in condition.children)
        outcome = _combine((c.outcome for c in children), all_of=all_of)
        label = condition.label or ("同时满足以下条件" if all_of else "满足以下条件之一")
        return ConditionResult(condition.type, outcome, label, source, children)
    outcome, text = _EVALUATORS[condition.type](condition, ctx)
    if condition.label:
        text = f"{condition.label}：{text}"
    return ConditionResult(condition.type, outcome, text, source)


def item_conditions(item: PolicyItem) -> tuple[Condition, ...]:
    """The item's conditions, with "no prior receipt" added for a one-time item that does not name it."""
    conditions = item.conditions
    if item.one_time and not any(c.type is ConditionType.NO_PRIOR_RECEIPT for c in conditions):
        conditions = (*conditions, Condition(ConditionType.NO_PRIOR_RECEIPT, source=item.source))
    return conditions


def loan_ceiling(item: PolicyItem, partners: int | None) -> int:
    """The most that may be lent: a person's ceiling, or per partner × partners within the total."""
    if item.code is ItemCode.LOAN_PARTNERSHIP and item.loan and item.loan.ceiling_per_partner_fen is not None:
        if partners is None:
            return item.ceiling_fen
        count = min(partners, item.loan.max_partners or partners)
        return min(item.loan.ceiling_per_partner_fen * count, item.ceiling_fen)
    return item.ceiling_fen


def counter_guarantee_waived(item: PolicyItem, groups: frozenset[KeyGroup]) -> bool | None:
    """Whether a loan's counter-guarantee is waived for this person (5号文 (十六), 推进行动 计划5)."""
    if item.loan is None:
        return None
    return bool(item.loan.counter_guarantee_waived_groups & groups)


_ANSWER_OF: Final = {
    Outcome.HELD: Eligibility.ELIGIBLE,
    Outcome.FAILED: Eligibility.NOT_ELIGIBLE,
    Outcome.MISSING: Eligibility.MISSING_DATA,
}
_RANK = {Eligibility.ELIGIBLE: 0, Eligibility.MISSING_DATA: 1, Eligibility.NOT_ELIGIBLE: 2}


def evaluate_item(
    item: PolicyItem, facts: PersonFacts, as_of: date, *, venture_id: str | None = None
) -> ItemAnswer:
    """Is this person eligible for ``item`` on ``as_of``? Conditions about a venture must hold for one and
    the same venture; the best-placed of the person's open ventures is chosen (or ``venture_id``)."""
    conditions = item_conditions(item)
    candidates: list[VentureFacts | None] = [None]
    no_venture = (Outcome.MISSING, "")
    if item.needs_venture():
        open_ventures = [
            v for v in facts.ventures if not v.closed and (venture_id is None or v.id == venture_id)
        ]
        if open_ventures:
            candidates = list(open_ventures)
        elif venture_id is not None:
            no_venture = (Outcome.FAILED, "所选创业主体不在档案中或已歇业/注销")
        elif facts.ventures:
            no_venture = (Outcome.FAILED, "名下创业主体均已歇业/注销")
        else:
            no_venture = (Outcome.MISSING, "档案中还没有创业主体（请在“创业项目”中添加）")
    best: ItemAnswer | None = None
    for venture in candidates:
        ctx = _Context(item, facts, as_of, venture, no_venture)
        results = tuple(_evaluate(condition, ctx) for condition in conditions)
        outcome = _combine((r.outcome for r in results), all_of=True)
        eligibility = _ANSWER_OF[outcome]
        answer = ItemAnswer(
            item=item,
            eligibility=eligibility,
            conditions=results,
            venture_id=venture.id if venture else None,
            venture_name=venture.name if venture else "",
            ceiling_fen=loan_ceiling(item, facts.partners),
            counter_guarantee_waived=counter_guarantee_waived(item, facts.key_groups),
        )
        if best is None or _RANK[answer.eligibility] < _RANK[best.eligibility]:
            best = answer
    assert best is not None
    return best


def evaluate_set(policy_set: PolicySet, facts: PersonFacts, as_of: date) -> list[ItemAnswer]:
    return [evaluate_item(item, facts, as_of) for item in policy_set.items]


def eligibility_only(policy_set: PolicySet, facts: PersonFacts, as_of: date) -> dict[ItemCode, Eligibility]:
    """Just the answers, for counting over a whole station."""
    return {item.code: evaluate_item(item, facts, as_of).eligibility for item in policy_set.items}


def proposed_amount(item: PolicyItem, *, facts: PersonFacts, loan_interest_fen: int | None = None) -> int:
    """The amount a new application proposes, always within the ceiling.

    Social-insurance subsidy: the monthly standard × months paid (at most ``max_months``); interest
    subsidy: the share of the loan's interest; a loan: the ceiling; other items: the standard amount.
    """
    ceiling = loan_ceiling(item, facts.partners)
    if item.code is ItemCode.SOCIAL_INSURANCE_SUBSIDY and item.per_month_fen is not None:
        months = min(facts.social_insurance_months or 0, item.max_months or 0)
        return min(item.per_month_fen * months, ceiling)
    if item.code is ItemCode.LOAN_INTEREST_SUBSIDY and loan_interest_fen is not None:
        return min(loan_interest_fen, ceiling)
    if item.is_loan:
        return ceiling
    return min(item.amount_fen, ceiling)


def check_amount(item: PolicyItem, amount_fen: int, *, partners: int | None = None) -> None:
    """Refuse an amount above the item's ceiling."""
    ceiling = loan_ceiling(item, partners)
    if amount_fen < 0:
        raise ValidationError("申请金额", amount_fen, f"申请金额 {format_yuan(amount_fen)} 不能为负数")
    if amount_fen > ceiling:
        extra = ""
        if item.code is ItemCode.LOAN_PARTNERSHIP and item.loan and item.loan.ceiling_per_partner_fen:
            extra = f"（每人 {format_yuan(item.loan.ceiling_per_partner_fen)}，合伙 {partners or '?'} 人）"
        raise ValidationError(
            "申请金额",
            amount_fen,
            f"申请金额 {format_yuan(amount_fen)} 超过{item.name}的上限 {format_yuan(ceiling)}{extra}，请核对",
        )


def facts_with(facts: PersonFacts, **changes: Any) -> PersonFacts:
    """The same facts with some replaced (an application's recorded values)."""
    return replace(facts, **changes)

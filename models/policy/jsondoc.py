"""Reading a policy-set document: JSON with the line each value starts on, and a field checker that
collects every problem with its line (the policy-specific rules are in :mod:`models.policy.parsing`)."""

from __future__ import annotations

import bisect
import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from models.enums import Labelled
from models.policy.sets import PolicySetError

MAX_POLICY_TEXT: Final = 1_000_000  # characters; a policy set is a few kilobytes


# ------------------------------------------------------------------------------- JSON with line numbers
JsonPath = tuple[str | int, ...]
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
        self.lines: dict[JsonPath, int] = {}

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def skip(self, pos: int) -> int:
        match = _WS.match(self.text, pos)
        return match.end() if match else pos

    def value(self, pos: int, path: JsonPath) -> tuple[Any, int]:
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

    def object(self, pos: int, path: JsonPath) -> tuple[dict[str, Any], int]:
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

    def array(self, pos: int, path: JsonPath) -> tuple[list[Any], int]:
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


def load_json(text: str, origin: str) -> tuple[Any, dict[JsonPath, int]]:
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
class Checker:
    """Reads the parsed JSON into a :class:`PolicySet`, collecting every problem with its line."""

    lines: dict[JsonPath, int]
    problems: list[tuple[int, str]] = field(default_factory=list)
    item_names: dict[int, str] = field(default_factory=dict)

    def line(self, path: JsonPath) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def where(self, path: JsonPath) -> str:
        text = ""
        for index, part in enumerate(path):
            if isinstance(part, int):
                text += f"[{part}]"
                if index == 1 and path[0] == "items" and part in self.item_names:
                    text += f"（{self.item_names[part]}）"
            else:
                text += ("." if text else "") + part
        return text

    def problem(self, path: JsonPath, reason: str) -> None:
        entry = (self.line(path), f"{self.where(path)} {reason}" if path else reason)
        if entry not in self.problems:
            self.problems.append(entry)

    # -- field readers: each returns a usable default after recording a problem
    def fields(
        self, obj: Any, path: JsonPath, required: Iterable[str], optional: Iterable[str]
    ) -> dict[str, Any]:
        if not isinstance(obj, dict):
            self.problem(path, f"应为一个对象 {{…}}，实际为 {kind_of(obj)}")
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

    def text(self, obj: Mapping[str, Any], key: str, path: JsonPath, *, required: bool = True) -> str:
        value = obj.get(key)
        if value is None and not required:
            return ""
        if key not in obj:
            self.problem(path, f"缺少必填字段“{key}”")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            if key in obj or required:
                self.problem((*path, key), f"应为非空的文字，实际为 {shown(value)}")
            return ""
        return value.strip()

    def integer(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: JsonPath,
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
            self.problem((*path, key), f"应为{what}，实际为 {shown(value)}")
            return None
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"{minimum} 到 {maximum}" if maximum is not None else f"不小于 {minimum}"
            self.problem((*path, key), f"应为{what}（{bound}），实际为 {value}")
            return None
        return value

    def money(self, obj: Mapping[str, Any], key: str, path: JsonPath, *, required: bool = True) -> int | None:
        if key not in obj:
            if required:
                self.problem(path, f"缺少必填字段“{key}”（以分为单位的整数金额）")
            return None
        return self.integer(obj, key, path, what="以分为单位的非负整数金额", required=required)

    def flag(self, obj: Mapping[str, Any], key: str, path: JsonPath, default: bool) -> bool:
        value = obj.get(key, default)
        if not isinstance(value, bool):
            self.problem((*path, key), f"应为 true 或 false，实际为 {shown(value)}")
            return default
        return value

    def day(self, obj: Mapping[str, Any], key: str, path: JsonPath, *, required: bool = True) -> date | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.problem((*path, key) if key in obj else path, f"缺少日期“{key}”（如 2025-01-01）")
            return None
        try:
            return date.fromisoformat(value) if isinstance(value, str) else _not_a_date()
        except ValueError:
            self.problem((*path, key), f"应为 2025-01-01 这样的日期，实际为 {shown(value)}")
            return None

    def choices(
        self, obj: Mapping[str, Any], key: str, path: JsonPath, kind: type[Labelled], *, required: bool = True
    ) -> frozenset[Any]:
        value = obj.get(key)
        if value is None and not required:
            return frozenset()
        if not isinstance(value, list) or (required and not value):
            self.problem((*path, key) if key in obj else path, f"应为非空的列表，可选：{choice_labels(kind)}")
            return frozenset()
        found: set[Any] = set()
        for index, entry in enumerate(value):
            member = kind.from_label(entry) if isinstance(entry, str) else None
            if member is None:
                self.problem((*path, key, index), f"“{entry}”无法识别，应为：{choice_labels(kind)}")
            else:
                found.add(member)
        return frozenset(found)


def _not_a_date() -> date:
    raise ValueError


def kind_of(value: object) -> str:
    return {dict: "对象", list: "列表", str: "文字", bool: "true/false", type(None): "null"}.get(
        type(value), "数字"
    )


def shown(value: object) -> str:
    if value is None:
        return "空（null）"
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return kind_of(value)
    return str(value)


def choice_labels(kind: type[Labelled]) -> str:
    return "、".join(f"{m.value}（{m.label}）" for m in kind)

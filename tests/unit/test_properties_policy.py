"""Properties of the policy-set parser (models.policy.parse_policy_set): whatever text it is given — random
JSON, a shipped set with keys dropped, types changed or fields filled with random values, broken text — it
returns a checked set or refuses with :class:`PolicySetError` (its documented error, a ValidationError)
whose problems point at lines of the text; never KeyError, TypeError, RecursionError or any other."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from models.enums import EntityType, KeyGroup, Stage
from models.errors import ValidationError
from models.policy import ConditionType, ItemCode, PolicySet, PolicySetError, parse_policy_set
from resources import resource_path

SHIPPED = resource_path("policies", "default.json").read_text(encoding="utf-8")
SHIPPED_DATA: dict[str, Any] = json.loads(SHIPPED)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-2, max_value=1_000_000),
    st.floats(),  # NaN and Infinity too: json.dumps writes them, the parser must refuse them
    st.text(max_size=20),
    st.dates().map(str),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
# Words the parser looks for, so random documents get past its first questions.
vocabulary = st.sampled_from(
    sorted(
        {
            *(
                member.value
                for kind in (ItemCode, ConditionType, KeyGroup, EntityType, Stage)
                for member in kind
            ),
            *(member.label for kind in (ItemCode, ConditionType, KeyGroup) for member in kind),
            "5号文 (十五)",
            "推进行动",
            "2025-02-06",
            "330100",
            "default",
            "_comment",
        }
    )
)
field_values = st.one_of(json_values, vocabulary, st.lists(vocabulary, max_size=4))


def check_outcome(text: str) -> PolicySet | None:
    """Parse ``text``: a PolicySet, or a PolicySetError whose lines are lines of the text; nothing else."""
    try:
        policy_set = parse_policy_set(text, origin="fuzz.json")
    except PolicySetError as error:
        assert isinstance(error, ValidationError)
        assert error.problems
        last_line = text.count("\n") + 1
        for line, reason in error.problems:
            assert 0 <= line <= last_line, (line, reason)
            assert reason
        assert "fuzz.json" in str(error)
        return None
    # What is accepted is of the declared types: nothing the checker let through unconverted.
    assert type(policy_set.version) is int and policy_set.version >= 1
    assert type(policy_set.example) is bool and (policy_set.notice or not policy_set.example)
    assert re.fullmatch(r"\d{6}", policy_set.region) and policy_set.id and policy_set.name
    assert policy_set.effective_to is None or policy_set.effective_from <= policy_set.effective_to
    assert policy_set.items and len({item.code for item in policy_set.items}) == len(policy_set.items)
    for item in policy_set.items:
        assert isinstance(item.code, ItemCode) and type(item.one_time) is bool
        assert type(item.amount_fen) is int and type(item.ceiling_fen) is int
        assert 0 <= item.amount_fen <= item.ceiling_fen
        assert item.documents and all(isinstance(entry, str) and entry for entry in item.documents)
        assert item.is_loan == (item.loan is not None)
        if item.loan is not None:
            assert type(item.loan.renewal_allowed) is bool
            assert 0 <= item.loan.extension_max_months <= 12
        for condition in (c for top in item.conditions for c in top.walk()):
            assert isinstance(condition.type, ConditionType)
    return policy_set


def test_the_shipped_set_is_accepted() -> None:
    assert check_outcome(SHIPPED) is not None


# ------------------------------------------------------------------------------------------- random JSON
@given(value=json_values, indent=st.sampled_from([None, 2]), ascii_only=st.booleans())
@example(value={}, indent=None, ascii_only=True)
@example(value=[], indent=None, ascii_only=True)
@example(value={"format": 1, "items": [{}]}, indent=2, ascii_only=True)
@example(value={"format": 1, "items": [[]], "documents": []}, indent=2, ascii_only=True)
@example(value={"format": 1, "effective_from": 20250206}, indent=2, ascii_only=True)
def test_random_json_is_a_set_or_a_policy_set_error(value: Any, indent: int | None, ascii_only: bool) -> None:
    assert check_outcome(json.dumps(value, indent=indent, ensure_ascii=ascii_only)) is None


@given(
    top=st.fixed_dictionaries(
        {},
        optional={
            key: field_values
            for key in (
                *("format", "id", "version", "name", "region", "effective_from", "effective_to"),
                *("example", "notice", "documents", "items"),
            )
        },
    )
)
def test_random_values_in_the_top_fields_are_a_set_or_a_policy_set_error(top: dict[str, Any]) -> None:
    check_outcome(json.dumps(top, indent=2, ensure_ascii=False))


@given(text=st.text())
@example(text="")
@example(text="\ufeff")
@example(text="\ufeff{}")
@example(text="NaN")
@example(text='{"format": -Infinity}')
@example(text="1" * 5000)
@example(text='{"a": 1, "a": 2}')
@example(text="[" * 600 + "]" * 600)  # deeper than Python's stack lets the line-tracking reader go
@example(text='{"items": ' * 600 + "1" + "}" * 600)
@example(text="[" * 100_000 + "]" * 100_000)  # deeper than json's own reader goes
def test_any_text_is_refused_with_a_policy_set_error(text: str) -> None:
    assert check_outcome(text) is None


# ---------------------------------------------------------------------------- mutations of a shipped set
Path = tuple[str | int, ...]


def all_paths(value: Any, path: Path = ()) -> list[Path]:
    """Paths of every value under ``value`` (not the root itself)."""
    found: list[Path] = []
    children: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    for key, child in children:
        found.append((*path, key))
        found.extend(all_paths(child, (*path, key)))
    return found


ALL_PATHS = all_paths(SHIPPED_DATA)
OTHER_KIND: dict[type, list[Any]] = {
    dict: [[], "对象", 1],
    list: [{}, "列表", 0],
    str: [0, None, [], True],
    int: ["5000", 5000.5, None, -1],
}


@st.composite
def mutated_sets(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(SHIPPED_DATA)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent: Any = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            current = parent[path[-1]]
        except (KeyError, IndexError, TypeError):  # an earlier mutation removed or replaced it
            continue
        if type(parent) not in (dict, list):  # … or made it text, which indexes too
            continue
        action = draw(st.sampled_from(["drop", "retype", "random", "vocabulary", "borrow", "unknown key"]))
        if action == "drop":
            del parent[path[-1]]
        elif action == "retype":
            kind = type(current) if type(current) in OTHER_KIND else int
            parent[path[-1]] = draw(st.sampled_from(OTHER_KIND[kind]))
        elif action == "random":
            parent[path[-1]] = draw(json_values)
        elif action == "vocabulary":
            parent[path[-1]] = draw(st.one_of(vocabulary, st.lists(vocabulary, min_size=1, max_size=3)))
        elif action == "borrow":  # a value of the set itself, in the wrong place
            donor: Any = data
            try:
                for key in draw(st.sampled_from(ALL_PATHS)):
                    donor = donor[key]
            except (KeyError, IndexError, TypeError):
                continue
            parent[path[-1]] = copy.deepcopy(donor)
        elif isinstance(current, dict):
            current[draw(st.sampled_from(["ceilling_fen", "month", "type ", "", "items"]))] = draw(
                json_values
            )
    return data


@given(data=mutated_sets(), indent=st.sampled_from([None, 1, 2]))
def test_a_mutated_shipped_set_is_a_set_or_a_policy_set_error(
    data: dict[str, Any], indent: int | None
) -> None:
    check_outcome(json.dumps(data, indent=indent, ensure_ascii=False))


@given(
    start=st.integers(min_value=0, max_value=len(SHIPPED)),
    length=st.integers(min_value=0, max_value=40),
    insert=st.text(alphabet='{}[],:"0123456789.-eE \n\\tnulfrsa', max_size=6),
)
def test_a_shipped_set_with_its_text_cut_or_patched_is_a_set_or_a_policy_set_error(
    start: int, length: int, insert: str
) -> None:
    check_outcome(SHIPPED[:start] + insert + SHIPPED[start + length :])


# One value of another kind for each kind of value in the set: falsy ones, where a check may slip.
ANOTHER_KIND: dict[type, Any] = {dict: [], list: {}, str: 0, bool: 0, int: "", float: "", type(None): 0}


def test_every_value_of_the_shipped_set_dropped_nulled_or_of_another_kind() -> None:
    """Not random: each of the shipped set's values (some 300) in turn, the way a hand-edited file goes
    wrong. Each variant is accepted as a well-typed set or refused with PolicySetError."""
    outcomes = {"accepted": 0, "refused": 0}
    for path in ALL_PATHS:
        value: Any = SHIPPED_DATA
        for key in path:
            value = value[key]
        for change in ("drop", None, ANOTHER_KIND[type(value)]):
            data = copy.deepcopy(SHIPPED_DATA)
            parent: Any = data
            for key in path[:-1]:
                parent = parent[key]
            if change == "drop":
                del parent[path[-1]]
            else:
                parent[path[-1]] = change
            outcome = check_outcome(json.dumps(data, indent=2, ensure_ascii=False))
            outcomes["accepted" if outcome else "refused"] += 1
    assert outcomes["accepted"] and outcomes["refused"]  # optional fields exist, and so do required ones


@pytest.mark.parametrize(
    "path",
    [("items",), ("documents",), ("effective_from",), ("items", 0, "conditions"), ("items", 3, "loan")],
)
def test_dropping_a_required_part_is_refused(path: Path) -> None:
    data = copy.deepcopy(SHIPPED_DATA)
    parent: Any = data
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    assert check_outcome(json.dumps(data, indent=2, ensure_ascii=False)) is None

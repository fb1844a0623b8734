"""Policy sets are checked when loaded: a malformed or contradictory set is refused with the line and the
reason, and the set in force before stays in force."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop.services.policy import (
    DEFAULT_POLICY_FILE,
    default_policy_set,
    eligibility,
    install_policy_set,
    list_policy_sets,
    policy_set_in_force,
)
from models.audit import Actor
from models.database import Database
from models.errors import Conflict
from models.policy import ItemCode, PolicyBook, PolicySetError, parse_policy_set
from tests.unit.test_policy_support import make_person


def default_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    return data


def local_set(**changes: Any) -> dict[str, Any]:
    data = default_data()
    data.update({"id": "zj-hangzhou-2026", "version": 1, "region": "330100", "example": False})
    data.pop("notice")
    data.update(changes)
    return data


def dumped(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


# ------------------------------------------------------------------------------------------ the default set
def test_default_set_loads_and_is_labelled_an_example() -> None:
    policy_set = default_policy_set()
    assert policy_set.example is True
    assert "示例，请按当地政策确认" in policy_set.notice
    assert [i.code for i in policy_set.items] == list(ItemCode)
    for policy_item in policy_set.items:
        assert policy_item.source.startswith(("5号文", "推进行动")), policy_item.name
        assert policy_item.documents
        assert policy_item.amount_fen <= policy_item.ceiling_fen
    loan = policy_set.item(ItemCode.LOAN_INDIVIDUAL)
    assert loan is not None and loan.loan is not None
    assert loan.ceiling_fen == 30_000_000  # 30万 in fen
    assert loan.loan.extension_max_months == 12


# ------------------------------------------------------------------------------------------ refused sets
def test_json_syntax_error_names_the_line() -> None:
    text = dumped(local_set())
    broken = text.replace('"version": 1,', '"version": 1', 1)
    with pytest.raises(PolicySetError) as caught:
        parse_policy_set(broken, origin="local.json")
    assert caught.value.line == line_of(broken, '"version": 1') + 1
    assert "缺少逗号" in str(caught.value)
    assert "local.json" in str(caught.value)
    assert "原有政策参数继续有效" in str(caught.value)


def test_trailing_comma_is_refused_in_chinese() -> None:
    with pytest.raises(PolicySetError) as caught:
        parse_policy_set('{\n  "format": 1,\n}\n')
    assert caught.value.line == 3
    assert "不是有效的 JSON" in str(caught.value)


def test_negative_amount_is_refused_with_its_line() -> None:
    data = local_set()
    data["items"][0]["amount_fen"] = -500
    text = dumped(data)
    with pytest.raises(PolicySetError) as caught:
        parse_policy_set(text)
    assert caught.value.line == line_of(text, '"amount_fen": -500')
    assert "items[0]（一次性创业补贴）.amount_fen 应为以分为单位的非负整数金额" in str(caught.value)


def test_amount_in_yuan_with_decimals_is_refused() -> None:
    data = local_set()
    data["items"][0]["amount_fen"] = 5000.5
    with pytest.raises(PolicySetError, match=r"以分为单位的非负整数金额，实际为 5000\.5"):
        parse_policy_set(dumped(data))


def test_amount_above_the_ceiling_is_contradictory() -> None:
    data = local_set()
    data["items"][0]["amount_fen"] = 800_000
    text = dumped(data)
    with pytest.raises(PolicySetError) as caught:
        parse_policy_set(text)
    assert caught.value.line == line_of(text, '"amount_fen": 800000')
    assert "标准金额 ¥8,000.00 高于上限 ¥5,000.00（条件矛盾）" in str(caught.value)


def test_extension_beyond_one_year_is_refused() -> None:
    data = local_set()
    loan = next(i for i in data["items"] if i["code"] == "guaranteed_loan_individual")
    loan["loan"]["extension_max_months"] = 18
    with pytest.raises(PolicySetError, match=r"展期 18 个月超过 1 年.*推进行动 计划5"):
        parse_policy_set(dumped(data))


def test_contradictory_windows_are_refused() -> None:
    data = local_set()
    startup = data["items"][0]
    startup["conditions"][1] = {"type": "registered_within", "months": 6}
    startup["conditions"][2] = {"type": "operating_at_least", "months": 12}
    text = dumped(data)
    with pytest.raises(PolicySetError) as caught:
        parse_policy_set(text)
    assert "要求经营满 12 个月，又要求登记注册 6 个月以内" in str(caught.value)
    assert caught.value.line == line_of(text, '"operating_at_least"') - 1  # the condition's opening brace


def test_typo_in_a_field_name_is_refused_with_a_hint() -> None:
    data = local_set()
    data["items"][0]["ceilling_fen"] = data["items"][0].pop("ceiling_fen")
    text = dumped(data)
    with pytest.raises(PolicySetError) as caught:
        parse_policy_set(text)
    messages = [reason for _, reason in caught.value.problems]
    assert any("是未知的字段，是否应为“ceiling_fen”？" in m for m in messages)
    assert any("缺少必填字段“ceiling_fen”" in m for m in messages)
    assert caught.value.problems[0][0] == line_of(text, '"ceilling_fen"')


def test_duplicate_keys_and_items_are_refused() -> None:
    text = dumped(local_set()).replace('"version": 1,', '"version": 1,\n  "version": 2,', 1)
    with pytest.raises(PolicySetError, match="字段“version”重复出现"):
        parse_policy_set(text)
    data = local_set()
    data["items"].append(dict(data["items"][0]))
    with pytest.raises(PolicySetError, match="政策项目“一次性创业补贴”与第 1 项重复"):
        parse_policy_set(dumped(data))


def test_unknown_key_group_condition_type_and_item_are_refused() -> None:
    data = local_set()
    data["items"][1]["conditions"][0]["groups"].append("大学生村官")
    data["items"][1]["conditions"].append({"type": "lives_nearby"})
    data["items"][2]["code"] = "free_lunch"
    with pytest.raises(PolicySetError) as caught:
        parse_policy_set(dumped(data))
    messages = " ".join(reason for _, reason in caught.value.problems)
    assert "“大学生村官”无法识别" in messages
    assert "条件类型 “lives_nearby” 无法识别" in messages
    assert "政策项目 “free_lunch” 无法识别" in messages


def test_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(PolicySetError, match="失效日期 2025-01-01 早于生效日期 2026-01-01"):
        parse_policy_set(dumped(local_set(effective_from="2026-01-01", effective_to="2025-01-01")))


def test_example_set_needs_its_notice() -> None:
    data = default_data()
    data.pop("notice")
    with pytest.raises(PolicySetError, match="缺少必填字段“notice”"):
        parse_policy_set(dumped(data))


# ---------------------------------------------------------------------------------- which set is in force
def test_book_picks_region_date_and_version() -> None:
    national = default_policy_set()
    city = parse_policy_set(dumped(local_set(effective_from="2026-01-01")))
    city_v2 = parse_policy_set(
        dumped(local_set(effective_from="2026-01-01", version=2, name="杭州市 2026 第二版"))
    )
    book = PolicyBook().with_set(national).with_set(city).with_set(city_v2)
    assert book.in_force(date(2025, 12, 31), "330106") is national
    assert book.in_force(date(2026, 1, 1), "330106") is city_v2
    assert book.in_force(date(2026, 1, 1), "360426") is national  # another city
    assert book.in_force(date(2024, 1, 1), "330106") is None  # before any set


def test_refused_install_leaves_the_set_in_force(db: Database, actor: Actor) -> None:
    good = dumped(local_set(effective_from="2025-03-01", name="杭州市创业扶持政策参数 2025"))
    installed = install_policy_set(db, actor, content=good, origin="hangzhou.json")
    assert installed.name == "杭州市创业扶持政策参数 2025"
    assert policy_set_in_force(db, actor, as_of=date(2025, 11, 5)).id == "zj-hangzhou-2026"
    broken = local_set(effective_from="2025-06-01", version=2)
    broken["items"][0]["ceiling_fen"] = 1
    with pytest.raises(PolicySetError) as caught:
        install_policy_set(db, actor, content=dumped(broken), origin="hangzhou-v2.json")
    assert "hangzhou-v2.json" in str(caught.value)
    in_force = policy_set_in_force(db, actor, as_of=date(2025, 11, 5))
    assert (in_force.id, in_force.version) == ("zj-hangzhou-2026", 1)
    assert len(list_policy_sets(db, actor)) == 2


def test_an_older_version_is_refused_and_the_same_file_is_harmless(db: Database, actor: Actor) -> None:
    v2 = dumped(local_set(version=2))
    install_policy_set(db, actor, content=v2)
    install_policy_set(db, actor, content=v2)  # the same file again: nothing happens
    with pytest.raises(Conflict, match="已安装政策参数“zj-hangzhou-2026”第 2 版，不能再安装第 1 版"):
        install_policy_set(db, actor, content=dumped(local_set(version=1)))
    with pytest.raises(Conflict, match="内置默认参数"):
        install_policy_set(db, actor, content=dumped(default_data() | {"version": 9}))


def test_eligibility_uses_the_set_in_force_on_the_day_asked(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    richer = local_set(effective_from="2026-01-01")
    richer["items"][0]["amount_fen"] = 1_000_000
    richer["items"][0]["ceiling_fen"] = 1_000_000
    install_policy_set(db, actor, content=dumped(richer))
    before = eligibility(db, actor, entrepreneur_id=person, as_of=date(2025, 12, 31))
    after = eligibility(db, actor, entrepreneur_id=person, as_of=date(2026, 1, 1))
    assert before.policy_set.id == "default"
    assert after.policy_set.id == "zj-hangzhou-2026"
    startup_before = before.answer(ItemCode.STARTUP_SUBSIDY)
    startup_after = after.answer(ItemCode.STARTUP_SUBSIDY)
    assert startup_before is not None and startup_before.ceiling_fen == 500_000
    assert startup_after is not None and startup_after.ceiling_fen == 1_000_000


def test_shipped_file_is_valid_json_with_a_comment(tmp_path: Path) -> None:
    data = default_data()
    assert data["_comment"].startswith("金额均以分为单位")
    copy = tmp_path / "copy.json"
    copy.write_text(dumped(data), encoding="utf-8")
    assert parse_policy_set(copy.read_text(encoding="utf-8")).id == "default"

"""Loading a policy-set JSON document: :func:`parse_policy_set` reads and checks it, and a malformed or
contradictory set is refused with the line and the reason of each problem (:class:`PolicySetError`)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any, Final

from models.enums import EntityType, KeyGroup, Stage
from models.money import format_yuan
from models.policy.jsondoc import Checker, JsonPath, choice_labels, kind_of, load_json, shown
from models.policy.sets import Condition, LoanTerms, PolicyItem, PolicySet, PolicySetError
from models.policy.vocabulary import EXTENSION_LIMIT_MONTHS, LOAN_ITEMS, ConditionType, ItemCode

FORMAT_VERSION: Final = 1


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
    ConditionType.PARTNERSHIP: ((), ("count",)),
    ConditionType.ANY_OF: (("conditions",), ()),
    ConditionType.ALL_OF: (("conditions",), ()),
}


def _read_condition(check: Checker, raw: Any, path: JsonPath, depth: int = 0) -> Condition | None:
    if not isinstance(raw, dict):
        check.problem(path, f'条件应为一个对象 {{"type": …}}，实际为 {kind_of(raw)}')
        return None
    type_text = raw.get("type")
    found = ConditionType.from_label(type_text) if isinstance(type_text, str) else None
    kind = ConditionType(found) if found is not None else None
    if kind is None:
        check.problem(
            (*path, "type") if "type" in raw else path,
            f"条件类型 {shown(type_text)} 无法识别，应为：{choice_labels(ConditionType)}",
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
    if kind is ConditionType.PARTNERSHIP:
        partners = check.integer(
            raw, "count", path, minimum=2, maximum=100, what="合伙人数（整数）", required=False
        )
        return Condition(count=partners, **common)
    if kind in (ConditionType.NO_PRIOR_RECEIPT, ConditionType.HOLDS_ITEM):
        items = check.choices(raw, "items", path, ItemCode, required=kind is ConditionType.HOLDS_ITEM)
        return Condition(items=items, **common)
    return Condition(**common)


def _check_contradictions(
    check: Checker, conditions: Sequence[Condition], path: JsonPath, *, require_all: bool
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
    check: Checker, raw: Any, path: JsonPath, code: ItemCode, ceiling: int | None
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


def _read_item(check: Checker, raw: Any, path: JsonPath) -> PolicyItem | None:
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
                (*path, "code"), f"政策项目 {shown(code_text)} 无法识别，应为：{choice_labels(ItemCode)}"
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
                check.problem((*path, "documents", index), f"材料名称应为非空的文字，实际为 {shown(entry)}")
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
    data, lines = load_json(text, origin)
    check = Checker(lines)
    top = check.fields(data, (), _TOP_REQUIRED, _TOP_OPTIONAL)
    if not top:
        raise PolicySetError(origin, check.problems)
    if top.get("format") != FORMAT_VERSION:
        check.problem(
            ("format",),
            f"格式版本应为 {FORMAT_VERSION}，实际为 {shown(top.get('format'))}；"
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

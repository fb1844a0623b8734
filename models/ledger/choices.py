"""A ledger's wording of choices ("个体户", "初创期", "本科") in the form's wording, and a row's cells in the
shape the form's validators take.

Every value still goes through the validators the form uses (:func:`models.entrepreneur.validate_person`,
:func:`models.entrepreneur.validate_venture`): here a ledger's wording of a choice is only translated into
the form's wording before that, and a venture's type and stage are inferred when the ledger has no such
column (see :func:`prepare_venture`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from models.base import china_today
from models.enums import EntityType, Stage
from models.errors import ValidationError
from models.ledger.cells import is_blank
from models.ledger.columns import FIELDS_BY_KEY, PERSON, VENTURE
from models.validators import normalise_text, parse_date

_STAGE_WORDS: dict[str, Stage] = {
    "意向": Stage.INTENT,
    "意向期": Stage.INTENT,
    "有意向": Stage.INTENT,
    "筹备": Stage.PREPARING,
    "筹备期": Stage.PREPARING,
    "筹建": Stage.PREPARING,
    "初创": Stage.STARTUP,
    "初创期": Stage.STARTUP,
    "起步": Stage.STARTUP,
    "成长": Stage.GROWTH,
    "成长期": Stage.GROWTH,
    "发展期": Stage.GROWTH,
    "成熟": Stage.MATURE,
    "成熟期": Stage.MATURE,
    "稳定期": Stage.MATURE,
    "歇业": Stage.CLOSED,
    "注销": Stage.CLOSED,
    "已注销": Stage.CLOSED,
    "已歇业": Stage.CLOSED,
    "停业": Stage.CLOSED,
    "歇业注销": Stage.CLOSED,
}

_ENTITY_WORDS: dict[str, EntityType] = {
    "个体": EntityType.INDIVIDUAL_BUSINESS,
    "个体户": EntityType.INDIVIDUAL_BUSINESS,
    "个体工商户": EntityType.INDIVIDUAL_BUSINESS,
    "企业": EntityType.SMALL_FIRM,
    "公司": EntityType.SMALL_FIRM,
    "有限公司": EntityType.SMALL_FIRM,
    "有限责任公司": EntityType.SMALL_FIRM,
    "小微企业": EntityType.SMALL_FIRM,
    "小型企业": EntityType.SMALL_FIRM,
    "微型企业": EntityType.SMALL_FIRM,
    "合作社": EntityType.FARMER_COOPERATIVE,
    "农民专业合作社": EntityType.FARMER_COOPERATIVE,
    "专业合作社": EntityType.FARMER_COOPERATIVE,
}

_EDUCATION_WORDS: dict[str, str] = {
    "博士": "博士研究生",
    "博士研究生": "博士研究生",
    "硕士": "硕士研究生",
    "研究生": "硕士研究生",
    "硕士研究生": "硕士研究生",
    "本科": "大学本科",
    "大学本科": "大学本科",
    "大本": "大学本科",
    "专科": "大学专科",
    "大专": "大学专科",
    "大学专科": "大学专科",
    "高职": "大学专科",
    "高中": "高中/中专/技校",
    "中专": "高中/中专/技校",
    "技校": "高中/中专/技校",
    "职高": "高中/中专/技校",
    "中职": "高中/中专/技校",
    "初中": "初中及以下",
    "小学": "初中及以下",
    "初中及以下": "初中及以下",
}

START_UP_YEARS = 3  # 初创: within 3 years of registration (DOMAIN.md glossary)


def _word(value: object) -> str:
    return re.sub(r"[\s/、]", "", normalise_text(value))


_CHOICE_FIELDS = frozenset({"venture.stage", "venture.entity_type", "education"})


def translate_choice(field_key: str, value: object) -> object:
    """A ledger's wording of a choice in the form's wording; anything unknown is passed on unchanged so
    that the form's validator names it and lists the choices."""
    if field_key not in _CHOICE_FIELDS or is_blank(value) or not isinstance(value, str):
        return value
    word = _word(value)
    if field_key == "venture.stage" and word in _STAGE_WORDS:
        return _STAGE_WORDS[word].label
    if field_key == "venture.entity_type" and word in _ENTITY_WORDS:
        return _ENTITY_WORDS[word].label
    if field_key == "education" and word in _EDUCATION_WORDS:
        return _EDUCATION_WORDS[word]
    return value


def infer_entity_type(credit_code: object, name: object) -> EntityType:
    """A venture's type when the ledger has no such column: the 2nd character of a 市场监管-issued credit
    code (91 企业, 92 个体工商户, 93 农民专业合作社), else words in the name, else 其他."""
    code = normalise_text(credit_code).upper()
    if len(code) == 18 and code[0] == "9":
        by_code = {"1": EntityType.SMALL_FIRM, "2": EntityType.INDIVIDUAL_BUSINESS}
        if code[1] in by_code:
            return by_code[code[1]]
        if code[1] == "3":
            return EntityType.FARMER_COOPERATIVE
    text = normalise_text(name)
    if "合作社" in text:
        return EntityType.FARMER_COOPERATIVE
    if "公司" in text or "企业" in text:
        return EntityType.SMALL_FIRM
    if re.search(r"(店|部|馆|坊|行|铺|厂|场|室|中心|超市)$", text):
        return EntityType.INDIVIDUAL_BUSINESS
    return EntityType.OTHER


def infer_stage(registration: object, today: date | None = None) -> Stage:
    """A venture's stage when the ledger has no such column: not registered → 筹备; registered within
    three years → 初创; earlier → 成长 (the worker refines it on the file)."""
    if is_blank(registration):
        return Stage.PREPARING
    try:
        registered = parse_date(registration, field="注册日期")
    except ValidationError:
        return Stage.STARTUP  # the date's own validator reports the problem
    today = today or china_today()
    years = today.year - registered.year - ((today.month, today.day) < (registered.month, registered.day))
    return Stage.STARTUP if years < START_UP_YEARS else Stage.GROWTH


def person_raw(values: Mapping[str, object]) -> dict[str, object]:
    """The person's part of a row in the shape :func:`validate_person` takes (blank cells left out)."""
    raw: dict[str, object] = {}
    for key, value in values.items():
        spec = FIELDS_BY_KEY[key]
        if spec.group == PERSON and not is_blank(value):
            raw[spec.form_key] = translate_choice(key, value)
    return raw


def venture_raw(values: Mapping[str, object]) -> dict[str, object]:
    """The venture's part of a row in the shape :func:`validate_venture` takes (blank cells left out)."""
    raw: dict[str, object] = {}
    for key, value in values.items():
        spec = FIELDS_BY_KEY[key]
        if spec.group == VENTURE and not is_blank(value):
            raw[spec.form_key] = translate_choice(key, value)
    return raw


def prepare_venture(raw: Mapping[str, object], today: date | None = None) -> dict[str, object]:
    """A new venture from a ledger row, with its type and stage inferred when the ledger has none."""
    prepared = dict(raw)
    if is_blank(prepared.get("entity_type")):
        prepared["entity_type"] = infer_entity_type(prepared.get("credit_code"), prepared.get("name"))
    if is_blank(prepared.get("stage")):
        prepared["stage"] = infer_stage(prepared.get("registration_date"), today)
    return prepared

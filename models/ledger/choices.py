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
from models.ledger.values import ledger_date, upgrade_id_number
from models.ledger.words import CATEGORY_FIELDS, CategoryReader, recognise_part
from models.validators import normalise_text, parse_date

START_UP_YEARS = 3  # 初创: within 3 years of registration (DOMAIN.md glossary)


_CHOICE_FIELDS = frozenset({"venture.stage", "venture.entity_type", "education"})
_DATE_FIELDS = frozenset({"graduation_date", "venture.registration_date"})


def translate_choice(field_key: str, value: object) -> object:
    """A ledger's wording of a one-value choice in the form's wording (by the synonym table and the key
    words rule, :mod:`models.ledger.words`); anything not recognised is passed on unchanged so that the
    form's validator names it and lists the choices."""
    if field_key not in _CHOICE_FIELDS or is_blank(value) or not isinstance(value, str):
        return value
    found = recognise_part(field_key, value)
    if found is not None and len(found) == 1:
        return found[0].label
    return value


def ledger_value(field_key: str, value: object, reader: CategoryReader) -> object:
    """A cell as the form's validator takes it: category words read (:class:`CategoryReader`), a 15-digit
    ID number converted, a date typed in a ledger's ways made readable."""
    if field_key in CATEGORY_FIELDS:
        return reader.read(field_key, value)
    if field_key == "id_number":
        return upgrade_id_number(value)[0]
    if field_key in _DATE_FIELDS:
        return ledger_date(value)
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


_PLAIN_READER = CategoryReader()


def person_raw(values: Mapping[str, object], reader: CategoryReader | None = None) -> dict[str, object]:
    """The person's part of a row in the shape :func:`validate_person` takes (blank cells left out)."""
    reader = reader or _PLAIN_READER
    raw: dict[str, object] = {}
    for key, value in values.items():
        spec = FIELDS_BY_KEY[key]
        if spec.group == PERSON and not is_blank(value):
            read = ledger_value(key, value, reader)
            if read is not None:
                raw[spec.form_key] = read
    return raw


def venture_raw(values: Mapping[str, object], reader: CategoryReader | None = None) -> dict[str, object]:
    """The venture's part of a row in the shape :func:`validate_venture` takes (blank cells left out)."""
    reader = reader or _PLAIN_READER
    raw: dict[str, object] = {}
    for key, value in values.items():
        spec = FIELDS_BY_KEY[key]
        if spec.group == VENTURE and not is_blank(value):
            read = ledger_value(key, value, reader)
            if read is not None:
                raw[spec.form_key] = read
    return raw


def prepare_venture(raw: Mapping[str, object], today: date | None = None) -> dict[str, object]:
    """A new venture from a ledger row, with its type and stage inferred when the ledger has none."""
    prepared = dict(raw)
    if is_blank(prepared.get("entity_type")):
        prepared["entity_type"] = infer_entity_type(prepared.get("credit_code"), prepared.get("name"))
    if is_blank(prepared.get("stage")):
        prepared["stage"] = infer_stage(prepared.get("registration_date"), today)
    return prepared

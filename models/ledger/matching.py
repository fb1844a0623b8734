"""How the planner compares a ledger row with what is on file and with the earlier rows of the same
person: which column a validator's message belongs to, a record in the form's shape, the same venture,
a value as a message shows it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from models.entrepreneur import (
    Entrepreneur,
    InvalidRecord,
    Venture,
    VentureData,
    validate_person,
    validate_venture,
)
from models.enums import Education, EntityType, KeyGroup, Stage, key_groups_from_bits
from models.errors import ValidationError
from models.ledger.cells import cell_text
from models.ledger.choices import prepare_venture
from models.ledger.columns import FIELDS_BY_KEY, form_label
from models.ledger.plan import PersonGroup, RowProblem
from models.ledger.sheet import LedgerTable, SourceRow
from models.masking import mask_id_number
from models.validators import normalise_text


def column_labels(table: LedgerTable, mapping: Mapping[int, str]) -> dict[str, int]:
    """Validator label (姓名, 统一社会信用代码 …) → the column it came from, to place each message."""
    found: dict[str, int] = {}
    for index, key in mapping.items():
        if key:
            found[form_label(key)] = index
            found[FIELDS_BY_KEY[key].label] = index
    return found


def row_problem(
    table: LedgerTable, row: SourceRow, labels: Mapping[str, int], error: ValidationError
) -> RowProblem:
    index = labels.get(error.field)
    if index is None:
        return RowProblem(row.number, "", cell_text(error.value), error.message)
    return RowProblem(row.number, table.column_label(index), cell_text(row.value(index)), error.message)


def form_errors(error: ValidationError) -> list[ValidationError]:
    return list(error.errors) if isinstance(error, InvalidRecord) else [error]


def person_form(record: Entrepreneur) -> dict[str, object]:
    return {
        "name": record.name,
        "id_number": record.id_number,
        "phone": record.phone,
        "key_groups": frozenset(key_groups_from_bits(record.key_groups)),
        "education": Education(record.education) if record.education else None,
        "graduation_date": record.graduation_date,
        "household_region": record.household_region or "",
        "address": record.address,
        "notes": record.notes,
    }


def venture_form(record: Venture) -> dict[str, object]:
    return {
        "name": record.name,
        "entity_type": EntityType(record.entity_type),
        "stage": Stage(record.stage),
        "credit_code": record.credit_code or "",
        "registration_date": record.registration_date,
        "industry": record.industry or "",
        "address": record.address,
        "jobs_created": record.jobs_created,
    }


def venture_key(raw: Mapping[str, object]) -> tuple[str, str]:
    code = normalise_text(raw.get("credit_code")).upper().replace(" ", "")
    return code, normalise_text(raw.get("name"))


def same_venture(raw: Mapping[str, object], code: str | None, name: str) -> bool:
    wanted_code, wanted_name = venture_key(raw)
    if wanted_code and code:
        return wanted_code == code
    return wanted_name == name


def person_field_label(key: str) -> str:
    from models.entrepreneur import PERSON_LABELS

    return PERSON_LABELS.get(key, key)


def shown(value: object) -> str:
    if isinstance(value, frozenset | set | list | tuple):
        return "、".join(sorted(getattr(v, "label", str(v)) for v in value)) or "（空）"
    if isinstance(value, KeyGroup | Education):
        return value.label
    text = cell_text(value)
    return text or "（空）"


def masked_id(value: object) -> str:
    text = normalise_text(cell_text(value)).upper()
    return mask_id_number(text) if len(text) == 18 else text


def venture_field_label(key: str) -> str:
    from models.entrepreneur import VENTURE_LABELS

    return VENTURE_LABELS.get(key, key)


def person_conflict(
    group: PersonGroup, p_raw: Mapping[str, object], merged: Mapping[str, object], base: Mapping[str, object]
) -> tuple[str, str, str] | None:
    """A person value this row gives that differs from what an earlier row of the same person gave."""
    if not p_raw:
        return None
    earlier = validate_person({**base, **group.raw})
    now = validate_person(merged)
    before, after = earlier.column_values(), now.column_values()
    for key in p_raw:
        if key in group.raw and before.get(key) != after.get(key):
            return person_field_label(key), shown(getattr(earlier, key)), shown(getattr(now, key))
    return None


def plan_venture(
    group: PersonGroup | None, on_file: list[Venture], raw: Mapping[str, object], today: date
) -> tuple[str, Any]:
    """("new", VentureData) | ("update", (Venture, changes)) | ("same", None) | ("conflict", row)."""
    if group is not None:
        for number, planned in group.new_ventures:
            if same_venture(raw, planned.credit_code, planned.name):
                again = validate_venture(prepare_venture({**data_form(planned), **raw}, today))
                if again.column_values() == planned.column_values():
                    return "same", None
                return "conflict", number
    for venture in on_file:
        if same_venture(raw, venture.credit_code, venture.name):
            data = validate_venture({**venture_form(venture), **raw})
            changes = {k: v for k, v in data.column_values().items() if getattr(venture, k) != v}
            if group is not None and venture.id in group.venture_updates:
                earlier = group.venture_updates[venture.id][1]
                if any(k in earlier and earlier[k] != v for k, v in changes.items()):
                    return "conflict", group.first_row
            return "update", (venture, changes)
    return "new", validate_venture(prepare_venture(raw, today))


def data_form(data: VentureData) -> dict[str, object]:
    return {
        "name": data.name,
        "entity_type": data.entity_type,
        "stage": data.stage,
        "credit_code": data.credit_code or "",
        "registration_date": data.registration_date,
        "industry": data.industry or "",
        "address": data.address,
        "jobs_created": data.jobs_created,
    }

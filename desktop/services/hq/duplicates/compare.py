"""The comparison of duplicate files, field by field, in a worker's words (docs/hq-duplicates.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from desktop.services.hq.duplicates.detect import counts_of
from desktop.services.hq.duplicates.merging import MERGE_FIELDS
from models.entrepreneur import PERSON_LABELS, Entrepreneur
from models.enums import Education, Sex, key_groups_from_bits
from models.errors import NotFound
from models.masking import mask_id_number, mask_phone
from models.regions import region_name

if TYPE_CHECKING:
    from desktop.services.hq.duplicates import Comparison

SHOWN = (*MERGE_FIELDS[:2], "birth_date", "sex", *MERGE_FIELDS[2:])
LABELS = {**PERSON_LABELS, "birth_date": "出生日期", "sex": "性别"}


def comparison(session: Session, file_ids: list[str], *, unmasked: bool) -> Comparison:
    from desktop.services.hq.duplicates import Comparison, FieldRow, FileSide

    files = []
    for file_id in file_ids:
        record = session.get(Entrepreneur, file_id)
        if record is None:
            raise NotFound("总部没有这份档案（可能已被合并），请刷新列表")
        files.append(record)
    counts = counts_of(session, file_ids)
    sides = tuple(
        FileSide(
            id=f.id,
            station_code=f.station_code,
            case_number=f.case_number,
            created_at=f.created_at.date(),
            counts=counts[f.id],
        )
        for f in files
    )
    rows = []
    for key in SHOWN:
        raw = [getattr(f, key) for f in files]
        rows.append(
            FieldRow(
                key=key,
                label=LABELS[key],
                values=tuple(shown(key, value, unmasked) for value in raw),
                differs=len({repr(value) for value in raw}) > 1,
                choosable=key in MERGE_FIELDS,
            )
        )
    return Comparison(files=sides, rows=tuple(rows))


def shown(key: str, value: Any, unmasked: bool) -> str:
    """A stored value as the page shows it (masked personal data unless the actor may see it)."""
    if value is None or value == "":
        return "（空）"
    if key == "id_number":
        return str(value) if unmasked else mask_id_number(str(value))
    if key == "phone":
        return str(value) if unmasked else mask_phone(str(value))
    if key == "key_groups":
        groups = key_groups_from_bits(int(value))
        return "、".join(g.label for g in groups) if groups else "（空）"
    if key == "education":
        return Education(value).label
    if key == "sex":
        return Sex(value).label if value in {s.value for s in Sex} else str(value)
    if key == "household_region":
        return f"{value} {region_name(str(value)) or ''}".strip()
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)

"""The change history in the domain's words: what a change row holds, said as a worker says it.

A change row stores codes and ids (``individual_business``, a mentor's id, key-group bits, a region
code). The 变更记录 tab and the file's timeline show names and labels instead: 个体工商户, 李明,
退役军人, 330106 西湖区, ¥12,000.00, 是/否. Bookkeeping fields (sort keys, the file's own id, the
tombstone) are left out, and so is a field that was empty before and after (no 空→空 rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlmodel import Session

from models.enums import (
    INDUSTRY_SECTIONS,
    Education,
    EntityType,
    Labelled,
    Sex,
    Stage,
    key_groups_from_bits,
)
from models.money import format_yuan
from models.regions import region_name

# fields no history line shows: sort and search keys, derived columns, the record's own bookkeeping
HIDDEN_FIELDS = frozenset(
    {"name_pinyin", "current_stage", "birth_date", "sex", "station_code", "entrepreneur_id", "deleted", "id"}
)
# labels of the fields that name another record, where an area's labels do not say them
REFERENCE_LABELS = {
    "case_number": "档案号",
    "mentor_id": "导师",
    "venture_id": "创业项目",
    "class_id": "培训班",
    "course_id": "课程",
    "application_id": "申请",
    "session_id": "课次",
    "visit_id": "走访",
}

_FIELD_ENUMS: dict[str, type[Labelled]] = {
    "entity_type": EntityType,
    "stage": Stage,
    "education": Education,
    "sex": Sex,
}
_KIND_FIELD_ENUMS: dict[tuple[str, str], type[Labelled]] = {}


def _load_area_enums() -> None:
    """The other areas' vocabularies (imported once, on the first history shown)."""
    if _KIND_FIELD_ENUMS:
        return
    from models.applications import ApplicationStatus
    from models.policy.vocabulary import ItemCode
    from models.training import AttendanceMark, CompletionResult, EnrolmentStatus
    from models.visits.vocabulary import InstructorLevel, MentorKind, PoolOutcome, Topic, VisitMode

    _FIELD_ENUMS.update(
        {
            "mode": VisitMode,
            "topics": Topic,
            "expertise": Topic,
            "kind": MentorKind,
            "instructor_level": InstructorLevel,
            "outcome": PoolOutcome,
            "result": CompletionResult,
            "from_status": ApplicationStatus,
            "to_status": ApplicationStatus,
            "item_code": ItemCode,
            "mark": AttendanceMark,
        }
    )
    _KIND_FIELD_ENUMS.update(
        {
            ("application", "status"): ApplicationStatus,
            ("training_enrolment", "status"): EnrolmentStatus,
            ("training_attendance", "status"): AttendanceMark,
        }
    )


# an id field, the table it names and the column a worker knows it by
_REFERENCES: dict[str, tuple[str, str]] = {
    "mentor_id": ("mentor", "name"),
    "venture_id": ("venture", "name"),
    "class_id": ("training_class", "title"),
    "course_id": ("course_type", "name"),
    "application_id": ("application", "number"),
    "session_id": ("training_session", "session_date"),
    "visit_id": ("visit", "visit_date"),
    "enrolment_id": ("training_enrolment", "id"),
}


class ChangeWords:
    """Says the values of one file's change rows in words; looks each referenced record up once."""

    def __init__(self, session: Session) -> None:
        from models.tables import travelling_tables

        _load_area_enums()
        self.session = session
        self.tables = travelling_tables()
        self._names: dict[tuple[str, str], str] = {}

    def referenced(self, table: str, column: str, record_id: str) -> str:
        key = (table, record_id)
        if key not in self._names:
            model = self.tables.get(table)
            record = self.session.get(model, record_id) if model is not None else None
            value = getattr(record, column, None) if record is not None else None
            self._names[key] = "" if value is None else self.plain(value)
        return self._names[key] or "（已不存在）"

    def plain(self, value: object) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list | tuple | set | frozenset):
            return "、".join(self.plain(item) for item in value)
        return "" if value is None else str(value)

    def value(self, kind: str, key: str, value: Any) -> str:
        """One stored value as the worker knows it."""
        if value is None or value == "":
            return ""
        if key == "key_groups":
            groups = key_groups_from_bits(int(value)) if isinstance(value, int) else []
            return "、".join(group.label for group in groups)
        if key in ("topics", "expertise") and isinstance(value, int):  # topic bits (models/visits)
            from models.visits.vocabulary import topics_from_bits

            return "、".join(topic.label for topic in topics_from_bits(value))
        if key == "household_region":
            name = region_name(str(value))
            return f"{value} {name}" if name else str(value)
        if key == "industry":
            section = INDUSTRY_SECTIONS.get(str(value))
            return f"{value} {section}" if section else str(value)
        if key.endswith("_fen") and isinstance(value, int):
            return format_yuan(value)
        if key in _REFERENCES and isinstance(value, str):
            table, column = _REFERENCES[key]
            return self.referenced(table, column, value)
        enum = _KIND_FIELD_ENUMS.get((kind, key)) or _FIELD_ENUMS.get(key)
        if enum is not None:
            return self._labels(enum, value)
        return self.plain(value)

    @staticmethod
    def _labels(enum: type[Labelled], value: Any) -> str:
        codes = value if isinstance(value, list | tuple) else [value]
        labels = []
        for code in codes:
            try:
                labels.append(enum(code).label)
            except ValueError:
                labels.append(str(code))
        return "、".join(labels)

    def fields(
        self, kind: str, changes: Mapping[str, Any], labels: Mapping[str, str]
    ) -> tuple[tuple[str, str, str], ...]:
        """(label, before, after) for each field a worker would read, none empty on both sides."""
        shown = []
        for key, pair in changes.items():
            if key in HIDDEN_FIELDS or not isinstance(pair, list | tuple) or len(pair) != 2:
                continue
            before, after = self.value(kind, key, pair[0]), self.value(kind, key, pair[1])
            if (not before and not after) or before == after:
                continue
            label = labels.get(key) or REFERENCE_LABELS.get(key, key)
            shown.append((label, before, after))
        return tuple(shown)


def what_changed(words: ChangeWords, kind: str, record_id: str) -> str:
    """The record a change row is about, unless it is the file itself: "创业项目 青禾餐饮店"."""
    if kind == "entrepreneur":
        return ""
    from desktop.services.file_removal import describe

    model = words.tables.get(kind)
    record = words.session.get(model, record_id) if model is not None else None
    if record is None:
        return ""
    said = describe(words.session, record)
    for key in ("mentor_id", "class_id"):  # an assignment names its mentor, an enrolment its class
        other = getattr(record, key, None)
        if isinstance(other, str):
            table, column = _REFERENCES[key]
            said += f"（{words.referenced(table, column, other)}）"
    return said


def change_text(action: str, what: str, fields: Iterable[tuple[str, str, str]]) -> str:
    """One history line's 修改内容: "创业项目 青禾餐饮店 · 创业阶段：初创 → 成长"."""
    if action == "delete":
        return f"{what or '档案'} 移到回收站"
    if action == "restore":
        return f"{what or '档案'} 从回收站恢复"
    empty = "（空）"
    if action == "create":  # the name is said once, in ``what``
        body = "；".join(f"{label}：{after}" for label, _, after in fields if not (what and after in what))
        return f"新增 {what}：{body}" if what else body
    body = "；".join(f"{label}：{before or empty} → {after or empty}" for label, before, after in fields)
    return f"{what} · {body}" if what and body else what or body

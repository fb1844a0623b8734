"""Entrepreneurs (创业者) and their ventures (创业主体), and the rules for what may be stored.

A person may run several ventures over time (再创业, 5号文 (七)); a closed venture stays in the history.
Validation lives here and is used by every way data enters: the form, Excel import, packages, the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import Index, text
from sqlmodel import Field, Session, SQLModel, col, select

from models.base import TravellingRecord, china_today
from models.enums import (
    INDUSTRY_SECTIONS,
    Education,
    EntityType,
    KeyGroup,
    Labelled,
    Sex,
    Stage,
    key_groups_to_bits,
)
from models.errors import ValidationError
from models.validators import (
    IdNumber,
    normalise_text,
    parse_credit_code,
    parse_date,
    parse_id_number,
    parse_name,
    parse_non_negative_int,
    parse_phone,
    parse_region_code,
)


class Entrepreneur(TravellingRecord, table=True):
    __table_args__ = (
        Index("ix_entrepreneur_list", "deleted", "created_at", "id"),  # the list at start-up (migration 0006)
        Index("ix_entrepreneur_regions", "deleted", "household_region"),
        # HQ's duplicate groups over the whole county, read from the index alone (migration 0011)
        Index("ix_entrepreneur_dupe_number", "id_number", "deleted", "merged_into", "station_code"),
        Index("ix_entrepreneur_dupe_name", "name", "birth_date", "deleted", "merged_into", "id_number"),
        Index(
            "ix_entrepreneur_merged_into",
            "merged_into",
            sqlite_where=text("merged_into IS NOT NULL"),
            postgresql_where=text("merged_into IS NOT NULL"),
        ),
    )

    case_number: str = Field(max_length=30, unique=True)
    name: str = Field(max_length=50)
    name_pinyin: str = Field(default="", max_length=200, index=True)
    id_number: str = Field(max_length=18, unique=True)
    birth_date: date
    sex: str = Field(max_length=6)
    phone: str = Field(default="", max_length=30)
    key_groups: int = Field(default=0)
    education: str | None = Field(default=None, max_length=20)
    graduation_date: date | None = None
    household_region: str | None = Field(default=None, max_length=6, index=True)
    address: str = Field(default="", max_length=200)
    notes: str = Field(default="", max_length=2000)
    current_stage: str | None = Field(default=None, max_length=20, index=True)
    # HQ merged this file into another (docs/hq-duplicates.md): opening it lands on that one
    merged_into: str | None = Field(default=None, max_length=36)


class Venture(TravellingRecord, table=True):
    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36, index=True)
    name: str = Field(max_length=100)
    entity_type: str = Field(max_length=30)
    credit_code: str | None = Field(default=None, max_length=18, index=True)
    registration_date: date | None = None
    industry: str | None = Field(default=None, max_length=1)
    address: str = Field(default="", max_length=200)
    jobs_created: int = 0
    stage: str = Field(max_length=20)


class EntrepreneurSearch(SQLModel, table=True):
    """Derived, narrow table scanned by search-as-you-type: name, pinyin keys, ID, phone, venture names."""

    __tablename__ = "entrepreneur_search"

    entrepreneur_id: str = Field(primary_key=True, foreign_key="entrepreneur.id", max_length=36)
    blob: str = Field(default="")


PERSON_LABELS: dict[str, str] = {
    "name": "姓名",
    "id_number": "身份证号码",
    "phone": "联系电话",
    "key_groups": "重点群体",
    "education": "文化程度",
    "graduation_date": "毕业时间",
    "household_region": "户籍地区划代码",
    "address": "现居住地址",
    "notes": "备注",
}

VENTURE_LABELS: dict[str, str] = {
    "name": "项目/主体名称",
    "entity_type": "主体类型",
    "credit_code": "统一社会信用代码",
    "registration_date": "登记注册日期",
    "industry": "所属行业",
    "address": "经营地址",
    "jobs_created": "带动就业人数",
    "stage": "创业阶段",
}


@dataclass(frozen=True)
class PersonData:
    """A validated person: what the services store."""

    name: str
    id_number: str
    birth_date: date
    sex: Sex
    phone: str = ""
    key_groups: frozenset[KeyGroup] = frozenset()
    education: Education | None = None
    graduation_date: date | None = None
    household_region: str | None = None
    address: str = ""
    notes: str = ""

    def column_values(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id_number": self.id_number,
            "birth_date": self.birth_date,
            "sex": self.sex.value,
            "phone": self.phone,
            "key_groups": key_groups_to_bits(self.key_groups),
            "education": self.education.value if self.education else None,
            "graduation_date": self.graduation_date,
            "household_region": self.household_region,
            "address": self.address,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class VentureData:
    name: str
    entity_type: EntityType
    stage: Stage
    credit_code: str | None = None
    registration_date: date | None = None
    industry: str | None = None
    address: str = ""
    jobs_created: int = 0
    id: str | None = field(default=None, compare=False)

    def column_values(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "entity_type": self.entity_type.value,
            "stage": self.stage.value,
            "credit_code": self.credit_code,
            "registration_date": self.registration_date,
            "industry": self.industry,
            "address": self.address,
            "jobs_created": self.jobs_created,
        }


class InvalidRecord(ValidationError):
    """Several fields refused at once; ``errors`` keeps each field's own message."""

    def __init__(self, errors: list[ValidationError]) -> None:
        message = "；".join(error.message for error in errors)
        super().__init__(errors[0].field, errors[0].value, message)
        self.errors = errors


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not normalise_text(value))


def _text(limit: int) -> Callable[[object, str], str]:
    def parse(value: object, label: str) -> str:
        text = normalise_text(value) if not isinstance(value, str) else value.strip()
        if len(text) > limit:
            raise ValidationError(label, value, f"{label}过长：{len(text)} 个字，最多 {limit} 个字")
        return text

    return parse


def _choice(kind: type[Labelled]) -> Callable[[object, str], Labelled]:
    def parse(value: object, label: str) -> Labelled:
        if isinstance(value, kind):
            return value
        member = kind.from_label(normalise_text(value))
        if member is None:
            choices = "、".join(m.label for m in kind)
            raise ValidationError(label, value, f"{label}“{value}”不在可选范围内，应为：{choices}")
        return member

    return parse


def parse_key_groups(value: object, label: str = "重点群体") -> frozenset[KeyGroup]:
    """A set of key groups from enum members, codes, or free text such as "退役军人、高校毕业生"."""
    if _blank(value):
        return frozenset()
    if isinstance(value, str):
        parts: Iterable[object] = [p for p in _split_words(normalise_text(value)) if p]
    elif isinstance(value, Iterable):
        parts = list(value)
    else:
        parts = [value]
    groups: set[KeyGroup] = set()
    for part in parts:
        if isinstance(part, KeyGroup):
            groups.add(part)
            continue
        word = normalise_text(part)
        member = KeyGroup.from_label(word) or _KEY_GROUP_SYNONYMS.get(word)
        if member is None:
            choices = "、".join(g.label for g in KeyGroup)
            raise ValidationError(label, value, f"{label}中的“{word}”无法识别，应为：{choices}")
        groups.add(KeyGroup(member))
    return frozenset(groups)


def _split_words(text: str) -> list[str]:
    for separator in "、，,;；/| ":
        text = text.replace(separator, "\n")
    return [part.strip() for part in text.split("\n")]


_KEY_GROUP_SYNONYMS: dict[str, KeyGroup] = {
    "大学生": KeyGroup.COLLEGE_GRADUATE,
    "高校毕业生": KeyGroup.COLLEGE_GRADUATE,
    "毕业生": KeyGroup.COLLEGE_GRADUATE,
    "农民工": KeyGroup.MIGRANT_RETURNEE,
    "返乡创业": KeyGroup.MIGRANT_RETURNEE,
    "返乡入乡创业": KeyGroup.MIGRANT_RETURNEE,
    "返乡人员": KeyGroup.MIGRANT_RETURNEE,
    "退役军人": KeyGroup.VETERAN,
    "退伍军人": KeyGroup.VETERAN,
    "就业困难": KeyGroup.EMPLOYMENT_DIFFICULTY,
    "脱贫户": KeyGroup.POVERTY_ALLEVIATED,
    "失业人员": KeyGroup.REGISTERED_UNEMPLOYED,
    "登记失业人员": KeyGroup.REGISTERED_UNEMPLOYED,
    "残疾人员": KeyGroup.DISABLED,
}


def _industry(value: object, label: str) -> str:
    text = normalise_text(value).upper()
    if text[:1] in INDUSTRY_SECTIONS and (
        len(text) == 1 or text[1:].lstrip(" -").startswith(INDUSTRY_SECTIONS[text[0]][:2])
    ):
        return text[0]
    for code, name in INDUSTRY_SECTIONS.items():
        if text == name:
            return code
    raise ValidationError(
        label, value, f"{label}“{value}”应为国民经济行业分类门类 A–T 之一，例如 F 批发和零售业"
    )


def _past_date(value: object, label: str) -> date:
    parsed = parse_date(value, field=label)
    if parsed > china_today():
        raise ValidationError(label, value, f"{label} {parsed.isoformat()} 晚于今天，请核对")
    return parsed


def _month(value: object, label: str) -> date:
    parsed = parse_date(value, field=label, allow_month=True)
    if parsed > china_today():
        raise ValidationError(label, value, f"{label} {parsed.isoformat()} 晚于今天，请核对")
    return parsed


def _int(value: object, label: str) -> int:
    return parse_non_negative_int(value, field=label)


_PERSON_PARSERS: dict[str, Callable[[object, str], Any]] = {
    "name": lambda v, label: parse_name(v, field=label),
    "id_number": lambda v, label: parse_id_number(v, field=label),
    "phone": lambda v, label: parse_phone(v, field=label),
    "key_groups": parse_key_groups,
    "education": _choice(Education),
    "graduation_date": _month,
    "household_region": lambda v, label: parse_region_code(v, field=label),
    "address": _text(200),
    "notes": _text(2000),
}

_VENTURE_NAME = _text(100)

_VENTURE_PARSERS: dict[str, Callable[[object, str], Any]] = {
    "name": lambda v, label: _nonempty(_VENTURE_NAME(v, label), v, label),
    "entity_type": _choice(EntityType),
    "credit_code": lambda v, label: parse_credit_code(v, field=label),
    "registration_date": _past_date,
    "industry": _industry,
    "address": _text(200),
    "jobs_created": _int,
    "stage": _choice(Stage),
}

_REQUIRED_PERSON = ("name", "id_number")
_REQUIRED_VENTURE = ("name", "entity_type", "stage")


def _nonempty(text: str, value: object, label: str) -> str:
    if not text:
        raise ValidationError(label, value, f"请填写{label}")
    return text


def check_person_field(key: str, value: object) -> object:
    """Validate one field as the form's field is left; blank optional fields give ``None``."""
    return _check(key, value, PERSON_LABELS, _PERSON_PARSERS, _REQUIRED_PERSON)


def check_venture_field(key: str, value: object) -> object:
    return _check(key, value, VENTURE_LABELS, _VENTURE_PARSERS, _REQUIRED_VENTURE)


def _check(
    key: str,
    value: object,
    labels: Mapping[str, str],
    parsers: Mapping[str, Callable[[object, str], Any]],
    required: tuple[str, ...],
) -> object:
    label = labels[key]
    if _blank(value) or (isinstance(value, list | tuple | set | frozenset) and not value):
        if key in required:
            raise ValidationError(label, value, f"请填写{label}")
        return None
    return parsers[key](value, label)


def _collect(
    raw: Mapping[str, object],
    keys: Iterable[str],
    labels: Mapping[str, str],
    parsers: Mapping[str, Callable[[object, str], Any]],
    required: tuple[str, ...],
) -> dict[str, Any]:
    """Every field through :func:`_check`, as the form checks it (an import does this for each row)."""
    values: dict[str, Any] = {}
    errors: list[ValidationError] = []
    for key in keys:
        value = raw.get(key)
        if value is None and key not in required:  # what _check gives for it, without the calls
            values[key] = None
            continue
        try:
            values[key] = _check(key, value, labels, parsers, required)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise InvalidRecord(errors)
    return values


def validate_person(raw: Mapping[str, object], *, identity: IdNumber | None = None) -> PersonData:
    """All fields of a person at once; raises :class:`InvalidRecord` naming every bad field.

    ``identity``: the ID number already checked by :func:`parse_id_number` (an import checks each row's
    number first, to find the files on record); it stands for ``raw["id_number"]``, which is not checked
    a second time."""
    if identity is None:
        values = _collect(raw, PERSON_LABELS, PERSON_LABELS, _PERSON_PARSERS, _REQUIRED_PERSON)
        identity = values["id_number"]
    else:
        values = _collect(raw, _PERSON_KEYS_BUT_ID, PERSON_LABELS, _PERSON_PARSERS, _REQUIRED_PERSON)
    graduation = values["graduation_date"]
    if graduation is not None and graduation < identity.birth_date:
        raise InvalidRecord(
            [
                ValidationError(
                    "毕业时间", graduation, f"毕业时间 {graduation.isoformat()} 早于出生日期，请核对"
                )
            ]
        )
    return PersonData(
        name=values["name"],
        id_number=identity.number,
        birth_date=identity.birth_date,
        sex=Sex.MALE if identity.sex == "男" else Sex.FEMALE,
        phone=values["phone"] or "",
        key_groups=values["key_groups"] or frozenset(),
        education=values["education"],
        graduation_date=graduation,
        household_region=values["household_region"],
        address=values["address"] or "",
        notes=values["notes"] or "",
    )


_PERSON_KEYS_BUT_ID = tuple(key for key in PERSON_LABELS if key != "id_number")


def validate_venture(raw: Mapping[str, object]) -> VentureData:
    values = _collect(raw, VENTURE_LABELS, VENTURE_LABELS, _VENTURE_PARSERS, _REQUIRED_VENTURE)
    stage = values["stage"]
    if stage in (Stage.STARTUP, Stage.GROWTH, Stage.MATURE) and values["registration_date"] is None:
        raise InvalidRecord(
            [ValidationError("登记注册日期", None, f"阶段为“{stage.label}”的主体应填写登记注册日期")]
        )
    venture_id = raw.get("id")
    return VentureData(
        name=values["name"],
        entity_type=values["entity_type"],
        stage=stage,
        credit_code=values["credit_code"],
        registration_date=values["registration_date"],
        industry=values["industry"],
        address=values["address"] or "",
        jobs_created=values["jobs_created"] or 0,
        id=str(venture_id) if venture_id else None,
    )


class _HasStage(Protocol):
    @property
    def stage(self) -> str: ...


def current_stage(ventures: Iterable[_HasStage]) -> str | None:
    """A person's stage for lists and filters: that of their latest venture still open, else closed."""
    stages = [str(v.stage) for v in ventures]
    open_stages = [s for s in stages if s != Stage.CLOSED.value]
    if open_stages:
        return open_stages[-1]
    return Stage.CLOSED.value if stages else None


def live_ventures(session: Session, entrepreneur_id: str) -> list[Venture]:
    """A person's ventures not in the recycle bin, oldest first (as the file shows them)."""
    return list(
        session.exec(
            select(Venture)
            .where(Venture.entrepreneur_id == entrepreneur_id, col(Venture.deleted).is_(False))
            .order_by(col(Venture.created_at), col(Venture.id))
        ).all()
    )

"""Entrepreneur files: create, change, delete to the recycle bin, restore, undo, search.

Each public function is one service call: one transaction, one operation in the change log, one undo
step. They take and return plain values (ids, frozen read models), never ORM objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete
from sqlmodel import Session, col, select

from desktop.services.entrepreneur_list import age_on

# Deleting, restoring and undoing live in file_removal.py (one operation over the file and what depends
# on it); their names stay importable from here.
from desktop.services.file_removal import UndoPreview as UndoPreview  # noqa: PLC0414
from desktop.services.file_removal import delete_entrepreneur as delete_entrepreneur  # noqa: PLC0414
from desktop.services.file_removal import deletion_preview as deletion_preview  # noqa: PLC0414
from desktop.services.file_removal import restore_entrepreneur as restore_entrepreneur  # noqa: PLC0414
from desktop.services.file_removal import undo_last_change as undo_last_change  # noqa: PLC0414
from desktop.services.file_removal import undo_preview as undo_preview  # noqa: PLC0414
from desktop.services.gate import service
from models.audit import Actor, Change, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import (
    Entrepreneur,
    EntrepreneurSearch,
    PersonData,
    Venture,
    VentureData,
    current_stage,
    live_ventures,
    validate_person,
    validate_venture,
)
from models.enums import INDUSTRY_SECTIONS, Education, EntityType, KeyGroup, Sex, Stage, key_groups_from_bits
from models.errors import Conflict, NotFound
from models.masking import mask_id_number, mask_phone
from models.permissions import Permission
from models.pinyin import build_search_blob, name_search_keys
from models.regions import region_name
from models.station import next_case_number
from models.undo import undone_operations

if TYPE_CHECKING:
    from desktop.services.areas import Area

KIND = "entrepreneur"


# ---------------------------------------------------------------------------------------------- read models
@dataclass(frozen=True)
class DuplicateMatch:
    """An existing file that a new one may duplicate."""

    id: str
    case_number: str
    name: str
    birth_date: date
    id_number_masked: str
    deleted: bool


@dataclass(frozen=True)
class VentureView:
    id: str
    name: str
    entity_type: EntityType
    stage: Stage
    credit_code: str | None
    registration_date: date | None
    industry: str | None
    address: str
    jobs_created: int

    @property
    def industry_label(self) -> str:
        return f"{self.industry} {INDUSTRY_SECTIONS[self.industry]}" if self.industry else ""

    def form_values(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "entity_type": self.entity_type,
            "stage": self.stage,
            "credit_code": self.credit_code or "",
            "registration_date": self.registration_date,
            "industry": self.industry or "",
            "address": self.address,
            "jobs_created": self.jobs_created,
        }


@dataclass(frozen=True)
class EntrepreneurFile:
    """A whole file as the record page shows it."""

    id: str
    case_number: str
    name: str
    id_number: str
    birth_date: date
    sex: Sex
    phone: str
    key_groups: tuple[KeyGroup, ...]
    education: Education | None
    graduation_date: date | None
    household_region: str | None
    address: str
    notes: str
    ventures: tuple[VentureView, ...]
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str
    deleted: bool
    masked: bool

    @property
    def age(self) -> int:
        return age_on(self.birth_date, china_today())

    @property
    def region_label(self) -> str:
        return region_name(self.household_region) or "" if self.household_region else ""

    @property
    def stage(self) -> Stage | None:
        stage = current_stage(self.ventures)
        return Stage(stage) if stage else None

    def form_values(self) -> dict[str, object]:
        """The raw values the form edits, in the shape :func:`validate_person` accepts."""
        return {
            "name": self.name,
            "id_number": self.id_number,
            "phone": self.phone,
            "key_groups": frozenset(self.key_groups),
            "education": self.education,
            "graduation_date": self.graduation_date,
            "household_region": self.household_region or "",
            "address": self.address,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ChangeView:
    at: datetime
    user_name: str
    label: str
    action: str
    record_kind: str
    fields: tuple[tuple[str, str, str], ...]  # (label, before, after) as stored: codes and ids
    undone: bool
    # the same in words (names, labels), never 空→空 (None: not worded, show ``fields``)
    shown: tuple[tuple[str, str, str], ...] | None = None
    what: str = ""  # the record, when not the file itself: "创业项目 青禾餐饮店"

    @property
    def text(self) -> str:
        """What changed, as the 变更记录 tab and the timeline say it."""
        from desktop.services.change_words import change_text

        return change_text(self.action, self.what, self.fields if self.shown is None else self.shown)


# ------------------------------------------------------------------------------------------------- writes
def _person(person: PersonData | Mapping[str, object]) -> PersonData:
    return person if isinstance(person, PersonData) else validate_person(person)


def _ventures(ventures: Iterable[VentureData | Mapping[str, object]]) -> list[VentureData]:
    return [v if isinstance(v, VentureData) else validate_venture(v) for v in ventures]


@service(Permission.VIEW_FILES)
def find_by_id_number(db: Database, actor: Actor, /, *, id_number: str) -> DuplicateMatch | None:
    """The file already holding this ID number, in the recycle bin or not."""
    with db.reading() as session:
        row = session.exec(select(Entrepreneur).where(Entrepreneur.id_number == id_number)).first()
        return _match(row) if row else None


@service(Permission.VIEW_FILES)
def possible_duplicates(
    db: Database, actor: Actor, /, *, name: str, birth_date: date, exclude_id: str | None = None
) -> list[DuplicateMatch]:
    """Files with the same name and birth date: maybe the same person with a mistyped ID number."""
    with db.reading() as session:
        query = select(Entrepreneur).where(
            Entrepreneur.name == name,
            Entrepreneur.birth_date == birth_date,
            col(Entrepreneur.deleted).is_(False),
        )
        if exclude_id:
            query = query.where(Entrepreneur.id != exclude_id)
        return [_match(row) for row in session.exec(query).all()]


def _match(row: Entrepreneur) -> DuplicateMatch:
    return DuplicateMatch(
        id=row.id,
        case_number=row.case_number,
        name=row.name,
        birth_date=row.birth_date,
        id_number_masked=mask_id_number(row.id_number),
        deleted=row.deleted,
    )


def duplicate_message(match: DuplicateMatch, id_number: str) -> str:
    where = "在回收站中，可以恢复" if match.deleted else "请打开该档案，不要重复建档"
    masked = mask_id_number(id_number)
    return f"身份证号码 {masked} 已有档案：{match.name}（档案号 {match.case_number}），{where}"


class PossibleDuplicate(Conflict):
    """Same name and birth date as an existing file; the caller may confirm and create anyway."""

    def __init__(self, matches: list[DuplicateMatch]) -> None:
        first = matches[0]
        super().__init__(
            f"已有同名同出生日期的档案：{first.name}"
            f"（档案号 {first.case_number}，{first.id_number_masked}），可能是同一人，请核对身份证号码",
            existing_id=first.id,
        )
        self.matches = matches


@service(Permission.EDIT_FILES)
def create_entrepreneur(
    db: Database,
    actor: Actor,
    /,
    *,
    person: PersonData | Mapping[str, object],
    ventures: Sequence[VentureData | Mapping[str, object]] = (),
    confirm_possible_duplicate: bool = False,
    today: date | None = None,
) -> str:
    """Open a new file; refuses an ID number already on file and asks about same name + birth date."""
    data = _person(person)
    venture_data = _ventures(ventures)
    with db.transaction() as session:
        return create_entrepreneur_in(
            session,
            actor,
            data,
            venture_data,
            confirm_possible_duplicate=confirm_possible_duplicate,
            today=today,
        )


def create_entrepreneur_in(
    session: Session,
    actor: Actor,
    data: PersonData,
    venture_data: Sequence[VentureData] = (),
    *,
    confirm_possible_duplicate: bool = False,
    today: date | None = None,
) -> str:
    """The core of :func:`create_entrepreneur` inside the caller's transaction (an enrolment that files
    a new person composes it); never commits."""
    existing = session.exec(select(Entrepreneur).where(Entrepreneur.id_number == data.id_number)).first()
    if existing is not None:
        raise Conflict(duplicate_message(_match(existing), data.id_number), existing_id=existing.id)
    if not confirm_possible_duplicate:
        same = session.exec(
            select(Entrepreneur).where(
                Entrepreneur.name == data.name,
                Entrepreneur.birth_date == data.birth_date,
                col(Entrepreneur.deleted).is_(False),
            )
        ).all()
        if same:
            raise PossibleDuplicate([_match(row) for row in same])
    operation = Operation(session, actor, f"新建 {data.name} 的档案")
    year = (today or china_today()).year
    record = Entrepreneur(
        case_number=next_case_number(session=session, station_code=actor.station_code, year=year),
        station_code=actor.station_code,
        updated_by=actor.user_name,
        name_pinyin=_sort_pinyin(data.name),
        current_stage=current_stage(venture_data),
        **data.column_values(),
    )
    operation.create(record, subject_id=record.id)
    for venture in venture_data:
        _create_venture(operation, record.id, venture)
    _refresh_search(session, record, venture_data)
    return record.id


@service(Permission.EDIT_FILES)
def update_entrepreneur(
    db: Database,
    actor: Actor,
    /,
    *,
    entrepreneur_id: str,
    person: PersonData | Mapping[str, object],
    ventures: Sequence[VentureData | Mapping[str, object]] | None = None,
    expected_version: int | None = None,
) -> bool:
    """Save a changed file. ``ventures`` is the whole list: new ones (no id) are added, missing ones go
    to the recycle bin. Returns whether anything changed. Refuses if the file changed meanwhile."""
    data = _person(person)
    venture_data = _ventures(ventures) if ventures is not None else None
    with db.transaction() as session:
        record = _get(session, entrepreneur_id)
        if expected_version is not None and record.version != expected_version:
            raise Conflict(
                f"{record.name} 的档案在您编辑期间已被修改（{record.updated_by}），请重新打开后再改"
            )
        if data.id_number != record.id_number:
            clash = session.exec(select(Entrepreneur).where(Entrepreneur.id_number == data.id_number)).first()
            if clash is not None:
                raise Conflict(duplicate_message(_match(clash), data.id_number), existing_id=clash.id)
        operation = Operation(session, actor, f"修改 {data.name} 的档案")
        values = data.column_values()
        values["name_pinyin"] = _sort_pinyin(data.name)
        if venture_data is not None:
            _save_ventures(operation, session, record.id, venture_data)
        stored = live_ventures(session, record.id)
        values["current_stage"] = current_stage(stored)
        operation.update(record, values, subject_id=record.id)
        _refresh_search(session, record, stored)
        return bool(operation.changes)


def _save_ventures(
    operation: Operation, session: Session, entrepreneur_id: str, wanted: list[VentureData]
) -> None:
    existing = {v.id: v for v in live_ventures(session, entrepreneur_id)}
    for venture in wanted:
        if venture.id and venture.id in existing:
            operation.update(existing.pop(venture.id), venture.column_values(), subject_id=entrepreneur_id)
        else:
            _create_venture(operation, entrepreneur_id, venture)
    for removed in existing.values():
        operation.set_deleted(removed, True, subject_id=entrepreneur_id)


def _create_venture(operation: Operation, entrepreneur_id: str, venture: VentureData) -> None:
    record = Venture(
        entrepreneur_id=entrepreneur_id,
        station_code=operation.actor.station_code,
        updated_by=operation.actor.user_name,
        **venture.column_values(),
    )
    operation.create(record, subject_id=entrepreneur_id)


# -------------------------------------------------------------------------------------------------- reads
@service(Permission.VIEW_FILES)
def get_file(db: Database, actor: Actor, /, *, entrepreneur_id: str, reveal: bool = True) -> EntrepreneurFile:
    """The whole file. Unmasked only for a role that may see personal data; each such view is logged."""
    unmasked = reveal and actor.may(Permission.VIEW_PERSONAL_DATA)
    with db.transaction() as session:
        record = _get(session, current_file_id_in(session, entrepreneur_id))  # a merged-away id: its survivor
        ventures = tuple(_venture_view(v) for v in live_ventures(session, record.id))
        if unmasked:
            Operation(session, actor, "查看").log_access("view_unmasked", KIND, record.id, record.case_number)
        return EntrepreneurFile(
            id=record.id,
            case_number=record.case_number,
            name=record.name,
            id_number=record.id_number if unmasked else mask_id_number(record.id_number),
            birth_date=record.birth_date,
            sex=Sex(record.sex),
            phone=record.phone if unmasked else mask_phone(record.phone),
            key_groups=tuple(key_groups_from_bits(record.key_groups)),
            education=Education(record.education) if record.education else None,
            graduation_date=record.graduation_date,
            household_region=record.household_region,
            address=record.address,
            notes=record.notes,
            ventures=ventures,
            version=record.version,
            created_at=record.created_at,
            updated_at=record.updated_at,
            updated_by=record.updated_by,
            deleted=record.deleted,
            masked=not unmasked,
        )


@service(Permission.VIEW_FILES)
def current_file_id(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> str:
    """The file to open for an id: the survivor of a file HQ merged away (docs/hq-duplicates.md)."""
    with db.reading() as session:
        return current_file_id_in(session, entrepreneur_id)


def current_file_id_in(session: Session, entrepreneur_id: str) -> str:
    current, seen = entrepreneur_id, set()
    while current not in seen:  # a merge of a merge leads on; a cycle (never written) stops
        seen.add(current)
        record = session.get(Entrepreneur, current)
        if record is None or not record.merged_into or session.get(Entrepreneur, record.merged_into) is None:
            return current
        current = record.merged_into
    return current


@service(Permission.VIEW_FILES)
def file_history(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> list[ChangeView]:
    """The 变更记录 tab: every change to the file and its ventures, newest first."""
    with db.reading() as session:
        return file_history_in(session, entrepreneur_id)


def file_history_in(session: Session, entrepreneur_id: str) -> list[ChangeView]:
    """The core of :func:`file_history` (the timeline composes it)."""
    from desktop.services.areas import registry
    from desktop.services.change_words import ChangeWords, what_changed

    labels = registry().change_labels
    changes = list(
        session.exec(
            select(Change).where(Change.subject_id == entrepreneur_id).order_by(col(Change.seq).desc())
        ).all()
    )
    undone = undone_operations(changes)
    words = ChangeWords(session)
    return [
        ChangeView(
            at=change.at,
            user_name=change.user_name,
            label=change.operation_label,
            action=change.action,
            record_kind=change.record_kind,
            fields=tuple(
                (labels.get(change.record_kind, {}).get(key, key), _shown(before), _shown(after))
                for key, (before, after) in change.changes.items()
                if key not in ("name_pinyin", "current_stage", "birth_date", "sex", "station_code")
            ),
            undone=change.operation_id in undone,
            shown=words.fields(change.record_kind, change.changes, labels.get(change.record_kind, {})),
            what=what_changed(words, change.record_kind, change.record_id),
        )
        for change in changes
    ]


def _shown(value: object) -> str:
    return "" if value is None else str(value)


def _get(session: Session, entrepreneur_id: str) -> Entrepreneur:
    record = session.get(Entrepreneur, entrepreneur_id)
    if record is None:
        raise NotFound(f"找不到档案 {entrepreneur_id}")
    return record


def _venture_view(v: Venture) -> VentureView:
    return VentureView(
        id=v.id,
        name=v.name,
        entity_type=EntityType(v.entity_type),
        stage=Stage(v.stage),
        credit_code=v.credit_code,
        registration_date=v.registration_date,
        industry=v.industry,
        address=v.address,
        jobs_created=v.jobs_created,
    )


def _sort_pinyin(name: str) -> str:
    keys = name_search_keys(name)
    return keys[0] if keys else name


def _refresh_search(
    session: Session, record: Entrepreneur, ventures: Iterable[Venture | VentureData]
) -> None:
    blob = search_blob(record.name, record.id_number, record.phone, [v.name for v in ventures])
    row = session.get(EntrepreneurSearch, record.id)
    if row is None:
        session.add(EntrepreneurSearch(entrepreneur_id=record.id, blob=blob))
    else:
        row.blob = blob


def search_blob(name: str, id_number: str, phone: str, venture_names: Iterable[str]) -> str:
    return build_search_blob(name, [id_number.lower(), phone, *venture_names])


def rebuild_search(session: Session, entrepreneur_ids: Iterable[str] | None = None) -> int:
    """The projection ``entrepreneur_search`` rebuilt from the records — every file's, or those of
    ``entrepreneur_ids`` (after a bulk write or an applied package). Returns how many rows it wrote."""
    from models.journal import insert_rows

    wanted = None if entrepreneur_ids is None else list(dict.fromkeys(entrepreneur_ids))
    # a file HQ merged away is found as its survivor: the survivor's text holds the merged one's too
    merged = select(Entrepreneur.merged_into, Entrepreneur.name, Entrepreneur.phone).where(
        col(Entrepreneur.merged_into).is_not(None)
    )
    if wanted is not None:
        survivors = select(Entrepreneur.merged_into).where(
            col(Entrepreneur.id).in_(wanted), col(Entrepreneur.merged_into).is_not(None)
        )
        wanted += [str(survivor) for survivor in session.exec(survivors).all() if survivor]
        merged = merged.where(col(Entrepreneur.merged_into).in_(wanted))
    also: dict[str, list[str]] = {}
    for survivor, old_name, old_phone in session.exec(merged).all():
        also.setdefault(str(survivor), []).extend([old_name, old_phone])
    people = select(Entrepreneur.id, Entrepreneur.name, Entrepreneur.id_number, Entrepreneur.phone)
    ventures = (
        select(Venture.entrepreneur_id, Venture.name)
        .where(col(Venture.deleted).is_(False))
        .order_by(col(Venture.created_at), col(Venture.id))
    )
    stale = delete(EntrepreneurSearch)
    if wanted is not None:
        people = people.where(col(Entrepreneur.id).in_(wanted))
        ventures = ventures.where(col(Venture.entrepreneur_id).in_(wanted))
        stale = stale.where(col(EntrepreneurSearch.entrepreneur_id).in_(wanted))
    names: dict[str, list[str]] = {}
    for owner, name in session.exec(ventures).all():
        names.setdefault(owner, []).append(name)
    rows = [
        {
            "entrepreneur_id": key,
            "blob": search_blob(name, id_number, phone, [*names.get(key, ()), *also.get(key, ())]),
        }
        for key, name, id_number, phone in session.exec(people).all()
    ]
    session.execute(stale)
    insert_rows(session.connection(), EntrepreneurSearch.__tablename__, rows)
    return len(rows)


SEARCH_BATCH = 5_000  # ids per rebuild (SQLite binds at most 32,766 values in one statement)


def rebuild_search_of(session: Session, touched: Mapping[str, set[str]]) -> int:
    """:func:`rebuild_search` of the files an applied package wrote: its people, and the owners of its
    ventures (a venture's name is among its owner's search keys), in batches."""
    wanted = set(touched.get("entrepreneur", ()))
    ventures = sorted(touched.get("venture", ()))
    for start in range(0, len(ventures), SEARCH_BATCH):
        batch = ventures[start : start + SEARCH_BATCH]
        wanted.update(session.exec(select(Venture.entrepreneur_id).where(col(Venture.id).in_(batch))).all())
    ids = sorted(wanted)
    return sum(
        rebuild_search(session, ids[start : start + SEARCH_BATCH])
        for start in range(0, len(ids), SEARCH_BATCH)
    )


def area() -> Area:
    """Entrepreneur files: people and their ventures, and the search projection over them."""
    from desktop.services.areas import Area, RecordKind
    from desktop.services.file_removal import venture_dependents
    from desktop.services.monthly.sections import entrepreneur_section
    from desktop.services.timeline import file_changes
    from models.drafts import Draft
    from models.entrepreneur import PERSON_LABELS, VENTURE_LABELS
    from models.hq.duplicates import HQ_DUPLICATE_TABLES

    search = (EntrepreneurSearch.__tablename__,)
    return Area(
        name="entrepreneurs",
        records=(
            RecordKind(
                "entrepreneur",
                personal_fields=frozenset({"id_number", "phone"}),
                recompute=(*search, "case_sequence"),  # files received (back) advance the numbering
            ),
            RecordKind("venture", recompute=search),
        ),
        # what a dialog keeps of half-typed input; at HQ, its decisions on duplicate files
        local_tables=(str(Draft.__tablename__), *HQ_DUPLICATE_TABLES),
        derived_tables=search,
        projections={EntrepreneurSearch.__tablename__: rebuild_search},
        scoped_projections={EntrepreneurSearch.__tablename__: rebuild_search_of},
        dependents={"entrepreneur": venture_dependents},
        timeline_sources=(file_changes,),
        change_labels={"entrepreneur": PERSON_LABELS, "venture": VENTURE_LABELS},
        monthly_sections=(entrepreneur_section,),
        demo_module="desktop.demo.entrepreneurs",
    )

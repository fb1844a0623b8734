"""The mentor pool (导师库, 5号文 (五)) and who is assigned to whom (推进行动 计划3 分类指导).

Each write is one service call: one transaction, one operation in the change log, one undo step.
Assignments are logged with the entrepreneur as subject, so they show in the person's file history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from desktop.services.gate import service
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.errors import Conflict, NotFound
from models.masking import mask_phone
from models.permissions import Permission
from models.pinyin import name_search_keys, normalise_query
from models.visits import (
    InstructorLevel,
    Mentor,
    MentorAssignment,
    MentorData,
    MentorKind,
    Topic,
    topics_from_bits,
    validate_mentor,
)

MENTOR_ROLE = "mentor"


@dataclass(frozen=True)
class MentorView:
    """A mentor as lists, pickers and the profile form show them."""

    id: str
    name: str
    phone: str
    organisation: str
    kind: MentorKind
    instructor_level: InstructorLevel | None
    expertise: tuple[Topic, ...]
    service_regions: tuple[str, ...]
    active: bool
    user_name: str
    source: str
    notes: str
    assigned: int
    version: int

    @property
    def kind_label(self) -> str:
        if self.kind is MentorKind.INSTRUCTOR and self.instructor_level is not None:
            return f"{self.kind.label}（{self.instructor_level.label}）"
        return self.kind.label

    @property
    def expertise_label(self) -> str:
        return "、".join(t.label for t in self.expertise)

    @property
    def display(self) -> str:
        """“李明 · 企业家 · 融资、营销” — what a picker shows."""
        parts = [self.name, self.kind.label]
        if self.expertise:
            parts.append(self.expertise_label)
        return " · ".join(parts)

    def form_values(self) -> dict[str, object]:
        return {
            "name": self.name,
            "phone": self.phone,
            "organisation": self.organisation,
            "kind": self.kind,
            "instructor_level": self.instructor_level,
            "expertise": frozenset(self.expertise),
            "service_regions": ",".join(self.service_regions),
            "active": self.active,
            "user_name": self.user_name,
            "notes": self.notes,
        }


def _mentor(data: MentorData | Mapping[str, object]) -> MentorData:
    return data if isinstance(data, MentorData) else validate_mentor(data)


def _search_key(name: str) -> str:
    return " ".join(name_search_keys(name))[:200]


@service(Permission.MANAGE_MENTORS)
def create_mentor(db: Database, actor: Actor, /, *, mentor: MentorData | Mapping[str, object]) -> str:
    """Add a mentor of the station's own to the pool (HQ's mentors arrive by package later)."""
    data = _mentor(mentor)
    with db.transaction() as session:
        return create_mentor_in(session, actor, data)


def create_mentor_in(session: Session, actor: Actor, data: MentorData) -> str:
    """The core of :func:`create_mentor`; never commits."""
    if data.phone:
        clash = session.exec(
            select(Mentor).where(
                Mentor.name == data.name, Mentor.phone == data.phone, col(Mentor.deleted).is_(False)
            )
        ).first()
        if clash is not None:
            raise Conflict(
                f"导师库中已有 {data.name}（{mask_phone(data.phone)}），请勿重复添加",
                existing_id=clash.id,
            )
    record = Mentor(
        station_code=actor.station_code,
        updated_by=actor.user_name,
        name_pinyin=_search_key(data.name),
        **data.column_values(),
    )
    Operation(session, actor, f"添加导师 {data.name}").create(record)
    return record.id


@service(Permission.MANAGE_MENTORS)
def update_mentor(
    db: Database, actor: Actor, /, *, mentor_id: str, mentor: MentorData | Mapping[str, object]
) -> bool:
    """Save a mentor's changed profile; returns whether anything changed."""
    data = _mentor(mentor)
    with db.transaction() as session:
        return update_mentor_in(session, actor, mentor_id, data)


def update_mentor_in(session: Session, actor: Actor, mentor_id: str, data: MentorData) -> bool:
    """The core of :func:`update_mentor`; never commits."""
    record = _get(session, mentor_id)
    values = data.column_values()
    values["name_pinyin"] = _search_key(data.name)
    operation = Operation(session, actor, f"修改导师 {data.name} 的资料")
    return bool(operation.update(record, values))


@service(Permission.MANAGE_MENTORS)
def set_mentor_active(db: Database, actor: Actor, /, *, mentor_id: str, active: bool) -> None:
    """Take a mentor out of the pool (停用) or back; their visits and assignments stay on record."""
    with db.transaction() as session:
        set_mentor_active_in(session, actor, mentor_id, active)


def set_mentor_active_in(session: Session, actor: Actor, mentor_id: str, active: bool) -> None:
    """The core of :func:`set_mentor_active`; never commits."""
    record = _get(session, mentor_id)
    label = "启用" if active else "停用"
    Operation(session, actor, f"{label}导师 {record.name}").update(record, {"active": active})


@service(Permission.VIEW_FILES)
def get_mentor(db: Database, actor: Actor, /, *, mentor_id: str) -> MentorView:
    with db.reading() as session:
        record = _get(session, mentor_id)
        return _view(record, _assigned_counts(session, [record.id]).get(record.id, 0), actor)


@service(Permission.VIEW_FILES)
def list_mentors(
    db: Database,
    actor: Actor,
    /,
    *,
    text: str = "",
    active_only: bool = False,
    kind: MentorKind | None = None,
    expertise: Topic | None = None,
) -> list[MentorView]:
    """The pool, by pinyin order. A station has a few hundred mentors at most, so no paging."""
    needle = normalise_query(text)
    with db.reading() as session:
        query = select(Mentor).where(col(Mentor.deleted).is_(False))
        if active_only:
            query = query.where(col(Mentor.active).is_(True))
        if kind is not None:
            query = query.where(Mentor.kind == kind.value)
        if expertise is not None:
            query = query.where(Mentor.expertise.op("&")(expertise.bit) != 0)  # type: ignore[attr-defined]
        records = [
            r
            for r in session.exec(query.order_by(col(Mentor.name_pinyin), col(Mentor.id))).all()
            if not needle or needle in f"{r.name} {r.name_pinyin} {r.organisation.lower()} {r.phone}"
        ]
        counts = _assigned_counts(session, [r.id for r in records])
        return [_view(r, counts.get(r.id, 0), actor) for r in records]


def _assigned_counts(session: Session, mentor_ids: Sequence[str]) -> dict[str, int]:
    if not mentor_ids:
        return {}
    rows = session.exec(
        select(MentorAssignment.mentor_id, func.count())
        .where(
            col(MentorAssignment.mentor_id).in_(mentor_ids),
            col(MentorAssignment.ended_on).is_(None),
            col(MentorAssignment.deleted).is_(False),
        )
        .group_by(col(MentorAssignment.mentor_id))
    ).all()
    return {mentor_id: count for mentor_id, count in rows}


def _view(record: Mentor, assigned: int, actor: Actor) -> MentorView:
    shown = actor.may(Permission.VIEW_PERSONAL_DATA)
    return MentorView(
        id=record.id,
        name=record.name,
        phone=record.phone if shown or not record.phone else mask_phone(record.phone),
        organisation=record.organisation,
        kind=MentorKind(record.kind),
        instructor_level=InstructorLevel(record.instructor_level) if record.instructor_level else None,
        expertise=tuple(topics_from_bits(record.expertise)),
        service_regions=tuple(r for r in record.service_regions.split(",") if r),
        active=record.active,
        user_name=record.user_name,
        source=record.source,
        notes=record.notes,
        assigned=assigned,
        version=record.version,
    )


def _get(session: Session, mentor_id: str) -> Mentor:
    record = session.get(Mentor, mentor_id)
    if record is None or record.deleted:
        raise NotFound(f"导师库中找不到这位导师（{mentor_id}）")
    return record


# ------------------------------------------------------------------------------------------ assignments
@service(Permission.MANAGE_MENTORS)
def assign_entrepreneurs(
    db: Database, actor: Actor, /, *, mentor_id: str, entrepreneur_ids: Iterable[str], on: date | None = None
) -> int:
    """Assign people to a mentor (those already assigned are skipped). Returns how many were added."""
    day = on or china_today()
    wanted = list(dict.fromkeys(entrepreneur_ids))
    with db.transaction() as session:
        return assign_entrepreneurs_in(session, actor, mentor_id, wanted, day)


def assign_entrepreneurs_in(
    session: Session, actor: Actor, mentor_id: str, wanted: Sequence[str], day: date
) -> int:
    """The core of :func:`assign_entrepreneurs`; never commits."""
    mentor = _get(session, mentor_id)
    if not mentor.active:
        raise Conflict(f"导师 {mentor.name} 已停用，不能再分配创业者；请先在导师库中启用")
    people = {
        p.id: p
        for p in session.exec(select(Entrepreneur).where(col(Entrepreneur.id).in_(wanted))).all()
        if not p.deleted
    }
    missing = [i for i in wanted if i not in people]
    if missing:
        raise NotFound(f"找不到 {len(missing)} 份要分配的档案（可能已删除）")
    already = set(
        session.exec(
            select(MentorAssignment.entrepreneur_id).where(
                MentorAssignment.mentor_id == mentor_id,
                col(MentorAssignment.entrepreneur_id).in_(wanted),
                col(MentorAssignment.ended_on).is_(None),
                col(MentorAssignment.deleted).is_(False),
            )
        ).all()
    )
    todo = [i for i in wanted if i not in already]
    if not todo:
        return 0
    names = "、".join(people[i].name for i in todo[:3]) + (f" 等 {len(todo)} 人" if len(todo) > 3 else "")
    operation = Operation(session, actor, f"为 {names} 分配导师 {mentor.name}")
    for entrepreneur_id in todo:
        record = MentorAssignment(
            station_code=actor.station_code,
            updated_by=actor.user_name,
            mentor_id=mentor_id,
            entrepreneur_id=entrepreneur_id,
            assigned_on=day,
        )
        operation.create(record, subject_id=entrepreneur_id)
    return len(todo)


@service(Permission.MANAGE_MENTORS)
def end_assignment(
    db: Database, actor: Actor, /, *, mentor_id: str, entrepreneur_id: str, on: date | None = None
) -> None:
    """The mentor no longer follows this person; the assignment stays in the history with its end."""
    with db.transaction() as session:
        end_assignment_in(session, actor, mentor_id, entrepreneur_id, on or china_today())


def end_assignment_in(
    session: Session, actor: Actor, mentor_id: str, entrepreneur_id: str, day: date
) -> None:
    """The core of :func:`end_assignment`; never commits."""
    record = session.exec(
        select(MentorAssignment).where(
            MentorAssignment.mentor_id == mentor_id,
            MentorAssignment.entrepreneur_id == entrepreneur_id,
            col(MentorAssignment.ended_on).is_(None),
            col(MentorAssignment.deleted).is_(False),
        )
    ).first()
    if record is None:
        raise NotFound("这位创业者目前没有分配给该导师")
    mentor = _get(session, mentor_id)
    person = session.get(Entrepreneur, entrepreneur_id)
    who = person.name if person else entrepreneur_id
    Operation(session, actor, f"取消 {who} 与导师 {mentor.name} 的分配").update(
        record, {"ended_on": day}, subject_id=entrepreneur_id
    )


@service(Permission.VIEW_FILES)
def assigned_entrepreneur_ids(db: Database, actor: Actor, /, *, mentor_id: str) -> list[str]:
    """Ids of the people a mentor follows now, by name order (for the lazy list and the picker)."""
    with db.reading() as session:
        return list(
            session.exec(
                select(MentorAssignment.entrepreneur_id)
                .join(Entrepreneur, col(Entrepreneur.id) == col(MentorAssignment.entrepreneur_id))
                .where(
                    MentorAssignment.mentor_id == mentor_id,
                    col(MentorAssignment.ended_on).is_(None),
                    col(MentorAssignment.deleted).is_(False),
                    col(Entrepreneur.deleted).is_(False),
                )
                .order_by(col(Entrepreneur.name_pinyin), col(Entrepreneur.id))
            ).all()
        )


@service(Permission.VIEW_FILES)
def mentors_of(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> list[MentorView]:
    """The mentors assigned to a person now, earliest assignment first."""
    with db.reading() as session:
        records = session.exec(
            select(Mentor)
            .join(MentorAssignment, col(MentorAssignment.mentor_id) == col(Mentor.id))
            .where(
                MentorAssignment.entrepreneur_id == entrepreneur_id,
                col(MentorAssignment.ended_on).is_(None),
                col(MentorAssignment.deleted).is_(False),
                col(Mentor.deleted).is_(False),
            )
            .order_by(col(MentorAssignment.assigned_on), col(MentorAssignment.id))
        ).all()
        counts = _assigned_counts(session, [r.id for r in records])
        return [_view(r, counts.get(r.id, 0), actor) for r in records]


# ------------------------------------------------------------------------------- who the workbench is for
@service(Permission.VIEW_FILES)
def mentor_for_actor(db: Database, actor: Actor, /) -> str | None:
    """The mentor whose workbench this is: a signed-in mentor sees their own people; others the station."""
    if actor.role != MENTOR_ROLE:
        return None
    with db.reading() as session:
        return mentor_for_actor_in(session, actor)


def mentor_for_actor_in(session: Session, actor: Actor) -> str | None:
    """The core of :func:`mentor_for_actor` (the workbench's sources compose it)."""
    if actor.role != MENTOR_ROLE:
        return None
    return session.exec(
        select(Mentor.id).where(
            Mentor.user_name == actor.user_name,
            col(Mentor.deleted).is_(False),
            col(Mentor.active).is_(True),
        )
    ).first()


@service(Permission.VIEW_FILES)
def actor_for_mentor(db: Database, actor: Actor, /, *, mentor_id: str) -> Actor:
    """The actor as which a mentor signs in, made from the acting station user (to look at a mentor's
    workbench from the station: ``services.acting_as(...)``)."""
    with db.reading() as session:
        record = _get(session, mentor_id)
        return actor._replace(user_name=record.user_name or record.name, role=MENTOR_ROLE)

"""Finding duplicate files at HQ: one query over the whole county (docs/hq-duplicates.md).

Two kinds of group, both read from indexes of migration 0011 alone:
- **同一身份证号码**: the same ID number on file at two or more stations (HQ's ID numbers are unique
  per station, so two live files with one number are always at two stations);
- **同名同出生日期**: the same name and birth date under different numbers (a mistyped number), at one
  station or several.
Merged-away files and files in the recycle bin are left out; a group whose every pair HQ has kept apart
(不是同一人) is not listed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from sqlalchemy import and_, false, func, literal, select, union_all
from sqlmodel import Session

from models.entrepreneur import Entrepreneur
from models.hq.duplicates import HqKeptApart

BY_NUMBER = "number"
BY_NAME = "name"
REASONS = {BY_NUMBER: "同一身份证号码", BY_NAME: "同名同出生日期"}


@dataclass(frozen=True)
class Member:
    id: str
    station_code: str
    case_number: str
    name: str
    id_number: str  # as stored: the caller masks it for a user who may not see it
    birth_date: date


@dataclass(frozen=True)
class Group:
    """Files that may be one person. ``key`` names the group for the page (never shown)."""

    key: str
    why: str  # BY_NUMBER or BY_NAME
    members: tuple[Member, ...]

    @property
    def reason(self) -> str:
        return REASONS[self.why]

    @property
    def name(self) -> str:
        return self.members[0].name

    @property
    def stations(self) -> tuple[str, ...]:
        return tuple(sorted({m.station_code for m in self.members}))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)


def group_query() -> Any:
    """Every member of every duplicate group, in one statement (two index-only GROUP BYs joined back
    to the files by the same indexes)."""
    e = Entrepreneur.__table__  # type: ignore[attr-defined]
    live = and_(e.c.deleted == false(), e.c.merged_into.is_(None))
    numbers = (
        select(e.c.id_number.label("number"))
        .where(live)
        .group_by(e.c.id_number)
        .having(func.count() > 1)
        .subquery("numbers")
    )
    names = (
        select(e.c.name.label("name"), e.c.birth_date.label("birth"))
        .where(live)
        .group_by(e.c.name, e.c.birth_date)
        .having(func.count(func.distinct(e.c.id_number)) > 1)
        .subquery("names")
    )
    columns = (e.c.id, e.c.station_code, e.c.case_number, e.c.name, e.c.id_number, e.c.birth_date)
    by_number = (
        select(literal(BY_NUMBER).label("why"), *columns)
        .select_from(e.join(numbers, e.c.id_number == numbers.c.number))
        .where(live)
    )
    by_name = (
        select(literal(BY_NAME).label("why"), *columns)
        .select_from(e.join(names, and_(e.c.name == names.c.name, e.c.birth_date == names.c.birth)))
        .where(live)
    )
    return union_all(by_number, by_name)


def _key(why: str, member: Member) -> str:
    if why == BY_NUMBER:
        return f"{BY_NUMBER}:{member.id_number}"
    return f"{BY_NAME}:{member.name}:{member.birth_date.isoformat()}"


def kept_apart_pairs(session: Session) -> set[tuple[str, str]]:
    rows = session.execute(select(HqKeptApart.first_id, HqKeptApart.second_id))  # type: ignore[call-overload]
    return {(str(a), str(b)) for a, b in rows}


def pair(one: str, other: str) -> tuple[str, str]:
    return (one, other) if one < other else (other, one)


def find_groups(session: Session, *, include_kept_apart: bool = False) -> list[Group]:
    """The duplicate groups of the county, by name then key; each group's files oldest case first."""
    found: dict[str, tuple[str, list[Member]]] = {}
    for row in session.execute(group_query()):
        member = Member(
            id=str(row.id),
            station_code=str(row.station_code),
            case_number=str(row.case_number),
            name=str(row.name),
            id_number=str(row.id_number),
            birth_date=row.birth_date,
        )
        key = _key(str(row.why), member)
        found.setdefault(key, (str(row.why), []))[1].append(member)
    apart = set() if include_kept_apart else kept_apart_pairs(session)
    groups = []
    for key, (why, members) in found.items():
        members.sort(key=lambda m: (m.case_number, m.id))
        if apart and all(pair(a.id, b.id) in apart for a, b in combinations(members, 2)):
            continue
        groups.append(Group(key=key, why=why, members=tuple(members)))
    groups.sort(key=lambda g: (g.why != BY_NUMBER, g.name, g.key))
    return groups


def group_of(session: Session, key: str) -> Group | None:
    """One group by its key (as the list gave it), read again: it may have changed meanwhile."""
    for group in find_groups(session, include_kept_apart=True):
        if group.key == key:
            return group
    return None


def same_person_candidates(first: Entrepreneur, second: Entrepreneur) -> bool:
    """Whether two files are a duplicate group's members: one number, or one name and birth date."""
    return first.id_number == second.id_number or (
        first.name == second.name and first.birth_date == second.birth_date
    )


def counts_of(session: Session, ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """Per file: its ventures, visits, classes, applications and loans (live ones), one indexed
    GROUP BY per kind."""
    from models.applications import Application, Loan
    from models.entrepreneur import Venture
    from models.training import Enrolment
    from models.visits.tables import Visit

    kinds: Iterable[tuple[str, Any]] = (
        ("ventures", Venture),
        ("visits", Visit),
        ("classes", Enrolment),
        ("applications", Application),
        ("loans", Loan),
    )
    counts = {
        file_id: dict.fromkeys(("ventures", "visits", "classes", "applications", "loans"), 0)
        for file_id in ids
    }
    for name, model in kinds:
        table = model.__table__
        query = (
            select(table.c.entrepreneur_id, func.count())
            .where(table.c.entrepreneur_id.in_(list(ids)), table.c.deleted == false())
            .group_by(table.c.entrepreneur_id)
        )
        for owner, count in session.execute(query):
            counts[str(owner)][name] = int(count)
    return counts

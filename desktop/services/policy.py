"""Policy sets and "what is this person eligible for?" (政策与补贴).

The policy set in force is chosen for the date asked (``as_of``) and the station's region from the
shipped default (an example, to be confirmed locally) and the sets installed at the station. Installing
a set checks it first: a malformed or contradictory set is refused with its line and reason and nothing
is stored, so the set in force before stays in force (DOMAIN.md "Policy parameters are data, not code").

Eligibility reads the file (key groups, graduation, birth date), its ventures (registration date, type,
stage, jobs created) and the person's applications (what was already received, loans still open, social
insurance months recorded), and answers per item with the conditions that held, failed or lack data.
Policy background: 5号文 (十)(十五)(十六)(十七)(十八), 推进行动 计划4/5/7/8.

Every public function that reads the database is a gated service: reading sets and one person's
eligibility needs 查看档案, the whole station's counts 查看统计报表, installing a set
管理服务站设置和政策参数. The ``*_in(session, …)`` cores let the applications' writes read the set in
force in their own transaction. Policy sets are HQ's records (:func:`area`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlmodel import Session, col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services.gate import service
from models.applications import OPEN_STATUSES, ApplicationStatus
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import key_groups_from_bits
from models.errors import Conflict, NotFound
from models.permissions import Permission
from models.policy import (
    Eligibility,
    InstalledPolicySet,
    ItemAnswer,
    ItemCode,
    PersonFacts,
    PolicyBook,
    PolicySet,
    PolicySetError,
    Receipt,
    VentureFacts,
    evaluate_item,
    parse_policy_set,
)
from models.station import get_station
from resources import resource_path

if TYPE_CHECKING:
    from desktop.services.areas import Area

log = logging.getLogger(__name__)

DEFAULT_POLICY_FILE = resource_path("policies", "default.json")
KIND = "policy_set"


# ---------------------------------------------------------------------------------------------- read models
@dataclass(frozen=True)
class PolicySetInfo:
    id: str
    version: int
    name: str
    region: str
    period: str
    example: bool
    notice: str
    origin: str
    items: tuple[str, ...]
    builtin: bool

    @classmethod
    def of(cls, policy_set: PolicySet, *, builtin: bool) -> PolicySetInfo:
        return cls(
            id=policy_set.id,
            version=policy_set.version,
            name=policy_set.name,
            region=policy_set.region,
            period=policy_set.period_label,
            example=policy_set.example,
            notice=policy_set.notice,
            origin=policy_set.origin,
            items=tuple(item.name for item in policy_set.items),
            builtin=builtin,
        )

    @property
    def title(self) -> str:
        # the id is the program's word, not a worker's: the CLI's listing names it, the screens do not
        return f"{self.name}（第 {self.version} 版，{self.period}）"


@dataclass(frozen=True)
class OpenApplication:
    id: str
    number: str
    status: ApplicationStatus


@dataclass(frozen=True)
class EligibilityReport:
    """The answer to "what is this person eligible for?" on ``as_of``."""

    entrepreneur_id: str
    name: str
    case_number: str
    as_of: date
    policy_set: PolicySetInfo
    answers: tuple[ItemAnswer, ...]
    open_applications: dict[ItemCode, OpenApplication] = field(default_factory=dict)

    def answer(self, code: ItemCode) -> ItemAnswer | None:
        return next((a for a in self.answers if a.item.code is code), None)

    @property
    def eligible_count(self) -> int:
        return sum(1 for a in self.answers if a.eligibility is Eligibility.ELIGIBLE)


# ------------------------------------------------------------------------------------------- policy sets
@lru_cache(maxsize=4)
def _parse_cached(content: str, origin: str) -> PolicySet:
    return parse_policy_set(content, origin=origin)


def default_policy_set() -> PolicySet:
    """The set shipped with the program (an example to be confirmed locally)."""
    return _parse_cached(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"), "内置默认参数")


@service(Permission.VIEW_FILES)
def policy_book(db: Database, actor: Actor, /) -> PolicyBook:
    """The shipped default and every set installed at the station."""
    with db.reading() as session:
        return policy_book_in(session)


def policy_book_in(session: Session) -> PolicyBook:
    """The core of :func:`policy_book` inside the caller's session."""
    book = PolicyBook().with_set(default_policy_set())
    stored = session.exec(select(InstalledPolicySet).where(col(InstalledPolicySet.deleted).is_(False))).all()
    for record in stored:
        try:
            book = book.with_set(_parse_cached(record.content, record.origin))
        except PolicySetError as error:  # checked when installed; only a newer format could fail here
            log.warning(
                "stored policy set %s v%s no longer loads: %s", record.set_id, record.set_version, error
            )
    return book


def _station_region(session: Session) -> str:
    return get_station(session=session).code[:6]


@service(Permission.VIEW_FILES)
def policy_set_in_force(
    db: Database, actor: Actor, /, *, as_of: date | None = None, region: str | None = None
) -> PolicySet:
    with db.reading() as session:
        return policy_set_in_force_in(session, as_of=as_of, region=region)


def policy_set_in_force_in(
    session: Session, *, as_of: date | None = None, region: str | None = None
) -> PolicySet:
    """The core of :func:`policy_set_in_force` (the applications' writes compose it)."""
    day = as_of or china_today()
    found = policy_book_in(session).in_force(day, region if region is not None else _station_region(session))
    if found is None:
        raise NotFound(f"没有在 {day.isoformat()} 有效的政策参数；请导入总部下发的政策参数文件")
    return found


@service(Permission.VIEW_FILES)
def list_policy_sets(db: Database, actor: Actor, /) -> list[PolicySetInfo]:
    with db.reading() as session:
        book = policy_book_in(session)
    default = default_policy_set()
    return [PolicySetInfo.of(s, builtin=s is default) for s in book.sets]


def check_policy_text(content: str, *, origin: str = "") -> PolicySetInfo:
    """Check a set without installing it; :class:`PolicySetError` names each problem's line."""
    return PolicySetInfo.of(parse_policy_set(content, origin=origin), builtin=False)


@service(Permission.MANAGE_STATION)
def install_policy_set(db: Database, actor: Actor, /, *, content: str, origin: str = "") -> PolicySetInfo:
    """Check and install a set. A refused set changes nothing: the set in force stays in force."""
    policy_set = _checked(content, origin)
    with db.transaction() as session:
        return install_policy_set_in(session, actor, policy_set, content=content, origin=origin)


@service(Permission.MANAGE_STATION)
def install_policy_file(db: Database, actor: Actor, /, *, path: Path) -> PolicySetInfo:
    content, origin = path.read_text(encoding="utf-8-sig"), path.name
    policy_set = _checked(content, origin)
    with db.transaction() as session:
        return install_policy_set_in(session, actor, policy_set, content=content, origin=origin)


def _checked(content: str, origin: str) -> PolicySet:
    policy_set = parse_policy_set(content, origin=origin)
    if policy_set.id == default_policy_set().id:
        raise Conflict(f"政策参数编号“{policy_set.id}”是内置默认参数的编号，请使用其他编号")
    return policy_set


def install_policy_set_in(
    session: Session, actor: Actor, policy_set: PolicySet, *, content: str, origin: str = ""
) -> PolicySetInfo:
    """The core of :func:`install_policy_set` for a checked set (``content`` is its exact text); never
    commits. The same file again changes nothing; an older or equal version is refused."""
    newest = session.exec(
        select(InstalledPolicySet)
        .where(InstalledPolicySet.set_id == policy_set.id, col(InstalledPolicySet.deleted).is_(False))
        .order_by(col(InstalledPolicySet.set_version).desc())
    ).first()
    if newest is not None and newest.set_version >= policy_set.version:
        if newest.digest == policy_set.digest:
            return PolicySetInfo.of(policy_set, builtin=False)  # the same file again: nothing to do
        raise Conflict(
            f"已安装政策参数“{policy_set.id}”第 {newest.set_version} 版，"
            f"不能再安装第 {policy_set.version} 版；新版本的版本号应更大",
            existing_id=newest.id,
        )
    operation = Operation(session, actor, f"安装政策参数 {policy_set.name}（第 {policy_set.version} 版）")
    record = InstalledPolicySet(
        station_code=actor.station_code,
        updated_by=actor.user_name,
        set_id=policy_set.id,
        set_version=policy_set.version,
        name=policy_set.name[:100],
        region=policy_set.region,
        effective_from=policy_set.effective_from,
        effective_to=policy_set.effective_to,
        content=content,
        digest=policy_set.digest,
        origin=origin[:200],
    )
    operation.create(record)
    return PolicySetInfo.of(policy_set, builtin=False)


# ------------------------------------------------------------------------------------------------- facts
def _venture_facts(rows: Iterable[Venture]) -> tuple[VentureFacts, ...]:
    return tuple(
        VentureFacts(
            id=v.id,
            name=v.name,
            entity_type=v.entity_type,
            stage=v.stage,
            registration_date=v.registration_date,
            jobs_created=v.jobs_created,
        )
        for v in rows
    )


def trainings_completed(session: Session, entrepreneur_ids: Sequence[str] | None = None) -> dict[str, int]:
    """Completed training enrolments per person (the training area's records; 5号文 (二))."""
    sql = (
        "SELECT entrepreneur_id, count(*) FROM training_enrolment "
        "WHERE deleted = 0 AND status = 'enrolled' AND result = 'completed' GROUP BY entrepreneur_id"
    )
    counts = {row[0]: int(row[1]) for row in session.connection().execute(text(sql))}
    if entrepreneur_ids is None:
        return counts
    return {key: counts.get(key, 0) for key in entrepreneur_ids}


@dataclass
class _ApplicationFacts:
    receipts: list[Receipt] = field(default_factory=list)
    outstanding: set[ItemCode] = field(default_factory=set)
    social_insurance_months: int | None = None
    open: dict[ItemCode, OpenApplication] = field(default_factory=dict)


def _application_facts(
    session: Session, entrepreneur_ids: Sequence[str] | None, as_of: date, *, exclude: str | None = None
) -> dict[str, _ApplicationFacts]:
    sql = (
        "SELECT a.id, a.number, a.entrepreneur_id, a.item_code, a.status, a.disbursed_on, "
        "a.social_insurance_months, l.repaid_on FROM application a "
        "LEFT JOIN loan l ON l.application_id = a.id AND l.deleted = 0 WHERE a.deleted = 0"
    )
    params: dict[str, object] = {}
    if entrepreneur_ids is not None:
        names = [f":p{index}" for index in range(len(entrepreneur_ids))]
        sql += f" AND a.entrepreneur_id IN ({', '.join(names) or 'NULL'})"
        params = {f"p{index}": value for index, value in enumerate(entrepreneur_ids)}
    facts: dict[str, _ApplicationFacts] = {}
    open_values = {s.value for s in OPEN_STATUSES}
    rows = session.connection().execute(text(sql + " ORDER BY a.applied_on, a.id"), params)
    for app_id, number, person, item_text, status, disbursed_text, insured, repaid_text in rows:
        disbursed_on = _as_date(disbursed_text) if disbursed_text else None
        repaid_on = _as_date(repaid_text) if repaid_text else None
        if app_id == exclude:
            continue
        item = ItemCode.from_label(item_text)
        if item is None:
            continue
        code = ItemCode(item)
        entry = facts.setdefault(person, _ApplicationFacts())
        if insured is not None:
            entry.social_insurance_months = insured
        disbursed = status == ApplicationStatus.DISBURSED.value and (
            disbursed_on is None or disbursed_on <= as_of
        )
        if disbursed:
            entry.receipts.append(Receipt(code, disbursed_on))
            if code.kind.value == "loan" and (repaid_on is None or repaid_on > as_of):
                entry.outstanding.add(code)
        if status in open_values:
            entry.open[code] = OpenApplication(app_id, number, ApplicationStatus(status))
    return facts


def person_facts(
    session: Session,
    entrepreneur_id: str,
    *,
    as_of: date,
    exclude_application: str | None = None,
) -> tuple[Entrepreneur, PersonFacts, dict[ItemCode, OpenApplication]]:
    person = session.get(Entrepreneur, entrepreneur_id)
    if person is None or person.deleted:
        raise NotFound(f"找不到档案 {entrepreneur_id}（或已在回收站中）")
    ventures = session.exec(
        select(Venture)
        .where(Venture.entrepreneur_id == entrepreneur_id, col(Venture.deleted).is_(False))
        .order_by(col(Venture.created_at), col(Venture.id))
    ).all()
    applications = _application_facts(session, [entrepreneur_id], as_of, exclude=exclude_application).get(
        entrepreneur_id, _ApplicationFacts()
    )
    facts = PersonFacts(
        entrepreneur_id=person.id,
        birth_date=person.birth_date,
        key_groups=frozenset(key_groups_from_bits(person.key_groups)),
        graduation_date=person.graduation_date,
        ventures=_venture_facts(ventures),
        receipts=tuple(applications.receipts),
        outstanding_loans=frozenset(applications.outstanding),
        social_insurance_months=applications.social_insurance_months,
        trainings_completed=trainings_completed(session, [entrepreneur_id])[entrepreneur_id],
    )
    return person, facts, applications.open


@service(Permission.VIEW_FILES)
def eligibility(
    db: Database, actor: Actor, /, *, entrepreneur_id: str, as_of: date | None = None
) -> EligibilityReport:
    """Each item of the set in force on ``as_of``: eligible / not / missing data, and why."""
    with db.reading() as session:
        return eligibility_in(session, entrepreneur_id=entrepreneur_id, as_of=as_of)


def eligibility_in(session: Session, *, entrepreneur_id: str, as_of: date | None = None) -> EligibilityReport:
    """The core of :func:`eligibility` inside the caller's session."""
    day = as_of or china_today()
    policy_set = policy_set_in_force_in(session, as_of=day)
    person, facts, open_applications = person_facts(session, entrepreneur_id, as_of=day)
    return EligibilityReport(
        entrepreneur_id=person.id,
        name=person.name,
        case_number=person.case_number,
        as_of=day,
        policy_set=PolicySetInfo.of(policy_set, builtin=policy_set is default_policy_set()),
        answers=tuple(evaluate_item(item, facts, day) for item in policy_set.items),
        open_applications=open_applications,
    )


# ------------------------------------------------------------------------------------- a whole station
@dataclass(frozen=True)
class StationRows:
    """The rows eligibility reads for every person at once (what the benchmark's baseline loads)."""

    people: list[tuple[str, date, int, date | None]]
    ventures: dict[str, list[VentureFacts]]
    applications: dict[str, _ApplicationFacts]
    trainings: dict[str, int]


@service(Permission.VIEW_STATISTICS)
def load_station_rows(db: Database, actor: Actor, /, *, as_of: date) -> StationRows:
    with db.reading() as session:
        return station_rows_in(session, as_of=as_of)


def station_rows_in(session: Session, *, as_of: date) -> StationRows:
    """The core of :func:`load_station_rows` inside the caller's session."""
    connection = session.connection()
    people = [
        (row[0], _as_date(row[1]), int(row[2]), _as_date(row[3]) if row[3] else None)
        for row in connection.execute(
            text("SELECT id, birth_date, key_groups, graduation_date FROM entrepreneur WHERE deleted = 0")
        )
    ]
    ventures: dict[str, list[VentureFacts]] = {}
    for row in connection.execute(
        text(
            "SELECT entrepreneur_id, id, name, entity_type, stage, registration_date, jobs_created "
            "FROM venture WHERE deleted = 0 ORDER BY created_at, id"
        )
    ):
        ventures.setdefault(row[0], []).append(
            VentureFacts(row[1], row[2], row[3], row[4], _as_date(row[5]) if row[5] else None, int(row[6]))
        )
    applications = _application_facts(session, None, as_of)
    trainings = trainings_completed(session)
    return StationRows(people, ventures, applications, trainings)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@service(Permission.VIEW_STATISTICS)
def station_eligibility(
    db: Database, actor: Actor, /, *, as_of: date, job: JobState = UNWATCHED
) -> dict[ItemCode, dict[Eligibility, int]]:
    """How many people are eligible / not / missing data for each item on ``as_of``."""
    with db.reading() as session:
        policy_set = policy_set_in_force_in(session, as_of=as_of)
        rows = station_rows_in(session, as_of=as_of)
    counts: dict[ItemCode, dict[Eligibility, int]] = {
        item.code: dict.fromkeys(Eligibility, 0) for item in policy_set.items
    }
    for index, facts in enumerate(_station_facts(rows)):
        if index % 5000 == 0:
            job.report(index, len(rows.people), "正在判断政策资格……")
        for item in policy_set.items:
            counts[item.code][evaluate_item(item, facts, as_of).eligibility] += 1
    return counts


def _station_facts(rows: StationRows) -> Iterator[PersonFacts]:
    empty = _ApplicationFacts()
    for person_id, birth, bits, graduation in rows.people:
        applied = rows.applications.get(person_id, empty)
        yield PersonFacts(
            entrepreneur_id=person_id,
            birth_date=birth,
            key_groups=frozenset(key_groups_from_bits(bits)),
            graduation_date=graduation,
            ventures=tuple(rows.ventures.get(person_id, ())),
            receipts=tuple(applied.receipts),
            outstanding_loans=frozenset(applied.outstanding),
            social_insurance_months=applied.social_insurance_months,
            trainings_completed=rows.trainings.get(person_id, 0),
        )


def area() -> Area:
    """Policy sets: the parameters HQ issues (the shipped default is a file, not a record)."""
    from desktop.services.areas import Area, RecordKind

    return Area(name="policy", records=(RecordKind(KIND, owner="hq"),))

"""总部 → 数据质量: the stations' records that fail HQ's checks, a list per check, and 发回服务站 — the
chosen rows go back to their station as tasks in its next reply.

A task is a ``sync_notice`` of kind ``task`` for the station (``peer``): HQ's reply already carries
every notice the station has not acknowledged (``replies._notices_for``), and the station keeps and
lists it with HQ's other notices (数据同步 → 通知). No change to the sync core. Its text names the
person and what to check, never the ID number itself.

Each check is one query over every station (the rows, not one query per station or per person)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from desktop.services.gate import service
from models.actor import Actor
from models.database import Database
from models.permissions import Permission

DEFAULT_VENTURE_MONTHS = 6

ID_CHECKSUM = "id_checksum"
ID_BIRTH = "id_birth"
ID_REGION = "id_region"
NO_VENTURE = "no_venture"
VISIT_OUTCOME = "visit_outcome"

CHECKS: dict[str, str] = {
    ID_CHECKSUM: "身份证号码未通过校验",
    ID_BIRTH: "出生日期与身份证号码不符",
    ID_REGION: "户籍地区与身份证号码不符",
    NO_VENTURE: "建档多月仍无创业项目",
    VISIT_OUTCOME: "走访没有记录结果",
}
TASK = "task"
TASK_PREFIX = "总部数据质量检查"


@dataclass(frozen=True)
class QualityRow:
    check: str
    station: str
    record_kind: str  # "entrepreneur" or "visit"
    record_id: str
    person: str
    id_shown: str  # the ID number, masked unless the actor may see personal data
    detail: str  # what is wrong, in words (no ID number in it)
    day: date | None  # the file's creation day, or the visit's date
    sent_at: datetime | None  # when it was last sent back as a task (None: not yet)

    @property
    def task_text(self) -> str:
        who = f"{self.person}：" if self.person else ""
        return f"{TASK_PREFIX}（{CHECKS[self.check]}）：{who}{self.detail}。请核对档案并更正。"[:500]


def months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


@service(Permission.VIEW_FILES)
def quality_report(
    db: Database,
    actor: Actor,
    /,
    *,
    station: str | None = None,
    today: date | None = None,
    venture_months: int = DEFAULT_VENTURE_MONTHS,
) -> dict[str, list[QualityRow]]:
    """Every check's rows (by check, in :data:`CHECKS` order); ``station`` narrows them to one."""
    from sqlalchemy import and_, exists, select
    from sqlmodel import col

    from desktop.services.sync.hq_side import hq_node
    from models.base import china_today
    from models.clock import to_china
    from models.entrepreneur import Entrepreneur, Venture
    from models.masking import mask_id_number
    from models.visits.tables import AgreedAction, Visit

    day = today or china_today()
    found: dict[str, list[QualityRow]] = {check: [] for check in CHECKS}
    see = actor.may(Permission.VIEW_PERSONAL_DATA)
    with db.reading() as session:
        node = hq_node(session)
        sent = _sent(session)
        where = [col(Entrepreneur.deleted).is_(False), col(Entrepreneur.station_code) != node.code]
        if station:
            where.append(col(Entrepreneur.station_code) == station)
        has_venture = exists().where(
            col(Venture.entrepreneur_id) == col(Entrepreneur.id), col(Venture.deleted).is_(False)
        )
        people = select(
            col(Entrepreneur.id),
            col(Entrepreneur.station_code),
            col(Entrepreneur.name),
            col(Entrepreneur.id_number),
            col(Entrepreneur.birth_date),
            col(Entrepreneur.household_region),
            col(Entrepreneur.created_at),
            has_venture,
        ).where(*where)
        cutoff = months_before(day, venture_months)
        for pid, code, name, number, birth, region, created, ventured in session.execute(people):
            shown = str(number) if see else mask_id_number(str(number))
            created_day = to_china(created).date()

            problems = list(_id_problems(str(number), birth, region))
            if not ventured and created_day <= cutoff:
                made = f"{created_day.year}年{created_day.month}月{created_day.day}日建档"
                problems.append((NO_VENTURE, f"{made}，{venture_months} 个月后仍没有创业项目"))
            for check, detail in problems:
                key = (TASK, "entrepreneur", pid, check)
                found[check].append(
                    QualityRow(
                        check, code, "entrepreneur", pid, name, shown, detail, created_day, sent.get(key)
                    )
                )
        no_outcome = and_(
            col(Visit.deleted).is_(False),
            col(Visit.advice) == "",
            col(Visit.stage_after).is_(None),
            col(Visit.jobs_after).is_(None),
            col(Visit.new_venture_id).is_(None),
            col(Visit.next_visit_date).is_(None),
            ~exists().where(
                col(AgreedAction.visit_id) == col(Visit.id), col(AgreedAction.deleted).is_(False)
            ),
        )
        visits = (
            select(
                col(Visit.id),
                col(Visit.station_code),
                col(Visit.visit_date),
                col(Entrepreneur.name),
                col(Entrepreneur.id_number),
            )
            .join(Entrepreneur, col(Entrepreneur.id) == col(Visit.entrepreneur_id))
            .where(no_outcome, col(Visit.station_code) != node.code)
        )
        if station:
            visits = visits.where(col(Visit.station_code) == station)
        for vid, code, visited, name, number in session.execute(visits.order_by(col(Visit.visit_date))):
            found[VISIT_OUTCOME].append(
                QualityRow(
                    VISIT_OUTCOME,
                    code,
                    "visit",
                    vid,
                    name,
                    str(number) if see else mask_id_number(str(number)),
                    f"{visited.year}年{visited.month}月{visited.day}日的走访只记了问题：没有指导建议、约定事项、"
                    "下次走访日期或档案的变化",
                    visited,
                    sent.get((TASK, "visit", vid, VISIT_OUTCOME)),
                )
            )
    for rows in found.values():
        rows.sort(key=lambda r: (r.station, r.day or date.min, r.person))
    return found


def _id_problems(number: str, birth: date | None, region: str | None) -> Iterable[tuple[str, str]]:
    from models.errors import ValidationError
    from models.validators import parse_id_number

    try:
        parsed = parse_id_number(number)
    except ValidationError:
        yield ID_CHECKSUM, "身份证号码未通过校验（校验位、出生日期或地区码不对）"
        return
    if birth is not None and parsed.birth_date != birth:
        yield ID_BIRTH, f"档案的出生日期 {birth.isoformat()} 与身份证号码中的出生日期不一致"
    # the city (first four digits): county codes change over the years while old numbers stay valid
    if region and len(region) >= 4 and number[:4] != region[:4]:
        from models.regions import region_name

        yield ID_REGION, f"户籍地区 {region_name(region) or region} 与身份证号码的发证地区不在同一市"


def _sent(session: object) -> dict[tuple[str, str, str, str], datetime]:
    """When each record was last sent back for each check (tasks are notices for the station)."""
    from sqlalchemy import select
    from sqlmodel import Session, col

    from models.sync.tables import SyncNotice

    assert isinstance(session, Session)
    query = select(
        col(SyncNotice.record_kind),
        col(SyncNotice.record_id),
        col(SyncNotice.other_record_id),
        col(SyncNotice.at),
    )
    latest: dict[tuple[str, str, str, str], datetime] = {}
    for kind, record_id, check, at in session.execute(query.where(col(SyncNotice.kind) == TASK)):
        key = (TASK, str(kind), str(record_id), str(check))
        latest[key] = max(at, latest.get(key, at))
    return latest


@service(Permission.MANAGE_HQ)
def send_back(db: Database, actor: Actor, /, *, rows: Sequence[QualityRow]) -> int:
    """发回服务站: each row becomes a task for its station's next reply (a row already waiting for the
    station — sent and not yet acknowledged — is not sent twice). Returns how many were made."""
    from sqlalchemy import select
    from sqlmodel import col

    from desktop.services.sync.hq_side import hq_node
    from models.sync.tables import SyncNotice, SyncPeer

    made = 0
    with db.transaction() as session:
        hq_node(session)
        acked = {p.code: p.acked_seq for p in session.scalars(select(SyncPeer))}
        pending = {
            (n.peer, n.record_kind, n.record_id, n.other_record_id)
            for n in session.scalars(select(SyncNotice).where(col(SyncNotice.kind) == TASK))
            if n.hq_seq == 0 or n.hq_seq > acked.get(n.peer, 0)
        }
        for row in rows:
            key = (row.station, row.record_kind, row.record_id, row.check)
            if key in pending or row.station not in acked:
                continue
            pending.add(key)
            session.add(
                SyncNotice(
                    kind=TASK,
                    peer=row.station,
                    record_kind=row.record_kind,
                    record_id=row.record_id,
                    other_record_id=row.check,  # which check: the same row is not sent twice
                    text=row.task_text,
                )
            )
            made += 1
    return made

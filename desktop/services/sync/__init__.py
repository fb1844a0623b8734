"""Sync with headquarters by signed, encrypted package files (docs/sync.md, DESIGN.md "Sync by packages").

Every entry here passes the gate and runs one transaction: an import applies all of a package or none
of it; an export records the package only once its file is written and verified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.jobs import UNWATCHED, JobState
from desktop.services.gate import service
from models.actor import Actor
from models.permissions import Permission

if TYPE_CHECKING:
    from desktop.services.areas import Area
    from desktop.services.station import StationInfo
    from desktop.services.sync.common import Receipt, Written
    from desktop.services.sync.online import OnlineOutcome, SignInAnswer
    from desktop.services.sync.review import SyncStatus
    from models.database import Database

LOCAL_TABLES = (
    "sync_node",
    "sync_peer",
    "sync_package",
    "sync_conflict",
    "sync_waiting",
    "sync_notice",
    "sync_quarantine",
    "sync_transfer",
)


def area() -> Area:
    """Sync's own state: all local (what travels is the journal's change rows)."""
    from desktop.services.areas import Area

    return Area(name="sync", local_tables=LOCAL_TABLES)


# ------------------------------------------------------------------------------------------- station
@service(Permission.MANAGE_STATION)
def enrol_station(db: Database, actor: Actor, /, *, path: Path) -> StationInfo:
    """A new station from HQ's enrolment package: its code and name, HQ's keys, the reference data."""
    from sqlmodel import select

    from desktop.services.station import StationInfo
    from desktop.services.sync.node import node_or_none, refuse
    from desktop.services.sync.station_side import enrol_in
    from desktop.sync_package import PublicKeys, open_package
    from models.station import Station
    from models.validators import normalise_text, parse_station_code

    package = open_package(
        path, receiver=None, resolve_signer=lambda m: PublicKeys.from_json(m.get("hq_keys")), identity=None
    )
    manifest = package.manifest
    if manifest.get("kind") != "enrolment":
        raise refuse(f"{path.name} 不是总部的登记包（包的类型：{manifest.get('kind')}）")
    code = parse_station_code(manifest.get("receiver"))
    name = normalise_text(str(manifest.get("station_name") or "")) or code
    with db.transaction() as session:
        if node_or_none(session) is not None:
            raise refuse("这个数据库已经登记过数据同步，不能再用登记包登记")
        existing = session.exec(select(Station)).first()
        if existing is not None and existing.code != code:
            raise refuse(f"这个数据库属于服务站 {existing.code}，而登记包是发给服务站 {code} 的")
        if existing is None:
            session.add(Station(code=code, name=name))
        session.flush()
        enrol_in(session, package, code)
    return StationInfo(code, name, False)


@service(Permission.SYNC)
def export_package(db: Database, actor: Actor, /, *, out_dir: Path, job: JobState = UNWATCHED) -> Written:
    """导出同步包: every change HQ has not acknowledged, to ``out_dir``; returns what was written."""
    from desktop.services.sync.station_side import write_station_package

    with db.transaction() as session:
        return write_station_package(session, out_dir, job)


@service(Permission.SYNC)
def import_package(db: Database, actor: Actor, /, *, path: Path, job: JobState = UNWATCHED) -> Receipt:
    """导入数据包: at a station HQ's reply, at HQ a station's package; all of it or none of it."""
    from desktop.services.sync.hq_side import import_station_package
    from desktop.services.sync.node import keys_of, pinned, refuse, the_hq, this_node
    from desktop.services.sync.station_side import apply_reply
    from desktop.sync_package import PublicKeys, open_package
    from models.sync.tables import HQ

    with db.transaction() as session:
        node = this_node(session)
        if node.role == HQ:
            return import_station_package(session, path, check=job.check)
        hq = the_hq(session)

        def resolve(manifest: dict[str, Any]) -> PublicKeys:
            keys = pinned(hq)
            if manifest.get("sender") != hq.code or keys is None:
                raise refuse(f"数据包来自“{manifest.get('sender')}”，不是本站登记的总部 {hq.code}")
            return keys

        package = open_package(path, receiver=node.code, resolve_signer=resolve, identity=keys_of(node))
        job.check()
        return apply_reply(session, package)


@service(Permission.SYNC)
def sync_status(db: Database, actor: Actor, /) -> SyncStatus:
    from desktop.services.sync.review import status_in

    with db.reading() as session:
        return status_in(session)


@dataclass(frozen=True)
class ConflictView:
    id: str
    kind: str
    record_kind: str
    record_id: str
    station_code: str
    field: str
    winner_value: Any
    winner: str  # who, where, when
    loser_value: Any
    loser: str
    status: str
    found_at: datetime
    person: str = ""  # whose file the record belongs to


@service(Permission.SYNC)
def list_conflicts(db: Database, actor: Actor, /, *, include_settled: bool = False) -> list[ConflictView]:
    from sqlmodel import col, select

    from desktop.services.sync.review import person_of
    from models.clock import to_china
    from models.sync.tables import SyncConflict

    def who(user: str, station: str, at: datetime) -> str:
        return f"{user}（{station}，{to_china(at):%Y-%m-%d %H:%M}）"

    with db.reading() as session:
        query = select(SyncConflict).order_by(col(SyncConflict.found_at).desc())
        if not include_settled:
            query = query.where(col(SyncConflict.status) == "open")
        return [
            ConflictView(
                c.id,
                c.kind,
                c.record_kind,
                c.record_id,
                c.station_code,
                c.field,
                c.winner_value,
                who(c.winner_user, c.winner_station, c.winner_at),
                c.loser_value,
                who(c.loser_user, c.loser_station, c.loser_at),
                c.status,
                c.found_at,
                person_of(session, c.record_kind, c.record_id),
            )
            for c in session.scalars(query)
        ]


@service(Permission.SYNC)
def keep_winner(db: Database, actor: Actor, /, *, conflict_id: str) -> None:
    from desktop.services.sync.review import settle_in

    with db.transaction() as session:
        settle_in(session, actor, conflict_id, reinstate=False)


@service(Permission.SYNC)
def reinstate_other(db: Database, actor: Actor, /, *, conflict_id: str) -> None:
    """Put the value that lost back: a new change that travels to HQ and wins everywhere."""
    from desktop.services.sync.review import settle_in

    with db.transaction() as session:
        settle_in(session, actor, conflict_id, reinstate=True)


@dataclass(frozen=True)
class QueueView:
    change_id: str
    record_kind: str
    record_id: str
    action: str
    reason: str
    since: datetime
    peer: str
    person: str = ""


@service(Permission.SYNC)
def list_waiting(db: Database, actor: Actor, /) -> list[QueueView]:
    from sqlalchemy import select

    from desktop.services.sync.review import person_of
    from models.sync.tables import SyncWaiting

    with db.reading() as session:
        return [
            QueueView(
                w.change_id,
                str(w.change.get("record_kind", "")),
                str(w.change.get("record_id", "")),
                str(w.change.get("action", "")),
                w.reason,
                w.since,
                w.peer,
                person_of(session, str(w.change.get("record_kind", "")), str(w.change.get("record_id", ""))),
            )
            for w in session.scalars(select(SyncWaiting).order_by(SyncWaiting.since))  # type: ignore[arg-type]
        ]


@service(Permission.SYNC)
def list_quarantine(db: Database, actor: Actor, /) -> list[QueueView]:
    from sqlalchemy import select

    from desktop.services.sync.review import person_of
    from models.sync.tables import SyncQuarantine

    with db.reading() as session:
        return [
            QueueView(
                q.change_id,
                q.record_kind,
                q.record_id,
                str(q.change.get("action", "")),
                q.reason,
                q.at,
                q.peer,
                person_of(session, q.record_kind, q.record_id),
            )
            for q in session.scalars(select(SyncQuarantine).order_by(SyncQuarantine.at))  # type: ignore[arg-type]
        ]


@service(Permission.SYNC)
def force_apply(db: Database, actor: Actor, /, *, change_id: str) -> str:
    """A waiting change whose base never came: applied by a person's explicit, audited decision."""
    from desktop.services.sync.review import force_in

    with db.transaction() as session:
        return force_in(session, actor, change_id)


@dataclass(frozen=True)
class NoticeView:
    id: str
    kind: str
    record_kind: str
    record_id: str
    other_station: str
    text: str
    at: datetime


@service(Permission.SYNC)
def list_notices(db: Database, actor: Actor, /) -> list[NoticeView]:
    from sqlalchemy import select

    from models.sync.tables import SyncNotice

    with db.reading() as session:
        return [
            NoticeView(n.id, n.kind, n.record_kind, n.record_id, n.other_station, n.text, n.at)
            for n in session.scalars(select(SyncNotice).order_by(SyncNotice.at.desc()))  # type: ignore[attr-defined]
        ]


# ------------------------------------------------------------------------------------------------- HQ
@service(Permission.MANAGE_HQ)
def init_hq(db: Database, actor: Actor, /, *, code: str, name: str) -> None:
    from desktop.services.sync.hq_side import init_hq_in

    with db.transaction() as session:
        init_hq_in(session, code, name)


@service(Permission.MANAGE_HQ)
def enroll_station(db: Database, actor: Actor, /, *, code: str, name: str, out: Path) -> Path:
    from desktop.services.sync.hq_side import write_enrolment
    from models.validators import parse_station_code

    station = parse_station_code(code)
    with db.transaction() as session:
        return write_enrolment(session, station, name, out)


@service(Permission.MANAGE_HQ)
def write_hq_reply(
    db: Database, actor: Actor, /, *, code: str, out_dir: Path, job: JobState = UNWATCHED
) -> Written:
    from desktop.services.sync.replies import write_reply

    with db.transaction() as session:
        return write_reply(session, code, out_dir, job)


@service(Permission.MANAGE_HQ)
def transfer_file(db: Database, actor: Actor, /, *, entrepreneur_id: str, to_station: str) -> None:
    """Move a person's file, with its history, to another station (it travels in both replies)."""
    from desktop.services.sync.transfers import transfer_in

    with db.transaction() as session:
        transfer_in(session, actor, entrepreneur_id, to_station)


@service(Permission.MANAGE_HQ)
def revoke_station(db: Database, actor: Actor, /, *, code: str) -> None:
    from desktop.services.sync.hq_side import revoke_in

    with db.transaction() as session:
        revoke_in(session, code)


@service(Permission.SYNC)
def agreement_digests(db: Database, actor: Actor, /, *, station: str | None = None) -> dict[str, str]:
    """The digests of the records this node shares with a station (at a station: with its HQ)."""
    from desktop.services.sync.common import hq_kinds
    from desktop.services.sync.digest import digests
    from desktop.services.sync.hq_side import quarantined_of
    from desktop.services.sync.node import the_hq, this_node
    from desktop.services.sync.station_side import left_out
    from models.sync.tables import HQ

    with db.reading() as session:
        node = this_node(session)
        if node.role == HQ:
            code = station or ""
            return digests(session.connection(), code, node.code, hq_kinds(), quarantined_of(session, code))
        return digests(session.connection(), node.code, the_hq(session).code, hq_kinds(), left_out(session))


# ------------------------------------------------------------------------------ online (docs/intake.md)
@service(Permission.SYNC)
def sign_in_answer(db: Database, actor: Actor, /, *, challenge: str) -> SignInAnswer:
    """网页登录: this station's signed answer to the challenge HQ's intake page shows."""
    from desktop.services.sync.online import answer_in

    with db.reading() as session:
        return answer_in(session, challenge)


@service(Permission.SYNC)
def upload_online(db: Database, actor: Actor, /, *, url: str) -> OnlineOutcome:
    """在线同步: sign in to HQ's intake page at ``url``, upload the next package, import HQ's reply."""
    from desktop.services.sync.online import exchange_online

    def export(folder: Path) -> tuple[Path, int]:
        written = export_package(db, actor, out_dir=folder)
        return written.path, written.seq

    return exchange_online(
        url,
        lambda challenge: sign_in_answer(db, actor, challenge=challenge),
        export,
        lambda reply: import_package(db, actor, path=reply).lines(),
    )

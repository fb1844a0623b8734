"""What a person looks at and decides after an exchange: the status, the conflict list (keep the winner
or reinstate the other value), the waiting queue, the notices and the quarantine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from desktop.services.sync.node import node_or_none, pinned
from models.audit import AccessLog, Actor, Change, Operation
from models.base import utcnow
from models.errors import Conflict, NotFound
from models.journal import from_jsonable
from models.sync.tables import (
    HQ,
    SyncConflict,
    SyncNotice,
    SyncPackage,
    SyncPeer,
    SyncQuarantine,
    SyncWaiting,
)
from models.tables import travelling_tables


@dataclass(frozen=True)
class PeerStatus:
    code: str
    name: str
    status: str
    sent_seq: int
    received_seq: int
    received_at: datetime | None
    acked_seq: int  # station: its own changes HQ acknowledged; HQ: the station's changes held
    pending: int  # station: changes not yet acknowledged by HQ
    resend_buckets: tuple[str, ...]
    gaps: tuple[int, ...]  # package numbers from the peer not received (a later one carried their changes)
    held: int  # packages received that wait for an earlier one
    fingerprint: str = ""  # of the peer's pinned keys ("" until pinned)
    sent_at: datetime | None = None  # when the last package to the peer was written


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    role: str
    code: str
    epoch: int
    peers: tuple[PeerStatus, ...]
    open_conflicts: int
    waiting: int
    quarantined: int
    notices: int

    def as_json(self) -> dict[str, Any]:
        return {
            "enrolled": self.enrolled,
            "role": self.role,
            "code": self.code,
            "epoch": self.epoch,
            "open_conflicts": self.open_conflicts,
            "waiting": self.waiting,
            "quarantined": self.quarantined,
            "notices": self.notices,
            "peers": [
                {
                    "code": p.code,
                    "name": p.name,
                    "status": p.status,
                    "sent_seq": p.sent_seq,
                    "received_seq": p.received_seq,
                    "received_at": p.received_at.isoformat() if p.received_at else None,
                    "acknowledged": p.acked_seq,
                    "pending": p.pending,
                    "resend_buckets": list(p.resend_buckets),
                    "gaps": list(p.gaps),
                    "held": p.held,
                    "fingerprint": p.fingerprint,
                    "sent_at": p.sent_at.isoformat() if p.sent_at else None,
                }
                for p in self.peers
            ],
        }


def _count(session: Session, table: Any, *where: Any) -> int:
    return int(session.exec(select(func.count()).select_from(table).where(*where)).one())


def status_in(session: Session) -> SyncStatus:
    node = node_or_none(session)
    counts = {
        "conflicts": _count(session, SyncConflict, col(SyncConflict.status) == "open"),
        "waiting": _count(session, SyncWaiting),
        "quarantined": _count(session, SyncQuarantine),
        "notices": _count(session, SyncNotice),
    }
    if node is None:
        return SyncStatus(False, "", "", 0, (), 0, 0, 0, 0)
    peers = []
    for peer in session.exec(select(SyncPeer).order_by(col(SyncPeer.code))):
        received = sorted(
            session.exec(
                select(SyncPackage.seq).where(
                    col(SyncPackage.peer) == peer.code,
                    col(SyncPackage.direction) == "in",
                    col(SyncPackage.status) == "applied",
                )
            )
        )
        keys = pinned(peer)
        held = _count(
            session, SyncPackage, col(SyncPackage.peer) == peer.code, col(SyncPackage.status) == "held"
        )
        top = max(received, default=0)
        gaps = tuple(n for n in range(1, top) if n not in set(received)) if node.role == HQ else ()
        pending = own_changes_since(session, peer.acked_seq) if node.role != HQ else 0
        peers.append(
            PeerStatus(
                code=peer.code,
                name=peer.name,
                status=peer.status,
                sent_seq=peer.sent_seq,
                received_seq=peer.received_seq,
                received_at=peer.received_at,
                acked_seq=peer.peer_through if node.role == HQ else peer.acked_seq,
                pending=pending,
                resend_buckets=tuple(peer.resend_buckets),
                gaps=gaps[-20:],
                held=held,
                fingerprint=keys.fingerprint() if keys is not None else "",
                sent_at=session.exec(
                    select(func.max(SyncPackage.at)).where(
                        col(SyncPackage.peer) == peer.code, col(SyncPackage.direction) == "out"
                    )
                ).one(),
            )
        )
    return SyncStatus(
        True,
        node.role,
        node.code,
        len(node.epochs),  # the how-manieth epoch (its number is a clock reading: docs/sync.md)
        tuple(peers),
        counts["conflicts"],
        counts["waiting"],
        counts["quarantined"],
        counts["notices"],
    )


# ------------------------------------------------------------------------------------------- conflicts
def settle_in(session: Session, actor: Actor, conflict_id: str, *, reinstate: bool) -> SyncConflict:
    """Keep the winner (nothing changes but the list), or reinstate the other value: a new change that
    travels like any other and, being newer, wins on every node."""
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise NotFound("没有这条冲突记录")
    if conflict.status != "open":
        raise Conflict("这条冲突已经处理过了")
    if reinstate:
        model = travelling_tables()[conflict.record_kind]
        record = session.get(model, conflict.record_id)
        if record is None:
            raise NotFound("冲突所在的记录已不在本机")
        operation = Operation(session, actor, f"冲突处理：恢复“{conflict.field}”的另一方取值")
        if conflict.kind == "deleted":
            operation.set_deleted(record, False)
        else:
            value = from_jsonable(model, conflict.field, conflict.loser_value)
            operation.update(record, {conflict.field: value})
    conflict.status = "reinstated" if reinstate else "kept"
    conflict.settled_by, conflict.settled_at = actor.user_name, utcnow()
    session.add(conflict)
    return conflict


# --------------------------------------------------------------------------------------- waiting queue
def force_in(session: Session, actor: Actor, change_id: str) -> str:
    """A waiting change whose base never came, applied by a person's explicit, audited decision: it is
    applied if it now can be; otherwise it moves to the quarantine list with its reason (still
    visible, still kept), never dropped. Returns what happened, in words."""
    from desktop.services.sync.applying import Applier

    item = session.get(SyncWaiting, change_id)
    if item is None:
        raise NotFound("等待队列中没有这条变更")
    change, peer, reason = dict(item.change), item.peer, item.reason
    session.delete(item)
    session.flush()
    applier = Applier(session, peer=peer, package_id=f"forced:{change_id}")
    applier.apply([change])
    if applier.report.applied:
        outcome = "已应用"
    else:
        waiting = session.get(SyncWaiting, change_id)
        if waiting is not None:
            session.delete(waiting)
            session.flush()
        session.add(
            SyncQuarantine(
                change_id=change_id,
                peer=peer,
                record_kind=str(change.get("record_kind", "")),
                record_id=str(change.get("record_id", "")),
                reason=f"人工处理：{reason}；依据的记录始终没有到达，改为隔离保存",
                change=change,
            )
        )
        outcome = "依据的记录仍未到达：已改为隔离保存，可在隔离列表中查看"
    session.add(
        AccessLog(
            user_name=actor.user_name,
            action="force_apply",
            record_kind=str(change.get("record_kind", "")),
            record_id=str(change.get("record_id", "")),
            detail=f"变更 {change_id}：{outcome}",
        )
    )
    return outcome


def own_changes_since(session: Session, seq: int) -> int:
    """How many changes made here come after ``seq`` (what HQ has not acknowledged)."""
    return _count(session, Change, col(Change.seq) > seq, col(Change.received_in).is_(None))


def person_of(session: Session, kind: str, record_id: str) -> str:
    """The name of the person whose file a record belongs to ("" for reference data): up the foreign
    keys from a visit, an attendance mark, a loan … to the file."""
    from sqlalchemy import select as core_select

    tables = travelling_tables()
    for _ in range(4):
        model = tables.get(kind)
        if model is None:
            return ""
        table = model.__table__  # type: ignore[attr-defined]
        if kind == "entrepreneur":
            found = session.execute(core_select(table.c.name).where(table.c.id == record_id)).scalar()
            return str(found or "")
        parents = [f for f in table.foreign_keys if f.column.table.name in tables]
        towards = next((f for f in parents if f.column.table.name == "entrepreneur"), None) or next(
            (
                f
                for f in parents
                if f.column.table.name not in ("training_class", "training_session", "mentor")
            ),
            None,
        )
        if towards is None:
            return ""
        value = session.execute(core_select(towards.parent).where(table.c.id == record_id)).scalar()
        if value is None:
            return ""
        kind, record_id = towards.column.table.name, str(value)
    return ""

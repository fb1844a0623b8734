"""总部 → 服务站: every enrolled station at a glance — its last package, how long it has been quiet, the
gaps in its numbering, what waits for HQ's decision and whether its data agrees with HQ's.

Each figure is one query over all stations (grouped by station), never one query per station: a
county of 200 stations opens the page in the same few queries as one of two."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from desktop.services.gate import service
from models.actor import Actor
from models.database import Database
from models.permissions import Permission

DEFAULT_QUIET_DAYS = 14

AGREED = "agreed"
DISAGREEING = "disagreeing"
NOT_YET = "not_yet"


@dataclass(frozen=True)
class StationRow:
    code: str
    name: str
    status: str  # "enrolled" (no package yet), "active", "revoked"
    last_seq: int  # the last package applied from the station (0: none yet)
    last_at: datetime | None  # when HQ applied it
    lag_days: int | None  # days since then (None: no package yet)
    gaps: tuple[int, ...]  # package numbers never received (a later package carried their changes)
    held: int  # packages received that wait for an earlier one
    conflicts: int  # open conflicts on the station's records
    quarantined: int  # the station's changes HQ did not accept
    waiting: int  # the station's changes waiting for their base
    digest: str  # AGREED, DISAGREEING or NOT_YET
    buckets: tuple[str, ...]  # the buckets that disagreed at the station's last comparison
    replied_seq: int  # the last reply HQ wrote for it
    acked_reply: int  # the last reply the station said it applied
    quiet: bool  # no package for longer than the quiet setting (or never, once enrolled that long)

    @property
    def revoked(self) -> bool:
        return self.status == "revoked"


@dataclass(frozen=True)
class HqSummary:
    """The status bar's line at HQ."""

    stations: int
    quiet: int
    conflicts: int
    quarantined: int
    waiting: int


@service(Permission.SYNC)
def station_overview(
    db: Database, actor: Actor, /, *, today: date | None = None, quiet_days: int = DEFAULT_QUIET_DAYS
) -> list[StationRow]:
    """Every station enrolled at this HQ, by code; refused on a station's database."""
    from sqlalchemy import func, select
    from sqlmodel import col

    from desktop.services.sync.hq_side import hq_node
    from models.base import china_today
    from models.clock import to_china
    from models.sync.tables import (
        STATION,
        SyncConflict,
        SyncPackage,
        SyncPeer,
        SyncQuarantine,
        SyncWaiting,
    )

    day = today or china_today()
    with db.reading() as session:
        hq_node(session)
        peers = session.scalars(
            select(SyncPeer).where(col(SyncPeer.role) == STATION).order_by(col(SyncPeer.code))
        ).all()
        received: dict[str, set[int]] = defaultdict(set)
        held: dict[str, int] = defaultdict(int)
        packages = select(col(SyncPackage.peer), col(SyncPackage.seq), col(SyncPackage.status)).where(
            col(SyncPackage.direction) == "in", col(SyncPackage.status).in_(["applied", "held"])
        )
        for peer_code, seq, status in session.execute(packages):
            if status == "applied":
                received[peer_code].add(int(seq))
            else:
                held[peer_code] += 1

        def counted(column: object, *where: object) -> dict[str, int]:
            query = select(column, func.count()).where(*where).group_by(column)  # type: ignore[call-overload]
            return {str(key): int(n) for key, n in session.execute(query)}

        conflicts = counted(col(SyncConflict.station_code), col(SyncConflict.status) == "open")
        quarantined = counted(col(SyncQuarantine.peer))
        waiting = counted(col(SyncWaiting.peer))
        first_out = {
            str(peer): moment
            for peer, moment in session.execute(
                select(col(SyncPackage.peer), func.min(SyncPackage.at))
                .where(col(SyncPackage.direction) == "out")
                .group_by(SyncPackage.peer)
            )
        }
    rows = []
    for peer in peers:
        seqs = received.get(peer.code, set())
        top = max(seqs, default=0)
        gaps = tuple(n for n in range(1, top) if n not in seqs)
        lag = (day - to_china(peer.received_at).date()).days if peer.received_at else None
        since = peer.received_at or first_out.get(peer.code)
        quiet = (
            peer.status != "revoked"
            and since is not None
            and (day - to_china(since).date()).days > quiet_days
        )
        if peer.received_seq == 0 or peer.acked_seq == 0:
            digest = NOT_YET
        elif peer.resend_buckets:
            digest = DISAGREEING
        else:
            digest = AGREED
        rows.append(
            StationRow(
                code=peer.code,
                name=peer.name,
                status=peer.status,
                last_seq=peer.received_seq,
                last_at=peer.received_at,
                lag_days=lag,
                gaps=gaps[-20:],
                held=held.get(peer.code, 0),
                conflicts=conflicts.get(peer.code, 0),
                quarantined=quarantined.get(peer.code, 0),
                waiting=waiting.get(peer.code, 0),
                digest=digest,
                buckets=tuple(peer.resend_buckets),
                replied_seq=peer.sent_seq,
                acked_reply=peer.acked_seq,
                quiet=quiet,
            )
        )
    return rows


@service(Permission.SYNC)
def hq_summary(db: Database, actor: Actor, /, *, quiet_days: int = DEFAULT_QUIET_DAYS) -> HqSummary:
    rows = station_overview(db, actor, quiet_days=quiet_days)
    return HqSummary(
        stations=len(rows),
        quiet=sum(1 for r in rows if r.quiet),
        conflicts=sum(r.conflicts for r in rows),
        quarantined=sum(r.quarantined for r in rows),
        waiting=sum(r.waiting for r in rows),
    )

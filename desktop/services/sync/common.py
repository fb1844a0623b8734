"""What both sides of the exchange share: the package's rows, receipts, and the work after an apply."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from sqlmodel import Session

from desktop.jobs import JobState
from desktop.services.sync.applying import ApplyReport
from desktop.sync_package import OpenedPackage
from models.base import utcnow
from models.journal import collector_paused
from models.sync.tables import SyncNode, SyncPackage, SyncPeer

MEMBER_ROWS = 50_000  # change rows per package member: an apply streams one member at a time
REPLY_LIFETIME = timedelta(days=30)  # an HQ reply older than this is refused (TUF's freeze attack)
FORMAT_KINDS = ("station", "reply", "enrolment")


@cache
def hq_kinds() -> frozenset[str]:
    """The record kinds HQ owns (reference data: the course catalogue, policy sets)."""
    from desktop.services.areas import registry

    return frozenset(kind for kind, spec in registry().record_kinds.items() if spec.owner == "hq")


# a file received back (its create lost to a restore from an old backup, sent back by HQ) moves the
# station's case numbers on, or the next new file would take a number already on file (the entrepreneur
# kind's ``recompute`` in desktop/services/entrepreneurs.py should name it; until then, here)
_ALSO_RECOMPUTED: Mapping[str, tuple[str, ...]] = {"entrepreneur": ("case_sequence",)}


def recompute(session: Session, kinds: Iterable[str], touched: Mapping[str, set[str]] | None = None) -> None:
    """Rebuild the projections (search keys, counters) the applied kinds feed: with ``touched`` (record
    kind -> the ids an apply wrote), only theirs where the projection can (a county's search keys are
    not rebuilt for one station's package)."""
    from desktop.services.areas import registry

    found = registry()
    tables: list[str] = []
    for kind in kinds:
        spec = found.record_kinds.get(kind)
        for table in (*(spec.recompute if spec else ()), *_ALSO_RECOMPUTED.get(kind, ())):
            if table not in tables:
                tables.append(table)
    projections, scoped = found.projections, found.scoped_projections
    for table in tables:
        if touched is not None and table in scoped:
            scoped[table](session, touched)
        else:
            projections[table](session)


def in_members(
    rows: Iterable[Mapping[str, Any]], size: int = MEMBER_ROWS
) -> Iterator[list[Mapping[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def send(
    session: Session,
    node: SyncNode,
    peer: SyncPeer,
    *,
    header: dict[str, Any],
    rows: Iterable[Mapping[str, Any]],
    counts: dict[str, int],
    out_dir: Path,
    job: JobState,
) -> Written:
    """Write the next package to ``peer`` (numbered, chained onto the last one) and record it as sent.
    ``counts`` fills as ``rows`` are read: it is complete once the file is written."""
    from desktop.services.sync.node import current_epoch, keys_of, pinned
    from desktop.sync_package import write_package

    seq = peer.sent_seq + 1
    # ``counts`` (records by kind) is the same dict the rows fill: the manifest is made after them
    header = {
        **header,
        "sender": node.code,
        "receiver": peer.code,
        "seq": seq,
        "previous": peer.sent_id,
        "counts": counts,
    }
    name = f"{node.code}-to-{peer.code}-{seq:05d}.dsync"
    with collector_paused():  # millions of rows pass through, none in a cycle (models.journal)
        written = write_package(
            out_dir,
            name,
            header=header,
            members=in_members(rows),
            sender=keys_of(node),
            recipient=pinned(peer),
            job=job,
        )
    peer.sent_seq, peer.sent_id = seq, written.package_id
    session.add_all([peer, node])
    session.add(
        SyncPackage(
            id=written.package_id,
            peer=peer.code,
            direction="out",
            seq=seq,
            epoch=current_epoch(node),
            status="sent",
            file_name=name,
            counts=dict(counts),
        )
    )
    return Written(path=written.path, seq=seq, counts=dict(counts), changes=sum(counts.values()))


def archive(
    session: Session,
    package: OpenedPackage,
    *,
    status: str,
    content: bytes | None = None,
    seq: int = 0,
    epoch: int = 1,
) -> None:
    """Record a received package (HQ keeps its file: the archive a station's history is rebuilt from)."""
    session.add(
        SyncPackage(
            id=package.package_id,
            peer=str(package.manifest["sender"]),
            direction="in",
            seq=seq,
            epoch=epoch,
            status=status,
            file_name=package.path.name,
            counts=dict(package.manifest.get("counts", {})),
            content=content,
        )
    )


def changes_of(package: OpenedPackage) -> Iterator[dict[str, Any]]:
    for _, row in package.all_rows():
        if "notice" not in row:
            yield row


def package_rows(package: OpenedPackage) -> int:
    """The rows a package's signed manifest lists (its changes and notices)."""
    return sum(member.rows for member in package.members)


def notices_of(package: OpenedPackage) -> list[dict[str, Any]]:
    return [dict(row["notice"]) for _, row in package.all_rows() if isinstance(row.get("notice"), dict)]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def expiry(now: datetime | None = None) -> str:
    return iso((now or utcnow()) + REPLY_LIFETIME)


@dataclass
class Receipt:
    """What an import did: shown by the GUI, printed by the CLI."""

    path: Path
    sender: str
    seq: int
    kind: str
    already_applied: bool = False
    held: bool = False  # it waits for an earlier package (a gap)
    report: ApplyReport = field(default_factory=ApplyReport)
    messages: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.already_applied:
            return [f"第 {self.seq} 号包（来自 {self.sender}）已经导入过，这次没有任何改动"]
        if self.held:
            return [f"第 {self.seq} 号包（来自 {self.sender}）已收下，等前面的包到齐后再应用", *self.messages]
        r = self.report
        lines = [
            f"已导入第 {self.seq} 号包（来自 {self.sender}）：应用 {r.applied} 条变更"
            + (f"，{r.already_here} 条此前已有" if r.already_here else "")
        ]
        if r.conflicts:
            lines.append(f"{r.conflicts} 处同一字段被两边同时修改：已按规则取值，另一方的值记入冲突列表")
        if r.waiting:
            lines.append(f"{r.waiting} 条变更在等待它依据的记录到达（见“等待队列”）")
        if r.quarantined:
            lines.append(f"{r.quarantined} 条变更未能通过检查，已隔离并说明原因")
        return [*lines, *self.messages]


@dataclass
class Written:
    """A package written: where, its number, and what it carries."""

    path: Path
    seq: int
    counts: dict[str, int]
    changes: int

    def lines(self) -> list[str]:
        return [f"已写出第 {self.seq} 号数据包：{self.path}（{self.changes} 条变更）"]

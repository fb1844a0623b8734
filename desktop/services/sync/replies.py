"""HQ's reply for a station: what it carries and to whom each change goes (docs/sync.md)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import Session, col

from desktop.jobs import UNWATCHED, JobState
from desktop.services.sync.common import (
    Written,
    expiry,
    hq_kinds,
    iso,
    send,
)
from desktop.services.sync.digest import digests
from desktop.services.sync.hq_side import hq_node, quarantined_of, record_station
from desktop.services.sync.node import (
    last_seq,
    pinned,
    refuse,
    station_peer,
)
from desktop.services.sync.wire import stored_rows, to_wire
from models.audit import Change
from models.base import utcnow
from models.sync.tables import (
    SyncNode,
    SyncNotice,
    SyncPeer,
    SyncQuarantine,
    SyncTransfer,
)
from models.tables import travelling_tables


# ---------------------------------------------------------------------------------------------- reply
def write_reply(session: Session, code: str, out_dir: Path, job: JobState = UNWATCHED) -> Written:
    node = hq_node(session)
    peer = station_peer(session, code)
    if pinned(peer) is None:
        raise refuse(
            f"服务站 {code} 还没有发来第一个数据包，总部还不知道它的密钥：请等它的第一个数据包导入后再写回复"
        )
    if peer.status == "revoked":
        raise refuse(f"服务站 {code} 已被吊销")
    connection = session.connection()
    node.reply_version += 1
    hq_through = last_seq(session)
    if peer.restore_from and peer.restore_from.get("reply") is None:  # the first reply that carries them
        peer.restore_from = {**peer.restore_from, "reply": node.reply_version}
    counts: dict[str, int] = {}
    notices = _notices_for(session, peer, node.reply_version)

    def rows() -> Iterator[Mapping[str, Any]]:
        for row in _reply_changes(connection, node, peer):
            counts[row["record_kind"]] = counts.get(row["record_kind"], 0) + 1
            yield row
        yield from ({"notice": notice} for notice in notices)

    header: dict[str, Any] = {
        "kind": "reply",
        "reply_version": node.reply_version,
        "expires_at": expiry(),
        "created_at": iso(utcnow()),
        "acknowledges": {
            "epoch": peer.peer_epoch,
            "through": peer.peer_through,
            "through_id": _change_at(connection, code, peer.peer_epoch, peer.peer_through),
        },
        "hq_through": hq_through,
        "from_hq_seq": peer.hq_acked,
        "digests": digests(connection, code, node.code, hq_kinds(), quarantined_of(session, code)),
    }
    return send(session, node, peer, header=header, rows=rows(), counts=counts, out_dir=out_dir, job=job)


def _change_at(connection: Connection, code: str, epoch: int, seq: int) -> str | None:
    """The id of the station's change HQ holds at (epoch, seq): the station checks it is its own."""
    log = Change.__table__  # type: ignore[attr-defined]
    query = select(log.c.id).where(
        log.c.station_code == code, log.c.origin_epoch <= epoch, log.c.origin_seq == seq
    )  # a seq the epoch shares with the one before it was numbered there
    return connection.execute(query.order_by(log.c.origin_epoch.desc()).limit(1)).scalar()


def _reply_changes(connection: Connection, node: SyncNode, peer: SyncPeer) -> Iterator[dict[str, Any]]:
    """HQ's changes for the station: every change of its records (and of HQ's reference data) that it
    did not make itself and has not acknowledged; what an old-backup restore lost of its own; the
    whole history of files transferred to it; and every change of the buckets that disagreed."""
    log = Change.__table__  # type: ignore[attr-defined]
    code, sent = peer.code, set[str]()
    yield from _merge_copies(connection, node, peer, sent)  # first: re-pointed records' new file
    routed = stored_rows(
        connection, log.c.seq > peer.hq_acked, (log.c.home.in_([code, "*"])) | log.c.received_in.is_(None)
    )
    for row in routed:
        if row["received_in"] is None and row["home"] is None:
            station = record_station(connection, row["record_kind"], row["record_id"])
            ours = station == code or (row["record_kind"] in hq_kinds() and station == node.code)
            if not ours and not _transferred_from(row, code):
                continue
        elif row["station_code"] == code and not _lost(peer, row):
            continue
        sent.add(row["id"])
        yield to_wire(row, node.epochs)
    for epoch, first in (peer.restore_from or {}).get("lost", []):
        for row in stored_rows(
            connection, log.c.station_code == code, log.c.origin_epoch == epoch, log.c.origin_seq >= first
        ):
            if row["id"] not in sent:
                sent.add(row["id"])
                yield to_wire(row, node.epochs)
    records = _transferred_records(connection, code, peer.hq_acked)
    for kind, bucket_ids in _bucket_records(connection, code, peer.resend_buckets).items():
        records.setdefault(kind, set()).update(bucket_ids)  # a union of the two (``|`` kept only one's kind)
    for kind, record_ids in records.items():
        ids = sorted(record_ids)
        for start in range(0, len(ids), 500):
            for row in stored_rows(
                connection, log.c.record_kind == kind, log.c.record_id.in_(ids[start : start + 500])
            ):
                if row["id"] not in sent:
                    sent.add(row["id"])
                    yield to_wire(row, node.epochs)


def _merge_copies(
    connection: Connection, node: SyncNode, peer: SyncPeer, sent: set[str]
) -> Iterator[dict[str, Any]]:
    """The whole history of the records HQ's merges of duplicate files sent to the station
    (docs/hq-duplicates.md), parents first."""
    from desktop.services.hq.duplicates.travel import merge_copies

    log = Change.__table__  # type: ignore[attr-defined]
    for kind, ids in merge_copies(connection, peer, node.reply_version):
        for start in range(0, len(ids), 500):
            for row in stored_rows(
                connection, log.c.record_kind == kind, log.c.record_id.in_(ids[start : start + 500])
            ):
                if row["id"] not in sent:
                    sent.add(row["id"])
                    yield to_wire(row, node.epochs)


def _lost(peer: SyncPeer, row: Mapping[str, Any]) -> bool:
    """One of the station's own changes that its restore from an old backup took from it."""
    return any(
        row["origin_epoch"] == epoch and (row["origin_seq"] or 0) >= first
        for epoch, first in (peer.restore_from or {}).get("lost", [])
    )


def _transferred_from(row: Mapping[str, Any], code: str) -> bool:
    """An HQ change that moved a record away from this station (it learns where its file went)."""
    moved = row["changes"].get("station_code")
    return bool(moved) and moved[0] == code


def _transferred_records(connection: Connection, code: str, since: int) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for transfer in connection.execute(
        select(SyncTransfer).where(SyncTransfer.to_station == code, SyncTransfer.hq_seq > since)  # type: ignore[arg-type]
    ):
        for item in transfer.record_ids:
            kind, _, record_id = str(item).partition(":")
            found.setdefault(kind, set()).add(record_id)
    return found


def _bucket_records(connection: Connection, code: str, buckets: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    tables = travelling_tables()
    for bucket in buckets:
        kind, _, digit = bucket.partition(":")
        if kind not in tables:
            continue
        table = tables[kind].__table__  # type: ignore[attr-defined]
        query = select(table.c.id).where(table.c.station_code == code, table.c.id.like(f"%{digit}"))
        found.setdefault(kind, set()).update(connection.execute(query).scalars())
    return found


def _notices_for(session: Session, peer: SyncPeer, version: int) -> list[dict[str, Any]]:
    """The notices the station has not acknowledged (by reply version), and its quarantined records."""
    found: list[dict[str, Any]] = []
    for notice in session.scalars(select(SyncNotice).where(col(SyncNotice.peer) == peer.code)):
        if notice.hq_seq == 0 or notice.hq_seq > peer.acked_seq:
            if notice.hq_seq == 0:
                notice.hq_seq = version
                session.add(notice)
            found.append(
                {
                    "id": notice.id,
                    "kind": notice.kind,
                    "record_kind": notice.record_kind,
                    "record_id": notice.record_id,
                    "other_station": notice.other_station,
                    "other_record_id": notice.other_record_id,
                    "text": notice.text,
                }
            )
    for item in session.scalars(select(SyncQuarantine).where(col(SyncQuarantine.peer) == peer.code)):
        found.append(
            {
                "id": item.change_id,
                "kind": "quarantine",
                "record_kind": item.record_kind,
                "record_id": item.record_id,
                "text": f"总部未接受这条变更：{item.reason}",
            }
        )
    return found

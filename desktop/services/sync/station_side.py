"""The station's side of the exchange: enrolment from HQ's package, writing the next package for HQ,
and applying HQ's reply (docs/sync.md)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services.sync.applying import Applier
from desktop.services.sync.common import (
    Receipt,
    Written,
    archive,
    changes_of,
    hq_kinds,
    iso,
    notices_of,
    package_rows,
    recompute,
    send,
)
from desktop.services.sync.digest import bucket_of, differing, digests
from desktop.services.sync.node import (
    current_epoch,
    enrolment_proof,
    keys_of,
    last_local_seq,
    refuse,
    start_new_epoch,
    the_hq,
)
from desktop.services.sync.wire import stored_rows, to_wire
from desktop.sync_package import NodeKeys, OpenedPackage, PublicKeys
from models.audit import Change
from models.base import utcnow
from models.sync.tables import HQ, STATION, SyncNode, SyncNotice, SyncPackage, SyncPeer, SyncQuarantine


# ------------------------------------------------------------------------------------------- enrolment
def enrol_in(session: Session, package: OpenedPackage, station_code: str) -> SyncNode:
    """This station joins HQ from its enrolment package: its own keys are made, HQ's pinned, the
    reference data applied. The package is signed by the HQ keys it carries (pinned from here on)."""
    manifest = package.manifest
    hq = PublicKeys.from_json(manifest.get("hq_keys"))
    keys = NodeKeys.generate()
    node = SyncNode(
        code=station_code,
        role=STATION,
        name=str(manifest.get("station_name", "")),
        sign_private=keys.sign_private,
        box_identity=keys.box_identity,
    )
    session.add(node)
    session.add(
        SyncPeer(
            code=str(manifest["sender"]),
            role=HQ,
            name=str(manifest.get("hq_name", "")),
            sign=hq.sign,
            box=hq.box,
            enrol_secret=str(manifest.get("secret_hash", "")),
        )
    )
    session.flush()
    applier = Applier(session, peer=str(manifest["sender"]), package_id=package.package_id)
    applier.apply(changes_of(package), expected=package_rows(package))
    recompute(session, applier.report.kinds, applier.report.touched)
    archive(session, package, status="applied")
    return node


# ---------------------------------------------------------------------------------------------- export
def outgoing(session: Session, node: SyncNode, hq: SyncPeer) -> tuple[int, Iterator[dict[str, Any]]]:
    """(the first local seq sent, the change rows): every change made here that HQ has not
    acknowledged, and all of the buckets HQ's digests disagreed on."""
    epochs = node.epochs
    start = hq.acked_seq
    if hq.acked_epoch and hq.acked_epoch != current_epoch(node):
        # HQ acknowledged an earlier epoch: a restore may have opened that number again, so its seqs
        # may be another timeline's; all of that epoch as this database holds it goes again (HQ skips
        # what it has), until HQ acknowledges the current epoch
        begun = [first for epoch, first in epochs if epoch == hq.acked_epoch]
        start = min(start, begun[0] - 1 if begun else 0)
    connection = session.connection()
    log = Change.__table__  # type: ignore[attr-defined]

    def rows() -> Iterator[dict[str, Any]]:
        for row in stored_rows(connection, log.c.received_in.is_(None), log.c.seq > start):
            yield to_wire(row, epochs)
        if hq.resend_buckets:
            yield from _bucket_rows(connection, hq.resend_buckets, start, epochs)

    return start + 1, rows()


def _bucket_rows(
    connection: Connection, buckets: list[str], start: int, epochs: list[list[int]]
) -> Iterator[dict[str, Any]]:
    log = Change.__table__  # type: ignore[attr-defined]
    wanted = set(buckets)
    for row in stored_rows(connection, log.c.received_in.is_(None), log.c.seq <= start):
        if bucket_of(row["record_kind"], row["record_id"]) in wanted:
            yield to_wire(row, epochs)


def write_station_package(session: Session, out_dir: Path, job: JobState = UNWATCHED) -> Written:
    node = _station(session)
    hq = the_hq(session)
    first, rows = outgoing(session, node, hq)
    counts: dict[str, int] = {}

    def counted() -> Iterator[dict[str, Any]]:
        for row in rows:
            counts[row["record_kind"]] = counts.get(row["record_kind"], 0) + 1
            yield row

    header: dict[str, Any] = {
        "kind": "station",
        "epoch": current_epoch(node),
        "epochs": node.epochs,
        "from_seq": first,
        "through_seq": last_local_seq(session),
        "acknowledges": {"hq_through": hq.peer_through, "reply_version": node.reply_version},
        "resend": hq.resend_buckets,
        "created_at": iso(utcnow()),
    }
    if node.reply_version == 0:  # until HQ has answered, the package proves the enrolment
        own = keys_of(node).public()
        header["enrolment"] = {"keys": own.as_json(), "proof": enrolment_proof(hq.enrol_secret or "", own)}
    return send(session, node, hq, header=header, rows=counted(), counts=counts, out_dir=out_dir, job=job)


def _station(session: Session) -> SyncNode:
    from desktop.services.sync.node import this_node

    node = this_node(session)
    if node.role != STATION:
        raise refuse("这是总部的数据库：总部用 doorstep hq reply 为服务站写回复包")
    return node


def left_out(session: Session) -> set[tuple[str, str]]:
    """The records this station's digest leaves out: those it quarantined, and those HQ did."""
    found = set(session.exec(select(SyncQuarantine.record_kind, SyncQuarantine.record_id)).all())
    reported = select(SyncNotice.record_kind, SyncNotice.record_id).where(
        col(SyncNotice.kind) == "quarantine"
    )
    found.update(session.exec(reported).all())
    return {(str(kind), str(record_id)) for kind, record_id in found}


# --------------------------------------------------------------------------------------- HQ's reply
def check_reply(session: Session, node: SyncNode, hq: SyncPeer, manifest: Mapping[str, Any]) -> None:
    """Refuse an older or expired reply (TUF's rollback and freeze attacks)."""
    from desktop.services.sync.wire import from_wire_time

    if manifest.get("kind") != "reply":
        raise refuse(f"这不是总部的回复包（包的类型：{manifest.get('kind')}）")
    version = manifest.get("reply_version")
    if not isinstance(version, int) or version <= node.reply_version:
        raise refuse(
            f"这个总部回复包（第 {version} 版）不比已导入的第 {node.reply_version} 版新，可能是旧包，已拒绝"
        )
    try:
        expires = from_wire_time(manifest.get("expires_at"))
    except (TypeError, ValueError):
        raise refuse("总部回复包没有有效期，已拒绝") from None
    if expires < utcnow():
        raise refuse(f"这个总部回复包已于 {expires.date().isoformat()} 过期，请向总部要最新的回复包")


def apply_reply(session: Session, package: OpenedPackage) -> Receipt:
    node = _station(session)
    hq = the_hq(session)
    manifest = package.manifest
    receipt = Receipt(path=package.path, sender=hq.code, seq=int(manifest["seq"]), kind="reply")
    if session.get(SyncPackage, package.package_id) is not None:
        receipt.already_applied = True
        return receipt
    check_reply(session, node, hq, manifest)
    acknowledges = manifest.get("acknowledges") or {}
    ack_epoch, ack_through = int(acknowledges.get("epoch", 0)), int(acknowledges.get("through", 0))
    epoch = current_epoch(node)
    if ack_epoch > epoch or (
        ack_epoch == epoch and not _still_ours(session, ack_through, acknowledges.get("through_id"))
    ):
        # HQ holds changes of ours this database no longer has (of this epoch, or of a later one this
        # database never saw): it was restored from an old backup
        start_new_epoch(session, node, after=ack_epoch)
        receipt.messages.append(
            "总部保存的本站变更比本机多：本机可能从旧备份恢复过，已开始新的同步纪元，总部会把丢失的变更发回"
        )
    applier = Applier(session, peer=hq.code, package_id=package.package_id)
    applier.apply(changes_of(package), expected=package_rows(package))
    applier.retry_waiting()
    recompute(session, applier.report.kinds, applier.report.touched)
    _keep_notices(session, notices_of(package))
    receipt.report = applier.report
    gap = int(manifest.get("from_hq_seq", 0)) > hq.peer_through
    if not gap:
        hq.peer_through = max(hq.peer_through, int(manifest.get("hq_through", 0)))
    else:
        receipt.messages.append("总部的回复缺少更早的变更：下一个数据包会请总部补发")
    hq.acked_epoch, hq.acked_seq = ack_epoch, ack_through
    hq.received_seq, hq.received_id, hq.received_at = int(manifest["seq"]), package.package_id, utcnow()
    hq.peer_digests = dict(manifest.get("digests") or {})
    connection = session.connection()
    session.flush()
    ours = digests(connection, node.code, hq.code, hq_kinds(), left_out(session))
    hq.resend_buckets = differing(ours, hq.peer_digests)
    node.reply_version = int(manifest["reply_version"])
    session.add_all([hq, node])
    archive(session, package, status="applied", seq=int(manifest["seq"]))
    return receipt


def _still_ours(session: Session, seq: int, change_id: object) -> bool:
    """Whether this database still holds the change of ours HQ says it holds last (same seq, same id)."""
    if seq == 0 or change_id is None:
        return True
    found = session.get(Change, change_id) if isinstance(change_id, str) else None
    return found is not None and found.received_in is None and found.seq == seq


def _keep_notices(session: Session, notices: list[dict[str, Any]]) -> None:
    for notice in notices:
        notice_id = str(notice.get("id", ""))[:36]
        if not notice_id or session.get(SyncNotice, notice_id) is not None:
            continue
        session.add(
            SyncNotice(
                id=notice_id,
                kind=str(notice.get("kind", ""))[:20],
                record_kind=str(notice.get("record_kind", ""))[:40],
                record_id=str(notice.get("record_id", ""))[:36],
                other_station=str(notice.get("other_station", ""))[:9],
                other_record_id=str(notice.get("other_record_id", ""))[:36],
                text=str(notice.get("text", ""))[:500],
            )
        )

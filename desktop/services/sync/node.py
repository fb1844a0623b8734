"""Who this database is in the exchange (a station or HQ), its keys, its epochs, and its peers."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import rfc8785
from sqlalchemy import func
from sqlmodel import Session, col, select

from desktop.sync_package import NodeKeys, PackageRefused, PublicKeys
from models.audit import Change
from models.base import utcnow
from models.errors import NotFound
from models.sync.tables import HQ, STATION, SyncNode, SyncPeer

HQ_USER = "总部工作人员"
DEFAULT_HQ_CODE = "HQ"
CASE_NUMBER_JUMP = 1000  # after a restore from an old backup, case numbers continue this far on


def this_node(session: Session) -> SyncNode:
    node = session.exec(select(SyncNode)).first()
    if node is None:
        raise NotFound(
            "这个数据库还没有加入数据同步：服务站请用总部发来的登记包登记（doorstep init --enroll），"
            "总部请先运行 doorstep hq init"
        )
    return node


def node_or_none(session: Session) -> SyncNode | None:
    return session.exec(select(SyncNode)).first()


def keys_of(node: SyncNode) -> NodeKeys:
    return NodeKeys(sign_private=node.sign_private, box_identity=node.box_identity)


def pinned(peer: SyncPeer) -> PublicKeys | None:
    if peer.sign is None or peer.box is None:
        return None
    return PublicKeys(sign=peer.sign, box=peer.box)


def the_hq(session: Session) -> SyncPeer:
    peer = session.exec(select(SyncPeer).where(col(SyncPeer.role) == HQ)).first()
    if peer is None:
        raise NotFound("本站还没有登记到总部：请用总部发来的登记包登记")
    return peer


def station_peer(session: Session, code: str) -> SyncPeer:
    peer = session.get(SyncPeer, code)
    if peer is None or peer.role != STATION:
        raise NotFound(f"总部没有登记服务站 {code}：请先运行 doorstep hq enroll {code}")
    return peer


def current_epoch(node: SyncNode) -> int:
    return int(node.epochs[-1][0])


def last_local_seq(session: Session) -> int:
    """The newest change made here (received changes are not this node's own)."""
    query = select(func.coalesce(func.max(Change.seq), 0)).where(col(Change.received_in).is_(None))
    return int(session.exec(query).one())


def last_seq(session: Session) -> int:
    return int(session.exec(select(func.coalesce(func.max(Change.seq), 0))).one())


def start_new_epoch(session: Session, node: SyncNode, *, after: int = 0) -> int:
    """A restore from an old backup: the changes after it are a new epoch, so HQ can tell the fork and
    send back what the restore lost. Returns the new epoch: past ``after`` too (an epoch HQ has seen
    that the restore took from this database's list). Case numbers move on past those the lost files
    hold at HQ."""
    from models.station import CaseSequence

    # a number no other lineage of this station can hold: a second restore from a backup older than the
    # first one's epoch must not reuse that epoch's number (HQ would read the two as one)
    epoch = max(current_epoch(node) + 1, after + 1, epoch_clock())
    node.epochs = [*node.epochs, [epoch, last_seq(session) + 1]]
    session.add(node)
    for sequence in session.exec(select(CaseSequence)):  # numbers the lost files hold at HQ
        sequence.last += CASE_NUMBER_JUMP
        session.add(sequence)
    return epoch


EPOCH_ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)


def epoch_clock() -> int:
    """Milliseconds since 2026-01-01: a new epoch's number (stored as a 64-bit integer)."""
    return int((utcnow() - EPOCH_ORIGIN).total_seconds() * 1000)


def lost_ranges(held: Iterable[int], epochs: list[list[int]]) -> list[list[int]]:
    """What a station restored to the lineage ``epochs`` ([[epoch, first seq], …]) no longer has of its
    own changes HQ holds in the epochs ``held``: [[epoch, first lost seq], …]. An epoch the lineage
    does not list is lost whole; one it lists but left is lost from where the next one starts."""
    listed = [int(epoch) for epoch, _ in epochs]
    lost: list[list[int]] = []
    for epoch in sorted(set(held)):
        if epoch not in listed:
            lost.append([epoch, 0])
            continue
        index = listed.index(epoch)
        if index + 1 < len(epochs):
            lost.append([epoch, int(epochs[index + 1][1])])
    return lost


def secret_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def enrolment_proof(secret_hash: str, keys: PublicKeys) -> str:
    """Binds a station's first package to its enrolment: only the holder of the one-time secret makes it."""
    message = rfc8785.dumps(keys.as_json())
    return hmac.new(bytes.fromhex(secret_hash), message, hashlib.sha256).hexdigest()


def proof_matches(secret_hash: str | None, keys: PublicKeys, proof: Any) -> bool:
    if not secret_hash or not isinstance(proof, str):
        return False
    return hmac.compare_digest(enrolment_proof(secret_hash, keys), proof)


def refuse(message: str) -> PackageRefused:
    return PackageRefused(message)

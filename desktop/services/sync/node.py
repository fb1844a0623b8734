"""Who this database is in the exchange (a station or HQ), its keys, its epochs, and its peers."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import rfc8785
from sqlalchemy import func, select
from sqlmodel import Session

from desktop.sync_package import NodeKeys, PackageRefused, PublicKeys
from models.audit import Change
from models.errors import NotFound
from models.sync.tables import HQ, STATION, SyncNode, SyncPeer

HQ_USER = "总部工作人员"
DEFAULT_HQ_CODE = "HQ"
CASE_NUMBER_JUMP = 1000  # after a restore from an old backup, case numbers continue this far on


def this_node(session: Session) -> SyncNode:
    node = session.scalars(select(SyncNode)).first()  # type: ignore[call-overload]
    if node is None:
        raise NotFound(
            "这个数据库还没有加入数据同步：服务站请用总部发来的登记包登记（doorstep init --enroll），总部请先运行 doorstep hq init"
        )
    return node  # type: ignore[no-any-return]


def node_or_none(session: Session) -> SyncNode | None:
    return session.scalars(select(SyncNode)).first()  # type: ignore[call-overload,no-any-return]


def keys_of(node: SyncNode) -> NodeKeys:
    return NodeKeys(sign_private=node.sign_private, box_identity=node.box_identity)


def pinned(peer: SyncPeer) -> PublicKeys | None:
    if peer.sign is None or peer.box is None:
        return None
    return PublicKeys(sign=peer.sign, box=peer.box)


def the_hq(session: Session) -> SyncPeer:
    peer = session.scalars(select(SyncPeer).where(SyncPeer.role == HQ)).first()  # type: ignore[call-overload]
    if peer is None:
        raise NotFound("本站还没有登记到总部：请用总部发来的登记包登记")
    return peer  # type: ignore[no-any-return]


def station_peer(session: Session, code: str) -> SyncPeer:
    peer = session.get(SyncPeer, code)
    if peer is None or peer.role != STATION:
        raise NotFound(f"总部没有登记服务站 {code}：请先运行 doorstep hq enroll {code}")
    return peer


def current_epoch(node: SyncNode) -> int:
    return int(node.epochs[-1][0])


def last_local_seq(session: Session) -> int:
    """The newest change made here (received changes are not this node's own)."""
    found = session.scalar(
        select(func.coalesce(func.max(Change.seq), 0)).where(Change.received_in.is_(None))  # type: ignore[union-attr]
    )
    return int(found)


def last_seq(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(Change.seq), 0))) or 0)


def start_new_epoch(session: Session, node: SyncNode) -> int:
    """A restore from an old backup: the changes after it are a new epoch, so HQ can tell the fork and
    send back what the restore lost. Returns the new epoch."""
    from models.station import CaseSequence

    epoch = current_epoch(node) + 1
    node.epochs = [*node.epochs, [epoch, last_seq(session) + 1]]
    session.add(node)
    for sequence in session.scalars(select(CaseSequence)):  # numbers the lost files hold at HQ
        sequence.last += CASE_NUMBER_JUMP
        session.add(sequence)
    return epoch


def fork_point(epochs: list[list[int]], epoch: int) -> int | None:
    """The last seq epoch ``epoch`` shares with the epochs after it (None: it is the current one)."""
    for later, first in epochs:
        if later > epoch:
            return first - 1
    return None


def secret_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def enrolment_proof(secret_hash: str, keys: PublicKeys) -> str:
    """Binds a station's first package to its enrolment: only the holder of the one-time secret can make it."""
    message = rfc8785.dumps(keys.as_json())
    return hmac.new(bytes.fromhex(secret_hash), message, hashlib.sha256).hexdigest()


def proof_matches(secret_hash: str | None, keys: PublicKeys, proof: Any) -> bool:
    if not secret_hash or not isinstance(proof, str):
        return False
    return hmac.compare_digest(enrolment_proof(secret_hash, keys), proof)


def refuse(message: str) -> PackageRefused:
    return PackageRefused(message)

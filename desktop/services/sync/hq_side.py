"""Headquarters' side of the exchange: its identity, enrolling stations, applying their packages (one
transaction each, archived), the reply for each station, transfers and duplicate notices."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlmodel import Session

from desktop.jobs import UNWATCHED, JobState
from desktop.services.sync.applying import Applier
from desktop.services.sync.common import (
    Receipt,
    Written,
    changes_of,
    expiry,
    hq_kinds,
    in_members,
    iso,
    recompute,
)
from desktop.services.sync.digest import differing, digests
from desktop.services.sync.node import (
    HQ_USER,
    fork_point,
    keys_of,
    last_seq,
    pinned,
    proof_matches,
    refuse,
    secret_key,
    station_peer,
    this_node,
)
from desktop.services.sync.wire import stored_rows, to_wire
from desktop.sync_package import NodeKeys, OpenedPackage, PublicKeys, write_package
from models.actor import Actor
from models.audit import HQ_ROLE, Change, Operation
from models.base import utcnow
from models.errors import Conflict, NotFound
from models.sync.tables import (
    HQ,
    STATION,
    SyncNode,
    SyncNotice,
    SyncPackage,
    SyncPeer,
    SyncQuarantine,
    SyncTransfer,
)
from models.tables import travelling_tables


def hq_actor(code: str, user_name: str = HQ_USER) -> Actor:
    return Actor(user_name=user_name, station_code=code, role=HQ_ROLE)


def init_hq_in(session: Session, code: str, name: str) -> SyncNode:
    existing = session.scalars(select(SyncNode)).first()
    if existing is not None:
        if existing.role == HQ and existing.code == code:
            return existing
        raise Conflict(
            f"这个数据库已是{'总部' if existing.role == HQ else '服务站'} {existing.code} 的数据库"
        )
    from models.journal import journal_writing
    from models.sync.hq_schema import widen_for_hq

    connection = session.connection()
    with journal_writing(connection):
        widen_for_hq(connection)
    keys = NodeKeys.generate()
    node = SyncNode(
        code=code, role=HQ, name=name, sign_private=keys.sign_private, box_identity=keys.box_identity
    )
    session.add(node)
    return node


def hq_node(session: Session) -> SyncNode:
    node = this_node(session)
    if node.role != HQ:
        raise refuse(
            "这是服务站的数据库：服务站用 doorstep sync export 写数据包，总部的操作要在总部数据库上做"
        )
    return node


# ------------------------------------------------------------------------------------------- enrolment
def write_enrolment(session: Session, code: str, name: str, out: Path) -> Path:
    """A new station's enrolment package: HQ's keys, the reference data, and a one-time secret that
    binds the station's first package (HQ keeps only its hash)."""
    node = hq_node(session)
    peer = session.get(SyncPeer, code)
    if peer is not None and peer.status != "enrolled":
        raise Conflict(
            f"服务站 {code} 已登记并发来过数据包；如需更换电脑，请先吊销（doorstep hq revoke {code}）"
        )
    secret = secrets.token_hex(16)
    if peer is None:
        peer = SyncPeer(code=code, role=STATION, name=name, status="enrolled")
    peer.name, peer.enrol_secret = name or peer.name, secret_key(secret)
    session.add(peer)
    connection = session.connection()
    header = {
        "sender": node.code,
        "receiver": code,
        "kind": "enrolment",
        "station_name": name,
        "hq_name": node.name,
        "hq_keys": keys_of(node).public().as_json(),
        "secret_hash": secret_key(secret),
        "created_at": iso(utcnow()),
    }
    rows = (to_wire(row, node.epochs) for row in _reference_rows(connection, node.code))
    written = write_package(
        out.parent, out.name, header=header, members=in_members(rows), sender=keys_of(node), recipient=None
    )
    return written.path


def _reference_rows(connection: Connection, hq_code: str) -> Iterator[dict[str, Any]]:
    log = Change.__table__  # type: ignore[attr-defined]
    kinds = sorted(hq_kinds())
    for row in stored_rows(connection, log.c.record_kind.in_(kinds)):
        if _record_station(connection, row["record_kind"], row["record_id"]) == hq_code:
            yield row


def _record_station(connection: Connection, kind: str, record_id: str) -> str | None:
    table = travelling_tables()[kind].__table__  # type: ignore[attr-defined]
    found = connection.execute(select(table.c.station_code).where(table.c.id == record_id)).first()
    return None if found is None else str(found[0])


# ------------------------------------------------------------------------------------ station packages
def resolve_station(session: Session) -> Any:
    """The signer check for a station's package: its pinned keys, or on its first package the keys it
    carries with a proof made from its one-time enrolment secret."""

    def resolve(manifest: Mapping[str, Any]) -> PublicKeys:
        code = str(manifest.get("sender", ""))
        peer = session.get(SyncPeer, code)
        if peer is None or peer.role != STATION:
            raise refuse(f"数据包来自未登记的服务站“{code}”：请先在总部登记它（doorstep hq enroll {code}）")
        if peer.status == "revoked":
            raise refuse(f"服务站 {code} 的密钥已被吊销，它的数据包不再接受")
        keys = pinned(peer)
        enrolment = manifest.get("enrolment")
        if keys is None:
            if not isinstance(enrolment, dict):
                raise refuse(f"服务站 {code} 的第一个数据包缺少登记证明")
            offered = PublicKeys.from_json(enrolment.get("keys"))
            if not proof_matches(peer.enrol_secret, offered, enrolment.get("proof")):
                raise refuse(
                    f"服务站 {code} 的登记证明不符：这个数据包不是用总部发给它的登记包登记的那台电脑写的"
                )
            return offered
        return keys

    return resolve


def apply_station_package(session: Session, package: OpenedPackage, content: bytes | None) -> Receipt:
    node = hq_node(session)
    manifest = package.manifest
    code = str(manifest["sender"])
    peer = station_peer(session, code)
    seq, epoch = int(manifest["seq"]), int(manifest["epoch"])
    receipt = Receipt(path=package.path, sender=code, seq=seq, kind="station")
    if manifest.get("kind") != "station":
        raise refuse(f"这不是服务站的数据包（包的类型：{manifest.get('kind')}）")
    if session.get(SyncPackage, package.package_id) is not None:
        receipt.already_applied = True
        return receipt
    if (epoch, seq) <= (peer.received_epoch, peer.received_seq):
        raise refuse(
            f"服务站 {code} 的第 {seq} 号包比已导入的第 {peer.received_seq} 号包旧（或同号而内容不同），已拒绝；"
            "数据库未作改动"
        )
    if (
        epoch == peer.received_epoch
        and seq == peer.received_seq + 1
        and peer.received_id not in (None, manifest.get("previous"))
    ):
        raise refuse(
            f"服务站 {code} 的第 {seq} 号包与上一个包接不上（链的哈希不符），可能被改动或来自另一台电脑"
        )
    new_epoch = epoch > peer.peer_epoch and peer.peer_epoch > 0
    if new_epoch:
        fork = fork_point([list(pair) for pair in manifest.get("epochs", [])], peer.peer_epoch)
        if fork is not None and peer.peer_through > fork:
            peer.restore_from = [peer.peer_epoch, fork]
        receipt.messages.append(
            f"服务站 {code} 从旧备份恢复过（第 {epoch} 纪元）：总部的回复会把它丢失的变更发回"
        )
    elif peer.peer_epoch == epoch and int(manifest.get("from_seq", 1)) > peer.peer_through + 1:
        _hold(session, package, content, code, seq, epoch)
        receipt.held = True
        receipt.messages.append(f"第 {peer.received_seq + 1} 号包尚未收到：这个包先收下，补齐后自动应用")
        return receipt
    missing = [n for n in range(peer.received_seq + 1, seq) if epoch == (peer.received_epoch or epoch)]
    if missing:
        receipt.messages.append(
            f"第 {'、'.join(map(str, missing[:5]))} 号包尚未收到（其中的变更已随第 {seq} 号包一并到达）"
        )
    if peer.sign is None:
        offered = PublicKeys.from_json((manifest.get("enrolment") or {}).get("keys"))
        peer.sign, peer.box, peer.status = offered.sign, offered.box, "active"
    applier = Applier(session, peer=code, package_id=package.package_id, home=_home(node.code))
    applier.apply(changes_of(package))
    applier.retry_waiting()
    recompute(session, applier.report.kinds)
    receipt.report = applier.report
    _duplicates(session, applier.report.touched.get("entrepreneur", set()))
    acknowledges = manifest.get("acknowledges") or {}
    peer.peer_epoch = epoch
    through = int(manifest.get("through_seq", 0))
    peer.peer_through = through if new_epoch else max(peer.peer_through, through)
    peer.hq_acked = max(peer.hq_acked, int(acknowledges.get("hq_through", 0)))
    peer.acked_seq = max(peer.acked_seq, int(acknowledges.get("reply_version", 0)))
    if peer.restore_from and len(peer.restore_from) == 3 and peer.acked_seq >= peer.restore_from[2]:
        peer.restore_from = None  # the station has the changes its restore lost back
    peer.received_seq, peer.received_epoch, peer.received_id = seq, epoch, package.package_id
    peer.received_at = utcnow()
    session.flush()
    ours = digests(session.connection(), code, node.code, hq_kinds(), quarantined_of(session, code))
    peer.peer_digests = dict(manifest.get("digests") or {})
    peer.resend_buckets = sorted(set(differing(ours, peer.peer_digests)) | set(manifest.get("resend") or []))
    session.add(peer)
    session.add(
        SyncPackage(
            id=package.package_id,
            peer=code,
            direction="in",
            seq=seq,
            epoch=epoch,
            status="applied",
            file_name=package.path.name,
            counts=dict(manifest.get("counts", {})),
            content=content,
        )
    )
    return receipt


def _hold(
    session: Session, package: OpenedPackage, content: bytes | None, code: str, seq: int, epoch: int
) -> None:
    session.add(
        SyncPackage(
            id=package.package_id,
            peer=code,
            direction="in",
            seq=seq,
            epoch=epoch,
            status="held",
            file_name=package.path.name,
            content=content,
        )
    )


def _home(hq_code: str) -> Any:
    kinds = hq_kinds()

    def home(kind: str, station: str) -> str | None:
        return "*" if kind in kinds and station == hq_code else station

    return home


def quarantined_of(session: Session, code: str) -> set[tuple[str, str]]:
    rows = session.execute(
        select(SyncQuarantine.record_kind, SyncQuarantine.record_id).where(SyncQuarantine.peer == code)
    )  # type: ignore[call-overload]
    return {(row[0], row[1]) for row in rows}


def _duplicates(session: Session, entrepreneur_ids: set[str]) -> None:
    """The same ID number on file at two stations: a notice to both, never an automatic merge."""
    if not entrepreneur_ids:
        return
    table = travelling_tables()["entrepreneur"].__table__  # type: ignore[attr-defined]
    ids = sorted(entrepreneur_ids)
    numbers: set[str] = set()
    for start in range(0, len(ids), 500):
        query = select(table.c.id_number).where(table.c.id.in_(ids[start : start + 500]))
        numbers.update(str(n) for n in session.execute(query).scalars() if n)
    numbers_list = sorted(numbers)
    for start in range(0, len(numbers_list), 500):
        batch = numbers_list[start : start + 500]
        shared = select(table.c.id_number).where(table.c.id_number.in_(batch), table.c.deleted.is_(False))
        shared = shared.group_by(table.c.id_number).having(
            func.count(func.distinct(table.c.station_code)) > 1
        )
        for number in session.execute(shared).scalars():
            rows = session.execute(
                select(table.c.id, table.c.station_code, table.c.name).where(
                    table.c.id_number == number, table.c.deleted.is_(False)
                )
            ).all()
            for one in rows:
                for other in rows:
                    if one.station_code != other.station_code:
                        _notice_once(session, one, other)


def _notice_once(session: Session, one: Any, other: Any) -> None:
    exists = session.scalars(
        select(SyncNotice).where(
            SyncNotice.kind == "duplicate",
            SyncNotice.record_id == one.id,
            SyncNotice.other_record_id == other.id,
        )
    ).first()
    if exists is None:
        session.add(
            SyncNotice(
                kind="duplicate",
                peer=one.station_code,
                record_kind="entrepreneur",
                record_id=one.id,
                other_station=other.station_code,
                other_record_id=other.id,
                text=f"{one.name} 的身份证号码也在服务站 {other.station_code} 建有档案：可能是同一人，请与总部核实（不会自动合并）",
            )
        )


# ---------------------------------------------------------------------------------------------- reply
def write_reply(session: Session, code: str, out_dir: Path, job: JobState = UNWATCHED) -> Written:
    node = hq_node(session)
    peer = station_peer(session, code)
    keys = pinned(peer)
    if keys is None:
        raise refuse(
            f"服务站 {code} 还没有发来第一个数据包，总部还不知道它的密钥：请等它的第一个数据包导入后再写回复"
        )
    if peer.status == "revoked":
        raise refuse(f"服务站 {code} 已被吊销")
    connection = session.connection()
    node.reply_version += 1
    hq_through = last_seq(session)
    if peer.restore_from and len(peer.restore_from) == 2:
        peer.restore_from = [*peer.restore_from, node.reply_version]  # the first reply that carries them
    counts: dict[str, int] = {}
    notices = _notices_for(session, peer, node.reply_version)

    def rows() -> Iterator[Mapping[str, Any]]:
        for row in _reply_changes(connection, node, peer):
            counts[row["record_kind"]] = counts.get(row["record_kind"], 0) + 1
            yield row
        yield from ({"notice": notice} for notice in notices)

    header: dict[str, Any] = {
        "sender": node.code,
        "receiver": code,
        "kind": "reply",
        "seq": peer.sent_seq + 1,
        "previous": peer.sent_id,
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
    name = f"{node.code}-to-{code}-{peer.sent_seq + 1:05d}.dsync"
    written = write_package(
        out_dir,
        name,
        header=header,
        members=in_members(rows()),
        sender=keys_of(node),
        recipient=keys,
        job=job,
    )
    peer.sent_seq += 1
    peer.sent_id = written.package_id
    session.add_all([peer, node])
    session.add(
        SyncPackage(
            id=written.package_id,
            peer=code,
            direction="out",
            seq=peer.sent_seq,
            status="sent",
            file_name=name,
            counts=dict(counts),
        )
    )
    return Written(path=written.path, seq=peer.sent_seq, counts=dict(counts), changes=sum(counts.values()))


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
    code, sent = peer.code, set()
    routed = stored_rows(
        connection, log.c.seq > peer.hq_acked, (log.c.home.in_([code, "*"])) | log.c.received_in.is_(None)
    )
    for row in routed:
        if row["received_in"] is None and row["home"] is None:
            station = _record_station(connection, row["record_kind"], row["record_id"])
            if station not in (code, node.code if row["record_kind"] in hq_kinds() else None):
                if not _transferred_from(connection, code, row):
                    continue
        elif row["station_code"] == code and not _lost(peer, row):
            continue
        sent.add(row["id"])
        yield to_wire(row, node.epochs)
    if peer.restore_from:
        epoch, fork = peer.restore_from[:2]
        for row in stored_rows(
            connection, log.c.station_code == code, log.c.origin_epoch == epoch, log.c.origin_seq > fork
        ):
            if row["id"] not in sent:
                sent.add(row["id"])
                yield to_wire(row, node.epochs)
    records = _transferred_records(connection, code, peer.hq_acked) | _bucket_records(
        connection, code, peer.resend_buckets
    )
    for kind, record_ids in records.items():
        ids = sorted(record_ids)
        for start in range(0, len(ids), 500):
            for row in stored_rows(
                connection, log.c.record_kind == kind, log.c.record_id.in_(ids[start : start + 500])
            ):
                if row["id"] not in sent:
                    sent.add(row["id"])
                    yield to_wire(row, node.epochs)


def _lost(peer: SyncPeer, row: Mapping[str, Any]) -> bool:
    if not peer.restore_from:
        return False
    epoch, fork = peer.restore_from[:2]
    return row["origin_epoch"] == epoch and (row["origin_seq"] or 0) > fork


def _transferred_from(connection: Connection, code: str, row: Mapping[str, Any]) -> bool:
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
    for notice in session.scalars(select(SyncNotice).where(SyncNotice.peer == peer.code)):
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
    for item in session.scalars(select(SyncQuarantine).where(SyncQuarantine.peer == peer.code)):
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


# ------------------------------------------------------------------------------------------- transfers
def transfer_in(session: Session, actor: Actor, entrepreneur_id: str, to_station: str) -> SyncTransfer:
    """Move a person's file, and every record that depends on it, to another station: an HQ change of
    each record's station (it travels like any other); the new station receives the whole history."""
    node = hq_node(session)
    station_peer(session, to_station)
    tables = travelling_tables()
    person = session.get(tables["entrepreneur"], entrepreneur_id)
    if person is None:
        raise NotFound("总部没有这份档案")
    source = person.station_code
    if source == to_station:
        raise Conflict(f"这份档案已在服务站 {to_station}")
    moved = _dependents(session.connection(), "entrepreneur", {entrepreneur_id})
    operation = Operation(session, actor, f"调档至服务站 {to_station}")
    for kind, ids in moved.items():
        for record_id in sorted(ids):
            record = session.get(tables[kind], record_id)
            if record is not None and record.station_code == source:
                operation.update(record, {"station_code": to_station}, subject_id=entrepreneur_id)
    session.flush()
    record_ids = [f"{kind}:{rid}" for kind, ids in moved.items() for rid in sorted(ids)]
    record_ids += [
        f"{kind}:{rid}" for kind, ids in _parents(session.connection(), moved).items() for rid in sorted(ids)
    ]
    transfer = SyncTransfer(
        entrepreneur_id=entrepreneur_id,
        from_station=source,
        to_station=to_station,
        record_ids=record_ids,
        hq_seq=last_seq(session),
    )
    session.add(transfer)
    name = getattr(person, "name", "")
    session.add(
        SyncNotice(
            kind="transfer_out",
            peer=source,
            record_kind="entrepreneur",
            record_id=entrepreneur_id,
            other_station=to_station,
            text=f"{name} 的档案已由总部转出至服务站 {to_station}，本站保留只读副本",
        )
    )
    session.add(
        SyncNotice(
            kind="transfer_in",
            peer=to_station,
            record_kind="entrepreneur",
            record_id=entrepreneur_id,
            other_station=source,
            text=f"{name} 的档案已由总部从服务站 {source} 转入本站（含全部历史）",
        )
    )
    del node
    return transfer


def _dependents(connection: Connection, kind: str, ids: set[str]) -> dict[str, set[str]]:
    """The records pointing to these (and to those, on down), by the tables' foreign keys."""
    tables = travelling_tables()
    found: dict[str, set[str]] = {kind: set(ids)}
    frontier = [(kind, set(ids))]
    while frontier:
        parent, parent_ids = frontier.pop()
        for name, model in tables.items():
            table = model.__table__  # type: ignore[attr-defined]
            for foreign in table.foreign_keys:
                if foreign.column.table.name != parent:
                    continue
                rows = set(
                    connection.execute(
                        select(table.c.id).where(foreign.parent.in_(sorted(parent_ids)))
                    ).scalars()
                )
                new = rows - found.get(name, set())
                if new:
                    found.setdefault(name, set()).update(new)
                    frontier.append((name, new))
    return found


def _parents(connection: Connection, moved: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The records the moved ones point to that do not move (a class, a mentor): sent as copies."""
    tables = travelling_tables()
    found: dict[str, set[str]] = {}
    frontier = dict(moved)
    while frontier:
        nxt: dict[str, set[str]] = {}
        for kind, ids in frontier.items():
            table = tables[kind].__table__  # type: ignore[attr-defined]
            for foreign in table.foreign_keys:
                target = foreign.column.table.name
                if target not in tables:
                    continue
                values = set(
                    connection.execute(select(foreign.parent).where(table.c.id.in_(sorted(ids)))).scalars()
                )
                values.discard(None)
                new = values - moved.get(target, set()) - found.get(target, set())
                if new:
                    found.setdefault(target, set()).update(new)
                    nxt.setdefault(target, set()).update(new)
        frontier = nxt
    return found


def release_held(session: Session, code: str, opener: Callable[[Path], OpenedPackage]) -> list[Receipt]:
    """Packages from ``code`` that waited for an earlier one: applied in order once they can be; one
    whose changes a later package already brought is marked superseded."""
    import tempfile

    receipts: list[Receipt] = []
    while True:
        peer = station_peer(session, code)
        held = session.scalars(
            select(SyncPackage)
            .where(SyncPackage.peer == code, SyncPackage.status == "held")
            .order_by(SyncPackage.epoch, SyncPackage.seq)  # type: ignore[arg-type]
        ).all()
        progressed = False
        for package in held:
            if (package.epoch, package.seq) <= (peer.received_epoch, peer.received_seq):
                package.status = "superseded"
                package.message = f"其中的变更已随第 {peer.received_seq} 号包到达"
                session.add(package)
                continue
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / package.file_name
                path.write_bytes(package.content or b"")
                opened = opener(path)
                if int(opened.manifest.get("from_seq", 1)) > peer.peer_through + 1:
                    continue
                session.delete(package)
                session.flush()
                receipts.append(apply_station_package(session, opened, package.content))
                progressed = True
                break
        if not progressed:
            return receipts


def revoke_in(session: Session, code: str) -> None:
    peer = station_peer(session, code)
    peer.status = "revoked"
    session.add(peer)

"""Headquarters' side of the exchange: its identity, enrolling stations, applying their packages (one
transaction each, archived), the reply for each station, transfers and duplicate notices."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlmodel import Session, col

from desktop.services.sync.applying import Applier
from desktop.services.sync.common import (
    Receipt,
    archive,
    changes_of,
    hq_kinds,
    in_members,
    iso,
    package_rows,
    recompute,
)
from desktop.services.sync.node import (
    HQ_USER,
    keys_of,
    lost_ranges,
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
from models.audit import HQ_ROLE, Change
from models.base import utcnow
from models.errors import Conflict
from models.sync.tables import (
    HQ,
    STATION,
    SyncNode,
    SyncNotice,
    SyncPackage,
    SyncPeer,
    SyncQuarantine,
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
        if record_station(connection, row["record_kind"], row["record_id"]) == hq_code:
            yield row


def record_station(connection: Connection, kind: str, record_id: str) -> str | None:
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


def import_station_package(
    session: Session, path: Path, *, only: str | None = None, check: Callable[[], None] = lambda: None
) -> Receipt:
    """HQ opens and applies a station's package file, then what it held for that station; with ``only``
    (the online intake's signed-in station) a package another station signed is refused."""
    from desktop.sync_package import open_package

    node = hq_node(session)
    resolve = resolve_station(session)

    def opener(target: Path) -> OpenedPackage:
        return open_package(target, receiver=node.code, resolve_signer=resolve, identity=keys_of(node))

    def own(manifest: Mapping[str, Any]) -> PublicKeys:
        sender = str(manifest.get("sender", ""))
        if only is not None and sender != only:
            raise refuse(
                f"这个数据包是服务站 {sender} 的，不是已登录的服务站 {only} 的："
                "每个服务站只能上传本站的数据包"
            )
        keys: PublicKeys = resolve(manifest)
        return keys

    package = open_package(path, receiver=node.code, resolve_signer=own, identity=keys_of(node))
    check()
    receipt = apply_station_package(session, package, path.read_bytes())
    if not receipt.already_applied:
        receipt.messages += [
            line for r in release_held(session, receipt.sender, opener) for line in r.lines()
        ]
    return receipt


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
            f"服务站 {code} 的第 {seq} 号包比已导入的第 {peer.received_seq} 号包旧"
            "（或同号而内容不同），已拒绝，数据库未作改动；"
            "若服务站从旧备份恢复过，请它先导入总部最新的回复包，再重新导出"
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
        # what the restored lineage no longer has of the station's own changes HQ holds: every epoch
        # it does not list (a backup older than an earlier epoch), and the rest of those it left
        lineage = [[int(e), int(first)] for e, first in manifest.get("epochs", [])]
        lost = lost_ranges(_own_epochs(session, code), lineage)
        if lost:
            peer.restore_from = {"lost": lost, "reply": None}
        receipt.messages.append(
            f"服务站 {code} 从旧备份恢复过（第 {len(lineage)} 个同步纪元）：总部的回复会把它丢失的变更发回"
        )
    elif peer.peer_epoch == epoch and int(manifest.get("from_seq", 1)) > peer.peer_through + 1:
        archive(session, package, status="held", content=content, seq=seq, epoch=epoch)
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
    applier = Applier(
        session, peer=code, package_id=package.package_id, home=_home(node.code), validate=hq_checks
    )
    applier.apply(changes_of(package), expected=package_rows(package))
    applier.retry_waiting()
    recompute(session, applier.report.kinds, applier.report.touched)
    receipt.report = applier.report
    _duplicates(session, applier.report.touched.get("entrepreneur", set()))
    _follow_merges(session, applier.report.touched)
    acknowledges = manifest.get("acknowledges") or {}
    peer.peer_epoch = epoch
    through = int(manifest.get("through_seq", 0))
    peer.peer_through = through if new_epoch else max(peer.peer_through, through)
    hq_through, version = int(acknowledges.get("hq_through", 0)), int(acknowledges.get("reply_version", 0))
    # what the station holds now, as it says: packages apply in order (an older one is refused), so it
    # only goes down when the station was restored from an old backup (in a new epoch or not yet), and
    # then what it received after the backup is gone and is sent again
    peer.hq_acked, peer.acked_seq = hq_through, version
    carried = (peer.restore_from or {}).get("reply")
    if carried is not None and peer.acked_seq >= carried:
        peer.restore_from = None  # the station has applied a reply that carried back what it lost
    peer.received_seq, peer.received_epoch, peer.received_id = seq, epoch, package.package_id
    peer.received_at = utcnow()
    session.flush()
    # the station compared HQ's digests with its own when it applied HQ's last reply: the buckets that
    # disagreed go back to it whole in the next reply (as it resends its own changes of them)
    peer.resend_buckets = sorted(str(bucket) for bucket in manifest.get("resend") or [])
    session.add(peer)
    archive(session, package, status="applied", content=content, seq=seq, epoch=epoch)
    return receipt


def _home(hq_code: str) -> Any:
    kinds = hq_kinds()

    def home(kind: str, station: str) -> str | None:
        return "*" if kind in kinds and station == hq_code else station

    return home


def hq_checks(kind: str, values: Mapping[str, Any]) -> str | None:
    """HQ's own checks of a station's new record, beyond the database's: a file's ID number must pass
    its checksum (a station checked it at entry; a package from an older or broken program may not
    have). The reason names the field, never the value (personal data)."""
    from models.errors import ValidationError
    from models.validators import parse_id_number

    number = values.get("id_number") if kind == "entrepreneur" else None
    if number:
        try:
            parse_id_number(number)
        except ValidationError:
            return "创业者档案的身份证号码未通过校验（校验位、出生日期或地区码不对），总部未接收"
    return None


def _own_epochs(session: Session, code: str) -> list[int]:
    """The epochs of the station's own changes HQ holds."""
    query = select(func.distinct(col(Change.origin_epoch))).where(
        col(Change.station_code) == code, col(Change.origin_epoch).is_not(None)
    )
    return [int(epoch) for epoch in session.execute(query).scalars()]


def quarantined_of(session: Session, code: str) -> set[tuple[str, str]]:
    query = select(col(SyncQuarantine.record_kind), col(SyncQuarantine.record_id))
    rows = session.execute(query.where(col(SyncQuarantine.peer) == code))
    return {(str(row[0]), str(row[1])) for row in rows}


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


def _follow_merges(session: Session, touched: Mapping[str, set[str]]) -> None:
    """Records a station made on a file HQ merged away since go to the survivor (docs/hq-duplicates.md)."""
    from desktop.services.hq.duplicates.merging import follow_merges

    follow_merges(session, touched)


def _notice_once(session: Session, one: Any, other: Any) -> None:
    exists = session.scalars(
        select(SyncNotice).where(
            col(SyncNotice.kind) == "duplicate",
            col(SyncNotice.record_id) == one.id,
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
                text=f"{one.name} 的身份证号码也在服务站 {other.station_code} 建有档案："
                "可能是同一人，请与总部核实（不会自动合并）",
            )
        )


def release_held(session: Session, code: str, opener: Callable[[Path], OpenedPackage]) -> list[Receipt]:
    """Packages from ``code`` that waited for an earlier one: applied in order once they can be; one
    whose changes a later package already brought is marked superseded."""
    import tempfile

    receipts: list[Receipt] = []
    while True:
        peer = station_peer(session, code)
        held = session.scalars(
            select(SyncPackage)
            .where(col(SyncPackage.peer) == code, col(SyncPackage.status) == "held")
            .order_by(col(SyncPackage.epoch), col(SyncPackage.seq))
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

"""Applying an upload at HQ, as ``doorstep sync import`` does (the same bounded reader, the same
apply, one transaction), with one more check: the package is the signed-in station's own. Then the
reply for that station is written, to be offered for download."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop.services import sync
from desktop.services.gate import service
from desktop.services.sync.common import Receipt
from models.actor import Actor
from models.database import Database
from models.permissions import Permission

REPLY_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}\.dsync")


@service(Permission.SYNC)
def import_from_station(db: Database, actor: Actor, /, *, path: Path, station: str) -> Receipt:
    """HQ applies ``station``'s package at ``path``; a package another station signed is refused."""
    from desktop.services.sync.hq_side import import_station_package

    with db.transaction() as session:
        return import_station_package(session, path, only=station)


@dataclass(frozen=True)
class ReplyFile:
    name: str
    seq: int
    changes: int


@dataclass(frozen=True)
class Accepted:
    """What an upload did: HQ's receipt, and the reply written for the station."""

    station: str
    seq: int
    lines: list[str]
    reply: ReplyFile


@service(Permission.SYNC)
def accept(db: Database, actor: Actor, /, *, path: Path, station: str, replies: Path) -> Accepted:
    receipt = import_from_station(db, actor, path=path, station=station)
    written = sync.write_hq_reply(db, actor, code=station, out_dir=replies_of(replies, station))
    return Accepted(
        station, receipt.seq, receipt.lines(), ReplyFile(written.path.name, written.seq, written.changes)
    )


def replies_of(replies: Path, station: str) -> Path:
    folder = replies / station
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def reply_path(replies: Path, station: str, name: str) -> Path | None:
    """A reply written for ``station`` by that name, if there is one (never a path outside its folder)."""
    if not REPLY_NAME.fullmatch(name) or name.startswith("."):
        return None
    path = replies / station / name
    return path if path.is_file() else None


def latest_reply(replies: Path, station: str) -> Path | None:
    folder = replies / station
    found = [p for p in folder.glob("*.dsync") if p.is_file()] if folder.is_dir() else []
    return max(found, key=lambda p: p.name, default=None)


@dataclass(frozen=True)
class StationView:
    code: str
    name: str
    received_seq: int
    received_at: datetime | None


@service(Permission.SYNC)
def station_view(db: Database, actor: Actor, /, *, code: str) -> StationView:
    from models.sync.tables import SyncPeer

    with db.reading() as session:
        peer = session.get(SyncPeer, code)
        if peer is None:
            return StationView(code, "", 0, None)
        return StationView(code, peer.name, peer.received_seq, peer.received_at)

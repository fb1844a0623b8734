"""The sync's own tables. All are **local** (they never travel as records): they are this node's state
of the exchange, kept beside the journal whose rows are what travels (docs/sync.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, new_id, utcnow

STATION = "station"
HQ = "hq"


class SyncNode(SQLModel, table=True):
    """This database's own identity in the exchange: one row. Its private keys live here (the users
    issue encrypts the database that holds them)."""

    __tablename__ = "sync_node"

    code: str = Field(primary_key=True, max_length=9)
    role: str = Field(max_length=10)  # "station" or "hq"
    name: str = Field(default="", max_length=100)
    sign_private: str = Field(max_length=100)
    box_identity: str = Field(max_length=100)
    # epochs as [[epoch, first local seq of that epoch], …]: a restore from an old backup opens a new one,
    # numbered by the clock (milliseconds since 2026) so that no other lineage of the station has it
    epochs: list[list[int]] = Field(default_factory=lambda: [[1, 1]], sa_column=Column(JSON, nullable=False))
    reply_version: int = 0  # HQ: the last reply version issued; station: the newest reply accepted
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SyncPeer(SQLModel, table=True):
    """The other side: at a station, its headquarters; at HQ, every enrolled station."""

    __tablename__ = "sync_peer"

    code: str = Field(primary_key=True, max_length=9)
    role: str = Field(max_length=10)
    name: str = Field(default="", max_length=100)
    sign: str | None = Field(default=None, max_length=100)  # pinned public keys (None: not yet seen)
    box: str | None = Field(default=None, max_length=100)
    enrol_secret: str | None = Field(default=None, max_length=100)  # HQ: sha256 of the one-time secret
    status: str = Field(default="active", max_length=10)  # "enrolled" (no package yet), "active", "revoked"
    sent_seq: int = 0  # the last package number this node sent to the peer
    sent_id: str | None = Field(default=None, max_length=64)
    received_seq: int = 0  # the last package number applied from the peer
    received_id: str | None = Field(default=None, max_length=64)
    received_epoch: int = Field(default=0, sa_type=BigInteger)
    received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # the peer's changes this node holds: their epoch and the last of their seqs applied (what it acks)
    peer_epoch: int = Field(default=0, sa_type=BigInteger)
    peer_through: int = 0
    # this node's changes the peer acknowledged: in epoch acked_epoch, every local seq through acked_seq
    acked_epoch: int = Field(default=0, sa_type=BigInteger)
    acked_seq: int = 0
    # HQ: this node's local change seq the peer has acknowledged (what its replies need not repeat)
    hq_acked: int = 0
    peer_digests: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    resend_buckets: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # HQ: a station restored from an old backup: {"lost": [[epoch, first lost seq], …], "reply": the
    # first reply version that carries them back (None until written)}; cleared once it is applied
    restore_from: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class SyncPackage(SQLModel, table=True):
    """Every package sent or received; HQ keeps each applied package's file (the archive)."""

    __tablename__ = "sync_package"
    __table_args__ = (Index("ix_sync_package_peer_direction_seq", "peer", "direction", "seq"),)

    id: str = Field(primary_key=True, max_length=64)  # sha256 of the manifest
    peer: str = Field(max_length=9)
    direction: str = Field(max_length=3)  # "in" or "out"
    seq: int
    epoch: int = Field(default=1, sa_type=BigInteger)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status: str = Field(max_length=10)  # "sent", "applied", "held" (waits for a gap), "superseded"
    file_name: str = Field(default="", max_length=200)
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    message: str = Field(default="", max_length=500)
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class SyncConflict(SQLModel, table=True):
    """A value that lost to a concurrent edit of the same field (or an edit hidden by a concurrent
    delete): both values, who, where and when; a person keeps the winner or reinstates the other."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_record", "record_kind", "record_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    kind: str = Field(default="field", max_length=10)  # "field" or "deleted" (an edit of a deleted record)
    record_kind: str = Field(max_length=40)
    record_id: str = Field(max_length=36)
    station_code: str = Field(max_length=9)  # the record's station
    field: str = Field(max_length=60)
    winner_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    winner_change: str = Field(max_length=36)
    winner_user: str = Field(default="", max_length=64)
    winner_station: str = Field(default="", max_length=9)
    winner_at: datetime = Field(sa_type=UTCDateTime)
    loser_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    loser_change: str = Field(max_length=36)
    loser_user: str = Field(default="", max_length=64)
    loser_station: str = Field(default="", max_length=9)
    loser_at: datetime = Field(sa_type=UTCDateTime)
    found_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status: str = Field(default="open", max_length=12)  # "open", "kept", "reinstated"
    settled_by: str = Field(default="", max_length=64)
    settled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SyncWaiting(SQLModel, table=True):
    """A received change whose base has not arrived (its record, or a record it points to, is not here):
    it waits, visibly, and applies when the base comes, or by a person's explicit, audited action."""

    __tablename__ = "sync_waiting"

    change_id: str = Field(primary_key=True, max_length=36)
    change: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # the change as it travelled
    peer: str = Field(max_length=9)
    reason: str = Field(max_length=200)
    since: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SyncNotice(SQLModel, table=True):
    """What the other side said that a person should see: a possible duplicate, a transfer, a record
    HQ quarantined, a task. At HQ the notices it sends are kept here too (``peer`` is the station)."""

    __tablename__ = "sync_notice"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    kind: str = Field(max_length=20)  # "duplicate", "transfer_out", "transfer_in", "quarantine"
    peer: str = Field(default="", max_length=9)  # HQ: the station it is for; station: "" (from HQ)
    record_kind: str = Field(default="", max_length=40)
    record_id: str = Field(default="", max_length=36)
    other_station: str = Field(default="", max_length=9)
    other_record_id: str = Field(default="", max_length=36)
    text: str = Field(default="", max_length=500)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    hq_seq: int = 0  # HQ: its change seq when the notice was made (a reply carries notices it has not)


class SyncQuarantine(SQLModel, table=True):
    """A received change the receiver could not accept (it fails validation there): kept with the
    reason, reported back, never blocking the rest of its package and never vanishing."""

    __tablename__ = "sync_quarantine"

    change_id: str = Field(primary_key=True, max_length=36)
    peer: str = Field(max_length=9)
    record_kind: str = Field(max_length=40)
    record_id: str = Field(max_length=36)
    reason: str = Field(max_length=500)
    change: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SyncTransfer(SQLModel, table=True):
    """HQ moved a person's file (and what depends on it) from one station to another."""

    __tablename__ = "sync_transfer"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    entrepreneur_id: str = Field(max_length=36)
    from_station: str = Field(max_length=9)
    to_station: str = Field(max_length=9)
    record_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    hq_seq: int = 0  # HQ's change seq of the transfer: a reply to the new station after it carries it

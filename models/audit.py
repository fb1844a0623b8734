"""The journal: one append-only log of every change — the audit trail, the undo history and what sync
sends, one mechanism (DESIGN.md "The journal").

Every write of a record that travels goes through an :class:`Operation`, the unit of work of one
service step: it bumps the record's version and appends, in the same transaction, one complete
:class:`Change` row — every field's value on create, before and after on update, the tombstone on
delete — numbered by a monotone local sequence (``seq``, the order sync sends). Undo appends
compensating changes (``undoes``) and never edits an old row. :mod:`models.journal` holds the bulk path
(:meth:`Operation.create_many`), the guard that refuses any other write of a travelling table, and the
replay that rebuilds the tables from the log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Dialect, Index, func, inspect, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Session, SQLModel, select

from models.actor import Actor as Actor  # noqa: PLC0414  (re-exported: most callers import it from here)
from models.base import BOOKKEEPING_COLUMNS, TravellingRecord, UTCDateTime, jsonable, new_id, utcnow

HQ_ROLE = "hq"  # the actor at headquarters: it may correct any station's record


class ChangeAction:
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"
    # the whole record as it stood when the journal became complete (migration 0007): every column
    BASELINE = "baseline"


class ChangeJSON(TypeDecorator[dict[str, Any]]):
    """The change log's JSON on SQLite: characters as themselves, not ``\\uXXXX`` (a Chinese text takes
    half the bytes), no spaces after separators. It reads back as any JSON does; other dialects (and
    the records' own JSON columns, which replay must rebuild to the byte) keep SQLAlchemy's default."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        return _compact_json


def _compact_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Change(SQLModel, table=True):
    """One change of one record. Never updated or deleted once written."""

    __tablename__ = "change_log"
    # only undo rows name the operation they revert: the index holds them alone (a bulk import's rows
    # pay for no entry)
    __table_args__ = (
        Index(
            "ix_change_log_undoes",
            "undoes",
            sqlite_where=text("undoes IS NOT NULL"),
            postgresql_where=text("undoes IS NOT NULL"),
        ),
        # HQ's routing: the changes a station's reply carries (station-made rows have no home: no entry)
        Index(
            "ix_change_log_home_seq",
            "home",
            "seq",
            sqlite_where=text("home IS NOT NULL"),
            postgresql_where=text("home IS NOT NULL"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    seq: int = Field(unique=True)  # the station's own order of its changes: 1, 2, 3 …
    operation_id: str = Field(max_length=36, index=True)
    operation_label: str = Field(default="", max_length=100)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user_name: str = Field(max_length=64)
    station_code: str = Field(max_length=9)
    record_kind: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    subject_id: str | None = Field(default=None, max_length=36, index=True)
    action: str = Field(max_length=10)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(ChangeJSON, nullable=False))
    base_version: int = 0
    version: int = 1
    undoes: str | None = Field(default=None, max_length=36)  # the operation this reverts
    # sync (docs/sync.md): a change made elsewhere keeps its origin's number and epoch, and names the
    # package that brought it; ``home`` is the station whose package it travels in (HQ's routing)
    received_in: str | None = Field(default=None, max_length=64)
    origin_seq: int | None = None
    origin_epoch: int | None = Field(default=None, sa_type=BigInteger)
    home: str | None = Field(default=None, max_length=9)


class AccessLog(SQLModel, table=True):
    """Every view of unmasked personal data, every export and every refused call (DESIGN.md)."""

    __tablename__ = "access_log"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user_name: str = Field(max_length=64)
    action: str = Field(max_length=20)
    record_kind: str = Field(default="", max_length=40)
    record_id: str = Field(default="", max_length=36)
    detail: str = Field(default="", max_length=500)


def record_values(record: SQLModel) -> dict[str, Any]:
    """The user-visible column values of a stored record, as the change log writes them."""
    mapper = inspect(type(record))
    return {
        column.key: jsonable(getattr(record, column.key))
        for column in mapper.column_attrs
        if column.key not in BOOKKEEPING_COLUMNS
    }


def column_state(record: SQLModel) -> dict[str, Any]:
    """Every column's value as the journal last wrote it (the write guard compares against this)."""
    return {column.key: getattr(record, column.key) for column in inspect(type(record)).column_attrs}


def create_diff(values: Mapping[str, Any], record_station: str, acting_station: str) -> dict[str, Any]:
    """A create's change row: every field that has a value, and the record's station where it is not
    the station that made the change (a record HQ makes for a station). Replay reads it back."""
    diff = {key: [None, value] for key, value in values.items() if value is not None}
    if record_station != acting_station:
        diff["station_code"] = [None, record_station]
    return diff


JOURNAL_STATE = "doorstep.journal"  # session.info: id(record) -> (record, the values the journal wrote)
JOURNAL_SEQ = "doorstep.journal.seq"  # session.info: the last seq used in this transaction


def next_seqs(session: Session, count: int) -> range:
    """``count`` sequence numbers after the newest in the log (read once per transaction)."""
    last = session.info.get(JOURNAL_SEQ)
    if last is None:
        last = session.exec(select(func.coalesce(func.max(Change.seq), 0))).one()
    session.info[JOURNAL_SEQ] = last + count
    return range(last + 1, last + count + 1)


def journaled(session: Session, record: SQLModel) -> None:
    """Note that the journal wrote ``record`` as it now stands (see :mod:`models.journal`)."""
    session.info.setdefault(JOURNAL_STATE, {})[id(record)] = (record, column_state(record))


@dataclass
class Operation:
    """One undo step inside a service call's transaction: writes a change row as each record is touched.

    A service call's core receives the operation (or makes its own from the session) and never commits;
    the thin entry around it opens the one transaction (``db.transaction()``). One time, ``at``, stamps
    every record and change row of the operation."""

    session: Session
    actor: Actor
    label: str
    operation_id: str = field(default_factory=new_id)
    undoes: str | None = None
    at: datetime = field(default_factory=utcnow)
    changes: list[Change] = field(default_factory=list)

    def _log(
        self, record: TravellingRecord, action: str, diff: dict[str, Any], subject_id: str | None, base: int
    ) -> Change:
        journaled(self.session, record)
        with self.session.no_autoflush:
            seq = next_seqs(self.session, 1)[0]
        change = Change(
            seq=seq,
            operation_id=self.operation_id,
            operation_label=self.label,
            at=self.at,
            user_name=self.actor.user_name,
            station_code=self.actor.station_code,
            record_kind=type(record).__tablename__,  # type: ignore[arg-type]
            record_id=record.id,
            subject_id=subject_id,
            action=action,
            changes=diff,
            base_version=base,
            version=record.version,
            undoes=self.undoes,
        )
        self.session.add(change)
        journaled(self.session, change)
        self.changes.append(change)
        return change

    def create(self, record: TravellingRecord, *, subject_id: str | None = None) -> None:
        """Store a new record: version 1, and every field's value in its change row."""
        record.station_code = record.station_code or self.actor.station_code
        record.created_at = record.updated_at = self.at
        record.updated_by = self.actor.user_name
        record.version = 1
        record.deleted = False
        self.session.add(record)
        diff = create_diff(record_values(record), record.station_code, self.actor.station_code)
        self._log(record, ChangeAction.CREATE, diff, subject_id, 0)

    def create_many(
        self,
        model: type[TravellingRecord],
        rows: Sequence[Mapping[str, Any]],
        *,
        subject_ids: Sequence[str | None],
        operation_ids: Sequence[str] | None = None,
    ) -> list[str]:
        """The bulk path (imports, the demo, the catalogue): see :func:`models.journal.create_many`."""
        from models.journal import create_many

        return create_many(self, model, rows, subject_ids=subject_ids, operation_ids=operation_ids)

    def update(
        self, record: TravellingRecord, values: Mapping[str, Any], *, subject_id: str | None = None
    ) -> dict[str, Any]:
        """Set ``values`` on ``record``; log and bump the version only for fields that really change."""
        diff: dict[str, Any] = {}
        for key, value in values.items():
            before = getattr(record, key)
            if before != value:
                diff[key] = [jsonable(before), jsonable(value)]
                setattr(record, key, value)
        if diff:
            self._touch(record)
            self._log(record, ChangeAction.UPDATE, diff, subject_id, record.version - 1)
        return diff

    def set_deleted(self, record: TravellingRecord, deleted: bool, *, subject_id: str | None = None) -> None:
        """Send a record to the recycle bin or bring it back: a tombstone, never a hard delete."""
        if record.deleted == deleted:
            return
        record.deleted = deleted
        self._touch(record)
        action = ChangeAction.DELETE if deleted else ChangeAction.RESTORE
        self._log(record, action, {"deleted": [not deleted, deleted]}, subject_id, record.version - 1)

    def _touch(self, record: TravellingRecord) -> None:
        if record.station_code != self.actor.station_code and self.actor.role != HQ_ROLE:
            from models.errors import Conflict

            raise Conflict(
                f"这条记录属于服务站 {record.station_code}（已由总部转出），在本站只读；如需修改请联系总部"
            )
        record.updated_at = self.at
        record.updated_by = self.actor.user_name
        record.version += 1
        self.session.add(record)

    def log_access(self, action: str, record_kind: str = "", record_id: str = "", detail: str = "") -> None:
        self.session.add(
            AccessLog(
                user_name=self.actor.user_name,
                action=action,
                record_kind=record_kind,
                record_id=record_id,
                detail=detail[:500],
            )
        )

"""The change log: audit trail, undo history and (later) what sync sends — one mechanism (DESIGN.md).

Every service call runs as one *operation*: a transaction with an ``operation_id``. Each record it
touches writes one :class:`Change` row in the same transaction, holding each field's value before and
after and the record version the change was based on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, inspect
from sqlmodel import Field, Session, SQLModel

from models.actor import Actor as Actor  # noqa: PLC0414  (re-exported: most callers import it from here)
from models.base import BOOKKEEPING_COLUMNS, TravellingRecord, UTCDateTime, jsonable, new_id, utcnow


class ChangeAction:
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"


class Change(SQLModel, table=True):
    __tablename__ = "change_log"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    operation_id: str = Field(max_length=36, index=True)
    operation_label: str = Field(default="", max_length=100)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user_name: str = Field(max_length=64)
    station_code: str = Field(max_length=9)
    record_kind: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    subject_id: str | None = Field(default=None, max_length=36, index=True)
    action: str = Field(max_length=10)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    base_version: int = 0
    version: int = 1
    undone_by: str | None = Field(default=None, max_length=36)
    undoes: str | None = Field(default=None, max_length=36)


class AccessLog(SQLModel, table=True):
    """Every view of unmasked personal data and every export (DESIGN.md)."""

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


@dataclass
class Operation:
    """One service call: one transaction, one undo step. Writes change rows as records are touched."""

    session: Session
    actor: Actor
    label: str
    operation_id: str = field(default_factory=new_id)
    undoes: str | None = None
    changes: list[Change] = field(default_factory=list)

    def _log(
        self, record: TravellingRecord, action: str, diff: dict[str, Any], subject_id: str | None, base: int
    ) -> Change:
        change = Change(
            operation_id=self.operation_id,
            operation_label=self.label,
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
        self.changes.append(change)
        return change

    def create(self, record: TravellingRecord, *, subject_id: str | None = None) -> None:
        now = utcnow()
        record.station_code = record.station_code or self.actor.station_code
        record.created_at = record.updated_at = now
        record.updated_by = self.actor.user_name
        record.version = 1
        self.session.add(record)
        diff = {key: [None, value] for key, value in record_values(record).items() if value is not None}
        self._log(record, ChangeAction.CREATE, diff, subject_id, 0)

    def update(
        self, record: TravellingRecord, values: dict[str, Any], *, subject_id: str | None = None
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
        if record.deleted == deleted:
            return
        record.deleted = deleted
        self._touch(record)
        action = ChangeAction.DELETE if deleted else ChangeAction.RESTORE
        self._log(record, action, {"deleted": [not deleted, deleted]}, subject_id, record.version - 1)

    def _touch(self, record: TravellingRecord) -> None:
        record.updated_at = utcnow()
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

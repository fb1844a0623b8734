"""Undo as a new change: the last operation on a file is reverted field by field and logged.

Undoing writes change rows like any other edit (so the audit trail and sync see it) and marks the
undone rows, so that pressing Ctrl+Z again steps further back instead of redoing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlmodel import Session, col, select

from models.audit import Change, ChangeAction, Operation
from models.base import TravellingRecord, jsonable
from models.errors import Conflict, NotFound
from models.tables import travelling_tables


def last_undoable_operation(*, session: Session, subject_id: str) -> list[Change]:
    """The change rows of the newest operation on this file that is not an undo and not undone."""
    newest = session.exec(
        select(Change)
        .where(Change.subject_id == subject_id, col(Change.undone_by).is_(None), col(Change.undoes).is_(None))
        .order_by(col(Change.id).desc())
        .limit(1)
    ).first()
    if newest is None:
        return []
    rows = session.exec(
        select(Change).where(Change.operation_id == newest.operation_id).order_by(col(Change.id).desc())
    ).all()
    return list(rows)


def _from_jsonable(model: type[TravellingRecord], key: str, value: Any) -> Any:
    if value is None:
        return None
    python_type = inspect(model).columns[key].type.python_type
    if python_type is date and isinstance(value, str):
        return date.fromisoformat(value)
    if python_type is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _still_as_left(record: TravellingRecord, change: Change) -> bool:
    """Whether the record still holds what ``change`` wrote (later changes were undone, or none)."""
    if change.action in (ChangeAction.DELETE, ChangeAction.RESTORE):
        return record.deleted == (change.action == ChangeAction.DELETE)
    if change.action == ChangeAction.CREATE:
        return not record.deleted
    return all(jsonable(getattr(record, key)) == pair[1] for key, pair in change.changes.items())


def undo_changes(operation: Operation, changes: list[Change]) -> None:
    """Revert ``changes`` (newest first) inside ``operation``; refuse if a record moved on meanwhile."""
    tables = travelling_tables()
    for change in changes:
        model = tables[change.record_kind]
        record = operation.session.get(model, change.record_id)
        if record is None:
            raise NotFound(f"要撤销的记录已不存在（{change.record_kind} {change.record_id}）")
        if not _still_as_left(record, change):
            raise Conflict("这条记录在那次修改之后又被改动过，无法撤销；请在“变更记录”中查看")
        if change.action == ChangeAction.CREATE:
            operation.set_deleted(record, True, subject_id=change.subject_id)
        elif change.action in (ChangeAction.DELETE, ChangeAction.RESTORE):
            operation.set_deleted(record, change.action == ChangeAction.RESTORE, subject_id=change.subject_id)
        else:
            values = {key: _from_jsonable(model, key, pair[0]) for key, pair in change.changes.items()}
            operation.update(record, values, subject_id=change.subject_id)
        change.undone_by = operation.operation_id
        operation.session.add(change)

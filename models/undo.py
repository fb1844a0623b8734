"""Undo as a new change: the last operation on a file (or a class) is reverted field by field.

Undoing appends compensating change rows like any other edit (``undoes`` names the operation they
revert), so the audit trail and sync see it and the log stays append-only. An operation counts as
undone when such rows exist; pressing Ctrl+Z again steps further back instead of redoing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models.audit import Change, ChangeAction, Operation
from models.base import TravellingRecord, jsonable
from models.errors import Conflict, NotFound
from models.journal import from_jsonable
from models.tables import travelling_tables


def last_undoable_operation(
    *, session: Session, subject_id: str, user_name: str | None = None, since: datetime | None = None
) -> list[Change]:
    """The change rows of the newest operation on this subject that is not an undo and not undone —
    of ``user_name``'s own operations since ``since`` when they are given (undo's reach)."""
    undo = aliased(Change)
    query = select(Change).where(
        Change.subject_id == subject_id,
        col(Change.undoes).is_(None),
        Change.action != ChangeAction.BASELINE,
        ~exists().where(col(undo.undoes) == col(Change.operation_id)),
    )
    if user_name is not None:
        query = query.where(Change.user_name == user_name)
    if since is not None:
        query = query.where(col(Change.at) >= since)
    newest = session.exec(query.order_by(col(Change.seq).desc()).limit(1)).first()
    if newest is None:
        return []
    rows = session.exec(
        select(Change).where(Change.operation_id == newest.operation_id).order_by(col(Change.seq).desc())
    ).all()
    return list(rows)


def undone_operations(changes: list[Change]) -> set[str]:
    """The operations among ``changes`` that an undo in ``changes`` reverted."""
    return {change.undoes for change in changes if change.undoes}


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
            values = {key: from_jsonable(model, key, pair[0]) for key, pair in change.changes.items()}
            operation.update(record, values, subject_id=change.subject_id)


def operation_changes(session: Session, operation_id: str) -> list[Change]:
    """Every change row of one operation, newest first (what undoing the whole operation reverts)."""
    return list(
        session.exec(
            select(Change).where(Change.operation_id == operation_id).order_by(col(Change.seq).desc())
        ).all()
    )


def operation_undone(session: Session, operation_id: str) -> bool:
    """Whether undo rows name this operation (it was undone)."""
    return session.exec(select(Change.id).where(Change.undoes == operation_id).limit(1)).first() is not None


def operation_subjects(changes: list[Change]) -> set[str]:
    """The subjects (files, classes) an operation's changes touch: more than one for a whole import,
    whose undo is the import's own (``desktop.services.ledger.history.undo_import``), not a file's Ctrl+Z."""
    return {change.subject_id for change in changes if change.subject_id}

"""导入记录: the ledger imports this station made, each ONE operation ("导入台账 文件名 (N 人)"), and the
undo of a whole import as one step through the journal (undo rows whose ``undoes`` names the import).

An import is undone only while every record it wrote still stands as it left it: a file edited since
(a phone corrected, a visit's stage change, a later import) refuses the undo by name, so nothing a worker
did afterwards is lost by it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from desktop.services.entrepreneurs import rebuild_search
from desktop.services.gate import service
from desktop.services.ledger.importing import IMPORT_LABEL
from models.audit import Actor, Change, ChangeAction, Operation, record_values
from models.base import UTCDateTime
from models.database import Database
from models.entrepreneur import Entrepreneur, current_stage, live_ventures
from models.errors import Conflict, NotFound
from models.permissions import Permission
from models.tables import travelling_tables
from models.undo import operation_changes, operation_undone, undo_changes


@dataclass(frozen=True)
class ImportRecord:
    """One import as the 导入记录 list shows it."""

    operation_id: str
    label: str
    at: datetime
    user_name: str
    created: int  # files the import made (undoing it removes them)
    updated: int  # files on record it changed (undoing it puts back what they held)
    undone: bool


@dataclass(frozen=True)
class UndoneImport:
    label: str
    removed: int
    restored: int


def _label_pattern() -> str:
    return f"{IMPORT_LABEL} % 人)"


@service(Permission.IMPORT_DATA)
def import_history(db: Database, actor: Actor, /, *, limit: int = 50) -> list[ImportRecord]:
    """The station's ledger imports, newest first (imports from before one import was one operation,
    which were one step per person, are not listed: their files undo one by one)."""
    with db.reading() as session:
        created = func.sum(
            case(
                (
                    (col(Change.record_kind) == Entrepreneur.__tablename__)
                    & (col(Change.action) == ChangeAction.CREATE),
                    1,
                ),
                else_=0,
            )
        )
        people = func.count(func.distinct(col(Change.subject_id)))
        rows = session.exec(
            select(  # type: ignore[call-overload]
                Change.operation_id,
                Change.operation_label,
                func.min(Change.at, type_=UTCDateTime),
                func.min(Change.user_name),
                created,
                people,
            )
            .where(col(Change.operation_label).like(_label_pattern()), col(Change.undoes).is_(None))
            .group_by(col(Change.operation_id), col(Change.operation_label))
            .order_by(func.min(Change.seq).desc())
            .limit(limit)
        ).all()
        return [
            ImportRecord(
                operation_id=operation_id,
                label=label,
                at=at,
                user_name=user,
                created=int(made or 0),
                updated=int(touched or 0) - int(made or 0),
                undone=operation_undone(session, operation_id),
            )
            for operation_id, label, at, user, made, touched in rows
        ]


def _changed_since(session: Session, changes: list[Change]) -> str | None:
    """The first file the import wrote that no longer holds what the import left in it (its name)."""
    tables = travelling_tables()
    checked: set[tuple[str, str]] = set()
    for change in changes:  # newest first: the values each record was left with
        where = (change.record_kind, change.record_id)
        if where in checked:
            continue
        checked.add(where)
        record = session.get(tables[change.record_kind], change.record_id)
        moved = record is None or record.deleted
        if record is not None and not moved:
            now = record_values(record)
            moved = any(
                field in now and now[field] != after
                for field, (_before, after) in change.changes.items()
                if field != "station_code"
            )
        if moved:
            subject = session.get(Entrepreneur, change.subject_id) if change.subject_id else None
            return subject.name if subject is not None else change.record_id
    return None


@service(Permission.IMPORT_DATA)
def undo_import(db: Database, actor: Actor, /, *, operation_id: str) -> UndoneImport:
    """Undo a whole import as one step: the files it made go to the recycle bin, the files it changed
    get back what they held. Refused, changing nothing, if any of them was changed since."""
    with db.transaction() as session:
        changes = operation_changes(session, operation_id)
        if not changes or not changes[0].operation_label.startswith(IMPORT_LABEL):
            raise NotFound("找不到这次导入的记录")
        label = changes[0].operation_label
        if operation_undone(session, operation_id):
            raise Conflict(f"“{label}”已经撤销过了")
        name = _changed_since(session, changes)
        if name is not None:
            raise Conflict(
                f"“{label}”之后，{name} 的档案又改动过，不能整批撤销这次导入；"
                "请在该档案的“变更记录”中查看，或逐个档案处理"
            )
        operation = Operation(session, actor, f"撤销：{label}"[:100], undoes=operation_id)
        undo_changes(operation, changes)
        session.flush()
        removed = sum(
            1
            for c in changes
            if c.record_kind == Entrepreneur.__tablename__ and c.action == ChangeAction.CREATE
        )
        made = {
            c.subject_id
            for c in changes
            if c.subject_id
            and c.record_kind == Entrepreneur.__tablename__
            and c.action == ChangeAction.CREATE
        }
        updated_ids = {c.subject_id for c in changes if c.subject_id and c.subject_id not in made}
        for entrepreneur_id in sorted(updated_ids):
            _settle(session, operation, entrepreneur_id)
        session.flush()
        # The search keys of every file the import touched, from what each now holds (a removed file's
        # ventures are gone from its keys, as the projection's rebuild has them).
        rebuild_search(session, sorted(made | updated_ids))
        return UndoneImport(label, removed, len(updated_ids))


def _settle(session: Session, operation: Operation, entrepreneur_id: str) -> None:
    """A file the import had changed, after the undo: its stage from what it now holds."""
    record = session.get(Entrepreneur, entrepreneur_id)
    if record is None:
        return
    live = live_ventures(session, record.id)
    operation.update(record, {"current_stage": current_stage(live)}, subject_id=record.id)

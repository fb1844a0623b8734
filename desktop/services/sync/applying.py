"""Applying received changes: field by field, by the one merge rule (:mod:`models.sync.merge`), inside
the caller's one transaction. Nothing is dropped: a change either lands, or waits for its base
(``sync_waiting``), or is quarantined with the reason (``sync_quarantine``); a value that lost to a
concurrent edit of the same field, and an edit hidden by a concurrent delete, go to ``sync_conflict``.

Changes are read in chunks (a first package holds millions): per chunk one query finds the changes
already here (the same package twice, or a change that came back), one per kind reads the records they
touch and one their change rows, then new records are written by executemany per table (parents first)
and changed ones by one UPDATE each."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col

from desktop.services.sync.node import last_seq
from desktop.services.sync.wire import change_row, from_wire_time
from models.audit import Change, ChangeAction, next_seqs
from models.base import jsonable, utcnow
from models.journal import (
    change_as_row,
    collector_paused,
    indexes_deferred,
    insert_columns,
    journal_writing,
    record_row,
)
from models.sync.merge import TOMBSTONE, RecordState
from models.sync.tables import SyncConflict, SyncQuarantine, SyncWaiting
from models.tables import metadata, travelling_tables

CHUNK = 5_000
# a batch of ids, bound at execution (the statement compiles once)
IDS: BindParameter[Any] = bindparam("ids", expanding=True)
KEPT_INDEXES = frozenset({"ix_change_log_record_id"})  # a stored record's change rows, read by _load
IN_BATCH = 500
ACTIONS = frozenset(
    {
        ChangeAction.CREATE,
        ChangeAction.UPDATE,
        ChangeAction.DELETE,
        ChangeAction.RESTORE,
        ChangeAction.BASELINE,
    }
)
WIRE_TYPES: Mapping[str, type | tuple[type, ...]] = {
    "id": str,
    "at": str,
    "user_name": str,
    "station_code": str,
    "record_kind": str,
    "record_id": str,
    "action": str,
    "changes": dict,
    "base_version": int,
    "version": int,
}
# the same, as exact types (JSON gives no subclasses; a bool is not an int), for the quick test
QUICK_TYPES = tuple((key, kind) for key, kind in WIRE_TYPES.items() if isinstance(kind, type))
Validator = Callable[[str, Mapping[str, Any]], str | None]  # kind, the record's values -> why refused


@dataclass
class ApplyReport:
    """What one apply did, for the receipt and the status page."""

    applied: int = 0
    already_here: int = 0
    waiting: int = 0
    quarantined: int = 0
    conflicts: int = 0
    kinds: set[str] = field(default_factory=set)
    touched: dict[str, set[str]] = field(default_factory=dict)  # kind -> record ids written


@dataclass
class _Pending:
    """A record touched in this chunk: its merged state and the changes that made it so."""

    state: RecordState
    new: bool
    changes: list[dict[str, Any]] = field(default_factory=list)
    row: dict[str, Any] | None = None  # as stored before this chunk (None: new)
    history: list[dict[str, Any]] = field(default_factory=list)  # its change rows stored here


class Applier:
    """Applies the changes of one package (or of the waiting queue) at this node."""

    def __init__(
        self,
        session: Session,
        *,
        peer: str,
        package_id: str,
        home: Callable[[str, str], str | None] = lambda kind, station: None,
        validate: Validator | None = None,
        report: ApplyReport | None = None,
    ) -> None:
        self.session = session
        self.connection: Connection = session.connection()
        self.peer = peer
        self.package_id = package_id
        self.home = home
        self.validate = validate
        self.report = report or ApplyReport()
        self.tables = travelling_tables()
        self._columns = {kind: frozenset(model.__table__.c.keys()) for kind, model in self.tables.items()}  # type: ignore[attr-defined]
        self._set_aside: set[str] = set()  # this chunk's changes that wait or are quarantined
        self.order = {table.name: index for index, table in enumerate(metadata.sorted_tables)}
        self.quarantined_records: set[tuple[str, str]] = set(
            (row[0], row[1])
            for row in self.connection.execute(select(SyncQuarantine.record_kind, SyncQuarantine.record_id))  # type: ignore[call-overload]
        )

    # ------------------------------------------------------------------------------------------ entry
    def apply(self, changes: Iterable[Mapping[str, Any]], *, expected: int = 0) -> ApplyReport:
        """Apply ``changes`` (``expected`` of them, if the caller knows: a package's manifest says).

        A package at least as big as the journal here (a station's first package into a new HQ) is a
        bulk write: the plain indexes of the tables it fills are made again afterwards, sorted once,
        but the one its own lookups need (a record's change rows). Python's cyclic collector pauses
        for the apply: a chunk's changes form no cycles, and full collections would walk every one."""
        iterator = iter(changes)
        bulk = expected > 0 and expected >= last_seq(self.session)
        tables = [*self.tables, "change_log"] if bulk else []
        with (
            journal_writing(self.connection),
            collector_paused(),
            indexes_deferred(self.connection, tables, keep=KEPT_INDEXES),
        ):
            while chunk := list(islice(iterator, CHUNK)):
                self._chunk([change if type(change) is dict else dict(change) for change in chunk])
        return self.report

    def retry_waiting(self) -> int:
        """Apply the waiting changes whose base has come (as often as one landing frees another);
        returns how many left the queue."""
        total = 0
        while True:
            waiting = list(self.session.scalars(select(SyncWaiting).order_by(col(SyncWaiting.since))))
            if not waiting:
                return total
            changes = [dict(item.change) for item in waiting]
            for item in waiting:
                self.session.delete(item)
            self.session.flush()
            before = self.report.waiting
            with journal_writing(self.connection):
                self._chunk(changes, from_queue=True)
            landed = len(waiting) - (self.report.waiting - before)
            self.report.waiting = before
            total += landed
            if landed == 0:
                return total

    # ------------------------------------------------------------------------------------------ chunk
    def _chunk(self, changes: list[dict[str, Any]], from_queue: bool = False) -> None:
        sound = [change for change in changes if self._well_formed(change)]
        here = self._known_ids([change["id"] for change in sound], from_queue)
        fresh: list[dict[str, Any]] = []
        seen: set[str] = set()
        for change in sound:
            if change["id"] in here or change["id"] in seen:
                self.report.already_here += 1
            else:
                seen.add(change["id"])
                fresh.append(change)
        pending = self._load(fresh)
        for change in fresh:
            key = (change["record_kind"], change["record_id"])
            if key in self.quarantined_records:
                self._quarantine(change, "这条记录的较早变更已被隔离，待更正后一并处理")
                continue
            item = pending.get(key)
            if item is None:
                if change["action"] not in (ChangeAction.CREATE, ChangeAction.BASELINE):
                    self._wait(change, "记录本身尚未收到（它的建档变更还没有到达）")
                    continue
                item = pending[key] = _Pending(RecordState(), new=True)
            self._fold(item, change)
            item.changes.append(change)
        held = self._write(pending) | self._set_aside
        self._set_aside = set()
        landed = [c for c in fresh if c["id"] not in held and (c["record_kind"], c["record_id"]) in pending]
        self.report.kinds.update(change["record_kind"] for change in landed)
        self._log(landed, pending)

    def _well_formed(self, change: Mapping[str, Any]) -> bool:
        """Whether a change has every wire field with its type, a known kind, action and fields; the
        quick test passes a sound change, the slow one names what is wrong with another."""
        kind = change.get("record_kind")
        columns = self._columns.get(kind) if type(kind) is str else None
        diff = change.get("changes")
        if (
            columns is not None
            and type(diff) is dict
            and all(type(change.get(key)) is wanted for key, wanted in QUICK_TYPES)
            and change["action"] in ACTIONS
            and columns.issuperset(diff)
            and all(type(pair) is list and len(pair) == 2 for pair in diff.values())
        ):
            try:
                from_wire_time(change["at"])
            except ValueError:
                pass
            else:
                return True
        return self._refused_as_malformed(change)

    def _refused_as_malformed(self, change: Mapping[str, Any]) -> bool:
        for key, kind in WIRE_TYPES.items():
            if not isinstance(change.get(key), kind) or (kind is int and isinstance(change.get(key), bool)):
                self._quarantine(dict(change), f"变更缺少或写错了字段“{key}”")
                return False
        if change["record_kind"] not in self.tables:
            self._quarantine(dict(change), f"未知的记录种类“{change['record_kind']}”")
            return False
        if change["action"] not in ACTIONS:
            self._quarantine(dict(change), f"未知的变更动作“{change['action']}”")
            return False
        try:
            from_wire_time(change["at"])
        except ValueError:
            self._quarantine(dict(change), f"变更时间“{change['at']}”无法识别")
            return False
        columns = self.tables[change["record_kind"]].__table__.c  # type: ignore[attr-defined]
        for key, pair in change["changes"].items():
            if key not in columns or not isinstance(pair, list) or len(pair) != 2:
                self._quarantine(dict(change), f"变更中的字段“{key}”不属于{change['record_kind']}")
                return False
        return True

    def _known_ids(self, ids: list[str], from_queue: bool) -> set[str]:
        found: set[str] = set()
        tables: list[Any] = [Change.id, SyncQuarantine.change_id]
        if not from_queue:
            tables.append(SyncWaiting.change_id)
        for start in range(0, len(ids), IN_BATCH):
            batch = ids[start : start + IN_BATCH]
            for column in tables:
                found.update(self._ids_in(column, batch))
        return found

    def _ids_in(self, column: Any, batch: list[Any]) -> Iterable[Any]:
        return self.connection.execute(select(column).where(column.in_(IDS)), {"ids": batch}).scalars()

    def _load(self, changes: list[dict[str, Any]]) -> dict[tuple[str, str], _Pending]:
        """The stored records these changes touch, each folded from its own change rows."""
        by_kind: dict[str, set[str]] = {}
        for change in changes:
            by_kind.setdefault(change["record_kind"], set()).add(change["record_id"])
        pending: dict[tuple[str, str], _Pending] = {}
        log = Change.__table__  # type: ignore[attr-defined]
        for kind, id_set in by_kind.items():
            table: Table = self.tables[kind].__table__  # type: ignore[attr-defined]
            ids = sorted(id_set)
            for start in range(0, len(ids), IN_BATCH):
                batch = ids[start : start + IN_BATCH]
                for row in self.connection.execute(select(table).where(table.c.id.in_(IDS)), {"ids": batch}):
                    stored = dict(row._mapping)
                    pending[(kind, stored["id"])] = _Pending(RecordState(), new=False, row=stored)
                present = [i for i in batch if (kind, i) in pending]
                if not present:
                    continue
                query = select(log).where(log.c.record_kind == kind, log.c.record_id.in_(present))
                for logged in self.connection.execute(query.order_by(log.c.seq)):
                    item = pending[(kind, logged.record_id)]
                    folded = change_as_row(logged)  # type: ignore[arg-type]  # a Row has Change's attributes
                    item.state.merge(folded)
                    item.history.append(folded)
        for (_kind, _), item in pending.items():
            assert item.row is not None
            for key, value in item.row.items():  # what is stored is what the next change meets
                if key not in ("id", "created_at", "updated_at", "updated_by", "version"):
                    item.state.values[key] = jsonable(value)
        return pending

    # ------------------------------------------------------------------------------------------- fold
    def _fold(self, item: _Pending, change: dict[str, Any]) -> None:
        state = item.state
        for loss in state.merge(change, detect=not item.new):
            self._conflict(
                "field",
                change,
                field_name=loss.field,
                winner=loss.winner,
                winner_value=loss.winner_value,
                loser=loss.loser,
                loser_value=loss.loser_value,
            )
        if item.new or not state.values.get(TOMBSTONE):
            return
        # a tombstone never hides an edit silently: an edit and a delete made without seeing each other
        delete = state.writers[TOMBSTONE].change
        if change["action"] == ChangeAction.UPDATE:
            if delete["action"] == ChangeAction.DELETE and _unseen(change, delete):
                self._conflict(
                    "deleted",
                    change,
                    field_name=TOMBSTONE,
                    winner=delete,
                    winner_value=True,
                    loser=change,
                    loser_value=change["changes"],
                )
        elif change is delete:
            for edit in [*item.history, *item.changes]:
                if edit["action"] == ChangeAction.UPDATE and _unseen(edit, change):
                    self._conflict(
                        "deleted",
                        change,
                        field_name=TOMBSTONE,
                        winner=change,
                        winner_value=True,
                        loser=edit,
                        loser_value=edit["changes"],
                    )

    def _conflict(
        self,
        kind: str,
        change: Mapping[str, Any],
        *,
        field_name: str,
        winner: Mapping[str, Any],
        winner_value: Any,
        loser: Mapping[str, Any],
        loser_value: Any,
    ) -> None:
        self.session.add(
            SyncConflict(
                kind=kind,
                record_kind=change["record_kind"],
                record_id=change["record_id"],
                station_code=str(change["station_code"]),
                field=field_name,
                winner_value=winner_value,
                winner_change=str(winner["id"]),
                winner_user=str(winner["user_name"]),
                winner_station=str(winner["station_code"]),
                winner_at=_time(winner["at"]),
                loser_value=loser_value,
                loser_change=str(loser["id"]),
                loser_user=str(loser["user_name"]),
                loser_station=str(loser["station_code"]),
                loser_at=_time(loser["at"]),
            )
        )
        self.report.conflicts += 1

    def _wait(self, change: dict[str, Any], reason: str) -> None:
        self._set_aside.add(change["id"])
        self.session.add(SyncWaiting(change_id=change["id"], change=change, peer=self.peer, reason=reason))
        self.report.waiting += 1

    def _quarantine(self, change: dict[str, Any], reason: str) -> None:
        change_id = str(change.get("id") or "")[:36]
        if not change_id or self.session.get(SyncQuarantine, change_id) is not None:
            return
        self._set_aside.add(change_id)
        kind, record = str(change.get("record_kind", ""))[:40], str(change.get("record_id", ""))[:36]
        self.session.add(
            SyncQuarantine(
                change_id=change_id,
                peer=self.peer,
                record_kind=kind,
                record_id=record,
                reason=reason[:500],
                change=_json_safe(change),
            )
        )
        self.quarantined_records.add((kind, record))
        self.report.quarantined += 1

    # ------------------------------------------------------------------------------------------ write
    def _write(self, pending: dict[tuple[str, str], _Pending]) -> set[str]:
        """Store the merged records; returns the ids of changes that did not land (waiting, quarantined)."""
        held: set[str] = set()
        rows = {
            key: record_row(self.tables[key[0]], key[1], item.state)
            for key, item in pending.items()
            if item.changes
        }
        new_rows: dict[str, list[tuple[_Pending, dict[str, Any]]]] = {}
        changed: list[tuple[str, _Pending, dict[str, Any]]] = []
        for (kind, record_id), item in pending.items():
            if not item.changes:
                continue
            row = rows[(kind, record_id)]
            if not item.new:
                changed.append((kind, item, row))
                continue
            problem = self._problem(kind, row, item)
            if problem is not None:
                held.update(self._refuse(item, problem))
                continue
            new_rows.setdefault(kind, []).append((item, row))
        # parents first; a new record whose parent is not here yet waits for it
        for kind in sorted(new_rows, key=lambda name: self.order[name]):
            table = self.tables[kind].__table__  # type: ignore[attr-defined]
            ready: list[tuple[_Pending, dict[str, Any]]] = []
            absent = self._missing_parents(table, [row for _, row in new_rows[kind]])
            for item, row in new_rows[kind]:
                missing = absent.get(row["id"])
                if missing is not None:
                    for change in item.changes:
                        self._wait(change, missing)
                        held.add(change["id"])
                    continue
                ready.append((item, row))
            for group in _by_keys(ready):
                held.update(self._insert(kind, group))
        for kind, item, row in changed:
            held.update(self._update(kind, item, row))
        return held

    def _insert(self, kind: str, group: list[tuple[_Pending, dict[str, Any]]]) -> set[str]:
        """One executemany (the journal's bulk insert); if the database refuses it (a number already
        used here, say), row by row, and a refused record's changes go to the quarantine with the
        database's reason."""
        names = list(group[0][1])
        try:
            with self.connection.begin_nested():
                take = itemgetter(*names)
                values = [take(row) for _, row in group]
                insert_columns(self.connection, kind, names, values)
        except IntegrityError:
            refused: set[str] = set()
            for item, row in group:
                try:
                    with self.connection.begin_nested():
                        insert_columns(self.connection, kind, names, [tuple(row[n] for n in names)])
                except IntegrityError as error:
                    refused.update(self._refuse(item, _clash(kind, error)))
                else:
                    self.report.touched.setdefault(kind, set()).add(row["id"])
            return refused
        self.report.touched.setdefault(kind, set()).update(row["id"] for _, row in group)
        return set()

    def _refuse(self, item: _Pending, reason: str) -> set[str]:
        for change in item.changes:
            self._quarantine(change, reason)
        return {change["id"] for change in item.changes}

    def _problem(self, kind: str, row: Mapping[str, Any], item: _Pending) -> str | None:
        for key, named_default in _required(self.tables[kind]):
            if row.get(key) is None and (key in row or not named_default):
                return f"{kind} 缺少必填字段“{key}”"
        if self.validate is not None:
            return self.validate(kind, item.state.values)
        return None

    def _missing_parents(self, table: Table, rows: list[dict[str, Any]]) -> dict[str, str]:
        """The new rows whose parent is not here (by row id, with the reason): one query per foreign
        key and batch of parents. Parents come first (tables are written in dependency order), so a
        parent made earlier in this apply is found in the database."""
        missing: dict[str, str] = {}
        for foreign in table.foreign_keys:
            key, target = foreign.parent.key, foreign.column.table
            wanted = sorted({row[key] for row in rows if row.get(key) is not None})
            found: set[Any] = {row["id"] for row in rows} if target is table else set()
            column = target.c[foreign.column.key]
            for start in range(0, len(wanted), IN_BATCH):
                batch = wanted[start : start + IN_BATCH]
                found.update(self._ids_in(column, batch))
            for row in rows:
                value = row.get(key)
                if value is not None and value not in found and row["id"] not in missing:
                    missing[row["id"]] = f"它指向的{target.name}记录（{value}）尚未收到"
        return missing

    def _update(self, kind: str, item: _Pending, row: dict[str, Any]) -> set[str]:
        assert item.row is not None
        changed = {key: value for key, value in row.items() if key != "id" and item.row.get(key) != value}
        if not changed:
            return set()
        table = self.tables[kind].__table__  # type: ignore[attr-defined]
        try:
            with self.connection.begin_nested():
                self.connection.execute(update(table).where(table.c.id == row["id"]).values(**changed))
        except IntegrityError as error:
            return self._refuse(item, _clash(kind, error))
        self.report.touched.setdefault(kind, set()).add(row["id"])
        return set()

    def _log(self, landed: list[dict[str, Any]], pending: Mapping[tuple[str, str], _Pending]) -> None:
        if not landed:
            return
        seqs = next_seqs(self.session, len(landed))
        rows = []
        for seq, change in zip(seqs, landed, strict=True):
            item = pending[(change["record_kind"], change["record_id"])]
            station = str(item.state.values.get("station_code") or change["station_code"])
            rows.append(
                change_row(
                    change,
                    seq=seq,
                    package_id=self.package_id,
                    home=self.home(change["record_kind"], station),
                )
            )
        names = list(rows[0])
        insert_columns(self.connection, "change_log", names, list(map(itemgetter(*names), rows)))
        self.report.applied += len(rows)


def _clash(kind: str, error: IntegrityError) -> str:
    """The database's refusal in words: which constraint, never the row's values (they may be
    personal data)."""
    text = str(error.orig) if error.orig is not None else "约束冲突"
    if "UNIQUE" in text.upper() or "unique" in text:
        field = text.rsplit(".", 1)[-1].split()[0] if "." in text else ""
        return f"{kind} 的“{field or '唯一字段'}”与本机已有的另一条记录重复（例如案卷号或编号相同），未能应用"
    return f"{kind} 未通过数据库的检查（{text.split(':')[0][:80]}），未能应用"


def _unseen(edit: Mapping[str, Any], delete: Mapping[str, Any]) -> bool:
    """Whether an edit and a delete were made without seeing each other (by their record versions)."""
    return int(edit["version"]) > int(delete["base_version"]) and int(edit["base_version"]) < int(
        delete["version"]
    )


@cache
def _required_columns(table: Table) -> tuple[tuple[str, bool], ...]:
    return tuple(
        (column.key, column.default is not None)
        for column in table.c
        if not column.nullable and column.server_default is None
    )


def _required(model: type[Any]) -> tuple[tuple[str, bool], ...]:
    """(column, has a default) of the columns a new row may not leave empty."""
    return _required_columns(model.__table__)


def _by_keys(
    rows: list[tuple[_Pending, dict[str, Any]]],
) -> Iterator[list[tuple[_Pending, dict[str, Any]]]]:
    """Rows grouped by the columns they name (a column a create left out keeps its default)."""
    groups: dict[tuple[str, ...], list[tuple[_Pending, dict[str, Any]]]] = {}
    for item, row in rows:
        groups.setdefault(tuple(sorted(row)), []).append((item, row))
    yield from groups.values()


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return from_wire_time(value)
    except (TypeError, ValueError):
        return utcnow()


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)

"""The journal's bulk path, its write guard and its replay (DESIGN.md "The journal").

- :func:`create_many` writes many new records and their complete change rows with one ``executemany``
  per table, each value through its column type's own bind processor, so rows are stored exactly as
  the ORM stores them. The ledger import, the demo and the course catalogue use it; nothing else
  inserts travelling rows in bulk.
- :func:`install_write_guard` makes a write of a travelling table (or of the log itself) outside the
  unit of work an error: an ORM flush of a record the journal did not write as it stands, a hard
  delete, an edited change row, or any INSERT/UPDATE/DELETE statement on those tables that the journal
  did not open. Migrations open it explicitly.
- :func:`replay` applies change rows, in ``seq`` order, to an empty schema: it rebuilds every travelling
  table exactly (a test checks it on a whole station; sync applies received changes the same way).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import cache
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Date,
    Engine,
    event,
    insert,
    inspect,
)
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlalchemy.types import TypeDecorator

from models.audit import (
    JOURNAL_STATE,
    Change,
    ChangeAction,
    column_state,
    next_seqs,
)
from models.base import (
    BOOKKEEPING_COLUMNS,
    TravellingRecord,
    UTCDateTime,
    jsonable,
    metadata,
    new_ids,
)

if TYPE_CHECKING:
    from models.audit import Operation

WRITING = "doorstep.journal.writing"  # connection.info: the journal (or a migration) is writing
WRITING_BEFORE_FLUSH = "doorstep.journal.writing.before_flush"  # what a journal flush found


class JournalViolation(RuntimeError):
    """A travelling table was written outside the unit of work: a bug in the program, never user input."""


# ------------------------------------------------------------------------------------------------ bulk path
def create_many(
    operation: Operation,
    model: type[TravellingRecord],
    rows: Sequence[Mapping[str, Any]],
    *,
    subject_ids: Sequence[str | None],
    operation_ids: Sequence[str] | None = None,
) -> list[str]:
    """Store new records of ``model`` and one complete create change row each; returns their ids.

    A row holds the record's own columns; ``id`` (default a new UUIDv7), ``created_at`` (the moment it
    was made: default the operation's time) and ``updated_by`` (default the acting user) may be given,
    the rest of the bookkeeping is the journal's: version 1, not deleted. ``operation_ids`` puts rows
    in undo steps of their own (default: all in ``operation``)."""
    if len(subject_ids) != len(rows) or (operation_ids is not None and len(operation_ids) != len(rows)):
        raise ValueError("create_many: one subject (and operation) per row")
    if not rows:
        return []
    with collector_paused():
        return _create_many(operation, model, rows, subject_ids, operation_ids)


def _create_many(
    operation: Operation,
    model: type[TravellingRecord],
    rows: Sequence[Mapping[str, Any]],
    subject_ids: Sequence[str | None],
    operation_ids: Sequence[str] | None,
) -> list[str]:
    session = operation.session
    session.flush()  # the ORM's pending writes first, in their order
    actor = operation.actor
    kind = str(model.__tablename__)
    own = [c.key for c in inspect(model).column_attrs if c.key not in BOOKKEEPING_COLUMNS]
    defaults = _defaults(model, own, rows[0])
    converted = _log_converted(model, own)
    records: list[tuple[Any, ...]] = []
    changes: list[tuple[Any, ...]] = []
    seqs = next_seqs(session, len(rows))
    change_ids = new_ids(len(rows))
    fresh = iter(new_ids(sum(1 for row in rows if not row.get("id"))))
    operation_id, label, at_default, user_default, acting_station, undoes = (
        operation.operation_id,
        operation.label,
        operation.at,
        actor.user_name,
        actor.station_code,
        operation.undoes,
    )
    steps = operation_ids if operation_ids is not None else [operation_id] * len(rows)
    for index, row in enumerate(rows):
        if row.get("deleted") or row.get("version", 1) != 1:
            raise ValueError("create_many writes new records: version 1, not deleted")
        values = [row[key] if key in row else defaults[key] for key in own]
        at = row.get("created_at") or at_default
        user = row.get("updated_by") or user_default
        station = row.get("station_code") or acting_station
        record_id = row.get("id") or next(fresh)
        records.append((record_id, station, at, at, user, 1, False, *values))
        # the create row of Operation.create (create_diff), in one pass
        diff = {key: [None, value] for key, value in zip(own, values, strict=False) if value is not None}
        for key in converted:
            pair = diff.get(key)
            if pair is not None:
                pair[1] = jsonable(pair[1])
        if station != acting_station:
            diff["station_code"] = [None, station]
        changes.append(
            (
                change_ids[index],
                seqs[index],
                steps[index],
                label,
                at,
                user,
                acting_station,
                kind,
                record_id,
                subject_ids[index],
                ChangeAction.CREATE,
                diff,
                0,
                1,
                undoes,
            )
        )
    connection = session.connection()
    with journal_writing(connection):
        insert_columns(connection, kind, [*_RECORD_BOOKKEEPING, *own], records)
        insert_columns(connection, Change.__tablename__, CHANGE_COLUMNS, changes)
    return [record[0] for record in records]


_RECORD_BOOKKEEPING = ("id", "station_code", "created_at", "updated_at", "updated_by", "version", "deleted")
CHANGE_COLUMNS = (
    "id",
    "seq",
    "operation_id",
    "operation_label",
    "at",
    "user_name",
    "station_code",
    "record_kind",
    "record_id",
    "subject_id",
    "action",
    "changes",
    "base_version",
    "version",
    "undoes",
)


def _log_converted(model: type[TravellingRecord], keys: list[str]) -> list[str]:
    """The columns whose values the log writes through jsonable() (dates, enums, lists). A column of
    text, whole numbers, truth values or decimals holds its values as they are: JSON writes a str or
    int enum in such a column as its value, as jsonable() would."""
    table = metadata.tables[str(model.__tablename__)]

    def as_is(key: str) -> bool:
        kind = table.c[key].type
        try:  # a TypeDecorator (AutoString, UTCDateTime) by the type it stores as
            return getattr(kind, "impl_instance", kind).python_type in (str, int, bool, float)
        except NotImplementedError:
            return False

    return [key for key in keys if not as_is(key)]


def _defaults(model: type[TravellingRecord], keys: list[str], sample: Mapping[str, Any]) -> dict[str, Any]:
    fields = model.model_fields
    return {key: fields[key].get_default(call_default_factory=True) for key in keys if key not in sample}


def insert_rows(connection: Connection, table_name: str, rows: list[dict[str, Any]]) -> None:
    """:func:`insert_columns` of rows given as dicts (every row with the first row's keys)."""
    if rows:
        names = list(rows[0])
        take = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
        insert_columns(connection, table_name, names, list(map(take, rows)))


def insert_columns(
    connection: Connection, table_name: str, names: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """One executemany of complete rows (values in the order of ``names``), each value through its
    column type's own bind processor (so dates, UTC times and JSON are stored exactly as the ORM stores
    them), without the per-row work of the ORM or of Core's statement compilation. Only inside
    :func:`journal_writing` for travelling tables (the guard says so)."""
    if not rows:
        return
    table = metadata.tables[table_name]
    dialect = connection.dialect
    if dialect.name == "postgresql":
        _copy_rows(connection, table, names, rows)
        return
    if dialect.paramstyle != "qmark":  # neither SQLite nor PostgreSQL: let SQLAlchemy do it
        connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
        return
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    marks = ", ".join("?" * len(names))
    sql = f"INSERT INTO {dialect.identifier_preparer.quote(table.name)} ({quoted}) VALUES ({marks})"
    values = list(zip(*rows, strict=True))  # column by column: a processor runs over one list
    for index, name in enumerate(names):
        # the dialect's own type, as a compiled statement uses it (a TypeDecorator's generic
        # processor would leave a UTC time to the driver, which drops zero microseconds)
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            continue
        column = values[index]
        first = column[0]
        if column.count(first) == len(column):  # one value for all (the import's time): processed once
            values[index] = (process(first),) * len(column)
        else:
            values[index] = tuple(map(_quicker(table.c[name].type, process, column), column))
    connection.exec_driver_sql(sql, list(zip(*values, strict=True)))


def _copy_rows(
    connection: Connection, table: Any, names: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """PostgreSQL: one ``COPY … FROM STDIN`` (a quarter of an executemany's time), each value through
    its column type's bind processor as the ORM binds it. COPY goes to the driver without SQLAlchemy's
    events, so the write guard's rule is checked here."""
    if table.name in guarded_tables() and not connection.info.get(WRITING):
        raise JournalViolation(f"表 {table.name} 只能经由变更日志的工作单元写入（COPY）")
    dialect = connection.dialect
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    quote = dialect.identifier_preparer.quote
    sql = f"COPY {quote(table.name)} ({', '.join(map(quote, names))}) FROM STDIN"
    driver: Any = connection.connection.driver_connection  # psycopg's, in this transaction
    cursor = driver.cursor()
    with cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([v if p is None else p(v) for p, v in zip(processors, row, strict=True)])


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk write builds millions of rows: its full
    collections walk every live object, so their cost grows with the rows already made (a third of the
    demo's time at 10,000 people, more at 100,000). Nothing the rows hold forms a cycle; reference
    counting frees them as before, and the collector runs again on leaving."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def indexes_deferred(
    connection: Connection, tables: Iterable[str], *, keep: frozenset[str] = frozenset()
) -> Iterator[None]:
    """Drop the plain (not unique) indexes of ``tables`` for a bulk write into them, and make them again
    afterwards from the rows as they stand: SQLite then sorts each index once instead of inserting a
    million keys at random places. Inside the caller's transaction, so a failure rolls the drop back
    with the rows. ``keep`` names indexes the writer's own lookups need. SQLite only; elsewhere nothing
    is dropped."""
    if connection.dialect.name != "sqlite":
        yield
        return
    deferred: list[tuple[str, str]] = []
    for table in tables:
        for _, name, unique, origin, _ in connection.exec_driver_sql(f'PRAGMA index_list("{table}")'):
            if not unique and origin == "c" and name not in keep:
                sql = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
                ).scalar_one()
                deferred.append((name, str(sql)))
    for name, _ in deferred:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        for _, sql in deferred:
            connection.exec_driver_sql(sql)


def _utc_text(value: Any) -> Any:
    """A UTC-aware time as SQLite's DATETIME stores it (``2025-01-05 05:25:00.000000``)."""
    if type(value) is not datetime or value.tzinfo is None:
        raise TypeError
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _date_text(value: Any) -> Any:
    """A date as SQLite's DATE stores it (``2025-01-05``)."""
    if type(value) is not date:
        raise TypeError
    return value.isoformat()


def _quicker(kind: Any, process: Callable[[Any], Any], column: Sequence[Any]) -> Callable[[Any], Any]:
    """The datetime library's own formatting in place of SQLAlchemy's ``%``-formatting of UTC times and
    dates, where it gives the same text (checked on the column's first value): a third of the bulk
    path's time went into those. Any other value (None, a naive time) goes the processor's own way."""
    quick = _utc_text if isinstance(kind, UTCDateTime) else _date_text if isinstance(kind, Date) else None
    sample = next((value for value in column if value is not None), None)
    try:
        if quick is None or quick(sample) != process(sample):
            return process
    except (TypeError, ValueError):
        return process

    def either(value: Any) -> Any:
        try:
            return quick(value)
        except TypeError:
            return process(value)

    return either


# ------------------------------------------------------------------------------------------------ the guard
@cache
def guarded_tables() -> frozenset[str]:
    """The tables only the journal writes: every travelling table and the log itself."""
    from models.tables import travelling_tables

    return frozenset(travelling_tables()) | {Change.__tablename__}


@contextmanager
def journal_writing(connection: Connection) -> Iterator[None]:
    """Open the guarded tables to the statements run inside the block (the journal, migrations)."""
    was = connection.info.get(WRITING, False)
    connection.info[WRITING] = True
    try:
        yield
    finally:
        connection.info[WRITING] = was


_WRITE_STATEMENT = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM"
    # PostgreSQL's own: TRUNCATE, MERGE, UPDATE/DELETE ONLY, a schema before the table (also SQLite's main.)
    r"|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO)\s+(?:ONLY\s+)?(?:[\"`\[]?\w+[\"`\]]?\.)?[\"`\[]?(\w+)",
    re.IGNORECASE,
)


def _check_statement(
    connection: Connection,
    _cursor: object,
    statement: str,
    _parameters: object,
    _context: object,
    _many: bool,
) -> None:
    if connection.info.get(WRITING):
        return
    found = _WRITE_STATEMENT.match(statement)
    if found and found.group(1).lower() in guarded_tables():
        raise JournalViolation(
            f"表 {found.group(1)} 只能经由变更日志的工作单元写入（{statement.split(maxsplit=1)[0]}）"
        )


def _check_flush(session: OrmSession, _context: UOWTransaction, _instances: object) -> None:
    """Every travelling record about to be flushed stands exactly as the journal last wrote it."""
    state: dict[int, tuple[object, dict[str, Any]]] = session.info.get(JOURNAL_STATE, {})
    writes = False
    for record in chain(session.new, session.dirty, session.deleted):
        if not isinstance(record, TravellingRecord | Change):
            continue
        kind = type(record).__tablename__
        if record in session.deleted:
            raise JournalViolation(f"{kind} {record.id}：记录只能标记删除（墓碑），不能真正删除")
        if record in session.dirty and not session.is_modified(record):
            continue
        entry = state.get(id(record))
        if isinstance(record, Change):
            if entry is None or record not in session.new:
                raise JournalViolation(f"变更日志只能追加（{record.id}）")
            writes = True
            continue
        if entry is None or entry[0] is not record or column_state(record) != entry[1]:
            now = column_state(record)
            moved = sorted(k for k in now if entry is None or entry[1].get(k) != now[k])
            raise JournalViolation(f"{kind} {record.id} 在变更日志的工作单元之外被改动（{', '.join(moved)}）")
        writes = True
    if writes:
        info = session.connection().info
        info[WRITING_BEFORE_FLUSH] = info.get(WRITING, False)
        info[WRITING] = True


def _end_flush(session: OrmSession, _context: UOWTransaction) -> None:
    """Close what the flush opened, and only that (a flush inside :func:`journal_writing` — a sync
    apply adding its conflict rows — leaves the block open)."""
    if session.in_transaction():
        info = session.connection().info
        if WRITING_BEFORE_FLUSH in info:
            info[WRITING] = info.pop(WRITING_BEFORE_FLUSH)


def install_write_guard(engine: Engine) -> None:
    """Refuse writes of travelling tables outside the journal on this engine (idempotent)."""
    if not event.contains(engine, "before_cursor_execute", _check_statement):
        event.listen(engine, "before_cursor_execute", _check_statement)
    if not event.contains(OrmSession, "before_flush", _check_flush):
        event.listen(OrmSession, "before_flush", _check_flush)
        event.listen(OrmSession, "after_flush_postexec", _end_flush)


# ----------------------------------------------------------------------------------------------- replay
@cache
def _python_type(model: type[TravellingRecord], key: str) -> type:
    column_type = inspect(model).columns[key].type
    return (
        column_type.impl_instance.python_type
        if isinstance(column_type, TypeDecorator)
        else (column_type.python_type)
    )


def from_jsonable(model: type[TravellingRecord], key: str, value: Any) -> Any:
    """A value read back from a change row, as the record's column holds it."""
    if value is None:
        return None
    python_type = _python_type(model, key)
    if python_type is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if python_type is date and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def replay(connection: Connection, changes: Sequence[Change]) -> int:
    """Rebuild the tables on ``connection`` from ``changes``: every record as the merge rule makes it
    from its change rows (:mod:`models.sync.merge`: each field holds the value of its greatest stamp, so
    the order of the rows does not matter), with the log's versions, times and users. Records are
    written in the order their first change appears (a parent before what points to it). Returns how
    many change rows were folded in.

    A ``baseline`` row (migration 0007) stands for the whole record at its version, so the record's
    earlier rows lose to it. The change rows themselves are not copied (the caller decides where the
    log goes)."""
    from models.sync.merge import RecordState
    from models.tables import travelling_tables

    tables = travelling_tables()
    states: dict[tuple[str, str], RecordState] = {}
    for change in changes:
        key = (change.record_kind, change.record_id)
        state = states.get(key)
        if state is None:
            state = states[key] = RecordState()
        state.merge(change_as_row(change))
    with journal_writing(connection):
        for (kind, record_id), state in states.items():
            connection.execute(insert(tables[kind].__table__), [record_row(tables[kind], record_id, state)])  # type: ignore[attr-defined]
    return len(changes)


def change_as_row(change: Change) -> dict[str, Any]:
    """A change row as the merge rule reads it (the wire form of a change)."""
    return {
        "id": change.id,
        "version": change.version,
        "base_version": change.base_version,
        "station_code": change.station_code,
        "action": change.action,
        "changes": change.changes,
        "at": change.at.astimezone(UTC).isoformat(),
        "user_name": change.user_name,
    }


def record_row(model: type[TravellingRecord], record_id: str, state: Any) -> dict[str, Any]:
    """The table row of a merged record state (:class:`models.sync.merge.RecordState`)."""
    top = state.top_change
    created = state.created if state.created is not None else top
    row = dict(state.values)
    for key in _time_keys(model).intersection(row):
        row[key] = from_jsonable(model, key, row[key])
    row.update(
        id=record_id,
        version=state.version,
        updated_at=_as_time(top["at"]),
        updated_by=top["user_name"],
        created_at=_as_time(created["changes"].get("created_at", [None, created["at"]])[1]),
    )
    return row


@cache
def _time_keys(model: type[TravellingRecord]) -> frozenset[str]:
    """The columns whose JSON text must become a date or a time (the others are stored as they are)."""
    keys = [column.key for column in inspect(model).column_attrs]
    return frozenset(key for key in keys if _python_type(model, key) in (date, datetime))


def _as_time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))

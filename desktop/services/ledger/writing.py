"""Writing the new people of an import in bulk: their case numbers reserved, then the entrepreneurs,
ventures, search rows and change rows inserted with one ``executemany`` per table and chunk.

Kept apart behind one call, :func:`write_new_people`, so that the raw insert (:func:`_insert_many`) and
the case-number reservation (:func:`_reserve_case_numbers`) can be replaced as a whole.
"""

from __future__ import annotations

from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from desktop.jobs import JobState
from desktop.services.entrepreneurs import search_blob
from models.audit import Actor, ChangeAction
from models.base import BOOKKEEPING_COLUMNS, jsonable, metadata, new_id, utcnow
from models.entrepreneur import current_stage
from models.ledger.plan import PersonGroup
from models.pinyin import name_search_keys
from models.station import CaseSequence

WRITE_CHUNK = 2000
_AS_IS = frozenset({str, int})  # what jsonable() gives back unchanged


def _change_row(
    common: dict[str, Any],
    *,
    change_id: str,
    operation_id: str,
    kind: str,
    record_id: str,
    subject_id: str,
    values: dict[str, Any],
) -> dict[str, Any]:
    """The change row :meth:`Operation.create` writes, for a record inserted in bulk (``common``: the
    columns every change row of the import shares, see :func:`write_new_people`)."""
    return {
        "id": change_id,
        "operation_id": operation_id,
        **common,
        "record_kind": kind,
        "record_id": record_id,
        "subject_id": subject_id,
        "changes": {
            key: [None, value if type(value) in _AS_IS else jsonable(value)]
            for key, value in values.items()
            if key not in BOOKKEEPING_COLUMNS and value is not None
        },
    }


def write_new_people(
    session: Session, actor: Actor, *, label: str, groups: list[PersonGroup], today: date, job: JobState
) -> None:
    now = utcnow()
    book = {
        "station_code": actor.station_code,
        "created_at": now,
        "updated_at": now,
        "updated_by": actor.user_name,
        "version": 1,
        "deleted": False,
    }
    common = {
        "operation_label": label,
        "at": now,
        "user_name": actor.user_name,
        "station_code": actor.station_code,
        "action": ChangeAction.CREATE,
        "base_version": 0,
        "version": 1,
        "undone_by": None,
        "undoes": None,
    }
    people: list[dict[str, Any]] = []
    ventures: list[dict[str, Any]] = []
    searches: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    case_numbers = _reserve_case_numbers(session, actor.station_code, today.year, len(groups))
    for position, group in enumerate(groups):
        if position % 500 == 0:
            job.report(position, len(groups), f"正在建立档案 {position:,}/{len(groups):,}")
        operation_id = new_id()
        person_id = new_id()
        data = group.person
        keys = name_search_keys(data.name)
        new_ventures = [venture for _row, venture in group.new_ventures]
        values = {
            "case_number": case_numbers[position],
            "name_pinyin": keys[0] if keys else data.name,
            "current_stage": current_stage(new_ventures),
            **data.column_values(),
        }
        people.append({"id": person_id, **book, **values})
        changes.append(
            _change_row(
                common,
                change_id=new_id(),
                operation_id=operation_id,
                kind="entrepreneur",
                record_id=person_id,
                subject_id=person_id,
                values=values,
            )
        )
        for venture in new_ventures:
            venture_id = new_id()
            venture_values = {"entrepreneur_id": person_id, **venture.column_values()}
            ventures.append({"id": venture_id, **book, **venture_values})
            changes.append(
                _change_row(
                    common,
                    change_id=new_id(),
                    operation_id=operation_id,
                    kind="venture",
                    record_id=venture_id,
                    subject_id=person_id,
                    values=venture_values,
                )
            )
        searches.append(
            {
                "entrepreneur_id": person_id,
                "blob": search_blob(data.name, data.id_number, data.phone, [v.name for v in new_ventures]),
            }
        )
    for name, rows in (
        ("entrepreneur", people),
        ("venture", ventures),
        ("entrepreneur_search", searches),
        ("change_log", changes),
    ):
        for start in range(0, len(rows), WRITE_CHUNK):
            _insert_many(session, name, rows[start : start + WRITE_CHUNK])
            job.report(start + WRITE_CHUNK, len(rows), f"正在写入（{name}）")


def _insert_many(session: Session, table_name: str, rows: list[dict[str, Any]]) -> None:
    """One executemany of complete rows, each value through its column type's own bind processor (so
    dates, UTC times and JSON are stored exactly as the ORM stores them), without the per-row work of
    the ORM or of Core's statement compilation."""
    if not rows:
        return
    table = metadata.tables[table_name]
    connection = session.connection()
    dialect = connection.dialect
    if dialect.paramstyle != "qmark":  # not SQLite: let SQLAlchemy do it
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    marks = ", ".join("?" * len(names))
    sql = f"INSERT INTO {dialect.identifier_preparer.quote(table.name)} ({quoted}) VALUES ({marks})"
    take = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    columns = list(zip(*map(take, rows), strict=True))  # column by column: a processor runs over one list
    for index, name in enumerate(names):
        process = table.c[name].type.bind_processor(dialect)
        if process is None:
            continue
        column = columns[index]
        first = column[0]
        if column.count(first) == len(column):  # one value for all (the import's time): processed once
            columns[index] = (process(first),) * len(column)
        else:
            columns[index] = tuple(map(process, column))
    connection.exec_driver_sql(sql, list(zip(*columns, strict=True)))


def _reserve_case_numbers(session: Session, station_code: str, year: int, count: int) -> list[str]:
    """``count`` case numbers in a row, in the form :func:`models.station.next_case_number` gives them."""
    sequence = session.get(CaseSequence, year) or CaseSequence(year=year, last=0)
    first = sequence.last + 1
    sequence.last += count
    session.add(sequence)
    session.flush()
    return [f"{station_code}-{year}-{number:05d}" for number in range(first, first + count)]

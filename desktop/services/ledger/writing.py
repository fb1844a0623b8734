"""Writing the new people of an import in bulk: their case numbers reserved, then the entrepreneurs and
ventures through the journal's bulk path (:meth:`models.audit.Operation.create_many`, one
``executemany`` per table and chunk, with their complete change rows) and the search projection."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from desktop.jobs import JobState
from desktop.services.entrepreneurs import search_blob
from models.audit import Operation
from models.base import new_id
from models.entrepreneur import Entrepreneur, EntrepreneurSearch, Venture, current_stage
from models.journal import insert_rows
from models.ledger.plan import PersonGroup
from models.pinyin import name_search_keys
from models.station import CaseSequence

WRITE_CHUNK = 2000


def write_new_people(operation: Operation, *, groups: list[PersonGroup], today: date, job: JobState) -> None:
    """The new files of an import through the journal's bulk path, in the import's one operation (the
    whole import is one undo step, :func:`desktop.services.ledger.history.undo_import`), with complete
    change rows; the search projection written alongside (``rebuild_search`` gives the same rows)."""
    session, actor = operation.session, operation.actor
    case_numbers = _reserve_case_numbers(session, actor.station_code, today.year, len(groups))
    for start in range(0, len(groups), WRITE_CHUNK):
        job.report(start, len(groups), f"正在建立档案 {start:,}/{len(groups):,}")
        people: list[dict[str, Any]] = []
        ventures: list[dict[str, Any]] = []
        searches: list[dict[str, Any]] = []
        for position, group in enumerate(groups[start : start + WRITE_CHUNK], start):
            person_id = new_id()
            data = group.person
            keys = name_search_keys(data.name)
            new_ventures = [venture for _row, venture in group.new_ventures]
            people.append(
                {
                    "id": person_id,
                    "case_number": case_numbers[position],
                    "name_pinyin": keys[0] if keys else data.name,
                    "current_stage": current_stage(new_ventures),
                    **data.column_values(),
                }
            )
            for venture in new_ventures:
                ventures.append({"id": new_id(), "entrepreneur_id": person_id, **venture.column_values()})
            names = [v.name for v in new_ventures]
            blob = search_blob(data.name, data.id_number, data.phone, names)
            searches.append({"entrepreneur_id": person_id, "blob": blob})
        operation.create_many(Entrepreneur, people, subject_ids=[p["id"] for p in people])
        operation.create_many(Venture, ventures, subject_ids=[v["entrepreneur_id"] for v in ventures])
        insert_rows(session.connection(), EntrepreneurSearch.__tablename__, searches)  # the projection
    job.report(len(groups), len(groups), f"正在写入（已建立 {len(groups):,} 份档案）")


def _reserve_case_numbers(session: Session, station_code: str, year: int, count: int) -> list[str]:
    """``count`` case numbers in a row, in the form :func:`models.station.next_case_number` gives them."""
    sequence = session.get(CaseSequence, year) or CaseSequence(year=year, last=0)
    first = sequence.last + 1
    sequence.last += count
    session.add(sequence)
    session.flush()
    return [f"{station_code}-{year}-{number:05d}" for number in range(first, first + count)]

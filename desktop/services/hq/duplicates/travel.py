"""What HQ's reply to a station carries because of merges: the whole history of the records a merge
sent there (models.hq.duplicates.HqMergeCopy), parents first. Read by ``sync.replies`` before the
reply's other changes, so that a re-pointed record's new file is already there when they apply."""

from __future__ import annotations

from sqlalchemy import Connection, select

from models.hq.duplicates import HqMergeCopy
from models.tables import metadata


def merge_copies(connection: Connection, code: str, since: int) -> list[tuple[str, list[str]]]:
    """(kind, record ids) for the station, in the tables' dependency order: the copies decided after
    the HQ change the station last acknowledged."""
    table = HqMergeCopy.__table__  # type: ignore[attr-defined]
    query = select(table.c.record_ids).where(table.c.station == code, table.c.hq_seq > since)
    found: dict[str, set[str]] = {}
    for (record_ids,) in connection.execute(query):
        for item in record_ids:
            kind, _, record_id = str(item).partition(":")
            found.setdefault(kind, set()).add(record_id)
    order = {t.name: index for index, t in enumerate(metadata.sorted_tables)}
    return [(kind, sorted(found[kind])) for kind in sorted(found, key=lambda name: order.get(name, 0))]

"""What HQ's reply to a station carries because of merges: the whole history of the records a merge
sent there (models.hq.duplicates.HqMergeCopy), parents first. Read by ``sync.replies`` before the
reply's other changes, so that a re-pointed record's new file is there when they apply."""

from __future__ import annotations

from sqlalchemy import Connection, or_, select, update

from models.hq.duplicates import HqMergeCopy
from models.sync.tables import SyncPeer
from models.tables import metadata


def merge_copies(connection: Connection, peer: SyncPeer, version: int) -> list[tuple[str, list[str]]]:
    """(kind, record ids) for the station's reply of ``version``, in the tables' dependency order:
    the copies it has not acknowledged whose condition it meets; the first reply to carry one is
    noted on it."""
    table = HqMergeCopy.__table__  # type: ignore[attr-defined]
    query = select(table.c.id, table.c.record_ids, table.c.sent_in).where(
        table.c.station == peer.code,
        or_(table.c.sent_in == 0, table.c.sent_in > peer.acked_seq),
        table.c.after_seq <= peer.hq_acked,
    )
    found: dict[str, set[str]] = {}
    first: list[str] = []
    for copy_id, record_ids, sent_in in connection.execute(query).all():
        if not sent_in:
            first.append(copy_id)
        for item in record_ids:
            kind, _, record_id = str(item).partition(":")
            found.setdefault(kind, set()).add(record_id)
    for start in range(0, len(first), 500):
        connection.execute(
            update(table).where(table.c.id.in_(first[start : start + 500])).values(sent_in=version)
        )
    order = {t.name: index for index, t in enumerate(metadata.sorted_tables)}
    return [(kind, sorted(found[kind])) for kind in sorted(found, key=lambda name: order.get(name, 0))]

"""HQ moves a person's file, with what depends on it and its whole history, to another station."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, select
from sqlmodel import Session

from desktop.services.sync.hq_side import hq_node
from desktop.services.sync.node import (
    last_seq,
    station_peer,
)
from models.actor import Actor
from models.audit import Operation
from models.errors import Conflict, NotFound
from models.sync.tables import (
    SyncNotice,
    SyncTransfer,
)
from models.tables import travelling_tables


# ------------------------------------------------------------------------------------------- transfers
def transfer_in(session: Session, actor: Actor, entrepreneur_id: str, to_station: str) -> SyncTransfer:
    """Move a person's file, and every record that depends on it, to another station: an HQ change of
    each record's station (it travels like any other); the new station receives the whole history."""
    node = hq_node(session)
    station_peer(session, to_station)
    tables = travelling_tables()
    person = session.get(tables["entrepreneur"], entrepreneur_id)
    if person is None:
        raise NotFound("总部没有这份档案")
    source = person.station_code
    if source == to_station:
        raise Conflict(f"这份档案已在服务站 {to_station}")
    table = tables["entrepreneur"].__table__  # type: ignore[attr-defined]
    twin = session.execute(
        select(table.c.case_number).where(
            table.c.station_code == to_station,
            table.c.id_number == getattr(person, "id_number", None),
            table.c.deleted.is_(False),
        )
    ).first()
    if twin is not None:
        raise Conflict(
            f"服务站 {to_station} 已有身份证号码相同的档案（{twin[0]}）：请先核实是否同一人，合并后再调档"
        )
    moved = _dependents(session.connection(), "entrepreneur", {entrepreneur_id})
    operation = Operation(session, actor, f"调档至服务站 {to_station}")
    for kind, ids in moved.items():
        for record_id in sorted(ids):
            record = session.get(tables[kind], record_id)
            if record is not None and record.station_code == source:
                operation.update(record, {"station_code": to_station}, subject_id=entrepreneur_id)
    session.flush()
    record_ids = [f"{kind}:{rid}" for kind, ids in moved.items() for rid in sorted(ids)]
    record_ids += [
        f"{kind}:{rid}" for kind, ids in _parents(session.connection(), moved).items() for rid in sorted(ids)
    ]
    transfer = SyncTransfer(
        entrepreneur_id=entrepreneur_id,
        from_station=source,
        to_station=to_station,
        record_ids=record_ids,
        hq_seq=last_seq(session),
    )
    session.add(transfer)
    name = getattr(person, "name", "")
    session.add(
        SyncNotice(
            kind="transfer_out",
            peer=source,
            record_kind="entrepreneur",
            record_id=entrepreneur_id,
            other_station=to_station,
            text=f"{name} 的档案已由总部转出至服务站 {to_station}，本站保留只读副本",
        )
    )
    session.add(
        SyncNotice(
            kind="transfer_in",
            peer=to_station,
            record_kind="entrepreneur",
            record_id=entrepreneur_id,
            other_station=source,
            text=f"{name} 的档案已由总部从服务站 {source} 转入本站（含全部历史）",
        )
    )
    del node
    return transfer


def _dependents(connection: Connection, kind: str, ids: set[str]) -> dict[str, set[str]]:
    """The records pointing to these (and to those, on down), by the tables' foreign keys."""
    tables = travelling_tables()
    found: dict[str, set[str]] = {kind: set(ids)}
    frontier = [(kind, set(ids))]
    while frontier:
        parent, parent_ids = frontier.pop()
        for name, model in tables.items():
            table = model.__table__  # type: ignore[attr-defined]
            for foreign in table.foreign_keys:
                if foreign.column.table.name != parent:
                    continue
                rows = set(
                    connection.execute(
                        select(table.c.id).where(foreign.parent.in_(sorted(parent_ids)))
                    ).scalars()
                )
                new = rows - found.get(name, set())
                if new:
                    found.setdefault(name, set()).update(new)
                    frontier.append((name, new))
    return found


def _parents(connection: Connection, moved: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The records the moved ones point to that do not move (a class, a mentor): sent as copies."""
    tables = travelling_tables()
    found: dict[str, set[str]] = {}
    frontier = dict(moved)
    while frontier:
        nxt: dict[str, set[str]] = {}
        for kind, ids in frontier.items():
            table = tables[kind].__table__  # type: ignore[attr-defined]
            for foreign in table.foreign_keys:
                target = foreign.column.table.name
                if target not in tables:
                    continue
                values = set(
                    connection.execute(select(foreign.parent).where(table.c.id.in_(sorted(ids)))).scalars()
                )
                values.discard(None)
                new = values - moved.get(target, set()) - found.get(target, set())
                if new:
                    found.setdefault(target, set()).update(new)
                    nxt.setdefault(target, set()).update(new)
        frontier = nxt
    return found

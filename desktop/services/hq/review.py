"""总部 → 冲突与隔离: every open conflict, quarantined change and waiting change from every station, in
one list with both values, who, where and when; filtered by station and kind. HQ settles a conflict
with the station's own services (``sync.keep_winner`` / ``sync.reinstate_other``: a reinstated value is
an HQ change that travels back in the station's next reply) and force-applies a waiting change
(``sync.force_apply``). The lists are those of ``desktop.services.sync`` (one query each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.services.gate import service
from models.actor import Actor
from models.database import Database
from models.permissions import Permission

CONFLICT = "conflict"
QUARANTINE = "quarantine"
WAITING = "waiting"
KINDS = (CONFLICT, QUARANTINE, WAITING)

PERSONAL_FIELDS = frozenset({"id_number", "phone"})


@dataclass(frozen=True)
class ReviewItem:
    kind: str  # CONFLICT, QUARANTINE or WAITING
    id: str  # the conflict's id, or the change's
    station: str  # the station whose record (or package) it is
    record_kind: str
    record_id: str
    person: str  # whose file ("" for reference data)
    field: str  # the conflict's field ("" for a queued change)
    value: Any  # a conflict: the value in force; a queued change: what it would write
    value_by: str  # who, where, when
    other: Any  # a conflict: the value that lost; a queued change: the value in force ("" unknown)
    other_by: str
    reason: str  # why it is here (a queued change), or what happened (a conflict: "两边同时修改")
    at: datetime
    action: str = ""  # a queued change's action (create, update, delete, restore)


@service(Permission.SYNC)
def review_items(
    db: Database, actor: Actor, /, *, station: str | None = None, kind: str | None = None
) -> list[ReviewItem]:
    """What waits for a decision at HQ, newest first; ``station`` and ``kind`` narrow the list."""
    from desktop.services import sync
    from desktop.services.sync.hq_side import hq_node

    with db.reading() as session:
        hq_node(session)
    items: list[ReviewItem] = []
    if kind in (None, CONFLICT):
        for c in sync.list_conflicts(db, actor):
            items.append(
                ReviewItem(
                    CONFLICT,
                    c.id,
                    c.station_code,
                    c.record_kind,
                    c.record_id,
                    c.person,
                    c.field,
                    _shown(actor, c.field, c.winner_value),
                    c.winner,
                    _shown(actor, c.field, c.loser_value),
                    c.loser,
                    "已被删除的记录又被修改" if c.kind == "deleted" else "两边同时修改了同一内容",
                    c.found_at,
                )
            )
    queued = []
    if kind in (None, QUARANTINE):
        queued += [(QUARANTINE, q) for q in sync.list_quarantine(db, actor)]
    if kind in (None, WAITING):
        queued += [(WAITING, w) for w in sync.list_waiting(db, actor)]
    if queued:
        changes = _changes(db, [item.change_id for _k, item in queued])
        for which, q in queued:
            change = changes.get(q.change_id, {})
            person = q.person or _name_in(q.record_kind, change)
            items.append(
                ReviewItem(
                    which,
                    q.change_id,
                    q.peer,
                    q.record_kind,
                    q.record_id,
                    person,
                    "",
                    _values(actor, change.get("changes") or {}, new=True),
                    _who(change, q.peer),
                    _values(actor, change.get("changes") or {}, new=False),
                    "",
                    q.reason,
                    q.since,
                    q.action,
                )
            )
    if station:
        items = [item for item in items if item.station == station]
    return sorted(items, key=lambda item: item.at, reverse=True)


def _changes(db: Database, change_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The changes as they travelled (both queues keep them whole), by id: one query per queue."""
    from sqlalchemy import select
    from sqlmodel import col

    from models.sync.tables import SyncQuarantine, SyncWaiting

    found: dict[str, dict[str, Any]] = {}
    with db.reading() as session:
        for model in (SyncQuarantine, SyncWaiting):
            for start in range(0, len(change_ids), 500):
                batch = change_ids[start : start + 500]
                query = select(col(model.change_id), col(model.change)).where(col(model.change_id).in_(batch))
                for change_id, change in session.execute(query):
                    found[str(change_id)] = dict(change or {})
    return found


def _name_in(kind: str, change: dict[str, Any]) -> str:
    """The person a new file is for, from the change itself (HQ does not hold the record)."""
    pair = (change.get("changes") or {}).get("name") if kind == "entrepreneur" else None
    return str(pair[-1]) if isinstance(pair, list | tuple) and pair and pair[-1] else ""


def _who(change: dict[str, Any], station: str) -> str:
    from desktop.services.sync.wire import from_wire_time
    from models.clock import to_china

    user = str(change.get("user_name") or "")
    at = change.get("at")
    when = f"，{to_china(from_wire_time(at)):%Y-%m-%d %H:%M}" if at else ""
    return f"{user}（{change.get('station_code') or station}{when}）" if user else station


def _shown(actor: Actor, field: str, value: Any) -> Any:
    """A personal value (ID number, phone) masked unless the actor may see personal data."""
    from models.masking import mask_id_number, mask_phone

    if field not in PERSONAL_FIELDS or not isinstance(value, str) or actor.may(Permission.VIEW_PERSONAL_DATA):
        return value
    return mask_id_number(value) if field == "id_number" else mask_phone(value)


def _values(actor: Actor, changes: dict[str, Any], *, new: bool) -> dict[str, Any]:
    """A change's fields as {field: value}: the values it writes (``new``) or those it replaces."""
    shown: dict[str, Any] = {}
    for name, pair in changes.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            value = pair[1] if new else pair[0]
        else:
            value = pair if new else None
        shown[name] = _shown(actor, name, value)
    return shown

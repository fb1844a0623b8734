"""A file's timeline: visits, changes to the file, training, applications — newest first.

Each area's :class:`~desktop.services.areas.Area` names its timeline sources (gated service functions
``(db, actor, /, entrepreneur_id)``); the file's timeline tab calls :func:`timeline`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from desktop.services.areas import registry
from desktop.services.entrepreneurs import file_history_in
from desktop.services.gate import permission_of, service
from models.actor import Actor
from models.database import Database
from models.permissions import Permission


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # aware; shown in Asia/Shanghai
    kind: str  # 走访 / 档案变更 / 培训 / 申请 …
    title: str
    detail: str = ""
    open_kind: str = ""
    open_id: str = ""


TimelineSource = Callable[[Database, Actor, str], list[TimelineEntry]]


@service(Permission.VIEW_FILES)
def file_changes(db: Database, actor: Actor, /, entrepreneur_id: str) -> list[TimelineEntry]:
    """The file's own changes (档案变更), less the record kinds an area shows with entries of its own."""
    own = registry().own_entry_kinds
    entries = []
    with db.reading() as session:
        changes = file_history_in(session, entrepreneur_id)
    for change in changes:
        if change.record_kind in own:
            continue
        entries.append(TimelineEntry(change.at, "档案变更", change.label, change.text))
    return entries


@service(Permission.VIEW_FILES)
def timeline(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> list[TimelineEntry]:
    sources = [
        source
        for source in registry().timeline_sources
        if (permission := permission_of(source)) is None or actor.may(permission)
    ]
    entries = [entry for source in sources for entry in source(db, actor, entrepreneur_id)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)

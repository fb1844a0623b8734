"""A file's timeline: visits, changes to the file, training, applications — newest first.

Each area registers a source in :data:`TIMELINE_SOURCES`; the file's timeline tab calls :func:`timeline`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from desktop.services.entrepreneurs import file_history_in
from desktop.services.gate import service
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


TimelineSource = Callable[[Database, str], list[TimelineEntry]]


# Record kinds whose changes an area shows with its own entries (e.g. visits), not as 档案变更.
OWN_ENTRY_KINDS: set[str] = set()


def _file_changes(db: Database, entrepreneur_id: str) -> list[TimelineEntry]:
    entries = []
    with db.reading() as session:
        changes = file_history_in(session, entrepreneur_id)
    for change in changes:
        if change.record_kind in OWN_ENTRY_KINDS:
            continue
        detail = "；".join(
            f"{label}：{before or '（空）'} → {after or '（空）'}" for label, before, after in change.fields
        )
        entries.append(TimelineEntry(change.at, "档案变更", change.label, detail))
    return entries


TIMELINE_SOURCES: list[TimelineSource] = [_file_changes]


@service(Permission.VIEW_FILES)
def timeline(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> list[TimelineEntry]:
    entries = [entry for source in TIMELINE_SOURCES for entry in source(db, entrepreneur_id)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)

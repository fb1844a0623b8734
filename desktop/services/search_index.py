"""The in-memory index behind search-as-you-type on the entrepreneur list.

A scan of 100,000 short lowercase strings with Python's ``in`` takes a few milliseconds, where SQLite
needs tens for the same scan plus a sort, so the list keeps every file's search text (name, pinyin
keys, ID number, phone, venture names) and sort keys in memory, in each sort order asked for.

It stays current through the change log — the one mechanism every write goes through: before each
search it reads the change rows added since it last looked (one indexed query) and reloads just the
files they touch, whoever wrote them (this window, an import job, the CLI in another process).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from itertools import compress, repeat
from operator import contains
from typing import Any

from sqlalchemy import Connection, text

from desktop.services.gate import service
from models.actor import Actor
from models.database import Database
from models.permissions import Permission

_COLUMNS = (
    "e.id, e.deleted, e.key_groups, e.current_stage, coalesce(e.household_region, ''), e.created_at, "
    "e.name_pinyin, e.case_number, e.birth_date, s.blob, e.merged_into"
)
SORT_FIELDS = {
    "created_at": 5,
    "name": 6,
    "case_number": 7,
    "birth_date": 8,
    "household_region": 4,
    "current_stage": 3,
}


@dataclass
class _Entry:
    id: str
    deleted: bool
    key_groups: int
    stage: str | None
    region: str
    created_at: str
    name_pinyin: str
    case_number: str
    birth_date: str
    blob: str

    def sort_key(self, field: str) -> tuple[str, str]:
        value = getattr(
            self,
            {"name": "name_pinyin", "household_region": "region", "current_stage": "stage"}.get(field, field),
        )
        return (str(value or ""), self.id)


class SearchIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._last_change = -1
        self._orders: dict[tuple[str, bool, bool], tuple[list[str], list[str], list[_Entry]]] = {}
        # the last text search: typing one more character only needs to look at its hits
        self._last: tuple[tuple[str, bool, bool], str, list[str], list[str], list[_Entry]] | None = None

    def _load(self, connection: Connection, ids: list[str] | None) -> None:
        sql = f"SELECT {_COLUMNS} FROM entrepreneur e JOIN entrepreneur_search s ON s.entrepreneur_id = e.id"
        params: dict[str, Any] = {}
        if ids is not None:
            placeholders = ", ".join(f":p{i}" for i in range(len(ids)))
            sql += f" WHERE e.id IN ({placeholders})"
            params = {f"p{i}": value for i, value in enumerate(ids)}
        # fetchall in one call: SQLAlchemy's per-row fetch costs more than the query at 100k rows
        for row in connection.execute(text(sql), params).fetchall():
            if row[10] is not None:  # merged away by HQ: neither listed nor in the recycle bin
                self._entries.pop(row[0], None)
                continue
            self._entries[row[0]] = _Entry(
                row[0], bool(row[1]), row[2], row[3], row[4], str(row[5]), row[6], row[7], str(row[8]), row[9]
            )

    def refresh(self, connection: Connection) -> None:
        """Bring the index up to date with the change log (cheap when nothing changed)."""
        top = connection.execute(text("SELECT coalesce(max(seq), 0) FROM change_log")).scalar_one()
        if top == self._last_change:
            return
        if self._last_change < 0:
            self._entries.clear()
            self._load(connection, None)
        else:
            touched = [
                row[0]
                for row in connection.execute(
                    text(
                        "SELECT DISTINCT coalesce(subject_id, record_id) FROM change_log "
                        "WHERE seq > :last AND record_kind IN ('entrepreneur', 'venture')"
                    ),
                    {"last": self._last_change},
                )
            ]
            for start in range(0, len(touched), 500):
                self._load(connection, touched[start : start + 500])
        self._last_change = top
        self._orders.clear()
        self._last = None

    def _order(self, sort: str, descending: bool, deleted: bool) -> tuple[list[str], list[str], list[_Entry]]:
        """Ids, search texts and entries of the live (or deleted) files in one sort order, cached."""
        key = (sort if sort in SORT_FIELDS else "created_at", descending, deleted)
        if key not in self._orders:
            entries = sorted(
                (e for e in self._entries.values() if e.deleted == deleted),
                key=lambda e: e.sort_key(key[0]),
                reverse=descending,
            )
            self._orders[key] = ([e.id for e in entries], [e.blob for e in entries], entries)
        return self._orders[key]

    def search(
        self,
        db: Database,
        *,
        needle: str,
        deleted: bool,
        key_group_bit: int,
        stage: str | None,
        region_prefix: str,
        sort: str,
        descending: bool,
    ) -> list[str]:
        with self._lock:
            with db.engine.connect() as connection:
                self.refresh(connection)
            ids, _, entries = self._narrowed(needle, sort, descending, deleted)
            if not (key_group_bit or stage or region_prefix):
                return list(ids)
            return [
                entry.id
                for entry in entries
                if (not key_group_bit or entry.key_groups & key_group_bit)
                and (not stage or entry.stage == stage)
                and (not region_prefix or entry.region.startswith(region_prefix))
            ]

    def _narrowed(
        self, needle: str, sort: str, descending: bool, deleted: bool
    ) -> tuple[list[str], list[str], list[_Entry]]:
        """The rows whose search text holds ``needle``, scanning the last hits when the text grew."""
        key = (sort if sort in SORT_FIELDS else "created_at", descending, deleted)
        ids, blobs, entries = self._order(*key)
        if not needle:
            return ids, blobs, entries
        if self._last is not None and self._last[0] == key and self._last[1] in needle:
            _, _, ids, blobs, entries = self._last
        # map/compress run in C: str.__contains__ is called without Python bytecode per row
        found = list(map(contains, blobs, repeat(needle)))
        narrowed = (list(compress(ids, found)), list(compress(blobs, found)), list(compress(entries, found)))
        self._last = (key, needle, *narrowed)
        return narrowed


@service(Permission.VIEW_FILES)
def index_for(db: Database, actor: Actor, /) -> SearchIndex:
    index = db.caches.get("search_index")
    if index is None:
        index = db.caches["search_index"] = SearchIndex()
    assert isinstance(index, SearchIndex)
    return index

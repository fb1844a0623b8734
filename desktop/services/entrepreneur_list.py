"""What the entrepreneur list reads: the ids in display order, a page of masked rows, the counts.

Standard ``sqlite3`` through :meth:`Database.raw` and light models only — no ORM — so the window can
show the populated list before SQLAlchemy is loaded (issue 2: start-up within 2× of a bare window).
The search index for typed text and filters is loaded on the first search.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from desktop.services.gate import service
from models.actor import Actor
from models.clock import china_today, to_china
from models.enums import KeyGroup, Sex, Stage, key_groups_from_bits
from models.masking import mask_id_number, mask_phone
from models.permissions import Permission
from models.regions import region_name

if TYPE_CHECKING:
    from models.database import Database


class EntrepreneurRow(NamedTuple):
    """One line of the entrepreneur list: personal data masked."""

    id: str
    case_number: str
    name: str
    id_number_masked: str
    sex: str
    age: int
    phone_masked: str
    key_groups: str
    stage: Stage | None
    region: str
    ventures: str
    created_on: date


SORT_COLUMNS: Mapping[str, str] = {
    "case_number": "case_number",
    "name": "name_pinyin",
    "birth_date": "birth_date",
    "household_region": "household_region",
    "current_stage": "current_stage",
    "created_at": "created_at",
}
"""The list's sort keys and the ``entrepreneur`` column (with an index) each sorts by."""

_NULLABLE_SORTS = frozenset({"household_region", "current_stage"})


class ListQuery(NamedTuple):
    """What the list shows: search text, filters and sort. ``recycle_bin`` lists deleted files."""

    text: str = ""
    key_group: KeyGroup | None = None
    stage: Stage | None = None
    region_prefix: str = ""
    recycle_bin: bool = False
    sort: str = "created_at"
    descending: bool = True

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.key_group or self.stage or self.region_prefix)


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@service(Permission.VIEW_FILES)
def search_ids(db: Database, actor: Actor, /, query: ListQuery) -> list[str]:
    """Ids of the files the list shows, in display order; fast enough to run on every keystroke.

    The whole list in a sort order comes straight from SQL (an index walk), so the window opens
    without building the search index; the index is built by the first search or filter."""
    if not query.filtered:
        with db.raw() as connection:
            return [row[0] for row in connection.execute(_unfiltered_sql(query), (int(query.recycle_bin),))]
    from desktop.services.search_index import index_for
    from models.pinyin import normalise_query

    return index_for(db, actor).search(
        db,
        needle=normalise_query(query.text),
        deleted=query.recycle_bin,
        key_group_bit=query.key_group.bit if query.key_group is not None else 0,
        stage=query.stage.value if query.stage is not None else None,
        region_prefix=region_prefix(query.region_prefix),
        sort=query.sort,
        descending=query.descending,
    )


@service(Permission.VIEW_FILES)
def list_ids(db: Database, actor: Actor, /, query: ListQuery) -> Sequence[str]:
    """What the list model holds: :func:`search_ids`, except that the unfiltered list is read a page at a
    time until something needs all of it (:class:`ListIds`) — the window opens on 100,000 files with
    one count and one page read."""
    if query.filtered:
        return search_ids(db, actor, query)
    return ListIds(db, query, count_entrepreneurs(db, actor, recycle_bin=query.recycle_bin))


def _unfiltered_sql(query: ListQuery) -> str:
    column = SORT_COLUMNS.get(query.sort, "created_at")
    if column in _NULLABLE_SORTS:
        column = f"coalesce({column}, '')"  # as the index sorts: a missing value first
    direction = "DESC" if query.descending else "ASC"
    return f"SELECT id FROM entrepreneur WHERE deleted = ? ORDER BY {column} {direction}, id {direction}"


class ListIds(Sequence[str]):
    """The ids of the unfiltered list in its sort order. Its length is a count; a slice is one
    ``LIMIT … OFFSET`` walk of the sort column's index; anything else (an id's position, iteration)
    reads them all once and keeps them."""

    def __init__(self, db: Database, query: ListQuery, count: int) -> None:
        self._db = db
        self._sql = _unfiltered_sql(query)
        self._deleted = int(query.recycle_bin)
        self._count = count
        self._all: list[str] | None = None

    def __len__(self) -> int:
        return self._count if self._all is None else len(self._all)

    @overload
    def __getitem__(self, key: int) -> str: ...

    @overload
    def __getitem__(self, key: slice) -> Sequence[str]: ...

    def __getitem__(self, key: int | slice) -> str | Sequence[str]:
        if self._all is not None:
            return self._all[key]
        if isinstance(key, slice):
            start, stop, step = key.indices(self._count)
            if step == 1:
                return self._walk(start, stop - start)
            return self.loaded()[key]
        position = key + self._count if key < 0 else key
        found = self._walk(position, 1) if 0 <= position < self._count else []
        if not found:
            raise IndexError(key)
        return found[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self.loaded())

    def __contains__(self, value: object) -> bool:
        return value in self.loaded()

    def _walk(self, offset: int, limit: int) -> list[str]:
        with self._db.raw() as connection:
            rows = connection.execute(f"{self._sql} LIMIT ? OFFSET ?", (self._deleted, max(0, limit), offset))
            return [row[0] for row in rows]

    def loaded(self) -> list[str]:
        if self._all is None:
            with self._db.raw() as connection:
                self._all = [row[0] for row in connection.execute(self._sql, (self._deleted,))]
        return self._all

    def index(self, value: Any, start: int = 0, stop: int = sys.maxsize) -> int:
        return self.loaded().index(value, start, stop)


@service(Permission.VIEW_FILES)
def data_stamp(db: Database, actor: Actor, /) -> int:
    """Changes whenever any record is written, by anyone (the change log's newest row)."""
    with db.raw() as connection:
        stamp: int = connection.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]
        return stamp


@service(Permission.VIEW_FILES)
def fetch_rows(db: Database, actor: Actor, /, ids: Sequence[str]) -> list[EntrepreneurRow]:
    """The list rows for a page of ids, in the order given (masked personal data)."""
    if not ids:
        return []
    today = china_today()
    marks = ", ".join("?" * len(ids))
    with db.raw() as connection:
        people = connection.execute(
            "SELECT id, case_number, name, id_number, sex, birth_date, phone, key_groups, current_stage, "
            f"household_region, created_at FROM entrepreneur WHERE id IN ({marks})",
            tuple(ids),
        ).fetchall()
        names: dict[str, list[str]] = {}
        for entrepreneur_id, venture_name in connection.execute(
            f"SELECT entrepreneur_id, name FROM venture WHERE entrepreneur_id IN ({marks}) AND deleted = 0 "
            "ORDER BY created_at",
            tuple(ids),
        ):
            names.setdefault(entrepreneur_id, []).append(venture_name)
    by_id = {
        pid: EntrepreneurRow(
            id=pid,
            case_number=case_number,
            name=name,
            id_number_masked=mask_id_number(id_number),
            sex=Sex(sex).label,
            age=age_on(date.fromisoformat(birth), today),
            phone_masked=mask_phone(phone) if phone else "",
            key_groups="、".join(g.label for g in key_groups_from_bits(bits)),
            stage=Stage(stage) if stage else None,
            region=(region_name(region) or region) if region else "",
            ventures="、".join(names.get(pid, [])),
            created_on=to_china(datetime.fromisoformat(created).replace(tzinfo=UTC)).date(),
        )
        for pid, case_number, name, id_number, sex, birth, phone, bits, stage, region, created in people
    }
    return [by_id[i] for i in ids if i in by_id]


def region_prefix(code: str) -> str:
    """``330100`` → ``3301`` and ``330000`` → ``33``, but ``330110`` stays whole (``rstrip("0")`` would give
    ``33011`` and match 330111-330119 too)."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


@service(Permission.VIEW_FILES)
def household_regions(db: Database, actor: Actor, /) -> dict[str, int]:
    """How many files (not in the recycle bin) each household region code has: the 区域 filter's choices."""
    with db.raw() as connection:
        rows = connection.execute(
            "SELECT household_region, count(*) FROM entrepreneur "
            "WHERE deleted = 0 AND household_region IS NOT NULL GROUP BY household_region"
        )
        return {str(code): int(count) for code, count in rows}


@service(Permission.VIEW_FILES)
def count_entrepreneurs(db: Database, actor: Actor, /, *, recycle_bin: bool = False) -> int:
    """Files in the list, or in the recycle bin. The list's count is every row less the deleted ones:
    SQLite counts a whole table from its b-tree pages (0.02 ms for 100,000 files), while a count with a
    condition visits each row (5 ms), and the recycle bin is small."""
    deleted = "SELECT count(*) FROM entrepreneur WHERE deleted = 1"
    sql = deleted if recycle_bin else f"SELECT (SELECT count(*) FROM entrepreneur) - ({deleted})"
    with db.raw() as connection:
        count: int = connection.execute(sql).fetchone()[0]
        return count

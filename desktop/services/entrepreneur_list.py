"""What the entrepreneur list reads: the ids in display order, a page of masked rows, the counts.

Standard ``sqlite3`` through :meth:`Database.raw` and light models only — no ORM — so the window can
show the populated list before SQLAlchemy is loaded (issue 2: start-up within 2× of a bare window).
The search index for typed text and filters is loaded on the first search.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from models.clock import china_today, to_china
from models.enums import KeyGroup, Sex, Stage, key_groups_from_bits
from models.pinyin import normalise_query
from models.regions import region_name
from models.validators import mask_id_number, mask_phone

if TYPE_CHECKING:
    from models.database import Database


@dataclass(frozen=True)
class EntrepreneurRow:
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


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: search text, filters and sort. ``recycle_bin`` lists deleted files."""

    text: str = ""
    key_group: KeyGroup | None = None
    stage: Stage | None = None
    region_prefix: str = ""
    recycle_bin: bool = False
    sort: str = "created_at"
    descending: bool = True
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.key_group or self.stage or self.region_prefix)


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def search_ids(db: Database, query: ListQuery) -> list[str]:
    """Ids of the files the list shows, in display order; fast enough to run on every keystroke.

    The whole list in a sort order comes straight from SQL (an index walk), so the window opens
    without building the search index; the index is built by the first search or filter."""
    if not query.filtered:
        column = SORT_COLUMNS.get(query.sort, "created_at")
        if column in _NULLABLE_SORTS:
            column = f"coalesce({column}, '')"  # as the index sorts: a missing value first
        direction = "DESC" if query.descending else "ASC"
        sql = f"SELECT id FROM entrepreneur WHERE deleted = ? ORDER BY {column} {direction}, id {direction}"
        with db.raw() as connection:
            return [row[0] for row in connection.execute(sql, (int(query.recycle_bin),))]
    from desktop.services.search_index import index_for

    return index_for(db).search(
        db,
        needle=normalise_query(query.text),
        deleted=query.recycle_bin,
        key_group_bit=query.key_group.bit if query.key_group is not None else 0,
        stage=query.stage.value if query.stage is not None else None,
        region_prefix=region_prefix(query.region_prefix),
        sort=query.sort,
        descending=query.descending,
    )


def data_stamp(db: Database) -> int:
    """Changes whenever any record is written, by anyone (the change log's newest row)."""
    with db.raw() as connection:
        stamp: int = connection.execute("SELECT coalesce(max(rowid), 0) FROM change_log").fetchone()[0]
        return stamp


def fetch_rows(db: Database, ids: Sequence[str]) -> list[EntrepreneurRow]:
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


def household_regions(db: Database) -> dict[str, int]:
    """How many files (not in the recycle bin) each household region code has: the 区域 filter's choices."""
    with db.raw() as connection:
        rows = connection.execute(
            "SELECT household_region, count(*) FROM entrepreneur "
            "WHERE deleted = 0 AND household_region IS NOT NULL GROUP BY household_region"
        )
        return {str(code): int(count) for code, count in rows}


def count_entrepreneurs(db: Database, *, recycle_bin: bool = False) -> int:
    with db.raw() as connection:
        count: int = connection.execute(
            "SELECT count(*) FROM entrepreneur WHERE deleted = ?", (int(recycle_bin),)
        ).fetchone()[0]
        return count

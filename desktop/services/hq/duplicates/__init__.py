"""跨站重复: duplicate files across the county at HQ, side by side, and HQ's decisions on them — merge
into one file, keep apart (不是同一人), or transfer (docs/hq-duplicates.md). Every entry passes the gate:
reading needs VIEW_FILES, each decision MANAGE_HQ; each decision is audited (the journal for a merge,
the access log for keeping apart and undoing it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from desktop.services.gate import service
from models.actor import Actor
from models.permissions import Permission

if TYPE_CHECKING:
    from desktop.services.hq.duplicates.merging import MergeResult
    from models.database import Database

__all__ = [
    "Comparison",
    "FieldRow",
    "FileSide",
    "GroupView",
    "compare_files",
    "duplicate_groups",
    "keep_apart",
    "kept_apart",
    "merge_files",
    "transfer_duplicate",
    "undo_keep_apart",
]


@dataclass(frozen=True)
class GroupView:
    """One line of the list: who, why, where."""

    key: str
    reason: str
    name: str
    id_number: str  # masked unless the actor may see personal data
    birth_date: date
    stations: tuple[str, ...]
    file_ids: tuple[str, ...]
    cases: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.file_ids)


@dataclass(frozen=True)
class FileSide:
    """One file of the comparison: where it is and what hangs on it."""

    id: str
    station_code: str
    case_number: str
    created_at: date
    counts: dict[str, int]

    @property
    def counts_text(self) -> str:
        c = self.counts
        return (
            f"创业项目 {c['ventures']} 个 · 走访 {c['visits']} 次 · 培训 {c['classes']} 期 · "
            f"申请 {c['applications']} 件 · 贷款 {c['loans']} 笔"
        )


@dataclass(frozen=True)
class FieldRow:
    """One field across the files: each file's value in words; ``differs`` marks a choice to make."""

    key: str
    label: str
    values: tuple[str, ...]
    differs: bool
    choosable: bool


@dataclass(frozen=True)
class Comparison:
    files: tuple[FileSide, ...]
    rows: tuple[FieldRow, ...]

    @property
    def differing(self) -> tuple[FieldRow, ...]:
        return tuple(row for row in self.rows if row.differs)


@service(Permission.VIEW_FILES)
def duplicate_groups(db: Database, actor: Actor, /, *, include_kept_apart: bool = False) -> list[GroupView]:
    """Every duplicate group of the county (one query over every station's files)."""
    from desktop.services.hq.duplicates.detect import find_groups
    from models.masking import mask_id_number

    unmasked = actor.may(Permission.VIEW_PERSONAL_DATA)
    with db.reading() as session:
        groups = find_groups(session, include_kept_apart=include_kept_apart)
    views = []
    for group in groups:
        first = group.members[0]
        numbers = sorted({m.id_number for m in group.members})
        shown = numbers[0] if len(numbers) == 1 else f"{len(numbers)} 个不同号码"
        views.append(
            GroupView(
                key=group.key,
                reason=group.reason,
                name=group.name,
                id_number=shown if unmasked or len(numbers) > 1 else mask_id_number(shown),
                birth_date=first.birth_date,
                stations=group.stations,
                file_ids=group.ids,
                cases=tuple(m.case_number for m in group.members),
            )
        )
    return views


@service(Permission.VIEW_FILES)
def compare_files(db: Database, actor: Actor, /, *, file_ids: tuple[str, ...]) -> Comparison:
    """The files side by side, field by field, with what each holds (ventures, visits …)."""
    from desktop.services.hq.duplicates.compare import comparison

    with db.reading() as session:
        return comparison(session, list(file_ids), unmasked=actor.may(Permission.VIEW_PERSONAL_DATA))


@service(Permission.MANAGE_HQ)
def merge_files(
    db: Database,
    actor: Actor,
    /,
    *,
    survivor_id: str,
    merged_ids: tuple[str, ...],
    choices: dict[str, str] | None = None,
) -> MergeResult:
    """Merge files into one (合并为一份档案): ``choices`` names, per field, the file whose value stays."""
    from desktop.services.hq.duplicates.merging import merge_in

    with db.transaction() as session:
        return merge_in(session, actor, survivor_id, merged_ids, choices)


@service(Permission.MANAGE_HQ)
def keep_apart(db: Database, actor: Actor, /, *, file_ids: tuple[str, ...], note: str = "") -> int:
    """Not the same person (不是同一人): every pair of these files is remembered apart; returns how
    many pairs were new."""
    from desktop.services.hq.duplicates.decisions import keep_apart_in

    with db.transaction() as session:
        return keep_apart_in(session, actor, file_ids, note)


@service(Permission.MANAGE_HQ)
def undo_keep_apart(db: Database, actor: Actor, /, *, file_ids: tuple[str, ...]) -> int:
    """Forget that these files were kept apart: their group is listed again."""
    from desktop.services.hq.duplicates.decisions import undo_keep_apart_in

    with db.transaction() as session:
        return undo_keep_apart_in(session, actor, file_ids)


@service(Permission.VIEW_FILES)
def kept_apart(db: Database, actor: Actor, /) -> list[tuple[str, str]]:
    """The pairs of files kept apart (smaller id first)."""
    from desktop.services.hq.duplicates.detect import kept_apart_pairs

    with db.reading() as session:
        return sorted(kept_apart_pairs(session))


@service(Permission.MANAGE_HQ)
def transfer_duplicate(db: Database, actor: Actor, /, *, entrepreneur_id: str, to_station: str) -> None:
    """调档: move one of the files to another station (``sync.transfer_file``, its checks and notices)."""
    from desktop.services import sync

    sync.transfer_file(db, actor, entrepreneur_id=entrepreneur_id, to_station=to_station)

"""What an import does (or did), row by row and in people: the plan the preview shows and the import
writes. Pure data, made by :mod:`models.ledger.planner`."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from models.entrepreneur import Entrepreneur, PersonData, Venture, VentureData


class RowKind(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    SKIPPED = "skipped"

    @property
    def label(self) -> str:
        return {
            "create": "新增",
            "update": "更新",
            "unchanged": "无变化",
            "refused": "未导入",
            "skipped": "跳过",
        }[self.value]


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class RowOutcome:
    row: int
    kind: RowKind
    name: str
    id_number_masked: str
    detail: str = ""
    problems: tuple[RowProblem, ...] = ()

    @property
    def reason(self) -> str:
        return "；".join(p.reason for p in self.problems) if self.problems else self.detail


@dataclass(frozen=True)
class ImportOptions:
    allow_possible_duplicates: bool = False  # same name and birth date as a file on record: import anyway


@dataclass(frozen=True)
class ImportPlan:
    """What an import does (or did): per row, and in people."""

    file_name: str
    sheet: str
    rows: tuple[RowOutcome, ...]
    created: int
    updated: int
    unchanged: int
    refused: int
    skipped: int
    ventures_created: int
    ventures_updated: int
    notes: tuple[str, ...] = ()
    footers: int = 0  # of the skipped rows: 合计 rows and signature lines at the ledger's foot
    operation_id: str = ""  # the import's one operation, once written (its undo step)

    @property
    def problems(self) -> list[RowProblem]:
        return [p for row in self.rows for p in row.problems]

    @property
    def refused_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.kind is RowKind.REFUSED]

    @property
    def changes_anything(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self, *, done: bool) -> str:
        head = "导入完成" if done else "预览（尚未写入）"
        verb = "" if done else "将"
        parts = [f"{verb}新增 {self.created:,} 人", f"{verb}更新 {self.updated:,} 人"]
        if self.unchanged:
            parts.append(f"{self.unchanged:,} 人无变化")
        if self.refused:
            parts.append(f"{self.refused:,} 行未导入")
        if self.skipped:
            footers = f"，其中表尾合计、签名 {self.footers:,} 行" if self.footers else ""
            parts.append(f"跳过 {self.skipped:,} 行（合计、说明或重复行{footers}）")
        return f"{head}：" + "，".join(parts)


@dataclass
class PersonGroup:
    """One person in the file: the rows that name the same ID number."""

    id_number: str
    first_row: int
    rows: list[int]
    raw: dict[str, object]
    person: PersonData
    existing: Entrepreneur | None
    existing_ventures: list[Venture]
    new_ventures: list[tuple[int, VentureData]] = field(default_factory=list)
    venture_updates: dict[str, tuple[Venture, dict[str, Any]]] = field(default_factory=dict)
    row_details: dict[int, list[str]] = field(default_factory=dict)
    signatures: dict[tuple[object, ...], int] = field(default_factory=dict)
    refused: RowProblem | None = None
    person_changes: dict[str, Any] = field(default_factory=dict)
    restore: bool = False  # a file an undone import sent to the recycle bin: brought back, then updated

    @property
    def changed(self) -> bool:
        return bool(
            self.existing is None
            or self.restore
            or self.person_changes
            or self.new_ventures
            or self.venture_updates
        )


@dataclass
class Planned:
    """A plan and the people it creates or updates (those refused left out)."""

    plan: ImportPlan
    groups: list[PersonGroup]

"""The area registry: what each area of the application brings, built once by an explicit call.

An area (files, visits, training, applications and policy, ledgers and statistics) describes itself in
one :class:`Area` returned by the ``area()`` function of its service package. :func:`registry` calls
each of them once, in :data:`AREA_MODULES` order, and the application context holds the result
(``AppContext.areas``); the workbench, the timeline, the file's change history, the monthly report
and the demo read their sources from it. Nothing registers itself when a module is imported.

For each record kind (table) that travels, the area says which fields are personal data, who owns it,
which fields merge on their own and what is recomputed after a change is applied — the hooks sync
fills. Every other table is listed as *local* (never travels: window state, remembered column
mappings, the package ledger) or *derived* (a projection rebuilt from the records by one function).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from sqlmodel import Session

    from desktop.services.timeline import TimelineSource
    from desktop.services.workbench import FigureSource, TaskDone, TaskSource
    from models.actor import Actor
    from models.base import TravellingRecord
    from models.database import Database
    from reports.monthly_report import FigureRow

    MonthlySection = Callable[[Database, Actor, date], list[FigureRow]]
    # the live records of an area that depend on a record (its id): each with what a worker calls it
    # ("创业项目 青禾餐饮店"); a delete takes them with the record and its restore brings them back
    Dependents = Callable[[Session, str], list[tuple[TravellingRecord, str]]]
    ScopedRebuild = Callable[[Session, Mapping[str, set[str]]], int]

Owner = Literal["station", "hq"]

# The areas, in the order of the file's tabs and of the monthly report's sections.
AREA_MODULES = (
    "desktop.services.station",
    "desktop.services.entrepreneurs",
    "desktop.services.visits",
    "desktop.services.training",
    "desktop.services.applications",
    "desktop.services.policy",
    "desktop.services.monthly",
    "desktop.services.ledger",
    "desktop.services.sync",
)


@dataclass(frozen=True)
class RecordKind:
    """A table whose rows travel, and how sync treats it."""

    table: str
    personal_fields: frozenset[str] = frozenset()  # masked unless the user may see them
    owner: Owner = "station"  # who makes and changes it; HQ may still correct a station's record
    # fields that a concurrent edit may not merge one by one (None: every field merges on its own)
    conflicts_as_whole: frozenset[str] | None = None
    recompute: tuple[str, ...] = ()  # derived tables to rebuild after a change of this kind is applied


@dataclass(frozen=True)
class Area:
    """Everything one area contributes; the registry joins them."""

    name: str
    records: tuple[RecordKind, ...] = ()
    local_tables: tuple[str, ...] = ()
    derived_tables: tuple[str, ...] = ()
    projections: Mapping[str, Callable[[Session], int]] = field(default_factory=dict)  # table -> rebuild
    # table -> the rebuild of only what an applied package wrote (record kind -> ids), where it can
    scoped_projections: Mapping[str, ScopedRebuild] = field(default_factory=dict)
    task_sources: tuple[TaskSource, ...] = ()
    figure_sources: tuple[FigureSource, ...] = ()
    done_handlers: Mapping[str, TaskDone] = field(default_factory=dict)
    timeline_sources: tuple[TimelineSource, ...] = ()
    own_entry_kinds: frozenset[str] = frozenset()  # record kinds the area shows with entries of its own
    change_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # kind -> field -> label
    monthly_sections: tuple[MonthlySection, ...] = ()
    demo_module: str | None = None  # the module of desktop.demo that makes this area's demo records
    dependents: Mapping[str, Dependents] = field(default_factory=dict)  # record kind -> its dependents


@dataclass(frozen=True)
class AreaRegistry:
    areas: tuple[Area, ...]

    @property
    def record_kinds(self) -> dict[str, RecordKind]:
        return {kind.table: kind for area in self.areas for kind in area.records}

    @property
    def local_tables(self) -> frozenset[str]:
        return frozenset(table for area in self.areas for table in area.local_tables)

    @property
    def derived_tables(self) -> frozenset[str]:
        return frozenset(table for area in self.areas for table in area.derived_tables)

    @property
    def projections(self) -> dict[str, Callable[[Session], int]]:
        return {table: rebuild for area in self.areas for table, rebuild in area.projections.items()}

    @property
    def scoped_projections(self) -> dict[str, ScopedRebuild]:
        return {table: rebuild for area in self.areas for table, rebuild in area.scoped_projections.items()}

    @property
    def task_sources(self) -> list[TaskSource]:
        return [source for area in self.areas for source in area.task_sources]

    @property
    def figure_sources(self) -> list[FigureSource]:
        return [source for area in self.areas for source in area.figure_sources]

    @property
    def done_handlers(self) -> dict[str, TaskDone]:
        return {kind: done for area in self.areas for kind, done in area.done_handlers.items()}

    @property
    def timeline_sources(self) -> list[TimelineSource]:
        return [source for area in self.areas for source in area.timeline_sources]

    @property
    def own_entry_kinds(self) -> frozenset[str]:
        return frozenset(kind for area in self.areas for kind in area.own_entry_kinds)

    @property
    def change_labels(self) -> dict[str, Mapping[str, str]]:
        return {kind: labels for area in self.areas for kind, labels in area.change_labels.items()}

    @property
    def monthly_sections(self) -> list[MonthlySection]:
        return [section for area in self.areas for section in area.monthly_sections]

    def dependents_of(self, kind: str) -> list[Dependents]:
        """Every area's hook naming the records that depend on a record of ``kind``."""
        return [area.dependents[kind] for area in self.areas if kind in area.dependents]

    @property
    def demo_modules(self) -> list[str]:
        return [area.demo_module for area in self.areas if area.demo_module]


@cache
def registry() -> AreaRegistry:
    """Every area, asked once (the first call imports every area's services: about a second)."""
    found = []
    for name in AREA_MODULES:
        describe: Callable[[], Area] | None = getattr(importlib.import_module(name), "area", None)
        if describe is not None:  # tests/unit/test_areas.py checks that every area has one
            found.append(describe())
    return AreaRegistry(tuple(found))

"""Printable forms and Excel exports by name: each area's command module lists its own (``PRINTS``,
``EXPORTS``), and :func:`print_forms` / :func:`excel_exports` join them in the areas' order. Nothing is
registered when a module is imported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from models.audit import Actor
from models.database import Database


@dataclass(frozen=True)
class PrintRequest:
    db: Database
    actor: Actor
    record_id: str
    out: Path
    redacted: bool = False
    handler: str = ""  # who signs for the station as 经办人 (blank: by hand)


@dataclass(frozen=True)
class ExportRequest:
    db: Database
    actor: Actor
    out: Path
    month: date | None = None  # first day of the month asked for, if any


# name -> (Chinese description, function writing the PDF and returning the page count)
PrintTable = dict[str, tuple[str, Callable[[PrintRequest], int]]]
# name -> (Chinese description, function writing the workbook and returning the row count)
ExportTable = dict[str, tuple[str, Callable[[ExportRequest], int]]]


def print_forms() -> PrintTable:
    from desktop.commands import AREAS

    return {name: entry for area in AREAS for name, entry in getattr(area, "PRINTS", {}).items()}


def excel_exports() -> ExportTable:
    from desktop.commands import AREAS

    return {name: entry for area in AREAS for name, entry in getattr(area, "EXPORTS", {}).items()}

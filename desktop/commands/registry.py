"""Printable forms and Excel exports by name, filled in by each area's module at import time."""

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


@dataclass(frozen=True)
class ExportRequest:
    db: Database
    actor: Actor
    out: Path
    month: date | None = None  # first day of the month asked for, if any


# name -> (Chinese description, function writing the PDF and returning the page count)
PRINT_FORMS: dict[str, tuple[str, Callable[[PrintRequest], int]]] = {}
# name -> (Chinese description, function writing the workbook and returning the row count)
EXCEL_EXPORTS: dict[str, tuple[str, Callable[[ExportRequest], int]]] = {}

"""What the exchange workbook tests share: a demo station made once, fresh HQ databases, and reading
every sheet's records as the workbook carries them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from desktop.demo import generate_demo
from desktop.services import sync
from desktop.services.hq.exchange.columns import exchange_sheets
from desktop.services.sync.hq_side import hq_actor
from models.actor import Actor
from models.database import Database, open_database

HQ_CODE = "HQ"


def demo_station(folder: Path, *, people: int = 60, seed: int = 3) -> Path:
    path = folder / "station.sqlite"
    db = open_database(path)
    try:
        generate_demo(db, entrepreneurs=people, seed=seed)
    finally:
        db.close()
    return path


def copy_of(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


def fresh_hq(path: Path) -> tuple[Database, Actor]:
    db = open_database(path)
    actor = hq_actor(HQ_CODE)
    sync.init_hq(db, actor, code=HQ_CODE, name="测试县总部")
    return db, actor


def records(db: Database, *, stations: tuple[str, ...] = ()) -> dict[str, set[tuple[Any, ...]]]:
    """Every live record of every sheet's kind, as the workbook's columns hold it (field by field)."""
    found: dict[str, set[tuple[Any, ...]]] = {}
    with db.reading() as session:
        for sheet in exchange_sheets():
            table = sheet.model.__table__  # type: ignore[attr-defined]
            query = select(*[table.c[code] for code in sheet.codes]).where(table.c.deleted.is_(False))
            if stations:
                query = query.where(table.c.station_code.in_(stations))
            found[sheet.table] = {
                tuple(tuple(value) if isinstance(value, list) else value for value in row)
                for row in session.execute(query)
            }
    return found


def edit_workbook(source: Path, target: Path, edits: dict[tuple[str, str], object]) -> Path:
    """A copy of the workbook with cells changed: {(sheet title, "C3"): value}."""
    book = load_workbook(source)
    for (title, where), value in edits.items():
        book[title][where] = value
    book.save(target)
    return target


def cell_of(path: Path, title: str, code: str, row: int = 3) -> tuple[str, object]:
    """(the Excel address, its value) of column ``code`` in data row ``row`` of sheet ``title``."""
    book = load_workbook(path, read_only=True)
    try:
        sheet = book[title]
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
        column = list(header).index(code) + 1
        value = sheet.cell(row=row, column=column).value
    finally:
        book.close()
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}", value

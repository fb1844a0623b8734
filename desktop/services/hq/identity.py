"""Which headquarters a database belongs to, read before anyone acts (as ``station_info`` is for a
station): the window opens HQ's workspace when the database's sync node is HQ's. No ORM on a station's
SQLite file, so the station's start-up pays one small query for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.services.station import StationInfo

if TYPE_CHECKING:
    from models.database import Database

QUERY = "SELECT code, name FROM sync_node WHERE role = 'hq' LIMIT 1"


def hq_identity(db: Database) -> StationInfo | None:
    """HQ's code and name when ``db`` is an HQ database (``doorstep hq init``), else None."""
    if db.path is not None:
        with db.raw() as connection:
            row = connection.execute(QUERY).fetchone()
    else:
        from sqlalchemy import text

        with db.engine.connect() as connection:
            row = connection.execute(text(QUERY)).fetchone()
    if row is None:
        return None
    return StationInfo(str(row[0]), str(row[1] or "") or "总部", False)

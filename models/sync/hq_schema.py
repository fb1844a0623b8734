"""The one way HQ's schema differs from a station's: HQ holds every station's files, so an ID number
is unique per station there, not across the county. The same ID number filed at two stations is a
possible duplicate for a person to settle (a notice), never a refused package or an automatic merge."""

from __future__ import annotations

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

STATION_WIDE = "uq_entrepreneur_id_number"
PER_STATION = "uq_entrepreneur_station_code_id_number"


def widen_for_hq(connection: Connection) -> bool:
    """Make ``entrepreneur.id_number`` unique per station (done once, at ``hq init``); True if changed."""
    names = {item["name"] for item in inspect(connection).get_unique_constraints("entrepreneur")}
    if PER_STATION in names:
        return False
    operations = Operations(MigrationContext.configure(connection))
    with operations.batch_alter_table("entrepreneur") as batch:
        if STATION_WIDE in names:
            batch.drop_constraint(STATION_WIDE, type_="unique")
        batch.create_unique_constraint(PER_STATION, ["station_code", "id_number"])
    return True

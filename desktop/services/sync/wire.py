"""A change as it travels: one JSON object per change row, with its origin's number and epoch."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from models.audit import Change
from models.base import jsonable
from models.journal import CHANGE_COLUMNS

WIRE_FIELDS = tuple(name for name in CHANGE_COLUMNS if name != "seq")  # a change as it travels
READ_BATCH = 5_000


def epoch_of(epochs: list[list[int]], seq: int) -> int:
    """The epoch a local change belongs to: the newest whose first seq is at or before it."""
    found = 1
    for epoch, first in epochs:
        if first <= seq:
            found = epoch
    return found


def to_wire(row: Mapping[str, Any], epochs: list[list[int]]) -> dict[str, Any]:
    """A stored change row (mapping of change_log columns) as it travels."""
    wire = {key: row[key] for key in WIRE_FIELDS}
    at = wire["at"]
    wire["at"] = at.astimezone(UTC).isoformat() if isinstance(at, datetime) else str(at)
    if row["received_in"] is None:  # made here
        wire["origin_seq"] = row["seq"]
        wire["origin_epoch"] = epoch_of(epochs, row["seq"])
    else:
        wire["origin_seq"] = row["origin_seq"]
        wire["origin_epoch"] = row["origin_epoch"]
    return wire


def stored_rows(connection: Connection, *conditions: Any) -> Iterator[dict[str, Any]]:
    """Change rows in ``seq`` order, read in batches (a first package holds millions)."""
    table = Change.__table__  # type: ignore[attr-defined]
    last = 0
    while True:
        query = select(table).where(table.c.seq > last, *conditions).order_by(table.c.seq).limit(READ_BATCH)
        result = connection.execute(query)
        keys = list(result.keys())
        rows = [dict(zip(keys, row, strict=True)) for row in result.all()]  # one fetch, plain tuples
        if not rows:
            return
        yield from rows
        last = rows[-1]["seq"]


def from_wire_time(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"时间“{value}”没有时区")
    return moment.astimezone(UTC)


def change_row(wire: Mapping[str, Any], *, seq: int, package_id: str, home: str | None) -> dict[str, Any]:
    """The change_log row of a received change."""
    row = {key: wire[key] for key in WIRE_FIELDS}
    row["at"] = from_wire_time(wire["at"])
    row.update(
        seq=seq,
        received_in=package_id,
        origin_seq=wire.get("origin_seq"),
        origin_epoch=wire.get("origin_epoch"),
        home=home,
    )
    return row


def json_value(value: Any) -> Any:
    return jsonable(value)

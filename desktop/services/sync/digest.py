"""The agreement digest: an order-independent fingerprint of the records a station and HQ share, per
bucket (a record kind and the last hex digit of the record id: 16 buckets a kind).

A bucket's digest is the sum, modulo 2^256, of the SHA-256 of each record's JSON with sorted keys
(every column, as JSON values). A sum does not depend on the order records are read in, and unlike XOR a
record counted twice does not cancel out. Both sides compute it over the same set: the station's own
records (``station_code`` is the station) and HQ's reference data; quarantined records are left out on
both sides until they are settled. A bucket whose digests differ is resent, not the whole station."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, or_, select

from models.base import jsonable
from models.tables import travelling_tables

MODULUS = 1 << 256
READ_BATCH = 10_000


def bucket_of(kind: str, record_id: str) -> str:
    return f"{kind}:{record_id[-1:]}"


def record_hash(row: Mapping[str, Any]) -> int:
    """SHA-256 of the record's columns as JSON with sorted keys: the same text on every node (values are
    text, whole numbers, truth values, lists of them and None once through :func:`jsonable`; no floats)."""
    canonical = json.dumps(
        {key: jsonable(value) for key, value in row.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return int.from_bytes(hashlib.sha256(canonical.encode()).digest(), "big")


def shared_rows(
    connection: Connection, station: str, hq_code: str, hq_kinds: Iterable[str]
) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """(kind, row) of every record the station and HQ share, read in batches."""
    reference = set(hq_kinds)
    for kind, model in sorted(travelling_tables().items()):
        table = model.__table__  # type: ignore[attr-defined]
        whose = [table.c.station_code == station]
        if kind in reference:
            whose.append(table.c.station_code == hq_code)
        last = ""
        while True:
            query = select(table).where(or_(*whose), table.c.id > last).order_by(table.c.id).limit(READ_BATCH)
            rows: list[Mapping[str, Any]] = [dict(row._mapping) for row in connection.execute(query)]
            if not rows:
                break
            for row in rows:
                yield kind, row
            last = rows[-1]["id"]


def digests(
    connection: Connection,
    station: str,
    hq_code: str,
    hq_kinds: Iterable[str],
    leave_out: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> dict[str, str]:
    """Every non-empty bucket's digest (hex) and its record count, as ``{bucket: "count:hex"}``."""
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    for kind, row in shared_rows(connection, station, hq_code, hq_kinds):
        if (kind, row["id"]) in leave_out:
            continue
        bucket = bucket_of(kind, row["id"])
        sums[bucket] = (sums.get(bucket, 0) + record_hash(row)) % MODULUS
        counts[bucket] = counts.get(bucket, 0) + 1
    return {bucket: f"{counts[bucket]}:{sums[bucket]:064x}" for bucket in sorted(sums)}


def differing(ours: Mapping[str, str], theirs: Mapping[str, str]) -> list[str]:
    """The buckets whose digests differ (one side may lack a bucket altogether)."""
    return sorted(bucket for bucket in set(ours) | set(theirs) if ours.get(bucket) != theirs.get(bucket))

"""Imports every table module so that ``metadata`` knows all tables (Alembic and tests use it)."""

from __future__ import annotations

from models import applications, audit, drafts, entrepreneur, ledger, policy, station, training, visits
from models.base import TravellingRecord, metadata
from models.hq import duplicates as hq_duplicates
from models.hq import snapshots as hq_snapshots
from models.sync import tables as sync

__all__ = [
    "applications",
    "audit",
    "drafts",
    "entrepreneur",
    "hq_duplicates",
    "hq_snapshots",
    "ledger",
    "metadata",
    "policy",
    "station",
    "sync",
    "training",
    "travelling_tables",
    "visits",
]


def travelling_tables() -> dict[str, type[TravellingRecord]]:
    """Every table whose rows travel, by table name (used by undo and, later, sync)."""
    found: dict[str, type[TravellingRecord]] = {}
    pending: list[type[TravellingRecord]] = list(TravellingRecord.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        name = getattr(model, "__tablename__", None)
        if isinstance(name, str) and getattr(model, "__table__", None) is not None:
            found[name] = model
    return found

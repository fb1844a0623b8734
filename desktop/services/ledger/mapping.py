"""Mapping memory: the column mapping a worker confirmed is offered again for a file with the same
headers (by header signature, see :attr:`models.ledger.sheet.LedgerTable.signature`); otherwise the one
guessed from the column names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from desktop.services.gate import service
from models.audit import Actor
from models.base import utcnow
from models.database import Database
from models.ledger.columns import FIELDS_BY_KEY, guess_mapping
from models.ledger.sheet import LedgerTable
from models.ledger.tables import LedgerMapping
from models.permissions import Permission


@dataclass(frozen=True)
class MappingSuggestion:
    mapping: dict[int, str]
    remembered: bool  # True when the worker confirmed this mapping for a file with the same headers


@service(Permission.IMPORT_DATA)
def suggest_mapping(db: Database, actor: Actor, /, table: LedgerTable) -> MappingSuggestion:
    with db.reading() as session:
        stored = session.get(LedgerMapping, table.signature)
        if stored is not None:
            mapping = {
                int(index): key
                for index, key in stored.mapping.items()
                if index.isdigit() and int(index) < len(table.columns) and (not key or key in FIELDS_BY_KEY)
            }
            return MappingSuggestion(mapping, True)
    return MappingSuggestion(guess_mapping(table.titles), False)


@service(Permission.IMPORT_DATA)
def remember_mapping(
    db: Database, actor: Actor, /, *, table: LedgerTable, mapping: Mapping[int, str]
) -> None:
    """Keep the worker's mapping for the next file with the same headers."""
    with db.transaction() as session:
        store_mapping(session, actor, table, mapping)


def store_mapping(session: Session, actor: Actor, table: LedgerTable, mapping: Mapping[int, str]) -> None:
    stored = session.get(LedgerMapping, table.signature)
    values = {str(index): key for index, key in sorted(mapping.items())}
    if stored is None:
        stored = LedgerMapping(signature=table.signature, headers=list(table.titles), mapping=values)
    stored.mapping = values
    stored.headers = list(table.titles)
    stored.updated_at = utcnow()
    stored.updated_by = actor.user_name
    stored.uses += 1
    session.add(stored)

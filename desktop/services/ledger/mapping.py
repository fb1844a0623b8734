"""Mapping memory: the column mapping a worker confirmed is offered again for a file with the same
headers (by header signature, see :attr:`models.ledger.sheet.LedgerTable.signature`); otherwise the one
guessed from the column names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlmodel import Session

from desktop.services.gate import service
from models.audit import Actor
from models.base import utcnow
from models.database import Database
from models.ledger.columns import FIELDS_BY_KEY, guess_mapping
from models.ledger.sheet import LedgerTable
from models.ledger.tables import LedgerMapping
from models.ledger.words import CATEGORY_FIELDS, Answers, merge_answers
from models.permissions import Permission


@dataclass(frozen=True)
class MappingSuggestion:
    mapping: dict[int, str]
    remembered: bool  # True when the worker confirmed this mapping for a file with the same headers
    answers: dict[str, dict[str, str]] = field(default_factory=dict)  # category words the worker mapped


# The category words a worker mapped (models.ledger.words) are kept in the same JSON as the column
# mapping, under keys that are not column numbers: older code passes over them.
_WORD_KEY = "word\x1f"


def _answers_of(stored: dict[str, str]) -> dict[str, dict[str, str]]:
    answers: dict[str, dict[str, str]] = {}
    for key, answer in stored.items():
        if key.startswith(_WORD_KEY):
            field_key, _, word = key[len(_WORD_KEY) :].partition("\x1f")
            if field_key in CATEGORY_FIELDS and word:
                answers.setdefault(field_key, {})[word] = answer
    return answers


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
            return MappingSuggestion(mapping, True, _answers_of(stored.mapping))
    return MappingSuggestion(guess_mapping(table.titles), False)


@service(Permission.IMPORT_DATA)
def remember_mapping(
    db: Database,
    actor: Actor,
    /,
    *,
    table: LedgerTable,
    mapping: Mapping[int, str],
    answers: Answers | None = None,
) -> None:
    """Keep the worker's mapping (and the category words they mapped) for the next file with the same
    headers."""
    with db.transaction() as session:
        store_mapping(session, actor, table, mapping, answers)


def store_mapping(
    session: Session,
    actor: Actor,
    table: LedgerTable,
    mapping: Mapping[int, str],
    answers: Answers | None = None,
) -> None:
    stored = session.get(LedgerMapping, table.signature)
    values = {str(index): key for index, key in sorted(mapping.items())}
    remembered = _answers_of(stored.mapping) if stored is not None else {}
    for field_key, words in merge_answers(remembered, answers or {}).items():
        for word, answer in sorted(words.items()):
            values[f"{_WORD_KEY}{field_key}\x1f{word}"] = answer
    if stored is None:
        stored = LedgerMapping(signature=table.signature, headers=list(table.titles), mapping=values)
    stored.mapping = values
    stored.headers = list(table.titles)
    stored.updated_at = utcnow()
    stored.updated_by = actor.user_name
    stored.uses += 1
    session.add(stored)

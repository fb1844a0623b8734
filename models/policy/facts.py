"""What the eligibility rules read about a person and their ventures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from models.enums import KeyGroup, Stage
from models.policy.vocabulary import ItemCode


@dataclass(frozen=True)
class VentureFacts:
    id: str
    name: str
    entity_type: str
    stage: str
    registration_date: date | None
    jobs_created: int

    @property
    def closed(self) -> bool:
        return self.stage == Stage.CLOSED.value


@dataclass(frozen=True)
class Receipt:
    """A policy item a person already received (a disbursed application)."""

    item: ItemCode
    on: date | None


@dataclass(frozen=True)
class PersonFacts:
    """What the rules read: from the file, its ventures and the person's applications.

    ``None`` means the fact is not known (the answer is "missing data"), not "no".
    """

    entrepreneur_id: str
    birth_date: date
    key_groups: frozenset[KeyGroup]
    graduation_date: date | None
    ventures: tuple[VentureFacts, ...] = ()
    receipts: tuple[Receipt, ...] = ()
    outstanding_loans: frozenset[ItemCode] = frozenset()
    social_insurance_months: int | None = None
    trainings_completed: int | None = None
    partners: int | None = None


def facts_with(facts: PersonFacts, **changes: Any) -> PersonFacts:
    """The same facts with some replaced (an application's recorded values)."""
    return replace(facts, **changes)

"""A versioned policy set, its items and conditions, and the book of every set a station knows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from models.enums import EntityType, KeyGroup, Stage
from models.errors import ValidationError
from models.policy.vocabulary import LOAN_ITEMS, VENTURE_CONDITIONS, ConditionType, ItemCode, PolicyKind


@dataclass(frozen=True)
class Condition:
    """One condition of a policy item. Which parameters matter depends on ``type``."""

    type: ConditionType
    months: int | None = None
    count: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    groups: frozenset[KeyGroup] = frozenset()
    entity_types: frozenset[EntityType] = frozenset()
    stages: frozenset[Stage] = frozenset()
    items: frozenset[ItemCode] = frozenset()
    children: tuple[Condition, ...] = ()
    label: str = ""
    source: str = ""

    def walk(self) -> Iterable[Condition]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class LoanTerms:
    """Parameters of a guaranteed loan item (5号文 (十六), 推进行动 计划5)."""

    term_max_months: int
    extension_max_months: int
    annual_rate_max_bp: int | None  # basis points: 395 = 3.95 %
    interest_subsidy_share_pct: int  # share of the interest the subsidy pays
    ceiling_per_partner_fen: int | None
    max_partners: int | None
    counter_guarantee_waived_groups: frozenset[KeyGroup]
    renewal_allowed: bool  # 无还本续贷


@dataclass(frozen=True)
class PolicyItem:
    code: ItemCode
    name: str
    source: str
    help: str
    one_time: bool
    amount_fen: int
    ceiling_fen: int
    per_month_fen: int | None
    max_months: int | None
    documents: tuple[str, ...]
    conditions: tuple[Condition, ...]
    loan: LoanTerms | None = None

    @property
    def kind(self) -> PolicyKind:
        return self.code.kind

    @property
    def form(self) -> str:
        return self.code.form

    @property
    def is_loan(self) -> bool:
        return self.code in LOAN_ITEMS

    def needs_venture(self) -> bool:
        return self._needs_venture

    @cached_property
    def _needs_venture(self) -> bool:
        return self.code is ItemCode.LOAN_PARTNERSHIP or any(
            c.type in VENTURE_CONDITIONS for top in self.conditions for c in top.walk()
        )


@dataclass(frozen=True)
class PolicySet:
    """A versioned set of policy parameters for a region and an effective period."""

    id: str
    version: int
    name: str
    notice: str
    example: bool
    region: str  # 6-digit region code; trailing zeros widen it (000000 = everywhere)
    effective_from: date
    effective_to: date | None
    documents: Mapping[str, str]
    items: tuple[PolicyItem, ...]
    digest: str
    origin: str = ""

    def item(self, code: ItemCode | str) -> PolicyItem | None:
        for candidate in self.items:
            if candidate.code == code:
                return candidate
        return None

    @property
    def region_prefix(self) -> str:
        return self.region.rstrip("0")

    def in_force(self, as_of: date) -> bool:
        return self.effective_from <= as_of and (self.effective_to is None or as_of <= self.effective_to)

    def applies_to(self, region: str) -> bool:
        return region.startswith(self.region_prefix)

    @property
    def period_label(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "长期"
        return f"{self.effective_from.isoformat()} 至 {end}"


class PolicySetError(ValidationError):
    """A policy set refused: each problem with its line; the message names the first few."""

    def __init__(self, origin: str, problems: Sequence[tuple[int, str]]) -> None:
        self.origin = origin
        self.problems = list(problems)
        line, reason = self.problems[0]
        where = f"政策参数文件 {origin} " if origin else "政策参数"
        message = f"{where}第 {line} 行：{reason}" if line else f"{where}：{reason}"
        if len(self.problems) > 1:
            message += f"（另有 {len(self.problems) - 1} 处问题）"
        message += "；未采用该文件，原有政策参数继续有效"
        super().__init__("政策参数", origin, message)

    @property
    def line(self) -> int:
        return self.problems[0][0]


@dataclass(frozen=True)
class PolicyBook:
    """Every set a station knows; answers which one is in force for a date and a region.

    Immutable: :meth:`with_set` returns a new book, so a set refused on loading never touches the
    book in use, and the set in force before stays in force.
    """

    sets: tuple[PolicySet, ...] = ()

    def with_set(self, policy_set: PolicySet) -> PolicyBook:
        kept = tuple(s for s in self.sets if not (s.id == policy_set.id and s.version == policy_set.version))
        return PolicyBook((*kept, policy_set))

    def in_force(self, as_of: date, region: str = "") -> PolicySet | None:
        """The most specific region first, then the latest effective date, then the highest version."""
        candidates = [s for s in self.sets if s.in_force(as_of) and s.applies_to(region)]
        if not candidates:
            return None
        return max(candidates, key=lambda s: (len(s.region_prefix), s.effective_from, s.version))

"""What the application and loan forms edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.applications import FormDetails


@dataclass(frozen=True)
class ApplicationInput:
    """What the application form edits. ``amount_fen=None`` proposes the amount from the policy;
    ``details=None`` keeps the stored :class:`FormDetails`; ``graduation_date`` fills a missing
    毕业时间 of the person's file (asked on the form where the item's rule needs it)."""

    venture_id: str | None = None
    amount_fen: int | None = None
    social_insurance_months: int | None = None
    partners: int | None = None
    training_class_id: str | None = None
    notes: str = ""
    details: FormDetails | None = None
    graduation_date: date | None = None


@dataclass(frozen=True)
class LoanInput:
    """A loan's terms; ``None`` takes the policy's default (longest term, highest rate, share)."""

    bank: str = ""
    amount_fen: int | None = None
    term_months: int | None = None
    annual_rate_bp: int | None = None
    subsidy_share_pct: int | None = None
    start_date: date | None = None
    counter_guarantee_waived: bool | None = None

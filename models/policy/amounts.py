"""Amounts: a loan's ceiling, the amount a new application proposes, and the check against the ceiling."""

from __future__ import annotations

from models.enums import KeyGroup
from models.errors import ValidationError
from models.money import format_yuan
from models.policy.facts import PersonFacts
from models.policy.sets import PolicyItem
from models.policy.vocabulary import ItemCode


def loan_ceiling(item: PolicyItem, partners: int | None) -> int:
    """The most that may be lent: a person's ceiling, or per partner × partners within the total."""
    if item.code is ItemCode.LOAN_PARTNERSHIP and item.loan and item.loan.ceiling_per_partner_fen is not None:
        if partners is None:
            return item.ceiling_fen
        count = min(partners, item.loan.max_partners or partners)
        return min(item.loan.ceiling_per_partner_fen * count, item.ceiling_fen)
    return item.ceiling_fen


def counter_guarantee_waived(item: PolicyItem, groups: frozenset[KeyGroup]) -> bool | None:
    """Whether a loan's counter-guarantee is waived for this person (5号文 (十六), 推进行动 计划5)."""
    if item.loan is None:
        return None
    return bool(item.loan.counter_guarantee_waived_groups & groups)


def proposed_amount(item: PolicyItem, *, facts: PersonFacts, loan_interest_fen: int | None = None) -> int:
    """The amount a new application proposes, always within the ceiling.

    Social-insurance subsidy: the monthly standard × months paid (at most ``max_months``); interest
    subsidy: the share of the loan's interest; a loan: the ceiling; other items: the standard amount.
    """
    ceiling = loan_ceiling(item, facts.partners)
    if item.code is ItemCode.SOCIAL_INSURANCE_SUBSIDY and item.per_month_fen is not None:
        months = min(facts.social_insurance_months or 0, item.max_months or 0)
        return min(item.per_month_fen * months, ceiling)
    if item.code is ItemCode.LOAN_INTEREST_SUBSIDY and loan_interest_fen is not None:
        return min(loan_interest_fen, ceiling)
    if item.is_loan:
        return ceiling
    return min(item.amount_fen, ceiling)


def check_amount(item: PolicyItem, amount_fen: int, *, partners: int | None = None) -> None:
    """Refuse an amount above the item's ceiling."""
    ceiling = loan_ceiling(item, partners)
    if amount_fen < 0:
        raise ValidationError("申请金额", amount_fen, f"申请金额 {format_yuan(amount_fen)} 不能为负数")
    if amount_fen > ceiling:
        extra = ""
        if item.code is ItemCode.LOAN_PARTNERSHIP and item.loan and item.loan.ceiling_per_partner_fen:
            extra = f"（每人 {format_yuan(item.loan.ceiling_per_partner_fen)}，合伙 {partners or '?'} 人）"
        raise ValidationError(
            "申请金额",
            amount_fen,
            f"申请金额 {format_yuan(amount_fen)} 超过{item.name}的上限 {format_yuan(ceiling)}{extra}，请核对",
        )

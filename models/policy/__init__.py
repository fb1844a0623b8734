"""Policy sets and eligibility: policy parameters are data, not code (DOMAIN.md).

Amounts, ceilings, windows and conditions differ by province and year, so every rule reads a
**versioned policy set** — region, effective period, parameters and the document each item comes from —
that headquarters can replace. The product ships ``resources/policies/default.json``, labelled as an
example to be confirmed locally.

A set is checked when it is loaded (:func:`parse_policy_set`): a malformed or contradictory set is refused
with the line and the reason (:class:`PolicySetError`), and since a refused set is never added to the
:class:`PolicyBook`, the set in force before stays in force.

Eligibility (:func:`evaluate_item`) is a pure function of a policy item, a person's facts and a date. It
answers eligible / not eligible / missing data and, for each condition, whether it held, failed (with the
values, e.g. "毕业时间 2023-06 距今 29 个月，超过 24 个月") or lacks data. The month arithmetic (windows,
months since graduation) is in :mod:`models.dates`.

The package, by responsibility:

- :mod:`~models.policy.vocabulary` — item codes, kinds, condition types, outcomes (enums and labels);
- :mod:`~models.policy.sets` — a policy set, its items, conditions and loan terms; the book of sets;
- :mod:`~models.policy.jsondoc` — JSON with line numbers and the field checker that collects problems;
- :mod:`~models.policy.parsing` — reading and checking a policy-set document (:func:`parse_policy_set`);
- :mod:`~models.policy.tables` — the stored table of installed sets;
- :mod:`~models.policy.facts` — what the rules read about a person;
- :mod:`~models.policy.evaluation` — the eligibility rules and their answers;
- :mod:`~models.policy.amounts` — ceilings, proposed amounts and the ceiling check.

Policy background: 5号文 (十)(十五)(十六)(十七)(十八); 推进行动 计划4 计划5 计划7 计划8.
"""

from __future__ import annotations

from models.dates import add_months, calendar_months_between, whole_months_between, within_months
from models.policy.amounts import check_amount, counter_guarantee_waived, loan_ceiling, proposed_amount
from models.policy.evaluation import (
    ConditionResult,
    ItemAnswer,
    eligibility_only,
    evaluate_item,
    evaluate_set,
    item_conditions,
)
from models.policy.facts import PersonFacts, Receipt, VentureFacts, facts_with
from models.policy.jsondoc import MAX_POLICY_TEXT
from models.policy.parsing import FORMAT_VERSION, parse_policy_set
from models.policy.sets import Condition, LoanTerms, PolicyBook, PolicyItem, PolicySet, PolicySetError
from models.policy.tables import InstalledPolicySet
from models.policy.vocabulary import (
    EXTENSION_LIMIT_MONTHS,
    LOAN_ITEMS,
    VENTURE_CONDITIONS,
    ConditionType,
    Eligibility,
    ItemCode,
    Outcome,
    PolicyKind,
)

__all__ = [
    "EXTENSION_LIMIT_MONTHS",
    "FORMAT_VERSION",
    "LOAN_ITEMS",
    "MAX_POLICY_TEXT",
    "VENTURE_CONDITIONS",
    "Condition",
    "ConditionResult",
    "ConditionType",
    "Eligibility",
    "InstalledPolicySet",
    "ItemAnswer",
    "ItemCode",
    "LoanTerms",
    "Outcome",
    "PersonFacts",
    "PolicyBook",
    "PolicyItem",
    "PolicyKind",
    "PolicySet",
    "PolicySetError",
    "Receipt",
    "VentureFacts",
    "add_months",
    "calendar_months_between",
    "check_amount",
    "counter_guarantee_waived",
    "eligibility_only",
    "evaluate_item",
    "evaluate_set",
    "facts_with",
    "item_conditions",
    "loan_ceiling",
    "parse_policy_set",
    "proposed_amount",
    "whole_months_between",
    "within_months",
]

"""Eligibility: a pure function of a policy item, a person's facts and a date (:func:`evaluate_item`).

It answers eligible / not eligible / missing data and, for each condition, whether it held, failed (with
the values, e.g. "毕业时间 2023-06 距今 29 个月，超过 24 个月") or lacks data. The month arithmetic it
relies on is in :mod:`models.dates`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from models.dates import add_months, calendar_months_between, whole_months_between
from models.enums import EntityType, KeyGroup, Labelled, Stage
from models.policy.amounts import counter_guarantee_waived, loan_ceiling
from models.policy.facts import PersonFacts, VentureFacts
from models.policy.sets import Condition, PolicyItem, PolicySet
from models.policy.vocabulary import ConditionType, Eligibility, ItemCode, Outcome

# ------------------------------------------------------------------------------------------ the answers
MOOT_NOTE: Final = "满足其一即可，此项不影响结论"


@dataclass(frozen=True)
class ConditionResult:
    """One condition's answer. ``moot``: an alternative of a "满足以下条件之一" group that held through
    another alternative — it failed (or lacks data) but decides nothing, so it is shown as "one of
    these holds", never as a failure (its own children are moot too)."""

    condition: ConditionType
    outcome: Outcome
    text: str  # "毕业时间 2023-06 距今 29 个月，超过 24 个月"
    source: str = ""
    children: tuple[ConditionResult, ...] = ()
    moot: bool = False

    @property
    def shown_text(self) -> str:
        """The text as a person reads it: a moot alternative says that it does not matter."""
        return f"{self.text}（{MOOT_NOTE}）" if self.moot else self.text


def _settled(result: ConditionResult) -> ConditionResult:
    """``result`` (and everything under it) marked moot: a group that held made it irrelevant."""
    return replace(result, moot=True, children=tuple(_settled(c) for c in result.children))


@dataclass(frozen=True)
class ItemAnswer:
    item: PolicyItem
    eligibility: Eligibility
    conditions: tuple[ConditionResult, ...]
    venture_id: str | None
    venture_name: str
    ceiling_fen: int
    counter_guarantee_waived: bool | None

    def _leaves(self, outcome: Outcome) -> list[ConditionResult]:
        """Leaf conditions with ``outcome``. Failures and missing data inside a group that held anyway
        (the other branch of "满足其一") decide nothing and are left out."""
        found: list[ConditionResult] = []

        def visit(result: ConditionResult) -> None:
            if result.moot and outcome is not Outcome.HELD:
                return
            if result.children:
                for child in result.children:
                    visit(child)
            elif result.outcome is outcome:
                found.append(result)

        for result in self.conditions:
            visit(result)
        return found

    @property
    def held(self) -> list[ConditionResult]:
        return self._leaves(Outcome.HELD)

    @property
    def failed(self) -> list[ConditionResult]:
        return self._leaves(Outcome.FAILED)

    @property
    def missing(self) -> list[ConditionResult]:
        return self._leaves(Outcome.MISSING)

    @property
    def summary(self) -> str:
        if self.eligibility is Eligibility.ELIGIBLE:
            return "符合条件"
        if self.eligibility is Eligibility.NOT_ELIGIBLE:
            return "不符合：" + "；".join(r.text for r in self.failed[:2])
        return "缺少资料：" + "；".join(r.text for r in self.missing[:2])


def _combine(outcomes: Iterable[Outcome], *, all_of: bool) -> Outcome:
    values = list(outcomes)
    decisive, other = (Outcome.FAILED, Outcome.HELD) if all_of else (Outcome.HELD, Outcome.FAILED)
    if decisive in values:
        return decisive
    if Outcome.MISSING in values:
        return Outcome.MISSING
    return other if values else Outcome.HELD


def _ym(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class _Context:
    item: PolicyItem
    facts: PersonFacts
    as_of: date
    venture: VentureFacts | None
    no_venture: tuple[Outcome, str]  # what a venture condition answers when ``venture`` is None


_Evaluator = Callable[[Condition, _Context], tuple[Outcome, str]]


_ORDER: Final[dict[Labelled, int]] = {
    member: index for kind in (KeyGroup, ItemCode, EntityType, Stage) for index, member in enumerate(kind)
}


def _names(members: Iterable[Labelled]) -> str:
    """Labels in their enum's order, joined with 、 (run 100,000 times for a station: no enum scans)."""
    return "、".join(m.label for m in sorted(members, key=_ORDER.__getitem__))


def _group_names(groups: Iterable[KeyGroup]) -> str:
    return _names(groups)


def _key_group(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    have = ctx.facts.key_groups
    if not have:
        return Outcome.MISSING, f"档案未填写重点群体（应为 {_group_names(condition.groups)} 之一）"
    matching = have & condition.groups
    if matching:
        return Outcome.HELD, f"重点群体：{_group_names(matching)}"
    return Outcome.FAILED, f"重点群体 {_group_names(have)} 不在 {_group_names(condition.groups)} 之中"


def _graduated_within(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    months = condition.months or 0
    graduated = ctx.facts.graduation_date
    if graduated is None:
        return Outcome.MISSING, f"档案未填写毕业时间（应在毕业 {months} 个月以内）"
    elapsed = calendar_months_between(graduated, ctx.as_of)
    if elapsed < 0:
        return Outcome.HELD, f"毕业时间 {_ym(graduated)}，尚未毕业（毕业年度内）"
    if elapsed <= months:
        return Outcome.HELD, f"毕业时间 {_ym(graduated)} 距今 {elapsed} 个月，在 {months} 个月以内"
    return Outcome.FAILED, f"毕业时间 {_ym(graduated)} 距今 {elapsed} 个月，超过 {months} 个月"


def _age_between(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    age = _age(ctx.facts.birth_date, ctx.as_of)
    low, high = condition.minimum or 0, condition.maximum or 200
    if low <= age <= high:
        return Outcome.HELD, f"年龄 {age} 周岁，在 {low}–{high} 周岁之间"
    return Outcome.FAILED, f"年龄 {age} 周岁，不在 {low}–{high} 周岁之间"


def _venture_label(venture: VentureFacts) -> str:
    return f"创业主体“{venture.name}”"


def _registration(ctx: _Context) -> tuple[VentureFacts | None, date | None, tuple[Outcome, str] | None]:
    venture = ctx.venture
    if venture is None:
        return None, None, ctx.no_venture
    if venture.registration_date is None:
        return venture, None, (Outcome.FAILED, f"{_venture_label(venture)}尚未登记注册")
    if venture.registration_date > ctx.as_of:
        return (
            venture,
            None,
            (
                Outcome.FAILED,
                f"{_venture_label(venture)}登记注册于 {venture.registration_date.isoformat()}，"
                f"晚于判断日期 {ctx.as_of.isoformat()}",
            ),
        )
    return venture, venture.registration_date, None


def _registered(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, registered, problem = _registration(ctx)
    if problem:
        return problem
    assert venture is not None and registered is not None
    return Outcome.HELD, f"{_venture_label(venture)}已于 {registered.isoformat()} 登记注册"


def _registered_within(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, registered, problem = _registration(ctx)
    if problem:
        return problem
    assert venture is not None and registered is not None
    months = condition.months or 0
    last_day = add_months(registered, months)
    elapsed = whole_months_between(registered, ctx.as_of)
    head = f"{_venture_label(venture)}登记注册于 {registered.isoformat()}"
    if ctx.as_of <= last_day:
        return Outcome.HELD, f"{head}，距今 {elapsed} 个月，在 {months} 个月以内（至 {last_day.isoformat()}）"
    return (
        Outcome.FAILED,
        f"{head}，距今 {elapsed} 个月，超过 {months} 个月（已于 {last_day.isoformat()} 期满）",
    )


def _operating_at_least(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, registered, problem = _registration(ctx)
    if problem:
        return problem
    assert venture is not None and registered is not None
    months = condition.months or 0
    elapsed = whole_months_between(registered, ctx.as_of)
    head = f"{_venture_label(venture)}自 {registered.isoformat()} 登记以来持续经营 {elapsed} 个月"
    if elapsed >= months:
        return Outcome.HELD, f"{head}，满 {months} 个月"
    return Outcome.FAILED, f"{head}，不足 {months} 个月（{add_months(registered, months).isoformat()} 满）"


def _venture_or_reason(ctx: _Context) -> tuple[VentureFacts | None, tuple[Outcome, str] | None]:
    if ctx.venture is None:
        return None, ctx.no_venture
    return ctx.venture, None


def _entity_type(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, problem = _venture_or_reason(ctx)
    if problem:
        return problem
    assert venture is not None
    wanted = _names(condition.entity_types)
    member = EntityType.from_label(venture.entity_type)
    shown = member.label if member else venture.entity_type
    if venture.entity_type in condition.entity_types:
        return Outcome.HELD, f"{_venture_label(venture)}为{shown}"
    return Outcome.FAILED, f"{_venture_label(venture)}为{shown}，应为{wanted}"


def _stage(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, problem = _venture_or_reason(ctx)
    if problem:
        return problem
    assert venture is not None
    wanted = _names(condition.stages)
    member = Stage.from_label(venture.stage)
    shown = member.label if member else venture.stage
    if venture.stage in condition.stages:
        return Outcome.HELD, f"{_venture_label(venture)}处于{shown}阶段"
    return Outcome.FAILED, f"{_venture_label(venture)}处于{shown}阶段，应为{wanted}"


def _jobs_created(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    venture, problem = _venture_or_reason(ctx)
    if problem:
        return problem
    assert venture is not None
    count = condition.count or 0
    if venture.jobs_created >= count:
        return Outcome.HELD, f"{_venture_label(venture)}带动就业 {venture.jobs_created} 人，不少于 {count} 人"
    return Outcome.FAILED, f"{_venture_label(venture)}带动就业 {venture.jobs_created} 人，不足 {count} 人"


def _social_insurance(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    months = condition.months or 0
    paid = ctx.facts.social_insurance_months
    if paid is None:
        return Outcome.MISSING, f"未记录社会保险缴费月数（应至少缴纳 {months} 个月，请在申请中填写）"
    if paid >= months:
        return Outcome.HELD, f"已缴纳社会保险 {paid} 个月，不少于 {months} 个月"
    return Outcome.FAILED, f"已缴纳社会保险 {paid} 个月，不足 {months} 个月"


def _training_completed(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    completed = ctx.facts.trainings_completed
    if completed is None:
        return Outcome.MISSING, "没有培训结业信息（请核对结业证书）"
    if completed > 0:
        return Outcome.HELD, f"已结业 {completed} 期创业培训"
    return Outcome.FAILED, "尚无创业培训结业记录"


def _no_prior_receipt(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    items = condition.items or frozenset({ctx.item.code})
    for receipt in ctx.facts.receipts:
        if receipt.item in items:
            when = f"已于 {receipt.on.isoformat()} " if receipt.on else "已"
            return Outcome.FAILED, f"{when}享受过{receipt.item.label}，同一人只能享受一次"
    names = _names(items)
    return Outcome.HELD, f"未曾享受过{names}"


def _holds_item(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    names = _names(condition.items)
    for receipt in ctx.facts.receipts:
        if receipt.item in condition.items:
            when = f"（{receipt.on.isoformat()} 发放）" if receipt.on else ""
            return Outcome.HELD, f"已获得{receipt.item.label}{when}"
    return Outcome.FAILED, f"尚未获得{names}，贴息以已发放的贷款为前提"


def _no_outstanding_loan(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    if ctx.facts.outstanding_loans:
        return Outcome.FAILED, f"尚有未结清的{_names(ctx.facts.outstanding_loans)}"
    return Outcome.HELD, "没有未结清的创业担保贷款"


PARTNERSHIP_SOURCE: Final = "5号文 (十六)，推进行动 计划5"


def _partnership(condition: Condition, ctx: _Context) -> tuple[Outcome, str]:
    """合伙创业: at least two people start the business together, so a partnership loan (each partner's
    ceiling added up) is never offered to a one-person 个体工商户 — that person may apply for the personal
    loan. 5号文 (十六) and 推进行动 计划5 name the guaranteed loan this item belongs to; neither spells out
    the partnership test, which is the plain meaning of 合伙 (a 个体工商户 is run by one natural person or
    one family). A partner count recorded on the application decides; without one, a 个体工商户 is one
    person and any other venture still needs the count (missing data)."""
    venture, problem = _venture_or_reason(ctx)
    if problem:
        return problem
    assert venture is not None
    least = condition.count or 2
    partners = ctx.facts.partners
    if partners is not None:
        if partners >= least:
            return Outcome.HELD, f"合伙创业 {partners} 人，不少于 {least} 人"
        return Outcome.FAILED, f"合伙人数 {partners} 人，合伙创业至少 {least} 人"
    if venture.entity_type == EntityType.INDIVIDUAL_BUSINESS.value:
        return (
            Outcome.FAILED,
            f"{_venture_label(venture)}为个体工商户，由一人经营，不是合伙创业（可申请个人创业担保贷款）",
        )
    return Outcome.MISSING, f"未填写合伙人数（合伙创业至少 {least} 人，请在申请中填写）"


_EVALUATORS: dict[ConditionType, _Evaluator] = {
    ConditionType.KEY_GROUP: _key_group,
    ConditionType.GRADUATED_WITHIN: _graduated_within,
    ConditionType.AGE_BETWEEN: _age_between,
    ConditionType.REGISTERED: _registered,
    ConditionType.REGISTERED_WITHIN: _registered_within,
    ConditionType.OPERATING_AT_LEAST: _operating_at_least,
    ConditionType.ENTITY_TYPE: _entity_type,
    ConditionType.STAGE: _stage,
    ConditionType.JOBS_CREATED_AT_LEAST: _jobs_created,
    ConditionType.SOCIAL_INSURANCE_PAID: _social_insurance,
    ConditionType.TRAINING_COMPLETED: _training_completed,
    ConditionType.NO_PRIOR_RECEIPT: _no_prior_receipt,
    ConditionType.HOLDS_ITEM: _holds_item,
    ConditionType.NO_OUTSTANDING_LOAN: _no_outstanding_loan,
    ConditionType.PARTNERSHIP: _partnership,
}


def _evaluate(condition: Condition, ctx: _Context) -> ConditionResult:
    source = condition.source
    if condition.type in (ConditionType.ANY_OF, ConditionType.ALL_OF):
        all_of = condition.type is ConditionType.ALL_OF
        children = tuple(_evaluate(child, ctx) for child in condition.children)
        outcome = _combine((c.outcome for c in children), all_of=all_of)
        if not all_of and outcome is Outcome.HELD:
            children = tuple(c if c.outcome is Outcome.HELD else _settled(c) for c in children)
        label = condition.label or ("同时满足以下条件" if all_of else "满足以下条件之一")
        return ConditionResult(condition.type, outcome, label, source, children)
    outcome, text = _EVALUATORS[condition.type](condition, ctx)
    if condition.label:
        text = f"{condition.label}：{text}"
    return ConditionResult(condition.type, outcome, text, source)


def item_conditions(item: PolicyItem) -> tuple[Condition, ...]:
    """The item's conditions, with "no prior receipt" added for a one-time item that does not name it,
    and "合伙创业" (two people or more) for the partnership loan when its set does not name it."""
    conditions = item.conditions
    if item.one_time and not any(c.type is ConditionType.NO_PRIOR_RECEIPT for c in conditions):
        conditions = (*conditions, Condition(ConditionType.NO_PRIOR_RECEIPT, source=item.source))
    if item.code is ItemCode.LOAN_PARTNERSHIP and not any(
        c.type is ConditionType.PARTNERSHIP for top in conditions for c in top.walk()
    ):
        conditions = (*conditions, Condition(ConditionType.PARTNERSHIP, source=PARTNERSHIP_SOURCE))
    return conditions


_ANSWER_OF: Final = {
    Outcome.HELD: Eligibility.ELIGIBLE,
    Outcome.FAILED: Eligibility.NOT_ELIGIBLE,
    Outcome.MISSING: Eligibility.MISSING_DATA,
}
_RANK = {Eligibility.ELIGIBLE: 0, Eligibility.MISSING_DATA: 1, Eligibility.NOT_ELIGIBLE: 2}


def evaluate_item(
    item: PolicyItem, facts: PersonFacts, as_of: date, *, venture_id: str | None = None
) -> ItemAnswer:
    """Is this person eligible for ``item`` on ``as_of``? Conditions about a venture must hold for one and
    the same venture; the best-placed of the person's open ventures is chosen (or ``venture_id``)."""
    conditions = item_conditions(item)
    candidates: list[VentureFacts | None] = [None]
    no_venture = (Outcome.MISSING, "")
    if item.needs_venture():
        open_ventures = [
            v for v in facts.ventures if not v.closed and (venture_id is None or v.id == venture_id)
        ]
        if open_ventures:
            candidates = list(open_ventures)
        elif venture_id is not None:
            no_venture = (Outcome.FAILED, "所选创业主体不在档案中或已歇业/注销")
        elif facts.ventures:
            no_venture = (Outcome.FAILED, "名下创业主体均已歇业/注销")
        else:
            no_venture = (Outcome.MISSING, "档案中还没有创业主体（请在“创业项目”中添加）")
    best: ItemAnswer | None = None
    for venture in candidates:
        ctx = _Context(item, facts, as_of, venture, no_venture)
        results = tuple(_evaluate(condition, ctx) for condition in conditions)
        outcome = _combine((r.outcome for r in results), all_of=True)
        eligibility = _ANSWER_OF[outcome]
        answer = ItemAnswer(
            item=item,
            eligibility=eligibility,
            conditions=results,
            venture_id=venture.id if venture else None,
            venture_name=venture.name if venture else "",
            ceiling_fen=loan_ceiling(item, facts.partners),
            counter_guarantee_waived=counter_guarantee_waived(item, facts.key_groups),
        )
        if best is None or _RANK[answer.eligibility] < _RANK[best.eligibility]:
            best = answer
    assert best is not None
    return best


def evaluate_set(policy_set: PolicySet, facts: PersonFacts, as_of: date) -> list[ItemAnswer]:
    return [evaluate_item(item, facts, as_of) for item in policy_set.items]


def eligibility_only(policy_set: PolicySet, facts: PersonFacts, as_of: date) -> dict[ItemCode, Eligibility]:
    """Just the answers, for counting over a whole station."""
    return {item.code: evaluate_item(item, facts, as_of).eligibility for item in policy_set.items}

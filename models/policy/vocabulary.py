"""The vocabulary of policy sets: the items the program knows, their kinds, and the answers' words."""

from __future__ import annotations

from typing import Final

from models.enums import Labelled

EXTENSION_LIMIT_MONTHS: Final = 12  # 展期原则上不超过 1 年 (推进行动 计划5)


# ------------------------------------------------------------------------------------------- vocabulary
class PolicyKind(Labelled):
    SUBSIDY = "subsidy", "补贴"
    LOAN = "loan", "贷款"
    INTEREST_SUBSIDY = "interest_subsidy", "贴息"
    SPACE = "space", "场地"


class ItemCode(Labelled):
    """The policy items the program knows how to apply for and print; a set offers some or all."""

    STARTUP_SUBSIDY = "startup_subsidy", "一次性创业补贴"
    TRAINING_SUBSIDY = "training_subsidy", "创业培训补贴"
    SOCIAL_INSURANCE_SUBSIDY = "social_insurance_subsidy", "社会保险补贴"
    LOAN_INDIVIDUAL = "guaranteed_loan_individual", "创业担保贷款（个人）"
    LOAN_PARTNERSHIP = "guaranteed_loan_partnership", "创业担保贷款（合伙创业）"
    LOAN_SMALL_FIRM = "guaranteed_loan_small_firm", "创业担保贷款（小微企业）"
    LOAN_INTEREST_SUBSIDY = "loan_interest_subsidy", "创业担保贷款贴息"
    INCUBATOR_SPACE = "incubator_space", "孵化场地免费入驻"

    @property
    def kind(self) -> PolicyKind:
        return _ITEM_KINDS[self]

    @property
    def form(self) -> str:
        """The printable form's name (``doorstep print FORM``)."""
        return _ITEM_FORMS[self]


_ITEM_KINDS: dict[ItemCode, PolicyKind] = {
    ItemCode.STARTUP_SUBSIDY: PolicyKind.SUBSIDY,
    ItemCode.TRAINING_SUBSIDY: PolicyKind.SUBSIDY,
    ItemCode.SOCIAL_INSURANCE_SUBSIDY: PolicyKind.SUBSIDY,
    ItemCode.LOAN_INDIVIDUAL: PolicyKind.LOAN,
    ItemCode.LOAN_PARTNERSHIP: PolicyKind.LOAN,
    ItemCode.LOAN_SMALL_FIRM: PolicyKind.LOAN,
    ItemCode.LOAN_INTEREST_SUBSIDY: PolicyKind.INTEREST_SUBSIDY,
    ItemCode.INCUBATOR_SPACE: PolicyKind.SPACE,
}
_ITEM_FORMS: dict[ItemCode, str] = {
    ItemCode.STARTUP_SUBSIDY: "startup-subsidy",
    ItemCode.TRAINING_SUBSIDY: "training-subsidy",
    ItemCode.SOCIAL_INSURANCE_SUBSIDY: "social-insurance-subsidy",
    ItemCode.LOAN_INDIVIDUAL: "guaranteed-loan",
    ItemCode.LOAN_PARTNERSHIP: "guaranteed-loan",
    ItemCode.LOAN_SMALL_FIRM: "guaranteed-loan",
    ItemCode.LOAN_INTEREST_SUBSIDY: "interest-subsidy",
    ItemCode.INCUBATOR_SPACE: "incubator-space",
}
LOAN_ITEMS: Final = frozenset(code for code, kind in _ITEM_KINDS.items() if kind is PolicyKind.LOAN)


class Outcome(Labelled):
    """One condition's result."""

    HELD = "held", "符合"
    FAILED = "failed", "不符合"
    MISSING = "missing", "缺少资料"


class Eligibility(Labelled):
    """A whole item's answer."""

    ELIGIBLE = "eligible", "符合条件"
    NOT_ELIGIBLE = "not_eligible", "不符合条件"
    MISSING_DATA = "missing_data", "缺少资料"


class ConditionType(Labelled):
    KEY_GROUP = "key_group", "重点群体"
    GRADUATED_WITHIN = "graduated_within", "毕业时间"
    AGE_BETWEEN = "age_between", "年龄"
    REGISTERED = "registered", "登记注册"
    REGISTERED_WITHIN = "registered_within", "登记注册时间"
    OPERATING_AT_LEAST = "operating_at_least", "持续经营时间"
    ENTITY_TYPE = "entity_type", "主体类型"
    STAGE = "stage", "创业阶段"
    JOBS_CREATED_AT_LEAST = "jobs_created_at_least", "带动就业人数"
    SOCIAL_INSURANCE_PAID = "social_insurance_paid", "社会保险缴费"
    TRAINING_COMPLETED = "training_completed", "创业培训结业"
    NO_PRIOR_RECEIPT = "no_prior_receipt", "未曾享受"
    HOLDS_ITEM = "holds_item", "已获贷款"
    NO_OUTSTANDING_LOAN = "no_outstanding_loan", "无未结清贷款"
    PARTNERSHIP = "partnership", "合伙创业"
    ANY_OF = "any_of", "满足其一"
    ALL_OF = "all_of", "同时满足"


VENTURE_CONDITIONS: Final = frozenset(
    {
        ConditionType.REGISTERED,
        ConditionType.REGISTERED_WITHIN,
        ConditionType.OPERATING_AT_LEAST,
        ConditionType.ENTITY_TYPE,
        ConditionType.STAGE,
        ConditionType.JOBS_CREATED_AT_LEAST,
        ConditionType.PARTNERSHIP,
    }
)

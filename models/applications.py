"""Subsidy and loan applications (补贴、贷款申请) and the loans they lead to.

An application moves through 草稿 → 已提交 → 审核中 → 已批准 / 已退回 → 已发放; every step is kept with
its date and who took it (:class:`ApplicationStep`), and a step the workflow does not allow is refused
(:func:`check_transition`). A person may not hold two open applications for the same item, nor receive a
one-time subsidy twice (5号文 (十五)); the services enforce both inside the transaction.

A guaranteed loan (创业担保贷款, 5号文 (十六), 推进行动 计划5) records the bank, amount, term, rate and
interest-subsidy share, its start and due dates, an extension (展期) of at most one year in total, renewals
without repayment (无还本续贷) and whether the counter-guarantee (反担保) is waived.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Final

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field

from models.base import TravellingRecord
from models.enums import Labelled
from models.errors import NotAllowed, ValidationError
from models.money import format_yuan
from models.policy import EXTENSION_LIMIT_MONTHS, PolicyItem, add_months, check_amount
from models.validators import normalise_text, parse_id_number, parse_name


class ApplicationStatus(Labelled):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    REVIEWING = "reviewing", "审核中"
    APPROVED = "approved", "已批准"
    RETURNED = "returned", "已退回"
    DISBURSED = "disbursed", "已发放"


OPEN_STATUSES: Final = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.REVIEWING,
        ApplicationStatus.APPROVED,
        ApplicationStatus.RETURNED,
    }
)
EDITABLE_STATUSES: Final = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.RETURNED})
WAITING_STATUSES: Final = OPEN_STATUSES - {ApplicationStatus.DRAFT}

# from -> {to: the action's name on its button}
TRANSITIONS: Final[dict[ApplicationStatus, dict[ApplicationStatus, str]]] = {
    ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED: "提交"},
    ApplicationStatus.SUBMITTED: {
        ApplicationStatus.REVIEWING: "开始审核",
        ApplicationStatus.RETURNED: "退回",
        ApplicationStatus.DRAFT: "撤回",
    },
    ApplicationStatus.REVIEWING: {ApplicationStatus.APPROVED: "批准", ApplicationStatus.RETURNED: "退回"},
    ApplicationStatus.RETURNED: {
        ApplicationStatus.SUBMITTED: "重新提交",
        ApplicationStatus.DRAFT: "改回草稿",
    },
    ApplicationStatus.APPROVED: {ApplicationStatus.DISBURSED: "发放"},
    ApplicationStatus.DISBURSED: {},
}


def check_transition(current: ApplicationStatus, target: ApplicationStatus) -> str:
    """The action's name if ``current`` → ``target`` is allowed; :class:`NotAllowed` naming what is."""
    allowed = TRANSITIONS[current]
    if target in allowed:
        return allowed[target]
    if current is target:
        raise NotAllowed(f"申请已是“{current.label}”状态，无需重复操作")
    if not allowed:
        raise NotAllowed(f"申请已“{current.label}”，流程已结束，不能再改为“{target.label}”")
    choices = "、".join(f"{action}（→{status.label}）" for status, action in allowed.items())
    raise NotAllowed(f"申请状态为“{current.label}”，不能直接改为“{target.label}”；可以：{choices}")


class Application(TravellingRecord, table=True):
    __table_args__ = (
        Index("ix_application_person_item", "entrepreneur_id", "item_code"),
        Index("ix_application_status", "deleted", "status", "status_on"),
    )

    number: str = Field(max_length=30, unique=True)
    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36)
    venture_id: str | None = Field(default=None, foreign_key="venture.id", max_length=36)
    item_code: str = Field(max_length=40)
    item_name: str = Field(max_length=50)
    policy_set_id: str = Field(max_length=64)
    policy_set_version: int
    policy_source: str = Field(default="", max_length=100)
    status: str = Field(max_length=12)
    status_on: date
    status_by: str = Field(max_length=64)
    applied_on: date
    submitted_on: date | None = None
    approved_on: date | None = Field(default=None, index=True)
    disbursed_on: date | None = None
    amount_fen: int = 0
    ceiling_fen: int = 0
    documents_required: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    documents_ticked: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    social_insurance_months: int | None = None
    partners: int | None = None
    training_class_id: str | None = Field(default=None, max_length=36)  # training area's class (no FK)
    returned_reason: str = Field(default="", max_length=500)
    notes: str = Field(default="", max_length=1000)
    # What the printed forms ask for that the file does not hold (see :class:`FormDetails`).
    marital_status: str = Field(default="", max_length=4)
    spouse_name: str = Field(default="", max_length=50)
    spouse_id_number: str = Field(default="", max_length=18)
    household_address: str = Field(default="", max_length=200)
    loan_purpose: str = Field(default="", max_length=200)
    repayment_method: str = Field(default="", max_length=30)
    repayment_source: str = Field(default="", max_length=200)
    business_income_fen: int | None = None
    bank_name: str = Field(default="", max_length=100)
    bank_account: str = Field(default="", max_length=32)
    account_name: str = Field(default="", max_length=50)


class ApplicationStep(TravellingRecord, table=True):
    """One step of the workflow: from which status to which, on which day, by whom, and why."""

    __tablename__ = "application_step"

    application_id: str = Field(foreign_key="application.id", max_length=36, index=True)
    from_status: str | None = Field(default=None, max_length=12)
    to_status: str = Field(max_length=12)
    on: date
    by: str = Field(max_length=64)
    note: str = Field(default="", max_length=500)


class Loan(TravellingRecord, table=True):
    application_id: str = Field(foreign_key="application.id", max_length=36, unique=True)
    entrepreneur_id: str = Field(foreign_key="entrepreneur.id", max_length=36, index=True)
    bank: str = Field(default="", max_length=100)
    amount_fen: int = 0
    term_months: int = 0
    annual_rate_bp: int = 0
    subsidy_share_pct: int = 0
    start_date: date | None = None
    due_date: date | None = None
    extension_months: int = 0
    final_due_date: date | None = Field(default=None, index=True)
    renewals: int = 0
    counter_guarantee_waived: bool = False
    repaid_on: date | None = None


APPLICATION_LABELS: Final[dict[str, str]] = {
    "venture_id": "创业主体",
    "amount_fen": "申请金额",
    "ceiling_fen": "金额上限",
    "status": "状态",
    "documents_ticked": "已收材料",
    "social_insurance_months": "社会保险缴费月数",
    "partners": "合伙人数",
    "training_class_id": "培训班",
    "returned_reason": "退回原因",
    "notes": "备注",
    "marital_status": "婚姻状况",
    "spouse_name": "配偶姓名",
    "spouse_id_number": "配偶身份证号码",
    "household_address": "户籍地址",
    "loan_purpose": "贷款用途",
    "repayment_method": "还款方式",
    "repayment_source": "还款来源",
    "business_income_fen": "年经营收入",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
    "account_name": "账户户名",
}
LOAN_LABELS: Final[dict[str, str]] = {
    "bank": "经办银行",
    "amount_fen": "贷款金额",
    "term_months": "贷款期限（月）",
    "annual_rate_bp": "年利率",
    "subsidy_share_pct": "贴息比例",
    "start_date": "起贷日期",
    "due_date": "到期日期",
    "extension_months": "展期（月）",
    "final_due_date": "最终到期日",
    "renewals": "无还本续贷次数",
    "counter_guarantee_waived": "免除反担保",
    "repaid_on": "结清日期",
}


# ----------------------------------------------------------------------------------------------- rules
def check_documents(required: list[str], ticked: list[str]) -> list[str]:
    """The ticked documents, in checklist order; refuses a name that is not on the checklist."""
    unknown = [name for name in ticked if name not in required]
    if unknown:
        raise ValidationError("材料清单", unknown[0], f"材料“{unknown[0]}”不在该申请的材料清单中")
    return [name for name in required if name in ticked]


def missing_documents(required: list[str], ticked: list[str]) -> list[str]:
    return [name for name in required if name not in ticked]


def parse_months(value: object, *, field: str, maximum: int) -> int | None:
    """A count of months typed into a form: blank is unknown (None); refuses negatives and absurd values."""
    if value is None or (isinstance(value, str) and not normalise_text(value)):
        return None
    text = normalise_text(value) if isinstance(value, str) else value
    if isinstance(text, str):
        text = text.removesuffix("个月").removesuffix("月")
    try:
        number = int(str(text))
    except ValueError:
        raise ValidationError(field, value, f"{field}“{value}”应为 0 到 {maximum} 的整数") from None
    if not 0 <= number <= maximum:
        raise ValidationError(field, value, f"{field} {number} 应在 0 到 {maximum} 之间")
    return number


def rate_text(basis_points: int) -> str:
    """``395`` → ``3.95%``."""
    return f"{basis_points // 100}.{basis_points % 100:02d}%"


def parse_rate(value: object, *, field: str = "年利率") -> int:
    """``3.95``, ``"3.95%"`` → 395 basis points."""
    text = normalise_text(value).removesuffix("%").strip() if not isinstance(value, int) else str(value)
    try:
        whole, _, fraction = text.partition(".")
        if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
            raise ValueError
        return int(whole) * 100 + int((fraction + "00")[:2])
    except ValueError:
        raise ValidationError(field, value, f"{field}“{value}”应为百分数，最多两位小数，如 3.95") from None


@dataclass(frozen=True)
class LoanData:
    """A validated loan as the services store it."""

    bank: str
    amount_fen: int
    term_months: int
    annual_rate_bp: int
    subsidy_share_pct: int
    start_date: date | None
    counter_guarantee_waived: bool

    @property
    def due_date(self) -> date | None:
        return add_months(self.start_date, self.term_months) if self.start_date else None


def validate_loan(
    item: PolicyItem,
    *,
    bank: str,
    amount_fen: int,
    term_months: int,
    annual_rate_bp: int,
    subsidy_share_pct: int | None,
    start_date: date | None,
    counter_guarantee_waived: bool,
    partners: int | None = None,
) -> LoanData:
    """A loan within the item's terms: ceiling, longest term, highest rate (5号文 (十六))."""
    terms = item.loan
    if terms is None:
        raise ValidationError("政策项目", item.name, f"{item.name}不是贷款项目，不能登记贷款")
    bank = normalise_text(bank)
    if len(bank) > 100:
        raise ValidationError("经办银行", bank, "经办银行名称过长，最多 100 个字")
    check_amount(item, amount_fen, partners=partners)
    if amount_fen <= 0:
        raise ValidationError("贷款金额", amount_fen, f"贷款金额 {format_yuan(amount_fen)} 应大于 0")
    if not 1 <= term_months <= terms.term_max_months:
        raise ValidationError(
            "贷款期限", term_months, f"贷款期限 {term_months} 个月应在 1 到 {terms.term_max_months} 个月之间"
        )
    if terms.annual_rate_max_bp is not None and annual_rate_bp > terms.annual_rate_max_bp:
        raise ValidationError(
            "年利率",
            annual_rate_bp,
            f"年利率 {rate_text(annual_rate_bp)} 高于政策上限 {rate_text(terms.annual_rate_max_bp)}",
        )
    share = terms.interest_subsidy_share_pct if subsidy_share_pct is None else subsidy_share_pct
    if not 0 <= share <= 100:
        raise ValidationError("贴息比例", share, f"贴息比例 {share}% 应在 0% 到 100% 之间")
    return LoanData(
        bank=bank,
        amount_fen=amount_fen,
        term_months=term_months,
        annual_rate_bp=annual_rate_bp,
        subsidy_share_pct=share,
        start_date=start_date,
        counter_guarantee_waived=counter_guarantee_waived,
    )


def check_extension(item: PolicyItem, *, already: int, months: int) -> int:
    """The loan's total extension after adding ``months``; at most one year (推进行动 计划5)."""
    limit = min(item.loan.extension_max_months if item.loan else 0, EXTENSION_LIMIT_MONTHS)
    if months <= 0:
        raise ValidationError("展期", months, f"展期月数 {months} 应大于 0")
    total = already + months
    if total > limit:
        done = f"已展期 {already} 个月，" if already else ""
        raise ValidationError(
            "展期",
            months,
            f"{done}再展期 {months} 个月共 {total} 个月，超过上限 {limit} 个月；"
            "展期期限原则上不超过 1 年（推进行动 计划5）",
        )
    return total


def final_due_date(due: date | None, extension_months: int) -> date | None:
    return add_months(due, extension_months) if due else None


def interest_subsidy_fen(*, amount_fen: int, annual_rate_bp: int, share_pct: int, months: int) -> int:
    """Principal × rate × share × years, rounded half up to the fen (integer arithmetic only)."""
    numerator = amount_fen * annual_rate_bp * share_pct * months
    denominator = 10_000 * 100 * 12
    return (numerator * 2 + denominator) // (denominator * 2)


# ------------------------------------------------------------------------------------- form details
MARITAL_STATUSES: Final = ("未婚", "已婚", "离异", "丧偶")
REPAYMENT_METHODS: Final = ("按月付息、到期还本", "按季付息、到期还本", "等额本息", "等额本金")
"""Suggestions for 还款方式; a bank's own wording is accepted too (at most 30 characters)."""
_ACCOUNT_SEPARATORS = re.compile(r"[\s\-‐‑–—]")


@dataclass(frozen=True)
class FormDetails:
    """What the printed forms ask for that the file does not hold.

    The borrower block of 创业担保贷款申请表 (5号文 (十六), 推进行动 计划5): marital status and the spouse's
    name and ID number (a married borrower's spouse co-signs at most banks), household address, loan
    purpose, repayment method and source, yearly business income; and the bank account a subsidy is paid
    into (一次性创业补贴申请表, 5号文 (十五): its checklist asks for 申请人本人银行账户信息).
    """

    marital_status: str = ""
    spouse_name: str = ""
    spouse_id_number: str = ""
    household_address: str = ""
    loan_purpose: str = ""
    repayment_method: str = ""
    repayment_source: str = ""
    business_income_fen: int | None = None
    bank_name: str = ""
    bank_account: str = ""
    account_name: str = ""

    def columns(self) -> dict[str, object]:
        """The :class:`Application` columns these values are stored in (same names)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def of(cls, record: Application) -> FormDetails:
        return cls(**{f.name: getattr(record, f.name) for f in fields(cls)})


_DETAIL_LIMITS: Final = {
    "household_address": ("户籍地址", 200),
    "loan_purpose": ("贷款用途", 200),
    "repayment_method": ("还款方式", 30),
    "repayment_source": ("还款来源", 200),
    "bank_name": ("开户银行", 100),
    "account_name": ("账户户名", 50),
}


def parse_bank_account(value: object, *, field: str = "银行账号") -> str:
    """A bank account or card number: digits only (spaces and dashes as printed on a card are dropped),
    8 to 32 of them. Blank is allowed (filled in by hand on paper)."""
    text = _ACCOUNT_SEPARATORS.sub("", normalise_text(value))
    if not text:
        return ""
    if not text.isdigit():
        raise ValidationError(field, value, f"{field}“{value}”只能由数字组成")
    if not 8 <= len(text) <= 32:
        raise ValidationError(field, value, f"{field}“{value}”有 {len(text)} 位，应为 8 到 32 位数字")
    return text


def validate_details(details: FormDetails, *, today: date | None = None) -> FormDetails:
    """The details tidied, or :class:`ValidationError` naming the field: the spouse's ID number through the
    GB 11643 check, the account number digits only, texts within their length."""
    tidy: dict[str, object] = {}
    for name, (label, limit) in _DETAIL_LIMITS.items():
        value = normalise_text(getattr(details, name))
        if len(value) > limit:
            raise ValidationError(label, value, f"{label}过长：{len(value)} 个字，最多 {limit} 个字")
        tidy[name] = value
    status = normalise_text(details.marital_status)
    if status and status not in MARITAL_STATUSES:
        raise ValidationError("婚姻状况", status, f"婚姻状况“{status}”应为{'、'.join(MARITAL_STATUSES)}之一")
    spouse_name = normalise_text(details.spouse_name)
    spouse_id = normalise_text(details.spouse_id_number)
    if (spouse_name or spouse_id) and status != "已婚":
        raise ValidationError(
            "配偶姓名", spouse_name or spouse_id, f"婚姻状况为“{status or '未填写'}”，不应填写配偶信息"
        )
    if spouse_name:
        spouse_name = parse_name(spouse_name, field="配偶姓名")
    if spouse_id:
        spouse_id = parse_id_number(spouse_id, field="配偶身份证号码", today=today).number
    income = details.business_income_fen
    if income is not None and income < 0:
        raise ValidationError("年经营收入", income, f"年经营收入 {format_yuan(income)} 不能为负数")
    return replace(
        details,
        marital_status=status,
        spouse_name=spouse_name,
        spouse_id_number=spouse_id,
        bank_account=parse_bank_account(details.bank_account),
        **tidy,  # type: ignore[arg-type]
    )


_DOCUMENT_NUMBER = re.compile(r"[（(]([^（）()]*〔\d{4}〕\d+号)[）)]")


def cite_policy(source: str, documents: Mapping[str, str]) -> str:
    """``5号文 (十五)`` → ``人社部发〔2025〕5号 (十五)``: each short name of a policy item's source by
    the full document number of the policy set's ``documents`` (its title in 《》 when it has none)."""
    parts: list[str] = []
    for piece in re.split(r"[，,；;]", source):
        part = piece.strip()
        if not part:
            continue
        key = next((k for k in sorted(documents, key=len, reverse=True) if part.startswith(k)), None)
        if key is None:
            parts.append(part)
            continue
        full, rest = documents[key], part[len(key) :].strip()
        number = _DOCUMENT_NUMBER.search(full)
        name = number.group(1) if number else f"《{full}》"
        parts.append(f"{name} {rest}".strip())
    return "；".join(parts)


def partnership_refusal(item_code: str, entity_type: str | None) -> str:
    """Why a partnership loan (合伙创业, 5号文 (十六)) cannot be made for this venture, or empty.

    A 个体工商户 is one person's business (a partnership registers as a 合伙企业 or a company), so it
    borrows as an individual."""
    if item_code != "guaranteed_loan_partnership" or not entity_type:
        return ""
    if entity_type in ("individual_business", "个体工商户"):
        return "个体工商户为个人经营，不能申请合伙创业担保贷款，请改为申请个人创业担保贷款"
    return ""

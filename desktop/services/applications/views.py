"""What the services return: the form's choices, a proposal, an application with its steps and loan,
the list's rows and queries, loans due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop.services.applications.inputs import LoanInput
from desktop.services.policy import OpenApplication, PolicySetInfo
from models.applications import EDITABLE_STATUSES, TRANSITIONS, ApplicationStatus, FormDetails, rate_text
from models.policy import Eligibility, ItemAnswer, ItemCode, PolicyItem


@dataclass(frozen=True)
class VentureChoice:
    id: str
    name: str
    label: str


@dataclass(frozen=True)
class TrainingChoice:
    class_id: str
    label: str
    completed_on: date | None


@dataclass(frozen=True)
class Proposal:
    """What a new application would hold: pre-filled from the file, its ventures and the policy."""

    entrepreneur_id: str
    name: str
    item: PolicyItem
    answer: ItemAnswer
    policy_set: PolicySetInfo
    venture_id: str | None
    ventures: tuple[VentureChoice, ...]
    trainings: tuple[TrainingChoice, ...]
    amount_fen: int
    ceiling_fen: int
    documents: tuple[str, ...]
    open_application: OpenApplication | None
    loan: LoanInput | None
    details: FormDetails = field(default_factory=FormDetails)
    needs_graduation_date: bool = False
    refusal: str = ""  # why the application cannot be made although the rule's conditions may hold

    @property
    def can_apply(self) -> bool:
        return (
            self.open_application is None
            and not self.refusal
            and self.answer.eligibility is not Eligibility.NOT_ELIGIBLE
        )


@dataclass(frozen=True)
class StepView:
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    on: date
    by: str
    note: str

    @property
    def action(self) -> str:
        if self.from_status is None:
            return "新建"
        return TRANSITIONS[self.from_status].get(self.to_status, self.to_status.label)


@dataclass(frozen=True)
class LoanView:
    id: str
    bank: str
    amount_fen: int
    term_months: int
    annual_rate_bp: int
    subsidy_share_pct: int
    start_date: date | None
    due_date: date | None
    extension_months: int
    final_due_date: date | None
    renewals: int
    counter_guarantee_waived: bool
    repaid_on: date | None

    @property
    def rate_text(self) -> str:
        return rate_text(self.annual_rate_bp)


@dataclass(frozen=True)
class ApplicationView:
    id: str
    number: str
    entrepreneur_id: str
    name: str
    case_number: str
    id_number: str
    phone: str
    venture_id: str | None
    venture_name: str
    item_code: ItemCode
    item_name: str
    policy_source: str
    policy_set_id: str
    policy_set_version: int
    status: ApplicationStatus
    status_on: date
    status_by: str
    applied_on: date
    submitted_on: date | None
    approved_on: date | None
    disbursed_on: date | None
    amount_fen: int
    ceiling_fen: int
    documents: tuple[tuple[str, bool], ...]
    social_insurance_months: int | None
    partners: int | None
    training_class_id: str | None
    returned_reason: str
    notes: str
    steps: tuple[StepView, ...]
    loan: LoanView | None
    version: int
    deleted: bool
    masked: bool
    details: FormDetails = field(default_factory=FormDetails)
    details_masked: bool = False  # the spouse's ID number and the account shown masked: not editable
    needs_graduation_date: bool = False

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES and not self.deleted

    @property
    def next_steps(self) -> list[tuple[ApplicationStatus, str]]:
        if self.deleted:
            return []
        return list((status, action) for status, action in TRANSITIONS[self.status].items())

    @property
    def missing_documents(self) -> list[str]:
        return [name for name, ticked in self.documents if not ticked]

    @property
    def form(self) -> str:
        return self.item_code.form


@dataclass(frozen=True)
class ApplicationRow:
    """One line of the applications list (personal data masked)."""

    id: str
    number: str
    entrepreneur_id: str
    name: str
    id_number_masked: str
    item_code: ItemCode
    item_name: str
    venture_name: str
    amount_fen: int
    status: ApplicationStatus
    status_on: date
    applied_on: date
    status_by: str


@dataclass(frozen=True)
class ApplicationQuery:
    text: str = ""
    status: ApplicationStatus | None = None
    item_code: ItemCode | None = None
    month: date | None = None  # first day: applications made (申请日期) in that month
    entrepreneur_id: str | None = None
    recycle_bin: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.status or self.item_code or self.month)


@dataclass(frozen=True)
class LoanDue:
    application_id: str
    entrepreneur_id: str
    name: str
    item_name: str
    bank: str
    amount_fen: int
    due: date

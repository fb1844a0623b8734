"""Application forms people print (DOMAIN.md "Forms people print"; UI.md "Paper").

One form per policy item — 一次性创业补贴申请表 (5号文 (十五)), 创业担保贷款申请表 (5号文 (十六), 推进行动
计划5), 创业培训补贴申请表 with the class roster (5号文 (二), 推进行动 计划4), 社会保险补贴申请表 (5号文
(十七)(十八), 推进行动 计划8), 贴息 and 孵化场地入驻 (5号文 (十), 推进行动 计划7) — each with the applicant
and venture data, amounts in figures and in capitals (壹万贰仟元整), the document checklist (材料清单),
signature and date lines, a seal box, page x of y, and a QR code with the record id and a digest of the
printed values, so that a changed printout is detected (``doorstep verify``); no other identifier is
printed. The policy is cited by its document number (人社部发〔2025〕5号 (十五)).

The 创业担保贷款申请表 carries the borrower block real district templates ask for (婚姻状况, 配偶姓名 and
身份证号码, 户籍地址, 贷款用途, 还款方式/来源, 年经营收入) and the opinion boxes of 人社 (资格审核), the
guarantee fund (担保机构) and the lending bank (经办银行); a subsidy form carries the account it is paid
into (开户银行、账号、户名). The declaration, the signatures and the opinion boxes are kept on one page
(:meth:`reports.pdf.Form.keep_together`). A draft prints with a large ``草稿`` across every page.

The services build an :class:`ApplicationForm` of plain printed strings (masked in the redacted profile);
this module only lays it out. Record text is drawn with the canvas, so markup in it prints literally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from reportlab.lib.units import mm

from models.money import chinese_capitals, format_yuan
from reports.pdf import (
    Cell,
    CheckItem,
    Column,
    Form,
    FormBatch,
    SealBox,
    SignLine,
    Target,
    format_date_cn,
)

FORM_KIND: Final = "application"
REDACTED_KIND: Final = "application_redacted"

FORM_TITLES: Final[dict[str, str]] = {
    "startup_subsidy": "一次性创业补贴申请表",
    "training_subsidy": "创业培训补贴申请表",
    "social_insurance_subsidy": "社会保险补贴申请表",
    "guaranteed_loan_individual": "创业担保贷款申请表",
    "guaranteed_loan_partnership": "创业担保贷款申请表",
    "guaranteed_loan_small_firm": "创业担保贷款申请表",
    "loan_interest_subsidy": "创业担保贷款贴息申请表",
    "incubator_space": "孵化场地免费入驻申请表",
}
PROMISE: Final = (
    "本人承诺：以上填写内容及所附材料真实、有效，如有虚假，愿承担相应责任，并退回已享受的补贴或贷款贴息。"
)
COPIES_NOTE: Final = "注：本表一式三份，申请人、服务站、人社部门各留存一份。"
LOAN_COPIES_NOTE: Final = "注：本表一式四份，借款人、人社部门、担保机构、经办银行各留存一份。"
LOAN_PROMISE: Final = (
    "本人承诺：以上填写内容及所附材料真实、有效；所借款项仅用于上述创业经营用途，按借款合同约定按期还本付息；"
    "同意经办银行、担保机构和人社部门查询本人及配偶的相关信息。如有虚假或违约，愿承担相应法律责任。"
)
DRAFT_WATERMARK: Final = "草稿"


@dataclass(frozen=True)
class ApplicantBlock:
    name: str
    sex: str
    birth_date: str
    id_number: str
    phone: str
    key_groups: str
    education: str
    graduation: str
    household: str
    address: str


@dataclass(frozen=True)
class VentureBlock:
    name: str
    entity_type: str
    credit_code: str
    registration_date: str
    industry: str
    address: str
    jobs_created: str


@dataclass(frozen=True)
class LoanBlock:
    bank: str
    amount_fen: int
    term: str
    rate: str
    subsidy_share: str
    start_date: str
    due_date: str
    extension: str
    renewals: str
    counter_guarantee: str


@dataclass(frozen=True)
class BorrowerBlock:
    """The borrower block of 创业担保贷款申请表, as printed (blank values print as lines to fill by hand)."""

    marital_status: str = ""
    spouse_name: str = ""
    spouse_id_number: str = ""
    household_address: str = ""
    purpose: str = ""
    repayment_method: str = ""
    repayment_source: str = ""
    business_income: str = ""


@dataclass(frozen=True)
class AccountBlock:
    """The bank account a subsidy is paid into (开户银行、账号、户名)."""

    bank_name: str = ""
    account: str = ""
    account_name: str = ""


@dataclass(frozen=True)
class RosterLine:
    number: str
    name: str
    sex: str
    id_number: str
    phone: str
    key_groups: str
    hours: str
    certificate: str
    amount_fen: int = 0


@dataclass(frozen=True)
class TrainingBlock:
    class_label: str
    completed_on: str
    roster: tuple[RosterLine, ...] = ()
    roster_note: str = ""
    standard_fen: int = 0  # the subsidy standard per person (补贴标准)


@dataclass(frozen=True)
class ApplicationForm:
    """Everything one printed application shows, as printed (personal data already masked if redacted)."""

    record_id: str
    number: str
    item_code: str
    item_name: str
    policy_source: str
    policy_set: str
    example_notice: str
    station_name: str
    applied_on: date
    applicant: ApplicantBlock
    venture: VentureBlock | None
    amount_fen: int
    ceiling_fen: int
    money_item: bool
    documents: tuple[tuple[str, bool], ...]
    extra: tuple[tuple[str, str], ...] = ()  # item-specific rows: (label, value)
    loan: LoanBlock | None = None
    training: TrainingBlock | None = None
    notes: str = ""
    redacted: bool = False
    review_box: str = "人社部门审核意见"
    printed_on: date | None = field(default=None, compare=False)
    policy_citation: str = ""  # the source by document number; ``policy_source`` when empty
    borrower: BorrowerBlock | None = None
    account: AccountBlock | None = None
    draft: bool = False
    # who signs for the station as 经办人 (设置); not part of what the digest covers
    handler: str = field(default="", compare=False)

    @property
    def citation(self) -> str:
        return self.policy_citation or self.policy_source

    @property
    def title(self) -> str:
        return FORM_TITLES.get(self.item_code, f"{self.item_name}申请表")

    @property
    def kind(self) -> str:
        return REDACTED_KIND if self.redacted else FORM_KIND


def amount_text(fen: int) -> str:
    """``¥12,000.00（大写：壹万贰仟元整）`` as the forms print it."""
    return f"{format_yuan(fen)}（大写：{chinese_capitals(fen)}）"


def printed_fields(form: ApplicationForm) -> dict[str, str]:
    """The values the digest covers: what the form prints about the record (not the print date)."""
    a = form.applicant
    fields = {
        "申请编号": form.number,
        "政策项目": form.item_name,
        "政策依据": form.policy_source,
        "申请日期": format_date_cn(form.applied_on),
        "姓名": a.name,
        "性别": a.sex,
        "出生日期": a.birth_date,
        "公民身份号码": a.id_number,
        "联系电话": a.phone,
        "重点群体": a.key_groups,
        "文化程度": a.education,
        "毕业时间": a.graduation,
        "户籍地": a.household,
        "现居住地址": a.address,
        "申请金额": amount_text(form.amount_fen) if form.money_item else "免费",
        "金额上限": format_yuan(form.ceiling_fen) if form.money_item else "",
        "材料清单": "；".join(f"{'☑' if ticked else '☐'}{name}" for name, ticked in form.documents),
        "备注": form.notes,
    }
    if form.venture is not None:
        v = form.venture
        fields.update(
            {
                "主体名称": v.name,
                "主体类型": v.entity_type,
                "统一社会信用代码": v.credit_code,
                "登记注册日期": v.registration_date,
                "所属行业": v.industry,
                "经营地址": v.address,
                "带动就业人数": v.jobs_created,
            }
        )
    for label, value in form.extra:
        fields[f"项目：{label}"] = value
    blocks: list[tuple[str, str]] = []
    if form.borrower is not None:
        b = form.borrower
        blocks += [
            ("婚姻状况", b.marital_status),
            ("配偶姓名", b.spouse_name),
            ("配偶身份证号码", b.spouse_id_number),
            ("户籍地址", b.household_address),
            ("贷款用途", b.purpose),
            ("还款方式", b.repayment_method),
            ("还款来源", b.repayment_source),
            ("年经营收入", b.business_income),
        ]
    if form.account is not None:
        blocks += [
            ("开户银行", form.account.bank_name),
            ("银行账号", form.account.account),
            ("户名", form.account.account_name),
        ]
    # Only values that are filled in: a printout made before these fields existed still verifies.
    fields.update({label: value for label, value in blocks if value})
    if form.loan is not None:
        loan = form.loan
        fields.update(
            {
                "经办银行": loan.bank,
                "贷款金额": amount_text(loan.amount_fen),
                "贷款期限": loan.term,
                "年利率": loan.rate,
                "贴息比例": loan.subsidy_share,
                "起贷日期": loan.start_date,
                "到期日期": loan.due_date,
                "展期": loan.extension,
                "无还本续贷": loan.renewals,
                "反担保": loan.counter_guarantee,
            }
        )
    if form.training is not None:
        fields["培训班"] = form.training.class_label
        fields["结业日期"] = form.training.completed_on
        fields["花名册"] = "；".join(
            f"{r.number} {r.name} {r.id_number} {r.certificate}" for r in form.training.roster
        )
        if form.training.standard_fen:
            fields["补贴标准"] = format_yuan(form.training.standard_fen)
    return fields


NUMBERS: Final = "一二三四五六七八九"
LABEL_WIDTH: Final = 6 * 10.5 + 8.0
"""The label column of the applicant grid: six characters (公民身份号码); a longer label widens its own cell
only, so the dates and codes beside shorter labels keep their room."""


class _Sections:
    """Numbers the section headings as they are drawn (一、二、……)."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.count = 0

    def heading(self, text: str) -> None:
        self.form.heading(f"{NUMBERS[self.count]}、{text}")
        self.count += 1


def _draw(form: Form, data: ApplicationForm) -> None:
    a = data.applicant
    sections = _Sections(form)
    form.meta_line(f"申请编号：{data.number}", f"申请日期：{format_date_cn(data.applied_on)}")
    sections.heading("借款人基本情况" if data.loan is not None else "申请人基本情况")
    rows = [
        [Cell("姓名", a.name), Cell("性别", a.sex), Cell("出生日期", a.birth_date)],
        [Cell("公民身份号码", a.id_number, span=2), Cell("联系电话", a.phone)],
        [Cell("重点群体", a.key_groups, span=2), Cell("文化程度", a.education)],
        [Cell("毕业时间", a.graduation), Cell("户籍地", a.household, span=2)],
        [Cell("现居住地址", a.address, span=3)],
    ]
    if data.borrower is not None:
        b = data.borrower
        rows += [
            [Cell("婚姻状况", b.marital_status), Cell("配偶姓名", b.spouse_name, span=2)],
            [Cell("配偶身份证号码", b.spouse_id_number, span=3)],
            [Cell("户籍地址", b.household_address, span=3)],
        ]
    form.grid(rows, label_width=LABEL_WIDTH)
    if data.venture is not None:
        v = data.venture
        sections.heading("创业主体情况")
        form.grid(
            [
                [Cell("主体名称", v.name, span=2), Cell("主体类型", v.entity_type)],
                [Cell("统一社会信用代码", v.credit_code, span=2), Cell("登记注册日期", v.registration_date)],
                [Cell("所属行业", v.industry, span=2), Cell("带动就业人数", v.jobs_created)],
                [Cell("经营地址", v.address, span=3)],
            ]
        )
    sections.heading("申请事项及收款账户" if data.account is not None else "申请事项")
    _draw_request(form, data)
    if data.loan is not None:
        sections.heading("贷款信息")
        _draw_loan(form, data.loan, data.borrower)
    if data.training is not None:
        training = data.training
        sections.heading("培训情况")
        form.grid([[Cell("培训班", training.class_label, span=2), Cell("结业日期", training.completed_on)]])
    form.spacer()
    form.checklist([CheckItem(name, ticked) for name, ticked in data.documents], label="材料清单")
    _draw_foot(form, data)
    if data.training is not None and (data.training.roster or data.training.roster_note):
        _draw_roster(form, data.training)


def _draw_request(form: Form, data: ApplicationForm) -> None:
    rows: list[list[Cell]]
    if data.money_item:
        rows = [
            [Cell("政策项目", data.item_name, span=2), Cell("政策上限", format_yuan(data.ceiling_fen))],
            [Cell("政策依据", data.citation, span=3)],
            [
                Cell("申请金额（小写）", format_yuan(data.amount_fen)),
                Cell("大写", chinese_capitals(data.amount_fen), span=2),
            ],
        ]
    else:
        rows = [
            [Cell("政策项目", data.item_name, span=2), Cell("费用", "免费")],
            [Cell("政策依据", data.citation, span=3)],
        ]
    extras = list(data.extra)
    for start in range(0, len(extras), 3):
        chunk = extras[start : start + 3]
        span_last = 3 - len(chunk) + 1
        rows.append(
            [
                Cell(label, value, span=span_last if index == len(chunk) - 1 else 1)
                for index, (label, value) in enumerate(chunk)
            ]
        )
    if data.account is not None:
        account = data.account
        rows.append([Cell("开户银行", account.bank_name, span=2), Cell("户名", account.account_name)])
        rows.append([Cell("银行账号", account.account, span=3)])
    if data.notes:
        rows.append([Cell("备注", data.notes, span=3)])
    form.grid(rows)


def _draw_loan(form: Form, loan: LoanBlock, borrower: BorrowerBlock | None) -> None:
    rows = [
        [Cell("经办银行", loan.bank, span=2), Cell("贷款金额", format_yuan(loan.amount_fen))],
        [Cell("金额大写", chinese_capitals(loan.amount_fen), span=3)],
        [Cell("贷款期限", loan.term), Cell("年利率", loan.rate), Cell("贴息比例", loan.subsidy_share)],
        [Cell("起贷日期", loan.start_date), Cell("到期日期", loan.due_date), Cell("展期", loan.extension)],
        [Cell("无还本续贷", loan.renewals), Cell("反担保", loan.counter_guarantee, span=2)],
    ]
    if borrower is not None:
        rows += [
            [Cell("贷款用途", borrower.purpose, span=3, lines=2)],
            [
                Cell("还款方式", borrower.repayment_method, span=2),
                Cell("年经营收入", borrower.business_income),
            ],
            [Cell("还款来源", borrower.repayment_source, span=3)],
        ]
    form.grid(rows)


def _draw_foot(form: Form, data: ApplicationForm) -> None:
    """The declaration, the signatures, the opinion boxes and the line saying who keeps which copy: kept
    together on one page, so that nobody signs a page that holds nothing they sign."""
    loan = data.loan is not None
    promise = LOAN_PROMISE if loan else PROMISE
    signs = [SignLine("借款人签字" if loan else "申请人签字")]
    if data.borrower is not None and data.borrower.marital_status == "已婚":
        signs.append(SignLine("配偶签字"))
    box_rows: list[list[SealBox]] = (
        [
            [
                SealBox("服务站推荐意见", signer="经办人", seal="（盖章）", name=data.handler),
                SealBox("创业担保贷款资格审核意见（人社部门）", signer="审核人", seal="（盖章）"),
            ],
            [
                SealBox("担保机构意见", signer="经办人", seal="（盖章）"),
                SealBox("经办银行意见", signer="信贷员", seal="（盖章）"),
            ],
        ]
        if loan
        else [
            [
                SealBox("服务站意见", signer="经办人", seal="（盖章）", name=data.handler),
                SealBox(data.review_box, signer="审核人", seal="（盖章）"),
            ]
        ]
    )
    note = (LOAN_COPIES_NOTE if loan else COPIES_NOTE) + data.example_notice
    height = (
        form.text_height(promise, indent=True)
        + form.signatures_height(len(signs))
        + BOX_HEIGHT * len(box_rows)
        + form.text_height(note, size=9.0)
    )
    form.keep_together(height)
    form.text(promise, indent=True)
    form.signatures(signs)
    for boxes in box_rows:
        form.seal_boxes(boxes, height=BOX_HEIGHT)
    form.note(note)


BOX_HEIGHT: Final = 26 * mm


def _draw_roster(form: Form, training: TrainingBlock) -> None:
    form.new_page()
    form.heading(f"附：培训班花名册（{training.class_label}）")
    if training.roster:
        form.table(
            [
                # pt at 8 pt type: each header, ID number, phone, certificate number and amount on one line
                Column("序号", 24),
                Column("姓名", 40),
                Column("性别", 24),
                Column("公民身份号码", 88),
                Column("联系电话", 57),
                Column("重点群体", 74),
                Column("学时", 34),
                Column("结业证书编号", 109),
                Column("补贴金额", 43),
            ],
            [
                [
                    r.number,
                    r.name,
                    r.sex,
                    r.id_number,
                    r.phone,
                    r.key_groups,
                    r.hours,
                    r.certificate,
                    format_yuan(r.amount_fen) if r.amount_fen else "",
                ]
                for r in training.roster
            ],
            size=8.0,
        )
        total = sum(r.amount_fen for r in training.roster)
        form.grid(
            [
                [
                    Cell(
                        "补贴标准",
                        f"每人 {format_yuan(training.standard_fen)}" if training.standard_fen else "",
                    ),
                    Cell("合计人数", f"{len(training.roster)} 人"),
                    Cell("合计金额", format_yuan(total) if total else ""),
                ],
                [Cell("金额大写", chinese_capitals(total) if total else "", span=3)],
            ]
        )
    if training.roster_note:
        form.note(training.roster_note)
    form.keep_together(form.signatures_height(2))
    form.signatures([SignLine("培训机构负责人签字"), SignLine("服务站经办人签字")])


def draw_application(batch: FormBatch, data: ApplicationForm) -> Form:
    """Add one application form to ``batch``; returns the form (its ``payload`` is the QR text)."""
    form = batch.form(
        title=data.title,
        kind=data.kind,
        record_id=data.record_id,
        fields=printed_fields(data),
        record_ref=data.number,
        subtitle=data.station_name,
        redacted=data.redacted,
        watermark=DRAFT_WATERMARK if data.draft else "",
    )
    _draw(form, data)
    return form


def write_application_forms(
    target: Target,
    forms: Iterable[ApplicationForm],
    *,
    title: str,
    progress: Callable[[int], None] | None = None,
    invariant: bool = False,
) -> tuple[int, int]:
    """Write the forms into one PDF (a single form, or a month's batch); returns (forms, pages).

    ``progress`` is called after each form (it may raise :class:`models.errors.Cancelled`, which writes
    nothing).
    """
    with FormBatch(target, title=title, invariant=invariant) as batch:
        for index, data in enumerate(forms, start=1):
            draw_application(batch, data)
            if progress is not None:
                progress(index)
    return batch.form_count, batch.page_count

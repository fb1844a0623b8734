"""The application form's own parts: 申请内容 (venture, amount within the ceiling with its capitals, the
item's own field — social-insurance months, partners or training class — a missing 毕业时间 where the
item's rule needs it, and notes), what the printed form asks beyond the file (:class:`DetailsBox`: the
borrower block of a loan, the bank account a subsidy is paid into) and the 材料清单 checklist. The
dialog (:mod:`ui.policy.application_form`) puts them together with the loan and workflow boxes and
stores what they hold."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services import applications as service
from models.applications import MARITAL_STATUSES, REPAYMENT_METHODS, FormDetails, validate_details
from models.errors import ValidationError
from models.money import chinese_capitals, format_yuan, yuan_to_fen
from models.policy import ItemCode, PolicyItem, loan_ceiling
from models.validators import parse_date


class ApplicationFields(QGroupBox):
    """申请内容. ``changed`` is emitted on every edit, not while :meth:`show_view` / :meth:`show_proposal`
    fill it in."""

    changed = Signal()

    def __init__(self, item: PolicyItem, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("申请内容"), parent)
        self.item = item
        self._loading = False
        form = QFormLayout(self)
        self.venture = QComboBox(self)
        self.venture.currentIndexChanged.connect(lambda _i: self._edited())
        form.addRow(self.tr("创业主体"), self.venture)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(self.tr("金额（元），如 5000 或 5,000.00"))
        self.amount.textEdited.connect(lambda _t: self._edited())
        self.amount_hint = QLabel(self)
        self.amount_hint.setWordWrap(True)
        form.addRow(self.tr("贷款金额 *") if item.is_loan else self.tr("申请金额 *"), self.amount)
        form.addRow("", self.amount_hint)
        self.insured = QSpinBox(self)
        self.insured.setRange(-1, 600)
        self.insured.setSpecialValueText(self.tr("未填写"))
        self.insured.setSuffix(self.tr(" 个月"))
        self.insured.valueChanged.connect(self._insured_changed)
        self.partners = QSpinBox(self)
        self.partners.setRange(2, item.loan.max_partners if item.loan and item.loan.max_partners else 100)
        self.partners.setSuffix(self.tr(" 人"))
        self.partners.valueChanged.connect(lambda _v: self._edited())
        self.training = QComboBox(self)
        self.training.currentIndexChanged.connect(lambda _i: self._edited())
        for code, label, widget in (
            (ItemCode.SOCIAL_INSURANCE_SUBSIDY, self.tr("已缴社会保险"), self.insured),
            (ItemCode.LOAN_PARTNERSHIP, self.tr("合伙人数"), self.partners),
            (ItemCode.TRAINING_SUBSIDY, self.tr("结业的培训班"), self.training),
        ):
            if item.code is code:
                form.addRow(label, widget)
            else:
                widget.hide()  # kept for the form's values, not shown for this item
        self.graduation = QLineEdit(self)
        self.graduation.setPlaceholderText(self.tr("如 2024-06（档案中尚无毕业时间，该项政策需要）"))
        self.graduation.textEdited.connect(lambda _t: self._edited())
        form.addRow(self.tr("毕业时间 *"), self.graduation)
        self._graduation_label = form.labelForField(self.graduation)
        self._show_graduation(False)
        self.notes = QPlainTextEdit(self)
        self.notes.setFixedHeight(64)
        self.notes.textChanged.connect(self._edited)
        form.addRow(self.tr("备注"), self.notes)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        form.addRow("", self.error)

    # ------------------------------------------------------------------------------------------- load
    def _fill(
        self, ventures: Iterable[service.VentureChoice], trainings: Iterable[service.TrainingChoice]
    ) -> None:
        self.venture.clear()
        self.venture.addItem(self.tr("（不指定）"), "")
        for choice in ventures:
            self.venture.addItem(choice.label, choice.id)
        self.training.clear()
        self.training.addItem(self.tr("（请选择）"), "")
        for training in trainings:
            self.training.addItem(training.label, training.class_id)

    def show_view(
        self,
        view: service.ApplicationView,
        ventures: Iterable[service.VentureChoice],
        trainings: Iterable[service.TrainingChoice],
    ) -> None:
        self._loading = True
        self._fill(ventures, trainings)
        _choose(self.venture, view.venture_id or "")
        _choose(self.training, view.training_class_id or "")
        self.amount.setText(f"{view.amount_fen / 100:,.2f}")
        months = view.social_insurance_months
        self.insured.setValue(months if months is not None else -1)
        self.partners.setValue(view.partners or 2)
        self.notes.setPlainText(view.notes)
        self.graduation.clear()
        self._show_graduation(view.needs_graduation_date)
        self._loading = False

    def show_proposal(
        self,
        proposal: service.Proposal,
        ventures: Iterable[service.VentureChoice],
        trainings: Iterable[service.TrainingChoice],
    ) -> None:
        self._loading = True
        self._fill(ventures, trainings)
        _choose(self.venture, proposal.venture_id or "")
        if proposal.trainings:
            _choose(self.training, proposal.trainings[0].class_id)
        # A loan's amount is what the person asks for: typed, never pre-filled with the ceiling.
        asked = not (self.item.is_loan and proposal.amount_fen == 0)
        self.amount.setText(f"{proposal.amount_fen / 100:,.2f}" if asked else "")
        if not asked:
            self.amount.setPlaceholderText(self.tr("申请人申请的贷款金额（元）"))
        self.graduation.clear()
        self._show_graduation(proposal.needs_graduation_date)
        self._loading = False

    def _show_graduation(self, shown: bool) -> None:
        self.graduation.setVisible(shown)
        if self._graduation_label is not None:
            self._graduation_label.setVisible(shown)

    def set_editable(self, editable: bool) -> None:
        for widget in (
            self.venture,
            self.amount,
            self.insured,
            self.partners,
            self.training,
            self.graduation,
            self.notes,
        ):
            widget.setEnabled(editable)

    # ----------------------------------------------------------------------------------------- values
    def values(self) -> tuple[object, ...]:
        """What the fields hold, to compare with what was loaded."""
        return (
            self.venture.currentData(),
            self.amount.text().strip(),
            self.insured.value(),
            self.partners.value(),
            self.training.currentData(),
            self.graduation.text().strip(),
            self.notes.toPlainText().strip(),
        )

    def amount_fen(self) -> int:
        if self.item.is_loan and not self.amount.text().strip():
            raise ValidationError("贷款金额", "", "请填写贷款金额（申请人申请的金额，不超过上限）")
        return yuan_to_fen(self.amount.text(), field="金额")

    def graduation_date(self) -> date | None:
        """The 毕业时间 typed where the file lacks it (a month is read as its first day)."""
        text = self.graduation.text().strip()
        if self.graduation.isHidden() or not text:
            return None
        return parse_date(text, field="毕业时间", allow_month=True)

    def partners_value(self) -> int | None:
        return self.partners.value() if self.item.code is ItemCode.LOAN_PARTNERSHIP else None

    def problem(self) -> str:
        """What keeps the amount from being saved, in words; empty when it can be."""
        try:
            amount = self.amount_fen()
        except ValidationError as error:
            return str(error)
        ceiling = loan_ceiling(self.item, self.partners_value())
        if amount > ceiling:
            return self.tr("金额 {0} 超过上限 {1}").format(format_yuan(amount), format_yuan(ceiling))
        try:
            self.graduation_date()
        except ValidationError as error:
            return str(error)
        return ""

    def show_problem(self, problem: str) -> None:
        """Show what keeps the form from being saved, and the ceiling with the amount in capitals."""
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        ceiling = loan_ceiling(self.item, self.partners_value())
        try:
            capitals = self.tr("大写：{0}").format(chinese_capitals(self.amount_fen()))
        except ValidationError:
            capitals = ""
        free = self.item.code is ItemCode.INCUBATOR_SPACE
        self.amount_hint.setText(
            self.tr("免费入驻") if free else self.tr("上限 {0}　{1}").format(format_yuan(ceiling), capitals)
        )

    def to_input(self) -> service.ApplicationInput:
        insured = self.insured.value()
        code = self.item.code
        return service.ApplicationInput(
            venture_id=str(self.venture.currentData()) or None,
            amount_fen=self.amount_fen(),
            social_insurance_months=insured
            if insured >= 0 and code is ItemCode.SOCIAL_INSURANCE_SUBSIDY
            else None,
            partners=self.partners_value(),
            training_class_id=str(self.training.currentData()) or None
            if code is ItemCode.TRAINING_SUBSIDY
            else None,
            notes=self.notes.toPlainText().strip(),
            graduation_date=self.graduation_date(),
        )

    # ---------------------------------------------------------------------------------------- editing
    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()

    def _insured_changed(self, months: int) -> None:
        """The social-insurance subsidy's amount follows the months paid, within the ceiling."""
        if not self._loading and self.item.per_month_fen is not None and months >= 0:
            proposed = min(
                self.item.per_month_fen * min(months, self.item.max_months or months), self.item.ceiling_fen
            )
            self.amount.setText(f"{proposed / 100:,.2f}")
        self._edited()


class DetailsBox(QGroupBox):
    """What the printed form asks beyond the file: for a loan the borrower block of 创业担保贷款申请表
    (婚姻状况, 配偶, 户籍地址, 用途, 还款方式/来源, 年经营收入); for a subsidy the account it is paid into
    (开户银行、账号、户名). ``changed`` is emitted on every edit, not while :meth:`show_details` fills it."""

    changed = Signal()

    def __init__(self, item: PolicyItem, parent: QWidget | None = None) -> None:
        loan = item.is_loan
        super().__init__(self.tr("借款人情况") if loan else self.tr("收款账户"), parent)
        self.item = item
        self._loading = False
        self._masked = False
        form = QFormLayout(self)
        self.marital = QComboBox(self)
        self.marital.addItem(self.tr("（未填写）"), "")
        for status in MARITAL_STATUSES:
            self.marital.addItem(status, status)
        self.marital.currentIndexChanged.connect(self._marital_changed)
        self.spouse_name = self._line(self.tr("配偶姓名"))
        self.spouse_id = self._line(self.tr("18 位公民身份号码"))
        self.spouse_id.setMaxLength(18)
        self.household = self._line(self.tr("户口簿上的地址"))
        self.purpose = self._line(self.tr("如 购置设备、店面装修、进货"))
        self.repayment = QComboBox(self)
        self.repayment.setEditable(True)
        self.repayment.addItem("")
        self.repayment.addItems(list(REPAYMENT_METHODS))
        self.repayment.editTextChanged.connect(lambda _t: self._edited())
        self.source = self._line(self.tr("如 经营收入"))
        self.income = self._line(self.tr("年经营收入（元）"))
        self.bank_name = self._line(self.tr("如 中国农业银行杭州文三路支行"))
        self.account = self._line(self.tr("银行卡号或账号（数字）"))
        self.account_name = self._line(self.tr("账户户名（一般为申请人本人）"))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        rows: list[tuple[str, QWidget]]
        if loan:
            rows = [
                (self.tr("婚姻状况"), self.marital),
                (self.tr("配偶姓名"), self.spouse_name),
                (self.tr("配偶身份证号码"), self.spouse_id),
                (self.tr("户籍地址"), self.household),
                (self.tr("贷款用途"), self.purpose),
                (self.tr("还款方式"), self.repayment),
                (self.tr("还款来源"), self.source),
                (self.tr("年经营收入"), self.income),
            ]
        else:
            rows = [
                (self.tr("开户银行"), self.bank_name),
                (self.tr("银行账号"), self.account),
                (self.tr("户名"), self.account_name),
            ]
        shown = {id(widget) for _label, widget in rows}
        for label, widget in rows:
            form.addRow(label, widget)
        for widget in (*self._widgets(), self.marital, self.repayment):
            if id(widget) not in shown:
                widget.hide()
        form.addRow("", self.error)
        self.error.hide()
        self._marital_changed()

    def _line(self, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _t: self._edited())
        return edit

    def _widgets(self) -> tuple[QLineEdit, ...]:
        return (
            self.spouse_name,
            self.spouse_id,
            self.household,
            self.purpose,
            self.source,
            self.income,
            self.bank_name,
            self.account,
            self.account_name,
        )

    def show_details(self, details: FormDetails, *, masked: bool = False) -> None:
        self._loading = True
        self._masked = masked
        _choose(self.marital, details.marital_status)
        self.spouse_name.setText(details.spouse_name)
        self.spouse_id.setText(details.spouse_id_number)
        self.household.setText(details.household_address)
        self.purpose.setText(details.loan_purpose)
        self.repayment.setEditText(details.repayment_method)
        self.source.setText(details.repayment_source)
        income = details.business_income_fen
        self.income.setText(f"{income / 100:,.2f}" if income is not None else "")
        self.bank_name.setText(details.bank_name)
        self.account.setText(details.bank_account)
        self.account_name.setText(details.account_name)
        self._loading = False
        self._marital_changed()

    def set_editable(self, editable: bool) -> None:
        """Editable for a draft; never for a view whose ID number and account are masked."""
        for widget in (*self._widgets(), self.marital, self.repayment):
            widget.setEnabled(editable and not self._masked)
        self._marital_changed()

    def values(self) -> tuple[object, ...]:
        return (
            self.marital.currentData(),
            self.repayment.currentText().strip(),
            *(w.text().strip() for w in self._widgets()),
        )

    def to_details(self) -> FormDetails | None:
        """The typed details (None for a masked view: the stored ones are kept)."""
        if self._masked:
            return None
        income = self.income.text().strip()
        married = self.marital.currentData() == "已婚"
        return FormDetails(
            marital_status=str(self.marital.currentData() or ""),
            spouse_name=self.spouse_name.text().strip() if married else "",
            spouse_id_number=self.spouse_id.text().strip().upper() if married else "",
            household_address=self.household.text().strip(),
            loan_purpose=self.purpose.text().strip(),
            repayment_method=self.repayment.currentText().strip(),
            repayment_source=self.source.text().strip(),
            business_income_fen=yuan_to_fen(income, field="年经营收入") if income else None,
            bank_name=self.bank_name.text().strip(),
            bank_account=self.account.text().strip(),
            account_name=self.account_name.text().strip(),
        )

    def problem(self) -> str:
        """What keeps the details from being saved, in words (checked as the service checks them)."""
        try:
            details = self.to_details()
            if details is not None:
                validate_details(details)
        except ValidationError as error:
            return str(error)
        return ""

    def _marital_changed(self, _index: int = 0) -> None:
        married = self.marital.currentData() == "已婚"
        for widget in (self.spouse_name, self.spouse_id):
            widget.setEnabled(married and self.marital.isEnabled())
        self._edited()

    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()


class ChecklistBox(QGroupBox):
    """材料清单: one checkable line per document. ``ticked`` (document, ticked) is emitted when the user
    ticks or unticks one, not while :meth:`show_documents` fills it in."""

    ticked = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("材料清单（收到后勾选）"), parent)
        self._loading = False
        layout = QVBoxLayout(self)
        self.documents = QListWidget(self)
        self.documents.setWordWrap(True)
        self.documents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.documents.itemChanged.connect(self._item_changed)
        layout.addWidget(self.documents)
        self.summary = QLabel(self)
        self.summary.setObjectName("muted")
        layout.addWidget(self.summary)

    def show_documents(self, documents: Sequence[tuple[str, bool]], *, enabled: bool) -> None:
        self._loading = True
        self.documents.clear()
        for document, ticked in documents:
            entry = QListWidgetItem(document)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.documents.addItem(entry)
        self.documents.setEnabled(enabled)
        self._loading = False
        self.show_summary()

    def ticked_documents(self) -> list[str]:
        items = (self.documents.item(i) for i in range(self.documents.count()))
        return [
            item.text() for item in items if item is not None and item.checkState() == Qt.CheckState.Checked
        ]

    def show_summary(self) -> None:
        ticked = len(self.ticked_documents())
        self.summary.setText(self.tr("已收 {0} / {1} 项").format(ticked, self.documents.count()))

    def _item_changed(self, entry: QListWidgetItem) -> None:
        if not self._loading:
            self.ticked.emit(entry.text(), entry.checkState() == Qt.CheckState.Checked)


def _choose(combo: QComboBox, value: str) -> None:
    combo.setCurrentIndex(max(combo.findData(value), 0))

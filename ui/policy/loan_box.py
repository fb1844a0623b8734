"""The 贷款信息 part of a guaranteed-loan application (5号文 (十六), 推进行动 计划5): bank, term, rate,
interest-subsidy share and counter-guarantee before the loan is made; then its dates, and 展期 (at most one
year in total), 无还本续贷 and 结清 while it runs."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop.services.applications import LoanInput, LoanView
from models.applications import parse_rate, rate_text
from models.errors import ValidationError
from models.policy import PolicyItem


class LoanBox(QGroupBox):
    changed = Signal()
    extend_requested = Signal()
    renew_requested = Signal()
    repay_requested = Signal()

    def __init__(self, item: PolicyItem, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("贷款信息"), parent)
        terms = item.loan
        assert terms is not None
        self.item = item
        form = QFormLayout(self)
        form.setLabelAlignment(form.labelAlignment())
        self.bank = QLineEdit(self)
        self.bank.setPlaceholderText(self.tr("例如：中国农业银行某某支行"))
        self.bank.textEdited.connect(lambda _t: self.changed.emit())
        form.addRow(self.tr("经办银行 *"), self.bank)
        self.term = QSpinBox(self)
        self.term.setRange(1, terms.term_max_months)
        self.term.setSuffix(self.tr(" 个月"))
        self.term.valueChanged.connect(lambda _v: self.changed.emit())
        form.addRow(self.tr("贷款期限"), self.term)
        self.rate = QLineEdit(self)
        self.rate.setPlaceholderText("3.95")
        cap = rate_text(terms.annual_rate_max_bp) if terms.annual_rate_max_bp is not None else self.tr("不限")
        self.rate.setToolTip(self.tr("年利率（%），政策上限 {0}").format(cap))
        self.rate.textEdited.connect(lambda _t: self.changed.emit())
        self.rate_error = QLabel(self)
        self.rate_error.setObjectName("fieldError")
        self.rate_error.setStyleSheet("color: #c62828;")
        self.rate_error.hide()
        rate_row = QHBoxLayout()
        rate_row.addWidget(self.rate)
        rate_row.addWidget(QLabel(self.tr("%（上限 {0}）").format(cap), self))
        form.addRow(self.tr("年利率"), rate_row)
        form.addRow("", self.rate_error)
        self.share = QSpinBox(self)
        self.share.setRange(0, 100)
        self.share.setSuffix("%")
        self.share.valueChanged.connect(lambda _v: self.changed.emit())
        form.addRow(self.tr("贴息比例"), self.share)
        self.waived = QCheckBox(self.tr("免除反担保"), self)
        self.waived.toggled.connect(lambda _b: self.changed.emit())
        form.addRow(self.tr("反担保"), self.waived)
        self.dates = QLabel(self)
        self.dates.setWordWrap(True)
        form.addRow(self.tr("起止日期"), self.dates)
        actions = QHBoxLayout()
        self.extend_button = QPushButton(self.tr("展期…"), self)
        self.extend_button.setToolTip(self.tr("展期合计不超过 1 年（推进行动 计划5）"))
        self.extend_button.clicked.connect(self.extend_requested)
        self.renew_button = QPushButton(self.tr("无还本续贷"), self)
        self.renew_button.setToolTip(self.tr("到期时继续符合条件的，可无还本续贷（5号文 (十六)）"))
        self.renew_button.clicked.connect(self.renew_requested)
        self.repay_button = QPushButton(self.tr("结清…"), self)
        self.repay_button.clicked.connect(self.repay_requested)
        for button in (self.extend_button, self.renew_button, self.repay_button):
            actions.addWidget(button)
        actions.addStretch(1)
        form.addRow("", actions)

    def show_loan(self, loan: LoanInput | LoanView | None, *, editable: bool, running: bool) -> None:
        """Fill in the terms; ``running``: disbursed and not repaid (展期 / 续贷 / 结清 offered)."""
        terms = self.item.loan
        assert terms is not None
        self.bank.setText(loan.bank if loan else "")
        self.term.setValue((loan.term_months if loan else None) or terms.term_max_months)
        rate = loan.annual_rate_bp if loan else None
        self.rate.setText(
            rate_text(rate if rate is not None else (terms.annual_rate_max_bp or 0)).rstrip("%")
        )
        share = loan.subsidy_share_pct if loan else None
        self.share.setValue(share if share is not None else terms.interest_subsidy_share_pct)
        waived = loan.counter_guarantee_waived if loan else None
        self.waived.setChecked(bool(waived))
        for widget in (self.bank, self.term, self.rate, self.share, self.waived):
            widget.setEnabled(editable)
        self.dates.setText(self._dates_text(loan))
        for button in (self.extend_button, self.renew_button, self.repay_button):
            button.setVisible(running)
        self.renew_button.setEnabled(running and terms.renewal_allowed)

    def _dates_text(self, loan: LoanInput | LoanView | None) -> str:
        if not isinstance(loan, LoanView) or loan.start_date is None:
            return self.tr("发放时记录起贷日期，到期日按期限计算")
        text = self.tr("{0} 至 {1}").format(
            loan.start_date.isoformat(), (loan.due_date or loan.start_date).isoformat()
        )
        if loan.extension_months:
            final = loan.final_due_date.isoformat() if loan.final_due_date else ""
            text += self.tr("，展期 {0} 个月至 {1}").format(loan.extension_months, final)
        if loan.renewals:
            text += self.tr("，无还本续贷 {0} 次").format(loan.renewals)
        if loan.repaid_on:
            text += self.tr("，已于 {0} 结清").format(loan.repaid_on.isoformat())
        return text

    def values(self, amount_fen: int | None) -> LoanInput:
        """The terms as typed; :class:`ValidationError` for a rate that is not a percentage."""
        return LoanInput(
            bank=self.bank.text().strip(),
            amount_fen=amount_fen,
            term_months=self.term.value(),
            annual_rate_bp=parse_rate(self.rate.text() or "0"),
            subsidy_share_pct=self.share.value(),
            counter_guarantee_waived=self.waived.isChecked(),
        )

    def problem(self) -> str:
        try:
            parse_rate(self.rate.text() or "0")
        except ValidationError as error:
            self.rate_error.setText(str(error))
            self.rate_error.show()
            return str(error)
        self.rate_error.hide()
        return ""

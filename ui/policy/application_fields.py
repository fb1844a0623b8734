"""The application form's own parts: 申请内容 (venture, amount within the ceiling with its capitals, the
item's own field — social-insurance months, partners or training class — and notes) and the 材料清单
checklist. The dialog (:mod:`ui.policy.application_form`) puts them together with the loan and workflow
boxes and stores what they hold."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
from models.errors import ValidationError
from models.money import chinese_capitals, format_yuan, yuan_to_fen
from models.policy import ItemCode, PolicyItem, loan_ceiling


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
        self.amount.setText(f"{proposal.amount_fen / 100:,.2f}")
        self._loading = False

    def set_editable(self, editable: bool) -> None:
        for widget in (self.venture, self.amount, self.insured, self.partners, self.training, self.notes):
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
            self.notes.toPlainText().strip(),
        )

    def amount_fen(self) -> int:
        return yuan_to_fen(self.amount.text(), field="金额")

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

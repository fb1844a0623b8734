"""One application: pre-filled from the file and its ventures, the amount proposed within the ceiling, the
checklist (材料清单) ticked off, the workflow's next steps as buttons, 打印预览.

保存 only when something changed and everything is valid; Ctrl+S saves, Esc closes (asking first if
something is unsaved). A refused step says why (e.g. which documents are still missing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services import applications as service
from models.applications import ApplicationStatus
from models.errors import DoorstepError
from models.policy import ItemCode, PolicyItem
from ui.overrides import override
from ui.policy.application_fields import ApplicationFields, ChecklistBox, DetailsBox
from ui.policy.loan_box import LoanBox
from ui.policy.models import STATUS_TONES
from ui.policy.workflow_box import WorkflowBox
from ui.widgets import dialogs
from ui.widgets.chip_label import ChipLabel
from ui.widgets.dialogs import settle_minimum_size
from ui.widgets.printing import make_and_preview


class ApplicationDialog(QDialog):
    saved = Signal(str)  # the application id, after anything was stored

    # ----------------------------------------------------------------------------------------- opening
    @classmethod
    def new(
        cls, context: AppContext, entrepreneur_id: str, item_code: str, *, as_of: date, parent: QWidget | None
    ) -> ApplicationDialog | None:
        """A new application's form, or None (after saying why) if the person cannot apply."""
        try:
            proposal = context.services(
                service.propose_application, entrepreneur_id=entrepreneur_id, item_code=item_code, as_of=as_of
            )
        except DoorstepError as error:
            dialogs.tell(parent, "无法新建申请", str(error))
            return None
        if proposal.open_application is not None:
            dialogs.tell(
                parent,
                "已有申请",
                f"{proposal.name} 已有一份{proposal.item.name}申请（{proposal.open_application.number}，"
                f"{proposal.open_application.status.label}），请打开那份申请继续办理。",
            )
            return None
        if proposal.refusal:
            dialogs.tell(parent, "无法申请", f"{proposal.name}：{proposal.refusal}")
            return None
        if not proposal.can_apply:
            reasons = "；".join(r.text for r in proposal.answer.failed[:3])
            dialogs.tell(parent, "不符合条件", f"{proposal.name} 不符合{proposal.item.name}的条件：{reasons}")
            return None
        return cls(context, proposal=proposal, parent=parent)

    @classmethod
    def existing(
        cls, context: AppContext, application_id: str, *, parent: QWidget | None
    ) -> ApplicationDialog:
        return cls(context, application_id=application_id, parent=parent)

    def __init__(
        self,
        context: AppContext,
        *,
        proposal: service.Proposal | None = None,
        application_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.proposal = proposal
        self.view: service.ApplicationView | None = None
        self._baseline: tuple[object, ...] | None = None
        if application_id is not None:
            self.view = context.services(service.get_application, application_id=application_id)
            self.entrepreneur_id = self.view.entrepreneur_id
            code = self.view.item_code
        else:
            assert proposal is not None
            self.entrepreneur_id = proposal.entrepreneur_id
            code = proposal.item.code
        self.item: PolicyItem = (
            proposal.item if proposal else context.services(service.item_in_force, item_code=code)
        )
        self.setWindowTitle(self.tr("{0}申请").format(self.item.name) + "[*]")
        outer = QVBoxLayout(self)
        self.header = QLabel(self)
        self.header.setStyleSheet("font-size: 13pt; font-weight: bold;")
        head_row = QHBoxLayout()
        head_row.addWidget(self.header, 1)
        self.status_chip = ChipLabel("", STATUS_TONES[ApplicationStatus.DRAFT], self)
        head_row.addWidget(self.status_chip)
        outer.addLayout(head_row)
        self.source_label = QLabel(self)
        self.source_label.setObjectName("muted")
        self.source_label.setWordWrap(True)
        outer.addWidget(self.source_label)

        body = QWidget(self)
        columns = QHBoxLayout(body)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        self.fields = ApplicationFields(self.item, body)
        self.fields.changed.connect(self._changed)
        left.addWidget(self.fields)
        self.loan_box: LoanBox | None = None
        if self.item.is_loan:
            self.loan_box = LoanBox(self.item, body)
            self.loan_box.changed.connect(self._changed)
            self.loan_box.extend_requested.connect(self._extend)
            self.loan_box.renew_requested.connect(self._renew)
            self.loan_box.repay_requested.connect(self._repay)
            left.addWidget(self.loan_box)
        self.details: DetailsBox | None = None
        if self.item.code is not ItemCode.INCUBATOR_SPACE:  # a free space pays nothing into an account
            self.details = DetailsBox(self.item, body)
            self.details.changed.connect(self._changed)
            left.addWidget(self.details)
        self.help = QLabel(self.tr("政策说明：") + self.item.help, body)
        self.help.setWordWrap(True)
        self.help.setObjectName("muted")
        left.addWidget(self.help)
        left.addStretch(1)
        self.checklist = ChecklistBox(body)
        self.checklist.ticked.connect(self._ticked)
        right.addWidget(self.checklist, 1)
        self.workflow = WorkflowBox(body)
        self.workflow.step_requested.connect(lambda value: self.advance(ApplicationStatus(value)))
        right.addWidget(self.workflow)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the columns wrap instead
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        outer.addLayout(self._buttons())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self._load()
        self.resize(1100, 720)
        settle_minimum_size(self)

    # ----------------------------------------------------------------------------------------- layout
    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.delete_button = QPushButton(self.tr("删除"), self)
        self.delete_button.clicked.connect(self._delete)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        self.redacted = QCheckBox(self.tr("脱敏件（遮盖身份证号码和电话）"), self)
        row.addWidget(self.redacted)
        self.preview_button = QPushButton(self.tr("打印预览"), self)
        self.preview_button.clicked.connect(self.preview)
        row.addWidget(self.preview_button)
        self.save_button = QPushButton(self.tr("保存") if self.view else self.tr("创建申请"), self)
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        close = QPushButton(self.tr("关闭"), self)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        return row

    # ------------------------------------------------------------------------------------------- load
    def _load(self) -> None:
        services = self.context.services
        view, proposal = self.view, self.proposal
        ventures = services(service.venture_options, entrepreneur_id=self.entrepreneur_id)
        trainings = services(service.training_choices, entrepreneur_id=self.entrepreneur_id)
        self._loading = True
        if view is not None:
            name, status = view.name, view.status
            self.fields.show_view(view, ventures, trainings)
            documents = list(view.documents)
            if self.details is not None:
                self.details.show_details(view.details, masked=view.details_masked)
            source = f"{view.number}　{self.tr('政策依据')}：{view.policy_source}"
        else:
            assert proposal is not None
            name, status = proposal.name, ApplicationStatus.DRAFT
            self.fields.show_proposal(proposal, ventures, trainings)
            documents = [(doc, False) for doc in proposal.documents]
            if self.details is not None:
                self.details.show_details(proposal.details)
            policy_set = proposal.policy_set  # by its name and period, not its internal id and version
            source = f"{self.tr('政策依据')}：{self.item.source}　{policy_set.name}（{policy_set.period}）"
        self.header.setText(f"{name} — {self.item.name}")
        self.source_label.setText(source)
        self.status_chip.set_chip(status.label, STATUS_TONES[status])
        self.checklist.show_documents(
            documents, enabled=status not in (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED)
        )
        if self.loan_box is not None:
            loan = view.loan if view else (proposal.loan if proposal else None)
            running = bool(
                view and view.status is ApplicationStatus.DISBURSED and view.loan and not view.loan.repaid_on
            )
            self.loan_box.show_loan(loan, editable=self.editable, running=running)
        self.workflow.show_application(view)
        self.fields.set_editable(self.editable)
        if self.details is not None:
            self.details.set_editable(self.editable)
        self.delete_button.setVisible(view is not None and view.editable)
        self.preview_button.setEnabled(view is not None)
        self._loading = False
        self._baseline = self._values()
        self._changed()

    @property
    def editable(self) -> bool:
        return self.view is None or self.view.editable

    # ---------------------------------------------------------------------------------------- editing
    def _values(self) -> tuple[object, ...]:
        loan = self.loan_box
        return (
            *self.fields.values(),
            None
            if loan is None
            else (loan.bank.text(), loan.term.value(), loan.rate.text(), loan.share.value()),
            None if loan is None else loan.waived.isChecked(),
            None if self.details is None else self.details.values(),
            tuple(self.checklist.ticked_documents()) if self.view is None else (),
        )

    def problem(self) -> str:
        """What keeps the form from being saved, in words; empty when it can be."""
        problem = self.fields.problem()
        if not problem and self.loan_box is not None:
            problem = self.loan_box.problem()
        if not problem and self.details is not None:
            problem = self.details.problem()
        return problem

    def _changed(self) -> None:
        if getattr(self, "_loading", True):
            return
        problem = self.problem()
        self.fields.show_problem(problem)
        dirty = self._baseline is not None and self._values() != self._baseline
        self.setWindowModified(dirty)
        self.save_button.setEnabled(self.editable and not problem and (dirty or self.view is None))
        self.checklist.show_summary()

    def _ticked(self, document: str, ticked: bool) -> None:
        """A ticked document of a stored application is stored at once; of a new one, with the form."""
        if getattr(self, "_loading", True):
            return
        if self.view is not None:
            try:
                self.context.services(
                    service.set_document, application_id=self.view.id, document=document, ticked=ticked
                )
            except DoorstepError as error:
                dialogs.tell(self, self.tr("无法勾选"), str(error))
            self._reload()
            return
        self._changed()

    # ---------------------------------------------------------------------------------------- storing
    def save(self) -> bool:
        if not self.save_button.isEnabled():
            return self.view is not None and not self.isWindowModified()
        try:
            data = self.fields.to_input()
            if self.details is not None:
                data = replace(data, details=self.details.to_details())
            loan = self.loan_box.values(data.amount_fen) if self.loan_box is not None else None
            if self.view is None:
                application_id = self.context.services(
                    service.create_application,
                    entrepreneur_id=self.entrepreneur_id,
                    item_code=self.item.code,
                    data=data,
                    loan=loan,
                    documents_ticked=self.checklist.ticked_documents(),
                )
            else:
                application_id = self.view.id
                self.context.services(
                    service.update_application,
                    application_id=application_id,
                    data=data,
                    loan=loan,
                    expected_version=self.view.version,
                )
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法保存"), str(error))
            return False
        self.view = self.context.services(service.get_application, application_id=application_id)
        self.proposal = None
        self.save_button.setText(self.tr("保存"))
        self._load()
        self.saved.emit(application_id)
        return True

    def _reload(self) -> None:
        if self.view is not None:
            self.view = self.context.services(service.get_application, application_id=self.view.id)
            self._load()
            self.saved.emit(self.view.id)

    def advance(self, target: ApplicationStatus, note: str | None = None) -> bool:
        """Take the workflow step (saving unsaved edits first); says why if it is refused."""
        if self.view is None:
            return False
        if self.isWindowModified() and not self.save():
            return False
        if target is ApplicationStatus.RETURNED and note is None:
            text, accepted = QInputDialog.getText(
                self, self.tr("退回申请"), self.tr("退回原因（申请人需要补正的内容）：")
            )
            if not accepted:
                return False
            note = text
        try:
            self.context.services(
                service.advance_application,
                application_id=self.view.id,
                to=target,
                on=self.workflow.day,
                note=note or "",
            )
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法办理"), str(error))
            return False
        self._reload()
        return True

    def _extend(self) -> None:
        if self.view is None:
            return
        months, accepted = QInputDialog.getInt(
            self, self.tr("贷款展期"), self.tr("展期月数（合计不超过 12 个月）："), 3, 1, 12
        )
        if accepted:
            self._loan_action(
                lambda: self.context.services(
                    service.extend_loan, application_id=self._id(), months=months, on=self.workflow.day
                )
            )

    def _renew(self) -> None:
        self._loan_action(
            lambda: self.context.services(service.renew_loan, application_id=self._id(), on=self.workflow.day)
        )

    def _repay(self) -> None:
        if dialogs.ask(
            self,
            self.tr("贷款结清"),
            self.tr("按办理日期登记该笔贷款已结清？"),
            self.tr("登记结清"),
            self.tr("取消"),
        ):
            self._loan_action(
                lambda: self.context.services(
                    service.repay_loan, application_id=self._id(), on=self.workflow.day
                )
            )

    def _id(self) -> str:
        assert self.view is not None
        return self.view.id

    def _loan_action(self, action: Callable[[], object]) -> None:
        try:
            action()
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法办理"), str(error))
            return
        self._reload()

    def _delete(self) -> None:
        if self.view is None:
            return
        question = self.tr("删除 {0} 的{1}申请（{2}）？可在回收站恢复").format(
            self.view.name, self.view.item_name, self.view.number
        )
        if not dialogs.ask(
            self, self.tr("删除申请"), question, self.tr("删除"), self.tr("取消"), warning=True
        ):
            return
        try:
            self.context.services(service.delete_application, application_id=self.view.id)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法删除"), str(error))
            return
        self.saved.emit(self.view.id)
        self._baseline = None
        self.setWindowModified(False)
        self.accept()

    def preview(self) -> None:
        if self.view is None:
            return
        if self.isWindowModified() and not self.save():
            return
        view = self.view
        redacted = self.redacted.isChecked()
        services = self.context.services
        name = f"{view.number}_{view.item_name}{'_脱敏' if redacted else ''}.pdf"
        make_and_preview(
            self,
            self.context.preferences,
            self.tr("{0}申请表").format(view.item_name),
            lambda _state, target: services(
                service.print_application,
                application_id=view.id,
                out=target,
                redacted=redacted,
                handler=self.context.preferences.handler_name,
            ),
            suggested_name=name,
        )

    # ---------------------------------------------------------------------------------------- closing
    @override
    def reject(self) -> None:
        """Esc, 关闭 and the window's X: ask 保存 / 不保存 / 取消 first when something is unsaved."""
        if self.isWindowModified() and self.editable:
            choice = dialogs.ask_unsaved(
                self, self.tr("尚未保存"), self.tr("这份申请有未保存的修改。保存后关闭吗？")
            )
            if choice == dialogs.CANCEL or (choice == dialogs.SAVE and not self.save()):
                return
        super().reject()

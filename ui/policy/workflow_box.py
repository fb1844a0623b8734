"""办理流程 of an application: each step with its date and who, the reason it was returned, the date of
the next step (办理日期) and one button per step the workflow allows (提交 / 开始审核 / 批准 / 退回 …)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.applications import ApplicationView
from models.applications import ApplicationStatus
from models.base import china_today
from ui.policy.eligibility import from_qdate, to_qdate


class WorkflowBox(QGroupBox):
    step_requested = Signal(str)  # the status value of the step asked for

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("办理流程"), parent)
        layout = QVBoxLayout(self)
        self.steps = QListWidget(self)
        self.steps.setWordWrap(True)
        self.steps.setMaximumHeight(130)
        layout.addWidget(self.steps)
        self.returned = QLabel(self)
        self.returned.setWordWrap(True)
        self.returned.setStyleSheet("color: #b42318;")
        layout.addWidget(self.returned)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("办理日期"), self))
        self.step_date = QDateEdit(self)
        self.step_date.setCalendarPopup(True)
        self.step_date.setDisplayFormat("yyyy-MM-dd")
        self.step_date.setDate(to_qdate(china_today()))
        row.addWidget(self.step_date)
        row.addStretch(1)
        layout.addLayout(row)
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)

    @property
    def day(self) -> date:
        return from_qdate(self.step_date.date())

    def show_application(self, view: ApplicationView | None) -> None:
        self.steps.clear()
        while self.buttons.count():
            entry = self.buttons.takeAt(0)
            widget = entry.widget() if entry is not None else None
            if widget is not None:
                widget.deleteLater()
        if view is None:
            self.steps.addItem(self.tr("创建后为“草稿”，材料齐全后提交"))
            self.returned.hide()
            return
        for step in view.steps:
            note = f"：{step.note}" if step.note else ""
            self.steps.addItem(
                f"{step.on.isoformat()}　{step.action}（{step.to_status.label}）　{step.by}{note}"
            )
        self.returned.setVisible(view.status is ApplicationStatus.RETURNED and bool(view.returned_reason))
        self.returned.setText(self.tr("退回原因：{0}").format(view.returned_reason))
        for status, action in view.next_steps:
            button = QPushButton(action, self)
            button.setProperty("target", status.value)
            button.clicked.connect(self._clicked)
            if status not in (ApplicationStatus.RETURNED, ApplicationStatus.DRAFT):
                button.setObjectName("primary")
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)

    def button(self, text: str) -> QPushButton | None:
        for index in range(self.buttons.count()):
            entry = self.buttons.itemAt(index)
            widget = entry.widget() if entry is not None else None
            if isinstance(widget, QPushButton) and widget.text() == text:
                return widget
        return None

    def _clicked(self) -> None:
        button = self.sender()
        if button is not None:
            self.step_requested.emit(str(button.property("target")))

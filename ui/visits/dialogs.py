"""Dialogs of the mentor pool and the key project pool: a mentor's profile (5号文 (五)), putting a project
into the pool with its tracking plan and taking it out with an outcome (5号文 (十))."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.visits.mentors import MentorView, create_mentor, list_mentors, update_mentor
from desktop.services.visits.queries import visit_context
from desktop.services.visits.tracking import KeyProjectRow, add_to_pool, change_plan, leave_pool
from models.base import china_today
from models.errors import DoorstepError
from models.visits import CADENCES, InstructorLevel, MentorKind, PoolOutcome
from ui.overrides import override
from ui.visits.picker import PersonPicker
from ui.visits.quick_entry import TopicList
from ui.widgets import dialogs
from ui.widgets.inputs import DateField


class _FormDialog(dialogs.GuardedDialog):
    """A form with an error line and 保存 / 取消; subclasses fill ``form``, implement ``store`` and call
    :meth:`mark_clean` once filled. Esc or 取消 with typing asks 保存 / 不保存 / 取消 first."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.error = QLabel(self)
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton(self.tr("取消"), self)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self.ok = QPushButton(self.tr("保存"), self)
        self.ok.setObjectName("primary")
        self.ok.setAutoDefault(False)
        self.ok.clicked.connect(self._store)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _store(self) -> None:
        try:
            self.store()
        except DoorstepError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.accept()

    def store(self) -> None:
        raise NotImplementedError

    @override
    def save_input(self) -> None:
        self._store()


def _mentor_combo(context: AppContext, parent: QWidget, current: str | None) -> QComboBox:
    combo = QComboBox(parent)
    combo.addItem(parent.tr("（不指定）"), "")
    for mentor in context.services(list_mentors, active_only=True):
        combo.addItem(mentor.display, mentor.id)
    combo.setCurrentIndex(max(combo.findData(current or ""), 0))
    return combo


def _cadence_combo(parent: QWidget, days: int = 30, months: int = 0) -> QComboBox:
    combo = QComboBox(parent)
    for label, d, m in CADENCES:
        combo.addItem(label, (d, m))
    index = next((i for i, (_, d, m) in enumerate(CADENCES) if (d, m) == (days, months)), 2)
    combo.setCurrentIndex(index)
    return combo


class MentorDialog(_FormDialog):
    """新增 or 修改 a mentor of the pool."""

    def __init__(self, context: AppContext, mentor: MentorView | None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("修改导师资料") if mentor else self.tr("新增导师"), parent)
        self.context = context
        self.mentor = mentor
        self.name = QLineEdit(self)
        self.kind = QComboBox(self)
        for kind in MentorKind:
            self.kind.addItem(kind.label, kind.value)
        self.level = QComboBox(self)
        self.level.addItem(self.tr("（非创业指导师）"), "")
        for level in InstructorLevel:
            self.level.addItem(level.label, level.value)
        self.phone = QLineEdit(self)
        self.organisation = QLineEdit(self)
        self.expertise = TopicList(self)
        self.regions = QLineEdit(self)
        self.regions.setPlaceholderText(self.tr("6 位行政区划代码，多个用逗号分隔"))
        self.active = QCheckBox(self.tr("在库（可分配、可走访）"), self)
        self.active.setChecked(True)
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.form.addRow(self.tr("姓名 *"), self.name)
        self.form.addRow(self.tr("导师类别 *"), self.kind)
        self.form.addRow(self.tr("指导师等级"), self.level)
        self.form.addRow(self.tr("联系电话"), self.phone)
        self.form.addRow(self.tr("工作单位"), self.organisation)
        self.form.addRow(self.tr("擅长领域"), self.expertise)
        self.form.addRow(self.tr("服务区域"), self.regions)
        self.form.addRow("", self.active)
        self.form.addRow(self.tr("备注"), self.notes)
        if mentor is not None:
            self.name.setText(mentor.name)
            self.kind.setCurrentIndex(max(self.kind.findData(mentor.kind.value), 0))
            level_code = mentor.instructor_level.value if mentor.instructor_level else ""
            self.level.setCurrentIndex(max(self.level.findData(level_code), 0))
            self.phone.setText(mentor.phone)
            self.organisation.setText(mentor.organisation)
            self.expertise.set_value(frozenset(mentor.expertise))
            self.regions.setText(",".join(mentor.service_regions))
            self.active.setChecked(mentor.active)
            self.notes.setPlainText(mentor.notes)
        dialogs.settle_minimum_size(self, 520, 460)
        self.mark_clean()
        self.setFocusProxy(self.name)  # the dialog starts in 姓名
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def values(self) -> dict[str, object]:
        return {
            "name": self.name.text(),
            "kind": str(self.kind.currentData()),
            "instructor_level": str(self.level.currentData() or ""),
            "phone": self.phone.text(),
            "organisation": self.organisation.text(),
            "expertise": self.expertise.value(),
            "service_regions": self.regions.text(),
            "active": self.active.isChecked(),
            "user_name": self.mentor.user_name if self.mentor else "",
            "notes": self.notes.toPlainText(),
        }

    def store(self) -> None:
        services = self.context.services
        if self.mentor is None:
            services(create_mentor, mentor=self.values())
        else:
            services(update_mentor, mentor_id=self.mentor.id, mentor=self.values())


class PoolEntryDialog(_FormDialog):
    """入库: a venture, why, since when, for how long, how often to visit, and who keeps in touch."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, entrepreneur_id: str | None = None
    ) -> None:
        super().__init__(self.tr("进入重点孵化项目库"), parent)
        self.context = context
        self.picker = PersonPicker(context.services, self)
        self.picker.chosen.connect(self._person_chosen)
        self.venture = QComboBox(self)
        self.reason = QPlainTextEdit(self)
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("如：成长性好、带动就业能力强（5号文 (十)）"))
        self.reason.setFixedHeight(60)
        self.entered = DateField(self)
        self.entered.set_date(china_today())
        self.period = QSpinBox(self)
        self.period.setRange(1, 36)
        self.period.setValue(12)
        self.period.setSuffix(self.tr(" 个月"))
        self.cadence = _cadence_combo(self)
        self.mentor = _mentor_combo(context, self, None)
        self.form.addRow(self.tr("创业者 *"), self.picker)
        self.form.addRow(self.tr("创业项目 *"), self.venture)
        self.form.addRow(self.tr("入库理由 *"), self.reason)
        self.form.addRow(self.tr("入库日期"), self.entered)
        self.form.addRow(self.tr("陪跑期"), self.period)
        self.form.addRow(self.tr("走访频次"), self.cadence)
        self.form.addRow(self.tr("联系导师"), self.mentor)
        if entrepreneur_id:
            info = context.services(visit_context, entrepreneur_id=entrepreneur_id)
            self.picker.set_person(entrepreneur_id, f"{info.name}（{info.case_number}）")
        dialogs.settle_minimum_size(self, 560, 400)
        self.mark_clean()

    def _person_chosen(self, entrepreneur_id: str) -> None:
        self.venture.clear()
        if not entrepreneur_id:
            return
        info = self.context.services(visit_context, entrepreneur_id=entrepreneur_id)
        for venture in info.ventures:
            if venture.key_project_id is None and venture.stage.value != "closed":
                self.venture.addItem(f"{venture.name} · {venture.stage.label}", venture.id)
        if info.mentor_ids:
            self.mentor.setCurrentIndex(max(self.mentor.findData(info.mentor_ids[0]), 0))

    def store(self) -> None:
        days, months = self.cadence.currentData()
        self.context.services(
            add_to_pool,
            project={
                "venture_id": self.venture.currentData() or "",
                "reason": self.reason.toPlainText(),
                "entered_on": self.entered.text(),
                "period_months": self.period.value(),
                "cadence_days": days,
                "cadence_months": months,
                "mentor_id": self.mentor.currentData() or "",
            },
        )


class PlanDialog(_FormDialog):
    """调整陪跑计划: period, cadence, mentor."""

    def __init__(self, context: AppContext, project: KeyProjectRow, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("调整陪跑计划 — {name}").format(name=project.venture_name), parent)
        self.context = context
        self.project = project
        self.period = QSpinBox(self)
        self.period.setRange(1, 36)
        self.period.setValue(project.period_months)
        self.period.setSuffix(self.tr(" 个月"))
        self.cadence = _cadence_combo(self, project.cadence_days, project.cadence_months)
        self.mentor = _mentor_combo(context, self, project.mentor_id)
        self.form.addRow(self.tr("陪跑期"), self.period)
        self.form.addRow(self.tr("走访频次"), self.cadence)
        self.form.addRow(self.tr("联系导师"), self.mentor)
        dialogs.settle_minimum_size(self, 420, 200)
        self.mark_clean()

    def store(self) -> None:
        days, months = self.cadence.currentData()
        self.context.services(
            change_plan,
            project_id=self.project.id,
            period_months=self.period.value(),
            cadence_days=days,
            cadence_months=months,
            mentor_id=str(self.mentor.currentData() or "") or None,
        )


class LeaveDialog(_FormDialog):
    """出库: how the project left the pool, in a word and a sentence."""

    def __init__(self, context: AppContext, project: KeyProjectRow, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("出库 — {name}").format(name=project.venture_name), parent)
        self.context = context
        self.project = project
        self.outcome = QComboBox(self)
        for outcome in PoolOutcome:
            self.outcome.addItem(outcome.label, outcome.value)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(60)
        self.day = DateField(self)
        self.day.set_date(china_today())
        self.form.addRow(self.tr("出库结果 *"), self.outcome)
        self.form.addRow(self.tr("说明"), self.note)
        self.form.addRow(self.tr("出库日期"), self.day)
        self.ok.setText(self.tr("出库"))
        dialogs.settle_minimum_size(self, 460, 240)
        self.mark_clean()

    def store(self) -> None:
        from models.validators import parse_date

        day: date = parse_date(self.day.text(), field="出库日期")
        self.context.services(
            leave_pool,
            project_id=self.project.id,
            outcome=str(self.outcome.currentData()),
            note=self.note.toPlainText(),
            on=day,
        )

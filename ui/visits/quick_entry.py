"""记走访: the quick-entry dialog (Ctrl+Shift+V from anywhere, or from a file) — "logging a visit is the
fastest thing in the product" (UI.md).

Typed with the keyboard alone: a person by search (``zs`` Enter), the remembered mentor and mode, today's
date and a proposed next visit are already filled in, so the worker writes the problems and the advice
and presses Ctrl+S. Everything else — topics, agreed actions, changes to the file — is optional.
Policy: 推进行动 计划3 (定期走访、上门服务), 5号文 (五) (预约、集中服务), 5号文 (十) (跟踪陪跑).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.visits.mentors import list_mentors
from desktop.services.visits.queries import proposed_next_visit, visit_context
from desktop.services.visits.records import record_visit
from desktop.services.visits.templates import list_templates, save_template
from models.base import china_today
from models.errors import DoorstepError, ValidationError
from models.validators import parse_date
from models.visits import Topic, VisitMode, validate_visit
from ui.overrides import override
from ui.style import icon
from ui.visits.outcome import OutcomeBox
from ui.visits.picker import PersonPicker
from ui.widgets import dialogs
from ui.widgets.inputs import DateField

DEFAULT_DURATION = 30
DEFAULT_ACTION_DAYS = 7


class TopicList(QListWidget):
    """Topics as checkable items flowing in rows: one Tab stop, arrows to move, Space to tick."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSpacing(2)
        for topic in Topic:
            item = QListWidgetItem(topic.label, self)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, topic.value)
        self.setFixedHeight(64)

    def value(self) -> frozenset[Topic]:
        return frozenset(
            Topic(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_value(self, topics: frozenset[Topic]) -> None:
        for i in range(self.count()):
            item = self.item(i)
            checked = Topic(item.data(Qt.ItemDataRole.UserRole)) in topics
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


class QuickVisitDialog(dialogs.GuardedDialog):
    """Esc with typing asks 保存 / 不保存 / 取消; a draft is kept as the worker types (issue 12)."""

    visit_recorded = Signal(str, str)  # visit id, entrepreneur id

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        entrepreneur_id: str | None = None,
        venture_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("记走访"))
        self._next_edited = False
        self._venture_wanted = venture_id
        self.templates = context.services(list_templates)

        self.template = QComboBox(self)
        self.template.addItem(self.tr("（不用模板）"), -1)
        for index, template in enumerate(self.templates):
            self.template.addItem(template.name, index)
        self.template.activated.connect(self._apply_template)
        self.picker = PersonPicker(context.services, self)
        self.picker.chosen.connect(self._person_chosen)
        self.venture = QComboBox(self)
        self.venture.currentIndexChanged.connect(self._venture_changed)
        self.mentor = QComboBox(self)
        self.visit_date = DateField(self)
        self.visit_date.set_date(china_today())
        self.visit_date.editing_finished.connect(self._propose_next)
        self.mode = QComboBox(self)
        for mode in VisitMode:
            self.mode.addItem(mode.label, mode.value)
        remembered = self.mode.findData(context.preferences.last_visit_mode)
        self.mode.setCurrentIndex(max(remembered, 0))
        self.duration = QSpinBox(self)
        self.duration.setRange(0, 720)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(self.tr(" 分钟"))
        self.duration.setValue(DEFAULT_DURATION)
        self.topics = TopicList(self)

        left = QFormLayout()
        left.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        left.addRow(self.tr("创业者 *"), self.picker)
        left.addRow(self.tr("创业项目"), self.venture)
        left.addRow(self.tr("导师"), self.mentor)
        left.addRow(self.tr("走访日期 *"), self.visit_date)
        left.addRow(self.tr("走访方式 *"), self.mode)
        left.addRow(self.tr("时长"), self.duration)
        left.addRow(self.tr("走访内容"), self.topics)
        left.addRow(self.tr("模板"), self.template)
        self.outcome = OutcomeBox(self)
        left_box = QVBoxLayout()
        left_box.addLayout(left)
        left_box.addWidget(self.outcome)
        left_box.addStretch(1)

        self.problems = self._text_box(self.tr("发现了什么问题、有什么困难和需求"))
        self.advice = self._text_box(self.tr("给出的指导和建议"))
        self.action_text = QLineEdit(self)
        self.action_text.setPlaceholderText(self.tr("约定的跟进事项，回车添加"))
        self.action_text.returnPressed.connect(self._add_action)
        self.action_due = DateField(self)
        self.action_due.set_date(china_today() + timedelta(days=DEFAULT_ACTION_DAYS))
        self.action_due.setMaximumWidth(150)
        add_action = QPushButton(self.tr("添加"), self)
        add_action.setAutoDefault(False)
        add_action.clicked.connect(self._add_action)
        self.action_list = QListWidget(self)
        self.action_list.setFixedHeight(70)
        self.action_list.setToolTip(self.tr("选中后按 Delete 删除"))
        QShortcut(QKeySequence.StandardKey.Delete, self.action_list, self._remove_action)
        action_row = QHBoxLayout()
        action_row.addWidget(self.action_text, 1)
        action_row.addWidget(self.action_due)
        action_row.addWidget(add_action)
        self.next_date = DateField(self)
        self.next_date.edited.connect(self._next_typed)
        self.next_hint = QLabel(self)
        self.next_hint.setObjectName("muted")
        next_row = QHBoxLayout()
        next_row.addWidget(self.next_date)
        next_row.addWidget(self.next_hint, 1)

        right = QFormLayout()
        right.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        right.addRow(self.tr("发现的问题"), self.problems)
        right.addRow(self.tr("指导建议"), self.advice)
        right.addRow(self.tr("跟进事项"), action_row)
        right.addRow("", self.action_list)
        right.addRow(self.tr("下次走访"), next_row)

        columns = QHBoxLayout()
        columns.addLayout(left_box, 5)
        columns.addLayout(right, 6)
        self.error = QLabel(self)
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QHBoxLayout()
        save_as = QPushButton(icon("mdi6.content-save-cog-outline"), self.tr("存为模板…"), self)
        save_as.setAutoDefault(False)
        save_as.clicked.connect(self.save_as_template)
        buttons.addWidget(save_as)
        buttons.addStretch(1)
        cancel = QPushButton(self.tr("取消"), self)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        self.save_button = QPushButton(
            icon("mdi6.check", color="#ffffff"), self.tr("保存走访（Ctrl+S）"), self
        )
        self.save_button.setObjectName("primary")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save)
        self._order_tabs()
        dialogs.settle_minimum_size(self, 980, 600)
        self._load_mentors([])
        if entrepreneur_id:
            try:
                context_info = context.services(visit_context, entrepreneur_id=entrepreneur_id)
            except DoorstepError as error:
                self.show_error(str(error))
            else:
                self.picker.set_person(entrepreneur_id, f"{context_info.name}（{context_info.case_number}）")
        else:
            self._propose_next()
        self.mark_clean()
        self.drafts = dialogs.DraftKeeper(
            self,
            context.services,
            kind="visit",
            key=entrepreneur_id or "",
            title=self._draft_title,
            read=self.draft_values,
        )
        dialogs.on_any_edit(self, self.drafts.edited)
        self._offered = False

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._offered:  # once the dialog is on screen, offer what was left half-typed
            self._offered = True
            QTimer.singleShot(0, lambda: self.drafts.offer(self.apply_draft))

    # ---------------------------------------------------------------------------------------- drafts
    def _draft_title(self) -> str:
        name = self.picker.chosen_text if self.picker.entrepreneur_id else ""
        return self.tr("{name} 的走访记录").format(name=name) if name else self.tr("走访记录")

    def draft_values(self) -> dict[str, Any]:
        """The typed input as JSON values (a draft)."""
        values = self.raw_values()
        values["topics"] = sorted(topic.value for topic in self.topics.value())
        values["person_label"] = self.picker.chosen_text if self.picker.entrepreneur_id else ""
        values["person_text"] = self.picker.line_edit.text()
        values["actions"] = [list(action) for action in self._action_values()]
        values.pop("outcome", None)  # the outcome box follows the venture; not kept in a draft
        return values

    def apply_draft(self, values: Mapping[str, Any]) -> None:
        person = str(values.get("entrepreneur_id") or "")
        if person and person != self.picker.entrepreneur_id:
            self.picker.set_person(person, str(values.get("person_label") or ""))
        elif not person:
            self.picker.line_edit.setText(str(values.get("person_text") or ""))
        self.venture.setCurrentIndex(max(self.venture.findData(values.get("venture_id") or ""), 0))
        self.mentor.setCurrentIndex(max(self.mentor.findData(values.get("mentor_id") or ""), 0))
        self.visit_date.line_edit.setText(str(values.get("visit_date") or ""))
        self.mode.setCurrentIndex(max(self.mode.findData(values.get("mode")), 0))
        duration = values.get("duration_minutes")
        self.duration.setValue(duration if isinstance(duration, int) else DEFAULT_DURATION)
        topics = values.get("topics") or []
        self.topics.set_value(frozenset(Topic(t) for t in topics if t in {k.value for k in Topic}))
        self.problems.setPlainText(str(values.get("problems") or ""))
        self.advice.setPlainText(str(values.get("advice") or ""))
        self.next_date.line_edit.setText(str(values.get("next_visit_date") or ""))
        self._next_edited = True
        self.action_list.clear()
        for text, due in values.get("actions") or []:
            item = QListWidgetItem(f"{text} — {due} 前", self.action_list)
            item.setData(Qt.ItemDataRole.UserRole, (str(text), str(due)))
        self.problems.setFocus(Qt.FocusReason.OtherFocusReason)

    @override
    def unsaved_question(self) -> str:
        return self.tr("这次走访还没有保存。保存走访吗？")

    @override
    def save_input(self) -> None:
        self.save()

    @override
    def discard_input(self) -> None:
        self.drafts.discard()

    def _text_box(self, placeholder: str) -> QPlainTextEdit:
        box = QPlainTextEdit(self)
        box.setPlaceholderText(placeholder)
        box.setTabChangesFocus(True)
        box.setMinimumHeight(90)
        return box

    def _order_tabs(self) -> None:
        chain: list[QWidget] = [
            self.picker.line_edit,
            self.problems,
            self.advice,
            self.action_text,
            self.action_due.line_edit,
            self.next_date.line_edit,
            self.venture,
            self.mentor,
            self.visit_date.line_edit,
            self.mode,
            self.duration,
            self.topics,
            self.template,
            self.outcome,
            self.save_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------------------------- the person
    def _person_chosen(self, entrepreneur_id: str) -> None:
        self.venture.clear()
        self.venture.addItem(self.tr("（不指定项目）"), "")
        if not entrepreneur_id:
            self.outcome.set_ventures(())
            self._load_mentors([])
            return
        try:
            info = self.context.services(visit_context, entrepreneur_id=entrepreneur_id)
        except DoorstepError as error:
            self.show_error(str(error))
            return
        for venture in info.ventures:
            tracked = self.tr("（陪跑中）") if venture.key_project_id else ""
            self.venture.addItem(f"{venture.name} · {venture.stage.label}{tracked}", venture.id)
        wanted = self._venture_wanted or next((v.id for v in info.ventures if v.key_project_id), None)
        if wanted is None and len(info.ventures) == 1:
            wanted = info.ventures[0].id
        self.venture.setCurrentIndex(max(self.venture.findData(wanted or ""), 0))
        self.outcome.set_ventures(info.ventures)
        self._load_mentors(list(info.mentor_ids))
        self._propose_next()
        self.problems.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load_mentors(self, assigned: list[str]) -> None:
        mentors = self.context.services(list_mentors, active_only=True)
        mentors.sort(key=lambda m: (m.id not in assigned, assigned.index(m.id) if m.id in assigned else 0))
        self.mentor.clear()
        self.mentor.addItem(self.tr("（无，服务站工作人员）"), "")
        for mentor in mentors:
            mark = self.tr("（已分配）") if mentor.id in assigned else ""
            self.mentor.addItem(f"{mentor.display}{mark}", mentor.id)
        remembered = self.context.preferences.last_mentor_id
        if assigned and remembered not in assigned:
            remembered = assigned[0]
        self.mentor.setCurrentIndex(max(self.mentor.findData(remembered), 0))

    def _venture_changed(self, _index: int) -> None:
        self.outcome.select_venture(str(self.venture.currentData() or ""))
        self._propose_next()

    # ---------------------------------------------------------------------------------- next visit
    def _next_typed(self) -> None:
        self._next_edited = True

    def _visit_day(self) -> date | None:
        try:
            return parse_date(self.visit_date.text(), field="走访日期")
        except ValidationError:
            return None

    def _propose_next(self) -> None:
        """From the tracking cadence for a project in the pool, else 30 days later — until typed over."""
        day = self._visit_day()
        if day is None or self._next_edited:
            return
        if self.picker.entrepreneur_id:
            due, why = self.context.services(
                proposed_next_visit,
                entrepreneur_id=self.picker.entrepreneur_id,
                venture_id=str(self.venture.currentData() or "") or None,
                visit_date=day,
            )
        else:
            due, why = day + timedelta(days=30), self.tr("默认 30 天后回访")
        self.next_date.set_date(due)
        self.next_hint.setText(why)

    # -------------------------------------------------------------------------------------- actions
    def _add_action(self) -> None:
        text = self.action_text.text().strip()
        if not text:
            return
        try:
            due = parse_date(self.action_due.text(), field=f"跟进事项“{text}”的完成期限")
        except ValidationError as error:
            self.show_error(str(error))
            return
        item = QListWidgetItem(f"{text} — {due.isoformat()} 前", self.action_list)
        item.setData(Qt.ItemDataRole.UserRole, (text, due.isoformat()))
        self.action_text.clear()
        self.error.hide()

    def _remove_action(self) -> None:
        row = self.action_list.currentRow()
        if row >= 0:
            self.action_list.takeItem(row)

    def _action_values(self) -> list[tuple[str, str]]:
        values = [
            tuple(self.action_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.action_list.count())
        ]
        pending = self.action_text.text().strip()
        if pending:  # typed but not yet added: keep it rather than lose it
            values.append((pending, self.action_due.text()))
        return [(str(text), str(due)) for text, due in values]

    # ------------------------------------------------------------------------------------ templates
    def _apply_template(self, _index: int) -> None:
        position = int(self.template.currentData())
        if position < 0:
            return
        template = self.templates[position]
        self.mode.setCurrentIndex(max(self.mode.findData(template.mode.value), 0))
        self.duration.setValue(template.duration_minutes)
        self.topics.set_value(template.topics)
        if template.problems and not self.problems.toPlainText().strip():
            self.problems.setPlainText(template.problems)
        if template.advice and not self.advice.toPlainText().strip():
            self.advice.setPlainText(template.advice)
        day = self._visit_day() or china_today()
        for text, days in template.actions:
            due = day + timedelta(days=days)
            item = QListWidgetItem(f"{text} — {due.isoformat()} 前", self.action_list)
            item.setData(Qt.ItemDataRole.UserRole, (text, due.isoformat()))

    def save_as_template(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("存为模板"), self.tr("模板名称，例如“电话回访”："))
        if not ok:
            return
        day = self._visit_day() or china_today()
        actions = []
        for text, due in self._action_values():
            try:
                actions.append([text, max((parse_date(due, field="完成期限") - day).days, 0)])
            except ValidationError:
                continue
        try:
            self.context.services(
                save_template,
                template={
                    "name": name,
                    "mode": str(self.mode.currentData()),
                    "duration_minutes": self.duration.value(),
                    "topics": self.topics.value(),
                    "problems": self.problems.toPlainText(),
                    "advice": self.advice.toPlainText(),
                    "actions": actions,
                },
            )
        except DoorstepError as error:
            self.show_error(str(error))
            return
        self.templates = self.context.services(list_templates)
        self.template.addItem(self.templates[-1].name, len(self.templates) - 1)

    # ------------------------------------------------------------------------------------------ save
    def raw_values(self) -> dict[str, object]:
        return {
            "entrepreneur_id": self.picker.entrepreneur_id,
            "venture_id": self.venture.currentData() or "",
            "mentor_id": self.mentor.currentData() or "",
            "visit_date": self.visit_date.text(),
            "mode": str(self.mode.currentData()),
            "duration_minutes": self.duration.value(),
            "topics": self.topics.value(),
            "problems": self.problems.toPlainText(),
            "advice": self.advice.toPlainText(),
            "next_visit_date": self.next_date.text(),
            "actions": self._action_values(),
            "outcome": self.outcome.raw_values(),
        }

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def save(self) -> None:
        try:
            data = validate_visit(self.raw_values())
            visit_id = self.context.services(record_visit, visit=data)
        except DoorstepError as error:
            self.show_error(str(error))
            self._focus_field(getattr(error, "field", ""))
            return
        preferences = self.context.preferences
        preferences.last_mentor_id = str(self.mentor.currentData() or "") or preferences.last_mentor_id
        preferences.last_visit_mode = data.mode.value
        with contextlib.suppress(OSError):  # a read-only profile must not lose the visit just stored
            preferences.save()
        self.recorded_id = visit_id
        self.drafts.discard()
        self.visit_recorded.emit(visit_id, data.entrepreneur_id)
        self.accept()

    def _focus_field(self, field: str) -> None:
        widgets: dict[str, QWidget] = {
            "创业者": self.picker,
            "走访日期": self.visit_date,
            "走访方式": self.mode,
            "指导建议": self.advice,
            "发现的问题": self.problems,
            "下次走访日期": self.next_date,
            "完成期限": self.action_due,
            "跟进事项": self.action_text,
        }
        target = widgets.get(field)
        if target is None and field:
            target = self.outcome
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)


def open_quick_visit(
    context: AppContext,
    parent: QWidget,
    *,
    entrepreneur_id: str | None = None,
    venture_id: str | None = None,
) -> QuickVisitDialog:
    """Open the dialog over ``parent`` (window-modal) and return it; it deletes itself when closed."""
    dialog = QuickVisitDialog(context, parent, entrepreneur_id=entrepreneur_id, venture_id=venture_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    screen = parent.screen().availableGeometry()
    dialog.resize(min(1080, screen.width() - 40), min(660, screen.height() - 60))
    dialog.show()
    return dialog

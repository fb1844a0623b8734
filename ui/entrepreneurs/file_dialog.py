"""An entrepreneur's file (档案): header, then 基本信息, 创业项目, the other areas' tabs, 变更记录.

保存 is enabled only when something changed and everything is valid; Ctrl+S saves, Esc closes (asking
first if there are unsaved changes), Ctrl+Z undoes the last saved change to the file. The file shows the
ID number and phone whole; each such view is written to the access log by the service.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services import entrepreneurs as service
from models.entrepreneur import PERSON_LABELS, InvalidRecord, PersonData, validate_person
from models.enums import KeyGroup
from models.errors import Conflict, DoorstepError
from models.validators import IdNumber
from ui.entrepreneurs.file_header import FileHeader, StatusLine
from ui.entrepreneurs.file_tabs import FILE_TABS
from ui.entrepreneurs.history_tab import HistoryTab
from ui.entrepreneurs.person_form import PersonForm
from ui.entrepreneurs.ventures_tab import RawVenture, VenturesTab
from ui.overrides import override
from ui.style import icon
from ui.widgets import dialogs

_KEY_OF_LABEL = {label: key for key, label in PERSON_LABELS.items()}


class FileDialog(dialogs.GuardedDialog):
    file_changed = Signal(str)
    """Something was stored for this file (saved, undone, restored); carries its id."""
    open_requested = Signal(str)
    """Another file should be opened instead of this one (the ID number is already on file)."""
    message = Signal(str)

    def __init__(
        self, context: AppContext, entrepreneur_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.entrepreneur_id = entrepreneur_id
        self.file: service.EntrepreneurFile | None = None
        self._asked_about: str | None = None
        self._offered = False
        self.setWindowTitle(self.tr("新建创业者档案") + "[*]")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.header = FileHeader(self)
        layout.addWidget(self.header)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(False)
        self.form = PersonForm()
        self.form.setObjectName("surface")
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.viewport().setObjectName("surface")
        scroll.setWidget(self.form)
        self.tabs.addTab(scroll, self.tr("基本信息"))
        self.ventures = VenturesTab(self)
        self.tabs.addTab(self.ventures, self.tr("创业项目"))
        self.history: HistoryTab | None = None
        self.extra_tabs: list[QWidget] = []
        tabs_box = QVBoxLayout()
        tabs_box.setContentsMargins(12, 8, 12, 0)
        tabs_box.addWidget(self.tabs)
        layout.addLayout(tabs_box, 1)

        bar = QHBoxLayout()
        bar.setContentsMargins(12, 8, 12, 12)
        self.status = StatusLine(self)
        bar.addWidget(self.status, 1)
        self.undo_button = QPushButton(icon("mdi6.undo-variant"), self.tr("撤销上次修改"), self)
        self.undo_button.setToolTip(self.tr("撤销最近一次保存到档案的修改（Ctrl+Z）"))
        self.undo_button.clicked.connect(self.undo)
        bar.addWidget(self.undo_button)
        self.restore_button = QPushButton(icon("mdi6.restore"), self.tr("从回收站恢复"), self)
        self.restore_button.clicked.connect(self.restore)
        bar.addWidget(self.restore_button)
        self.close_button = QPushButton(self.tr("关闭"), self)
        self.close_button.setToolTip(self.tr("Esc"))
        self.close_button.clicked.connect(self.reject)
        bar.addWidget(self.close_button)
        self.save_button = QPushButton(
            icon("mdi6.content-save-outline", color="#ffffff"), self.tr("保存"), self
        )
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip(self.tr("保存（Ctrl+S）"))
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)
        for button in (self.undo_button, self.restore_button, self.close_button):
            button.setAutoDefault(False)

        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)
        for editor in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
            editor.installEventFilter(self)

        self.form.changed.connect(self._update)
        self.form.checked.connect(self._field_checked)
        self.ventures.changed.connect(self._update)
        if entrepreneur_id is None:
            self.form.set_values({})
            self.ventures.set_ventures(())
            self.header.show_new()
        else:
            self.load()
        self._update()
        self.drafts = dialogs.DraftKeeper(
            self,
            context.services,
            kind="file",
            key=entrepreneur_id or "",
            title=self._draft_title,
            read=self.draft_values,
        )
        self.form.changed.connect(self.drafts.edited)

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._offered:
            return
        self._offered = True
        if self.entrepreneur_id is None:  # a new file starts in 姓名
            self.form.name.line_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.read_only:  # then what was left half-typed last time is offered back
            QTimer.singleShot(0, lambda: self.drafts.offer(self.apply_draft))

    # ------------------------------------------------------------------------------------------ state
    @property
    def dirty(self) -> bool:
        return self.form.dirty or self.ventures.dirty

    @override
    def has_unsaved_input(self) -> bool:
        return self.dirty and not self.read_only

    @override
    def unsaved_question(self) -> str:
        name = self.person_name or self.tr("新")
        return self.tr("对 {name} 档案的修改还没有保存。保存后关闭吗？").format(name=name)

    @override
    def save_input(self) -> None:
        self.save()
        if not self.dirty:
            self.accept()

    @override
    def discard_input(self) -> None:
        self.drafts.discard()

    def _draft_title(self) -> str:
        name = self.person_name
        return self.tr("{name} 的档案").format(name=name) if name else self.tr("新建档案")

    def draft_values(self) -> dict[str, Any]:
        """The person's fields as typed, as JSON values (the ventures are kept only when saved)."""
        values = self.form.raw_values()
        groups = values.get("key_groups")
        values["key_groups"] = sorted(g.value for g in groups) if isinstance(groups, frozenset) else []
        return {
            key: value if value is None or isinstance(value, str | int) else str(value)
            for key, value in values.items()
        }

    def apply_draft(self, values: Mapping[str, Any]) -> None:
        restored = dict(values)
        codes = restored.get("key_groups") or []
        restored["key_groups"] = frozenset(KeyGroup(c) for c in codes if c in {g.value for g in KeyGroup})
        self.form.apply_values(restored)
        self.tabs.setCurrentIndex(0)
        self._update()

    @property
    def read_only(self) -> bool:
        return self.file is not None and self.file.deleted

    @property
    def person_name(self) -> str:
        return str(self.form.name.value()) or (self.file.name if self.file else "")

    def problems(self) -> dict[str, str]:
        """Every field's problem, and the rules between fields (graduation before birth)."""
        problems = self.form.problems()
        if not problems:
            try:
                validate_person(self.form.raw_values())
            except InvalidRecord as error:
                for item in error.errors:
                    problems[_KEY_OF_LABEL.get(item.field, "name")] = item.message
        return problems

    def _update(self) -> None:
        problems = self.problems()
        dirty = self.dirty
        self.save_button.setEnabled(dirty and not problems and not self.read_only)
        self.save_button.setVisible(not self.read_only)
        self.undo_button.setVisible(self.entrepreneur_id is not None and not self.read_only)
        self.restore_button.setVisible(self.read_only)
        self.close_button.setText(self.tr("取消") if dirty else self.tr("关闭"))
        self.setWindowModified(dirty)
        if dirty and problems:
            labels = "、".join(PERSON_LABELS[key] for key in problems)
            self.status.show_problem(
                self.tr("还有 {count} 处需要修改：{labels}").format(count=len(problems), labels=labels)
            )
        elif self.status.is_problem:
            self.status.clear_message()

    def load(self) -> None:
        """Read the file again from the database (after opening, saving, undoing)."""
        assert self.entrepreneur_id is not None
        self.file = self.context.services(service.get_file, entrepreneur_id=self.entrepreneur_id, reveal=True)
        self.entrepreneur_id = self.file.id  # a file HQ merged away opens as its survivor (get_file leads on)
        self.form.set_values(self.file.form_values())
        self.ventures.set_ventures(self.file.ventures)
        self.form.set_read_only(self.read_only)
        self.ventures.set_read_only(self.read_only)
        self.header.show_file(self.file)
        self.setWindowTitle(self.tr("{name} 的档案").format(name=self.file.name) + "[*]")
        self._ensure_tabs()
        if self.history is not None:
            self.history.set_changes(
                self.context.services(service.file_history, entrepreneur_id=self.entrepreneur_id)
            )
        for tab in self.extra_tabs:
            refresh = getattr(tab, "refresh", None)
            if callable(refresh):
                refresh()
        self._asked_about = self.file.id_number
        self._update()

    def _ensure_tabs(self) -> None:
        """The other areas' tabs and 变更记录 need a stored file; add them once there is one."""
        if self.history is not None or self.entrepreneur_id is None:
            return
        for factory in FILE_TABS:
            title, widget = factory(self.context, self.entrepreneur_id, self.tabs)
            self.tabs.addTab(widget, title)
            self.extra_tabs.append(widget)
        self.history = HistoryTab(self)
        self.tabs.addTab(self.history, self.tr("变更记录"))

    # ------------------------------------------------------------------------------------- the fields
    def _field_checked(self, key: str, parsed: object) -> None:
        if key in ("id_number", "graduation_date"):
            cross = {k: v for k, v in self.problems().items() if k == "graduation_date"}
            if cross:
                self.form.graduation.show_error(cross["graduation_date"])
        if key == "id_number" and isinstance(parsed, IdNumber):
            self._offer_existing_file(parsed.number)

    def _offer_existing_file(self, number: str) -> None:
        """Typing an ID number already on file offers that file instead of a second one."""
        if number == self._asked_about:
            return
        self._asked_about = number
        match = self.context.services(service.find_by_id_number, id_number=number)
        if match is None or match.id == self.entrepreneur_id:
            return
        text = service.duplicate_message(match, number)
        if match.deleted:
            wanted = dialogs.ask(
                self,
                self.tr("已有档案"),
                text + self.tr("\n\n恢复这份档案并打开它吗？"),
                self.tr("恢复并打开"),
                self.tr("继续录入"),
            )
        else:
            wanted = dialogs.ask(
                self,
                self.tr("已有档案"),
                text + self.tr("\n\n打开这份档案吗？"),
                self.tr("打开已有档案"),
                self.tr("继续录入"),
            )
        if wanted:
            self._switch_to(match.id, restore=match.deleted)

    def _switch_to(self, other_id: str, *, restore: bool) -> None:
        if restore:
            try:
                self.context.services(service.restore_entrepreneur, entrepreneur_id=other_id)
            except DoorstepError as error:
                dialogs.tell(self, self.tr("无法恢复"), str(error))
                return
            self.file_changed.emit(other_id)
        self.leaving_without_asking = True
        self.drafts.discard()
        self.reject()
        self.open_requested.emit(other_id)

    # ----------------------------------------------------------------------------------------- saving
    def save(self) -> None:
        if self.read_only:
            return
        if not self.dirty:
            self.status.show_message(self.tr("没有需要保存的修改"))
            return
        problems = self.problems()
        if problems:
            self.form.show_problems(problems)
            self.tabs.setCurrentIndex(0)
            return
        person = validate_person(self.form.raw_values())
        ventures = self.ventures.values()
        try:
            if self.entrepreneur_id is None:
                created = self._create(person, ventures)
                if created is None:
                    return
                self.entrepreneur_id = created
                done = self.tr("已新建 {name} 的档案").format(name=person.name)
            else:
                self.context.services(
                    service.update_entrepreneur,
                    entrepreneur_id=self.entrepreneur_id,
                    person=person,
                    ventures=ventures,
                    expected_version=self.file.version if self.file else None,
                )
                done = self.tr("已保存 {name} 的档案").format(name=person.name)
        except Conflict as error:
            self._conflict(error)
            return
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法保存"), str(error))
            return
        self.drafts.saved(self.entrepreneur_id)
        self.load()
        self._said(done)
        self.file_changed.emit(self.entrepreneur_id)

    def _create(self, person: PersonData, ventures: list[RawVenture]) -> str | None:
        services = self.context.services
        try:
            return services(service.create_entrepreneur, person=person, ventures=ventures)
        except service.PossibleDuplicate as possible:
            if not dialogs.ask(
                self,
                self.tr("可能重复"),
                str(possible) + self.tr("\n\n可能是同一人。仍然新建一份档案吗？"),
                self.tr("仍然新建"),
                self.tr("返回核对"),
                warning=True,
            ):
                return None
            return services(
                service.create_entrepreneur, person=person, ventures=ventures, confirm_possible_duplicate=True
            )

    def _conflict(self, error: Conflict) -> None:
        other = error.existing_id
        if other and other != self.entrepreneur_id:
            match = self.context.services(
                service.find_by_id_number, id_number=str(self.form.id_number.value())
            )
            deleted = bool(match and match.deleted)
            if dialogs.ask(
                self,
                self.tr("已有档案"),
                str(error),
                self.tr("恢复并打开") if deleted else self.tr("打开已有档案"),
                self.tr("返回修改"),
            ):
                self._switch_to(other, restore=deleted)
            return
        if dialogs.ask(
            self,
            self.tr("档案已被修改"),
            str(error) + self.tr("\n\n重新载入会放弃您刚才的修改。"),
            self.tr("重新载入"),
            self.tr("返回"),
            warning=True,
        ):
            self.load()

    def undo(self) -> None:
        """Ctrl+Z: undo the last change stored for this file, and say what it was."""
        if self.entrepreneur_id is None or self.read_only:
            self.status.show_message(self.tr("这份档案还没有保存过，没有可以撤销的修改"))
            return
        if self.dirty and not dialogs.ask(
            self,
            self.tr("撤销上次修改"),
            self.tr("还有未保存的修改。撤销上次保存的修改会先放弃它们，继续吗？"),
            self.tr("放弃并撤销"),
            self.tr("继续编辑"),
            warning=True,
        ):
            return
        services = self.context.services
        try:
            preview = services(service.undo_preview, entrepreneur_id=self.entrepreneur_id)
        except DoorstepError as error:  # e.g. the last change was a whole import: undone as one elsewhere
            dialogs.tell(self, self.tr("无法撤销"), str(error))
            return
        if preview is None:
            self.status.show_message(self.tr("没有可以撤销的修改（Ctrl+Z 只撤销您自己今天保存的修改）"))
            return
        if preview.asks and not dialogs.ask(
            self, self.tr("撤销"), preview.question, self.tr("确认"), self.tr("取消"), warning=True
        ):
            return
        try:
            label = services(
                service.undo_last_change,
                entrepreneur_id=self.entrepreneur_id,
                operation_id=preview.operation_id,
            )
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法撤销"), str(error))
            return
        if label is None:
            self.status.show_message(self.tr("没有可以撤销的修改"))
            return
        self.load()
        self._said(self.tr("已撤销：{what}").format(what=label))
        self.file_changed.emit(self.entrepreneur_id)

    def restore(self) -> None:
        if self.entrepreneur_id is None:
            return
        try:
            name = self.context.services(service.restore_entrepreneur, entrepreneur_id=self.entrepreneur_id)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法恢复"), str(error))
            return
        self.load()
        self._said(self.tr("已恢复 {name} 的档案").format(name=name))
        self.file_changed.emit(self.entrepreneur_id)

    def _said(self, text: str) -> None:
        self.status.show_message(text)
        self.message.emit(text)

    # ---------------------------------------------------------------------------------------- leaving
    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # With nothing unsaved, Ctrl+Z in a field means "undo the last saved change", not "undo typing".
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
            and hasattr(self, "ventures")
            and not self.dirty
        ):
            return True
        return super().eventFilter(watched, event)


def open_file(
    context: AppContext,
    parent: QWidget,
    entrepreneur_id: str | None,
    *,
    on_changed: Callable[[str], None] | None = None,
) -> FileDialog | None:
    """Open a file (or a new one when ``entrepreneur_id`` is None) over ``parent``; an already open file
    is brought to the front instead of opened twice."""
    from ui.areas import load_areas

    load_areas()  # the file's tabs and timeline come from every area
    if entrepreneur_id is not None:
        for existing in parent.findChildren(FileDialog):
            if existing.entrepreneur_id == entrepreneur_id and existing.isVisible():
                if QGuiApplication.platformName() != "offscreen":  # that platform cannot raise a window
                    existing.raise_()
                existing.activateWindow()
                return existing
    try:
        dialog = FileDialog(context, entrepreneur_id, parent)
    except DoorstepError as error:
        dialogs.tell(parent, QCoreApplication.translate("FileDialog", "无法打开档案"), str(error))
        return None
    if on_changed is not None:
        dialog.file_changed.connect(on_changed)
    # Weak references only: a closure holding the parent (or a bound method of it) would keep a parent
    # that Python owns alive until the dialog's own deletion releases it, and deleting it then would
    # delete the dialog a second time.
    parent_ref = weakref.ref(parent)
    changed_ref = _weak_callable(on_changed)

    def reopen(other_id: str) -> None:
        owner = parent_ref()
        if owner is not None:
            open_file(context, owner, other_id, on_changed=changed_ref())

    dialog.open_requested.connect(reopen)
    if isinstance(parent, QMainWindow):
        bar = parent.statusBar()
        dialog.message.connect(lambda text: bar.showMessage(text, 10000))
    dialogs.settle_minimum_size(dialog, 760, 480)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    screen = parent.screen().availableGeometry()
    dialog.resize(min(1060, screen.width() - 40), min(700, screen.height() - 60))
    dialog.show()
    return dialog


def _weak_callable(function: Callable[[str], None] | None) -> Callable[[], Callable[[str], None] | None]:
    if function is None:
        return lambda: None
    if hasattr(function, "__self__"):
        return weakref.WeakMethod(function)
    return lambda: function

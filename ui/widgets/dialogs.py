"""Questions with buttons that say what they do ("删除" / "取消"), never a bare Yes / No; and the one
mechanism that keeps typed input: :class:`GuardedDialog` (Esc asks 保存 / 不保存 / 取消) and
:class:`DraftKeeper` (a draft kept as the worker types, offered back next time)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from models.clock import to_china  # stdlib only: the first screen loads no SQLAlchemy
from models.errors import DoorstepError
from ui.overrides import override

if TYPE_CHECKING:
    from desktop.services.gate import Services


def ask(parent: QWidget | None, title: str, text: str, yes: str, no: str, *, warning: bool = False) -> bool:
    """True if the person chose ``yes``. Esc and closing the box mean ``no``."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button if warning else yes_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def tell(parent: QWidget | None, title: str, text: str, *, warning: bool = True) -> None:
    """A message that needs only 知道了: what happened and what to do."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.addButton(box.tr("知道了"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def settle_minimum_size(window: QWidget, width: int = 0, height: int = 0) -> None:
    """Give a top-level window an explicit minimum size (at least what its layout needs).

    Without one, the layout sets the minimum size after the native window exists, on every show; that
    is harmless on a desktop but the offscreen platform (tests, self-test) warns about it.
    """
    needed = window.minimumSizeHint()
    window.setMinimumSize(max(needed.width(), width), max(needed.height(), height))


# ------------------------------------------------------------------------------- unsaved typed input
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
IGNORED_NAMES = frozenset({"searchPopup"})  # a search's result list is not input
GUARD_IGNORE = "guardIgnore"  # a widget property: this editor is not input (a filter, a search box)


def ignore_input(*widgets: QWidget) -> None:
    """These editors hold a query (a search box), not input worth asking about before closing."""
    for widget in widgets:
        widget.setProperty(GUARD_IGNORE, True)


def ask_unsaved(parent: QWidget | None, title: str, text: str) -> str:
    """保存 / 不保存 / 取消: returns SAVE, DISCARD or CANCEL (Esc and closing the box mean 取消)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    save = box.addButton(box.tr("保存"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(box.tr("不保存"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(box.tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return SAVE if clicked is save else DISCARD if clicked is discard else CANCEL


def _inputs(root: QWidget) -> list[QWidget]:
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if widget.objectName() in IGNORED_NAMES or widget.property(GUARD_IGNORE):
            continue
        if isinstance(
            widget, QLineEdit | QPlainTextEdit | QTextEdit | QComboBox | QAbstractSpinBox | QListWidget
        ) or (isinstance(widget, QAbstractButton) and widget.isCheckable()):
            found.append(widget)
    return found


def _state_of(widget: QWidget) -> object:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText() if widget.isEditable() else widget.currentIndex()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QListWidget):
        items = (widget.item(i) for i in range(widget.count()))
        return tuple((item.text(), item.checkState().value) for item in items)
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    return None


def input_state(root: QWidget) -> dict[int, object]:
    """What every editor under ``root`` holds (text, choice, tick, list), to compare with later."""
    return {id(widget): _state_of(widget) for widget in _inputs(root)}


def on_any_edit(root: QWidget, slot: Callable[[], None]) -> None:
    """Call ``slot`` whenever the person edits any editor under ``root`` (typing, choosing, ticking)."""
    for widget in _inputs(root):
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(slot)
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            widget.textChanged.connect(slot)
        elif isinstance(widget, QComboBox):
            widget.activated.connect(slot)
        elif isinstance(widget, QAbstractSpinBox):
            widget.editingFinished.connect(slot)
        elif isinstance(widget, QListWidget):
            widget.itemChanged.connect(slot)
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(slot)


class AskingDialog(QDialog):
    """A dialog whose ``reject()`` may ask first: it knows whether the close under way is the program's
    own (:attr:`closed_by_program`: the application shutting down, a test harness), which never asks —
    the window's close button asks like Esc."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.closed_by_program = False

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed_by_program = not event.spontaneous()
        try:
            super().closeEvent(event)
        finally:
            self.closed_by_program = False


class GuardedDialog(AskingDialog):
    """A dialog that never throws typed input away without asking: Esc, 取消 and the window's close
    button ask 保存 / 不保存 / 取消 when anything changed since it opened (:meth:`mark_clean`).

    A subclass calls :meth:`mark_clean` once its fields hold their starting values, and implements
    :meth:`save_input` (store, and close when that worked). It may refine :meth:`has_unsaved_input`
    (the default compares every editor with its starting value) and :meth:`unsaved_question`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clean_state: dict[int, object] | None = None
        self.leaving_without_asking = False

    def mark_clean(self) -> None:
        """The fields' values now are the starting ones (after opening, after a save)."""
        self._clean_state = input_state(self)

    def has_unsaved_input(self) -> bool:
        return self._clean_state is not None and input_state(self) != self._clean_state

    def unsaved_question(self) -> str:
        return self.tr("刚才输入的内容还没有保存。保存后关闭吗？")

    def save_input(self) -> None:
        """保存 was chosen: store the input and close (stay open, saying why, if it cannot be stored)."""
        self.accept()

    def discard_input(self) -> None:
        """不保存 was chosen, just before the dialog closes (e.g. remove the draft)."""

    @override
    def reject(self) -> None:
        # a close by the program itself does not ask: a :class:`DraftKeeper` keeps the typing then
        if self.leaving_without_asking or self.closed_by_program or not self.has_unsaved_input():
            super().reject()
            return
        title = self.windowTitle().replace("[*]", "") or self.tr("未保存的内容")
        choice = ask_unsaved(self, title, self.unsaved_question())
        if choice == SAVE:
            self.save_input()
        elif choice == DISCARD:
            self.discard_input()
            super().reject()


class DraftKeeper(QObject):
    """Keeps a draft of a dialog's typing a moment after each edit (a crash or a closed window loses
    nothing), offers it back when the dialog opens (恢复草稿 / 丢弃) and removes it once the input was
    saved or thrown away. ``read`` gives the input as JSON values, ``apply`` puts them back."""

    def __init__(
        self,
        dialog: GuardedDialog,
        services: Services,
        *,
        kind: str,
        key: str,
        title: Callable[[], str],
        read: Callable[[], dict[str, Any]],
        delay_ms: int = 800,
    ) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.services = services
        self.kind = kind
        self.key = key
        self.title = title
        self.read = read
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.flush)
        self.active = True
        dialog.installEventFilter(self)

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # the window goes (the program is closed) before the pause after the last edit has passed
        if event.type() == QEvent.Type.Hide and getattr(self, "timer", None) and self.timer.isActive():
            self.flush()
        return False

    def edited(self) -> None:
        if self.active:
            self.timer.start()

    def flush(self) -> None:
        """Store the draft now (or remove it when nothing is left unsaved)."""
        from desktop.services.drafts import discard_draft, save_draft

        self.timer.stop()
        if not self.active:
            return
        with contextlib.suppress(DoorstepError):  # a draft must never stand in the way of typing
            if self.dialog.has_unsaved_input():
                self.services(
                    save_draft, kind=self.kind, key=self.key, title=self.title(), values=self.read()
                )
            else:
                self.services(discard_draft, kind=self.kind, key=self.key)

    def offer(self, apply: Callable[[Mapping[str, Any]], None]) -> bool:
        """A draft left behind is offered back: 恢复草稿 applies it, 丢弃 removes it."""
        from desktop.services.drafts import find_draft

        draft = self.services(find_draft, kind=self.kind, key=self.key)
        if draft is None:
            return False
        when = to_china(draft.saved_at).strftime("%Y-%m-%d %H:%M")
        what = draft.title or self.dialog.tr("这份内容")
        text = self.dialog.tr("上次没有保存 {what} 的草稿（{when}）。恢复草稿继续填写吗？").format(
            what=what, when=when
        )
        if ask(
            self.dialog, self.dialog.tr("恢复草稿"), text, self.dialog.tr("恢复草稿"), self.dialog.tr("丢弃")
        ):
            apply(draft.values)
            return True
        self.forget()
        return False

    def saved(self, key: str | None = None) -> None:
        """The input was stored and the dialog stays open (now for ``key``): the draft goes, and the
        next edits make a new one."""
        self.forget()
        self.key = key if key is not None else self.key

    def forget(self) -> None:
        """Remove the stored draft (丢弃, or saved); later typing is kept again."""
        from desktop.services.drafts import discard_draft

        self.timer.stop()
        with contextlib.suppress(DoorstepError):
            self.services(discard_draft, kind=self.kind, key=self.key)

    def discard(self) -> None:
        """The dialog closes with its input saved or thrown away: no draft is kept."""
        self.forget()
        self.active = False

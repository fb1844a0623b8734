"""Esc never throws away typing (issue 12 §1): a dialog that holds typed input asks before it discards it.

:class:`GuardedDialog` remembers what every input widget holds once the dialog is filled in
(:meth:`GuardedDialog.remember_input`); Esc, 取消 and closing the window all go through ``reject()``,
which — when something changed since — asks 保存 / 不保存 / 取消: 保存 runs the dialog's own save (which
closes it only if the save worked), 不保存 closes, 取消 (or Esc in the question) goes back to the typing.

A widget whose text is a query rather than data (a search box) is left out with :func:`exempt`.

This is the training and policy areas' local helper; ``ui/widgets/dialogs.py`` is getting a shared one,
and the two are meant to be unified (same words, same order of buttons).
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from ui.overrides import override
from ui.widgets.dialogs import settle_minimum_size

EXEMPT_PROPERTY = "discardExempt"


class Choice(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def exempt(*widgets: QWidget) -> None:
    """These widgets hold a query (a search box), not input worth asking about."""
    for widget in widgets:
        widget.setProperty(EXEMPT_PROPERTY, True)


def _exempted(widget: QWidget, root: QWidget) -> bool:
    current: QWidget | None = widget
    while current is not None and current is not root:
        if current.property(EXEMPT_PROPERTY):
            return True
        current = current.parentWidget()
    return False


def _value(widget: QWidget) -> object:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return (widget.currentIndex(), widget.currentText())
    if isinstance(widget, QDateEdit):
        day: QDate = widget.date()
        return day.toString("yyyy-MM-dd")
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    if isinstance(widget, QListWidget):
        return widget.currentRow()
    return None


_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QListWidget)


def input_state(root: QWidget) -> tuple[object, ...]:
    """What every input widget under ``root`` holds now (read-only and exempt widgets left out)."""
    values: list[object] = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, _INPUTS) or _exempted(widget, root):
            continue
        if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit) and widget.isReadOnly():
            continue
        if isinstance(widget, QAbstractButton) and not widget.isCheckable():
            continue
        values.append((widget.objectName(), type(widget).__name__, _value(widget)))
    return tuple(values)


def ask_save(parent: QWidget, title: str, text: str) -> Choice:
    """保存 / 不保存 / 取消 — Esc in the question means 取消 (back to the typing)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    save = box.addButton(box.tr("保存"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(box.tr("不保存"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(box.tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    settle_minimum_size(box)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return Choice.SAVE
    if clicked is discard:
        return Choice.DISCARD
    return Choice.CANCEL


class GuardedDialog(QDialog):
    """A dialog whose ``reject()`` asks before discarding typed input. Subclasses call
    :meth:`remember_input` once filled in and implement :meth:`save_input` (their 保存)."""

    discard_question = "输入的内容还没有保存。保存吗？"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._remembered: tuple[object, ...] | None = None

    def remember_input(self) -> None:
        """What the dialog holds now counts as "nothing typed" (call after filling it in)."""
        self._remembered = input_state(self)

    def has_unsaved_input(self) -> bool:
        return self._remembered is not None and input_state(self) != self._remembered

    def save_input(self) -> None:
        """保存 from the question: the dialog's own save (it closes the dialog if it worked)."""
        raise NotImplementedError

    @override
    def reject(self) -> None:
        if not self.has_unsaved_input():
            super().reject()
            return
        choice = ask_save(self, self.windowTitle(), self.tr(self.discard_question))
        if choice is Choice.SAVE:
            self.save_input()
        elif choice is Choice.DISCARD:
            super().reject()

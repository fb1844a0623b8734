"""Forms whose fields are checked by the model's validators the moment they are left.

A :class:`FormField` wraps one editor with its label and the line under it where the Chinese message
appears; a :class:`CheckedForm` lays fields out in two columns with right-aligned labels, runs the
checker (``check_person_field`` / ``check_venture_field``) when a field is left, and knows whether
anything changed since the values were loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpacerItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.enums import KeyGroup
from models.errors import ValidationError
from ui.overrides import override
from ui.style import ERROR
from ui.widgets.inputs import DateField, KeyGroupPicker

Checker = Callable[[str, object], object]
F = TypeVar("F", bound="FormField")


class FormField(QObject):
    """One labelled editor. Subclasses say how to read and write its raw value."""

    changed = Signal()
    left = Signal()

    def __init__(self, key: str, label: str, editor: QWidget, *, required: bool = False) -> None:
        super().__init__(editor)
        self.key = key
        self.label_text = label
        self.required = required
        self.editor = editor
        self.container = QWidget()
        column = QVBoxLayout(self.container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(editor, 1)
        column.addLayout(self.row)
        self.error_label = QLabel(self.container)
        self.error_label.setObjectName("fieldError")
        self.error_label.setWordWrap(True)
        # The line under the field is reserved whether a message shows or not, and the editor keeps its
        # height: a message never squeezes the field it is about, nor moves the fields below it.
        reserve = self.error_label.sizePolicy()
        reserve.setRetainSizeWhenHidden(True)
        reserve.setVerticalPolicy(QSizePolicy.Policy.Minimum)
        self.error_label.setSizePolicy(reserve)
        self.error_label.setMinimumHeight(self.error_label.fontMetrics().lineSpacing())
        self.error_label.hide()
        column.addWidget(self.error_label)
        keep = max(editor.minimumHeight(), editor.minimumSizeHint().height())
        editor.setMinimumHeight(min(keep, editor.maximumHeight()))
        marker = f' <span style="color:{ERROR}">*</span>' if required else ""
        self.label = QLabel(f"{label}{marker}")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.label.setBuddy(editor.focusProxy() or editor)
        self.label.setMinimumHeight(min(editor.sizeHint().height(), editor.maximumHeight()))

    def add_beside(self, widget: QWidget) -> None:
        """Put a widget to the right of the editor (e.g. what an ID number tells)."""
        self.row.addWidget(widget)

    def value(self) -> object:
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.editor.setEnabled(not read_only)

    def show_error(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        # as many lines as the message needs at the field's width: the window grows rather than cut it
        line = self.error_label.fontMetrics().lineSpacing()
        width = self.container.width() or self.editor.sizeHint().width()
        needed = self.error_label.heightForWidth(width) if message else line
        self.error_label.setMinimumHeight(max(line, needed))
        self.error_label.setVisible(bool(message))
        if message:
            _grow_to_fit(self.container.window())
        self.editor.setProperty("invalid", bool(message))
        target = self.editor.focusProxy() or self.editor
        target.setProperty("invalid", bool(message))
        target.style().unpolish(target)
        target.style().polish(target)

    @property
    def error(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self.container) else ""


def _grow_to_fit(window: QWidget) -> None:
    """A window whose minimum size was set by hand does not grow with its layout: make room for a
    message that needs more lines than were reserved."""
    layout = window.layout()
    if layout is None or not window.isVisible():
        return
    layout.invalidate()
    needed = layout.totalMinimumSize().height()
    if needed > window.height():
        window.resize(window.width(), needed)


class TextField(FormField):
    def __init__(self, key: str, label: str, *, required: bool = False, placeholder: str = "") -> None:
        self.line_edit = QLineEdit()
        self.line_edit.setPlaceholderText(placeholder)
        super().__init__(key, label, self.line_edit, required=required)
        self.line_edit.textEdited.connect(self.changed)
        self.line_edit.editingFinished.connect(self.left)

    def value(self) -> object:
        return self.line_edit.text().strip()

    def set_value(self, value: object) -> None:
        self.line_edit.setText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.line_edit.setReadOnly(read_only)


class DateValueField(FormField):
    def __init__(self, key: str, label: str, *, required: bool = False, placeholder: str = "") -> None:
        self.date_field = DateField()
        if placeholder:
            self.date_field.line_edit.setPlaceholderText(placeholder)
        super().__init__(key, label, self.date_field, required=required)
        self.date_field.edited.connect(self.changed)
        self.date_field.editing_finished.connect(self.left)

    def value(self) -> object:
        return self.date_field.text()

    def set_value(self, value: object) -> None:
        if isinstance(value, date):
            self.date_field.set_date(value)
        else:
            self.date_field.line_edit.setText("" if value is None else str(value))


class ChoiceField(FormField):
    """A choice list; ``choices`` are (shown text, stored code). Optional fields start with "（未填）"."""

    def __init__(
        self, key: str, label: str, choices: Sequence[tuple[str, str]], *, required: bool = False
    ) -> None:
        self.combo = QComboBox()
        super().__init__(key, label, self.combo, required=required)
        self.combo.addItem(self.tr("请选择") if required else self.tr("（未填）"), None)
        for text, code in choices:
            self.combo.addItem(text, code)
        self.combo.setMaxVisibleItems(21)
        self.combo.activated.connect(self._picked)

    def _picked(self, _index: int) -> None:
        self.changed.emit()
        self.left.emit()

    def value(self) -> object:
        data = self.combo.currentData()
        return None if data is None else str(data)

    def set_value(self, value: object) -> None:
        code = getattr(value, "value", value)
        index = self.combo.findData(code) if code not in (None, "") else 0
        self.combo.setCurrentIndex(max(index, 0))


class KeyGroupsField(FormField):
    def __init__(self, key: str, label: str) -> None:
        self.picker = KeyGroupPicker()
        super().__init__(key, label, self.picker)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.picker.changed.connect(self.changed)
        self.picker.changed.connect(self.left)

    def value(self) -> object:
        return self.picker.value()

    def set_value(self, value: object) -> None:
        if isinstance(value, Iterable) and not isinstance(value, str):
            self.picker.set_value(group for group in value if isinstance(group, KeyGroup))
        else:
            self.picker.set_value(())


class NotesField(FormField):
    def __init__(self, key: str, label: str, *, lines: int = 3) -> None:
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)
        line = self.text_edit.fontMetrics().lineSpacing()
        self.text_edit.setFixedHeight(line * lines + 14)
        self.text_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        super().__init__(key, label, self.text_edit)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.text_edit.textChanged.connect(self.changed)
        self.text_edit.installEventFilter(self)

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and watched is getattr(self, "text_edit", None):
            self.left.emit()
        return False

    def value(self) -> object:
        return self.text_edit.toPlainText().strip()

    def set_value(self, value: object) -> None:
        self.text_edit.setPlainText("" if value is None else str(value))


class NumberField(FormField):
    def __init__(self, key: str, label: str, *, maximum: int = 100000, suffix: str = "") -> None:
        self.spin = QSpinBox()
        self.spin.setRange(0, maximum)
        self.spin.setSuffix(suffix)
        super().__init__(key, label, self.spin)
        self.spin.valueChanged.connect(self.changed)
        self.spin.editingFinished.connect(self.left)

    def value(self) -> object:
        return self.spin.value()

    def set_value(self, value: object) -> None:
        self.spin.setValue(int(value) if isinstance(value, int) else 0)


class CheckedForm(QWidget):
    """Fields in two columns (labels right-aligned), checked as they are left.

    ``checked(key, parsed)`` is emitted when a field passed its check on leaving, so the owner can act on
    the parsed value (show what an ID number tells, look for an existing file).
    """

    changed = Signal()
    checked = Signal(str, object)

    def __init__(self, checker: Checker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.checker = checker
        self.fields: dict[str, FormField] = {}
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(12, 12, 12, 12)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(8)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
        self.grid.setColumnMinimumWidth(2, 20)
        self._next_row = [0, 0]
        self._initial: dict[str, object] = {}
        self._edited: set[str] = set()  # fields edited since the values were loaded

    def add(self, field: F, column: int = 0) -> F:
        row = self._next_row[column]
        align = field.label.alignment() | Qt.AlignmentFlag.AlignTop
        self.grid.addWidget(field.label, row, column * 2, align)
        self.grid.addWidget(field.container, row, column * 2 + 1)
        self._next_row[column] += 1
        self._register(field)
        return field

    def add_wide(self, field: F) -> F:
        row = max(self._next_row)
        align = field.label.alignment() | Qt.AlignmentFlag.AlignTop
        self.grid.addWidget(field.label, row, 0, align)
        self.grid.addWidget(field.container, row, 1, 1, 3)
        self._next_row = [row + 1, row + 1]
        self._register(field)
        return field

    def finish(self) -> None:
        """Call after the last field: the spare height goes below the fields, not between them."""
        spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
        self.grid.addItem(spacer, max(self._next_row), 0)

    def _register(self, field: FormField) -> None:
        self.fields[field.key] = field
        field.changed.connect(lambda f=field: self._field_changed(f))
        field.left.connect(lambda f=field: self._field_left(f.key))

    def _field_left(self, key: str) -> None:
        """A field is checked as it is left once it was edited: tabbing past a field still untouched
        (an empty required one in a new file) says nothing yet; 保存 shows every problem."""
        if key in self._edited or self.fields[key].value() != self._initial.get(key):
            self.check_field(key)

    def _field_changed(self, field: FormField) -> None:
        self._edited.add(field.key)
        if field.error:  # once a message shows, clear it as soon as the value is right
            try:
                self.checker(field.key, field.value())
            except ValidationError:
                pass
            else:
                field.show_error(None)
        self.changed.emit()

    def check_field(self, key: str) -> bool:
        field = self.fields[key]
        try:
            parsed = self.checker(key, field.value())
        except ValidationError as error:
            field.show_error(error.message)
            return False
        field.show_error(None)
        self.checked.emit(key, parsed)
        return True

    def raw_values(self) -> dict[str, object]:
        return {key: field.value() for key, field in self.fields.items()}

    def set_values(self, values: Mapping[str, object]) -> None:
        for key, field in self.fields.items():
            field.blockSignals(True)
            field.set_value(values.get(key))
            field.blockSignals(False)
            field.show_error(None)
        self._initial = self.raw_values()
        self._edited.clear()
        self.changed.emit()

    def apply_values(self, values: Mapping[str, object]) -> None:
        """Put values (a draft) into the fields as if typed: the form stays dirty against what it loaded."""
        for key, value in values.items():
            field = self.fields.get(key)
            if field is None:
                continue
            field.blockSignals(True)
            field.set_value(value)
            field.blockSignals(False)
            self._edited.add(key)
        self.changed.emit()

    def mark_saved(self) -> None:
        self._initial = self.raw_values()

    @property
    def dirty(self) -> bool:
        return self.raw_values() != self._initial

    def problems(self) -> dict[str, str]:
        """Each field's message for its current value, without showing anything."""
        problems: dict[str, str] = {}
        for key, field in self.fields.items():
            try:
                self.checker(key, field.value())
            except ValidationError as error:
                problems[key] = error.message
        return problems

    def show_problems(self, problems: Mapping[str, str]) -> None:
        for key, field in self.fields.items():
            field.show_error(problems.get(key))

    def set_read_only(self, read_only: bool) -> None:
        for field in self.fields.values():
            field.set_read_only(read_only)

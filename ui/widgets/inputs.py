"""Input widgets the forms need and Qt lacks: a date that may be left empty, and multi-select tags."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from models.enums import KeyGroup
from ui.style import icon


class DateField(QWidget):
    """A date typed as text (2024-03-05, 2024/3/5, 2024年3月5日, or only a month where allowed) or picked
    from a calendar; empty is a valid value. The text is checked by the model's validators, so a wrong
    date gets the same message as everywhere else."""

    edited = Signal()
    editing_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.line_edit = QLineEdit(self)
        self.line_edit.setPlaceholderText(self.tr("如 2024-03-05"))
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.textEdited.connect(self.edited)
        self.line_edit.editingFinished.connect(self.editing_finished)
        layout.addWidget(self.line_edit, 1)
        self.button = QToolButton(self)
        self.button.setIcon(icon("mdi6.calendar-month-outline"))
        self.button.setToolTip(self.tr("从日历中选择"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self._pop_calendar)
        layout.addWidget(self.button)
        self.setFocusProxy(self.line_edit)

    def text(self) -> str:
        return self.line_edit.text().strip()

    def set_date(self, value: date | None) -> None:
        self.line_edit.setText(value.isoformat() if value else "")

    def _pop_calendar(self) -> None:
        menu = QMenu(self)
        calendar = QCalendarWidget(menu)
        calendar.setGridVisible(True)
        calendar.setMaximumDate(QDate.currentDate().addYears(5))
        current = _qdate(self.text())
        if current is not None:
            calendar.setSelectedDate(current)
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)

        def picked(day: QDate) -> None:
            self.line_edit.setText(day.toString("yyyy-MM-dd"))
            menu.close()
            self.edited.emit()
            self.editing_finished.emit()

        calendar.clicked.connect(picked)
        calendar.activated.connect(picked)
        menu.popup(self.line_edit.mapToGlobal(self.line_edit.rect().bottomLeft()))


def _qdate(text: str) -> QDate | None:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return None
    return QDate(value.year, value.month, value.day)


class KeyGroupPicker(QWidget):
    """重点群体 as checkable tags; a person may belong to several."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, columns: int = 4) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(4)
        self.buttons: dict[KeyGroup, QPushButton] = {}
        for position, group in enumerate(KeyGroup):
            button = QPushButton(group.label, self)
            button.setObjectName("tag")
            button.setCheckable(True)
            button.toggled.connect(self.changed)
            layout.addWidget(button, position // columns, position % columns)
            self.buttons[group] = button
        self.setFocusProxy(self.buttons[KeyGroup.COLLEGE_GRADUATE])

    def value(self) -> frozenset[KeyGroup]:
        return frozenset(group for group, button in self.buttons.items() if button.isChecked())

    def set_value(self, groups: Iterable[KeyGroup]) -> None:
        wanted = set(groups)
        for group, button in self.buttons.items():
            button.blockSignals(True)
            button.setChecked(group in wanted)
            button.blockSignals(False)
        self.changed.emit()

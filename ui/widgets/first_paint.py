"""Work that waits until a widget is on the screen: start-up loads the other areas once the window has
painted (ui/app.py), and the entrepreneur list sets what its first frame does not need (ui/roles.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from ui.overrides import override


def after_first_paint(widget: QWidget, then: Callable[[], None]) -> None:
    """Run ``then`` once, right after ``widget`` has painted itself for the first time."""
    widget.installEventFilter(_FirstPaint(widget, then))


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)  # goes with the widget; a pending call goes with it too
        self.then = then

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self.then)  # posted now, run after this paint reaches the screen
        return False

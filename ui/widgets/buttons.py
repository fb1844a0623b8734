"""A page's push button: its words, the slot it calls, the primary look and a tip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget


def button(
    text: str, parent: QWidget, slot: Callable[[], object], *, primary: bool = False, tip: str = ""
) -> QPushButton:
    widget = QPushButton(text, parent)
    if primary:
        widget.setObjectName("primary")
    if tip:
        widget.setToolTip(tip)
    widget.clicked.connect(lambda _checked=False: slot())
    return widget

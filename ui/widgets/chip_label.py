"""A status chip as a widget: a rounded label in a status colour that always carries its word (file
header: stage, key groups; the top bar's 演示数据). Item views draw theirs with ui/widgets/chips.py."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from ui.style import Tone


def chip_style(tone: Tone) -> str:
    fg, bg = tone.value
    return f"background: {bg}; color: {fg}; border-radius: 9px; padding: 1px 9px;"


class ChipLabel(QLabel):
    """A chip as a widget (file header: stage, key groups)."""

    def __init__(self, text: str, tone: Tone, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.set_chip(text, tone)

    def set_chip(self, text: str, tone: Tone) -> None:
        self.setText(text)
        self.setStyleSheet(chip_style(tone))

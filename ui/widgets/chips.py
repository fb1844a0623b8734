"""Status chips in item views: a rounded label in a status colour that always carries its word (the
widget is :class:`ui.widgets.chip_label.ChipLabel`)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from ui.overrides import override
from ui.roles import TONE_ROLE
from ui.style import Tone

_PAD_X = 8
_PAD_Y = 3


class ChipDelegate(QStyledItemDelegate):
    """Paints a cell whose model gives a :data:`TONE_ROLE` as a chip; other cells as usual.

    The cell itself (selection, focus) is Qt's own painting with the text left out, and the chip goes on
    top. The delegate does not ask for the cell's QStyle: PySide builds QStyle's eleven enums, about 6 ms,
    the first time one is handed to Python, and nothing else on the list's pages needs them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._painting_chip = False

    @override
    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if self._painting_chip:
            option.text = ""

    @override
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        tone_name = index.data(TONE_ROLE)
        text = index.data()  # the display role
        if not tone_name or not text:
            super().paint(painter, option, index)
            return
        self._painting_chip = True
        try:
            super().paint(painter, option, index)
        finally:
            self._painting_chip = False
        tone = Tone[str(tone_name)]
        metrics = option.fontMetrics
        width = min(metrics.horizontalAdvance(str(text)) + 2 * _PAD_X, option.rect.width() - 4)
        height = min(metrics.height() + 2 * _PAD_Y, option.rect.height() - 2)
        rect = QRectF(
            option.rect.left() + 4,
            option.rect.top() + (option.rect.height() - height) / 2,
            width,
            height,
        )
        outline = QPainterPath()
        outline.addRoundedRect(rect, height / 2, height / 2)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(outline, tone.background)
        painter.setPen(tone.foreground)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(text))
        painter.restore()

    @override
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 2 * _PAD_X + 8, max(size.height(), 26))

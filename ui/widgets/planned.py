"""A page whose area a later version builds: it says so plainly and offers no dead buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.style import icon


class PlannedPage(QWidget):
    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        heading = QLabel(title, self)
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)
        layout.addStretch(1)
        picture = QLabel(self)
        picture.setPixmap(icon("mdi6.progress-wrench").pixmap(56, 56))
        picture.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(picture)
        notice = QLabel(self.tr("这一部分尚未开放"), self)
        notice.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        notice.setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout.addWidget(notice)
        self.text_label = QLabel(text, self)
        self.text_label.setObjectName("muted")
        self.text_label.setWordWrap(True)
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text_label.setMaximumWidth(640)
        # not added with an alignment: a wrapped label placed by alignment keeps its one-line size hint
        # and its second line is cut off; between two stretches it takes the width it is given
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.text_label, 10)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

"""网页登录: the station signs the challenge HQ's intake page shows (docs/intake.md). The worker pastes
the challenge; the dialog shows which server it signs in to and copies the answer to the clipboard. The
key never leaves the station's database (the signing is ``sync.sign_in_answer``)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services import sync
from models.errors import DoorstepError


class SignInDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("网页登录总部数据接收页"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("把总部数据接收页上显示的挑战码粘贴到这里："), self))
        self.challenge = QLineEdit(self)
        self.challenge.setPlaceholderText(self.tr("挑战码（含 @ 和网址）"))
        layout.addWidget(self.challenge)
        self.sign_button = QPushButton(self.tr("生成应答码"), self)
        self.sign_button.clicked.connect(self.sign)
        layout.addWidget(self.sign_button)
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.answer = QPlainTextEdit(self)
        self.answer.setReadOnly(True)
        self.answer.setMaximumHeight(80)
        layout.addWidget(self.answer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 300)

    def sign(self) -> None:
        try:
            signed = self.context.services(sync.sign_in_answer, challenge=self.challenge.text())
        except DoorstepError as error:
            self.answer.setPlainText("")
            self.note.setText(str(error))
            return
        self.answer.setPlainText(signed.answer)
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(signed.answer)
        self.note.setText(
            self.tr("服务站 {0} 登录 {1} 的应答码已复制到剪贴板：请粘贴到该网页的“应答码”框里。").format(
                signed.station, signed.origin
            )
        )

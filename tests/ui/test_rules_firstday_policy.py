"""Issue 12 §4 in the 政策与补贴 dialogs, with real keys: Enter in the applicant search picks the match and
never closes the dialog; the next Enter goes on to the policies, where Enter starts the application."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from tests.ui.conftest import Answers
from ui.policy.dialogs import NewApplicationDialog


def press(key: Qt.Key) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, key)


def test_enter_in_the_applicant_search_never_closes_the_dialog(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    dialog = NewApplicationDialog(context, host)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.picker.line_edit
    QTest.keyClicks(dialog.picker.line_edit, "zs")  # 张三 by pinyin initials
    press(Qt.Key.Key_Return)
    assert dialog.picker.entrepreneur_id == people["张三"] and dialog.isVisible()
    press(Qt.Key.Key_Return)  # again: on to the list of policies, not 关闭
    assert dialog.isVisible()
    assert dialog.panel is not None and QApplication.focusWidget() is dialog.panel.tree
    qtbot.waitUntil(dialog.panel.tree.isVisible)
    assert [b.text() for b in dialog.findChildren(QPushButton) if b.text() == "关闭"] == ["关闭"]
    dialog.grab().save("/tmp/rules-new-application.png")

"""网页登录 on the station's 数据同步 page: the pasted challenge is signed with the station's key, the
answer lands on the clipboard, and HQ's check accepts exactly that answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services.station import station_info
from desktop.services.sync.node import pinned, station_peer
from desktop.services.sync.online import make_challenge, parse_answer, sign_in_message
from desktop.settings import Preferences
from desktop.sync_package import verify
from tests.sync.exchange import make_county
from ui.sync.online import SignInDialog

pytestmark = pytest.mark.gui


def test_the_dialog_signs_the_challenge_and_copies_the_answer(qtbot: QtBot, tmp_path: Path) -> None:
    county = make_county(tmp_path, ("330106001",))
    try:
        node = county.station("330106001")
        info = station_info(node.db)
        assert info is not None
        context = AppContext(db=node.db, actor=node.actor, station=info, preferences=Preferences())
        dialog = SignInDialog(context)
        qtbot.addWidget(dialog)
        dialog.challenge.setText("短")
        dialog.sign_button.click()
        assert "挑战码不完整" in dialog.note.text() and dialog.answer.toPlainText() == ""
        nonce = "A" * 32
        dialog.challenge.setText(make_challenge(nonce, "http://127.0.0.1:8080"))
        dialog.sign_button.click()
        answer = dialog.answer.toPlainText()
        clipboard = QGuiApplication.clipboard()
        assert clipboard is not None and clipboard.text() == answer
        assert "http://127.0.0.1:8080" in dialog.note.text()
        station, signature = parse_answer(answer)
        with county.hq.db.reading() as session:
            keys = pinned(station_peer(session, station))
        assert keys is not None
        assert verify(keys, sign_in_message(nonce, station, "http://127.0.0.1:8080"), signature)
        assert not verify(keys, sign_in_message(nonce, station, "http://127.0.0.1:8081"), signature)
        dialog.grab().save(str(tmp_path / "sign-in.png"))
    finally:
        county.close()

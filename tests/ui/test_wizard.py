"""The first start: create the station (code checked as typed), or open a demo station in its own file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop.services.entrepreneur_list import count_entrepreneurs
from desktop.services.station import default_actor, station_info
from models.database import Database, open_database
from ui.wizard import FirstRunWizard


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "new.sqlite")
    yield db
    db.close()


def _wizard(qtbot: QtBot, db: Database, tmp_path: Path, demo_entrepreneurs: int = 2000) -> FirstRunWizard:
    wizard = FirstRunWizard(db, tmp_path / "demo.sqlite", demo_entrepreneurs=demo_entrepreneurs)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    return wizard


def test_create_a_station(qtbot: QtBot, empty_db: Database, tmp_path: Path) -> None:
    wizard = _wizard(qtbot, empty_db, tmp_path)
    QTest.mouseClick(wizard.create_choice, Qt.MouseButton.LeftButton)
    assert wizard.pages.currentIndex() == 1
    assert not wizard.create_button.isEnabled()
    wizard.code_edit.setFocus()
    QTest.keyClicks(wizard.code_edit, "330106001")
    assert wizard.code_hint.text() == "浙江省杭州市西湖区"
    wizard.name_edit.setFocus()
    wizard.name_edit.insert("文新街道家门口就业服务站")
    assert wizard.create_button.isEnabled()
    with qtbot.waitSignal(wizard.accepted):
        QTest.mouseClick(wizard.create_button, Qt.MouseButton.LeftButton)
    station = station_info(empty_db)
    assert station is not None and station.code == "330106001" and not station.is_demo
    assert wizard.database is empty_db and wizard.station == station


def test_esc_with_a_typed_station_asks_first(
    qtbot: QtBot, empty_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.widgets import dialogs

    replies: list[bool] = [False, True]
    asked: list[str] = []

    def ask(_parent: object, title: str, text: str, yes: str, no: str, **_kw: object) -> bool:
        asked.append(f"{title}|{yes}|{no}")
        return replies.pop(0)

    monkeypatch.setattr(dialogs, "ask", ask)
    wizard = _wizard(qtbot, empty_db, tmp_path)
    QTest.mouseClick(wizard.create_choice, Qt.MouseButton.LeftButton)
    wizard.code_edit.setFocus()
    QTest.keyClicks(wizard.code_edit, "330106001")
    QTest.keyClick(wizard.code_edit, Qt.Key.Key_Escape)  # 继续填写: the typing stays
    assert asked == ["退出设置|退出|继续填写"] and wizard.isVisible()
    assert wizard.code_edit.text() == "330106001"
    QTest.keyClick(wizard.code_edit, Qt.Key.Key_Escape)  # 退出
    assert len(asked) == 2 and not wizard.isVisible() and station_info(empty_db) is None


def test_a_bad_station_code_is_explained_and_nothing_is_created(
    qtbot: QtBot, empty_db: Database, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, empty_db, tmp_path)
    wizard.pages.setCurrentIndex(1)
    wizard.code_edit.setFocus()
    QTest.keyClicks(wizard.code_edit, "330106000")
    QTest.keyClick(wizard.code_edit, Qt.Key.Key_Tab)
    assert "站点序号（后 3 位）不能是 000" in wizard.code_hint.text()
    wizard.name_edit.insert("某服务站")
    assert not wizard.create_button.isEnabled()
    wizard.create_station()
    assert station_info(empty_db) is None
    assert wizard.isVisible()


def test_open_the_demo_station_in_its_own_file(qtbot: QtBot, empty_db: Database, tmp_path: Path) -> None:
    wizard = _wizard(qtbot, empty_db, tmp_path, demo_entrepreneurs=12)
    assert "约 12 位虚构的创业者" in wizard.demo_choice.description()
    with qtbot.waitSignal(wizard.accepted, timeout=30000):
        QTest.mouseClick(wizard.demo_choice, Qt.MouseButton.LeftButton)
    assert wizard.database is not None and wizard.database is not empty_db
    assert wizard.station is not None and wizard.station.is_demo
    assert count_entrepreneurs(wizard.database, default_actor(wizard.database)) == 12
    assert station_info(empty_db) is None  # the real database stays empty
    wizard.database.close()
    # the next start opens the same demo station without making it again
    again = _wizard(qtbot, empty_db, tmp_path, demo_entrepreneurs=12)
    with qtbot.waitSignal(again.accepted, timeout=5000):
        QTest.mouseClick(again.demo_choice, Qt.MouseButton.LeftButton)
    assert again.database is not None
    assert count_entrepreneurs(again.database, default_actor(again.database)) == 12
    again.database.close()

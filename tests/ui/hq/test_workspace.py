"""The HQ workspace in the station's window: on an HQ database the same main window shows HQ's pages
(服务站, 跨站重复, 冲突与隔离, 参考数据, 统计, 数据质量) with 总部 and HQ's name in its title; the
self-test opens them on an HQ's SQLite file and on PostgreSQL; a server database that is not HQ's is
refused in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.sync.exchange import County
from tests.ui.hq.common import hq_context, shot
from ui.app import run_gui
from ui.hq.duplicates.page import DuplicatesPage
from ui.hq.pages import HQ_PAGES
from ui.hq.stations import StationsPage
from ui.hq.statistics.page import CountyStatisticsPage
from ui.main_window import MainWindow
from ui.widgets.planned import PlannedPage

LABELS = ["服务站", "跨站重复", "冲突与隔离", "参考数据", "统计", "数据质量"]


def test_the_window_shows_hq_s_pages(county: County, qtbot: QtBot) -> None:
    window = MainWindow(hq_context(county), remember=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    assert window.windowTitle() == "家门口创业服务台 — 总部 · 测试县总部"
    assert [window.navigation.item(i).text() for i in range(window.navigation.count())] == LABELS
    assert window.current_key == "hq_stations" and isinstance(window.stack.currentWidget(), StationsPage)
    assert window.station_code_label.text() == "总部 · HQ" and window.search_box.isHidden()
    for spec in HQ_PAGES:
        page = window.show_page(spec.key)
        assert window.stack.currentWidget() is page
    assert isinstance(window.page("hq_duplicates"), DuplicatesPage)
    assert isinstance(window.page("hq_statistics"), CountyStatisticsPage)
    assert not any(isinstance(window.page(spec.key), PlannedPage) for spec in HQ_PAGES)
    window.load_areas()
    assert window.sync_status.text() == "2 个服务站"
    entries = [text for menu, text, _slot, _keys in window._menu_entries() if menu == 0]
    assert entries == ["退出(&X)"]
    window.go_to_page("hq_stations")
    shot(window, "window")


def test_selftest_opens_every_hq_page_on_sqlite(county: County, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_gui(db_path=str(county.root / "hq.sqlite"), selftest=True) == 0
    assert f"打开了 {len(HQ_PAGES)} 个页面" in capsys.readouterr().out


def test_selftest_opens_every_hq_page_on_postgresql(
    pg_county: County, pg_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_gui(db_path=pg_db_url, selftest=True) == 0
    assert f"打开了 {len(HQ_PAGES)} 个页面" in capsys.readouterr().out


def test_a_server_database_that_is_not_hq_s_is_refused(
    pg_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shown: list[str] = []

    def critical(_parent: object, title: str, text: str) -> QMessageBox.StandardButton:
        shown.append(f"{title}|{text}")
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    assert run_gui(db_path=pg_db_url, selftest=False) == 1
    assert shown == [
        "无法打开数据库|这个数据库不是总部的数据库：请先用 doorstep hq init --db 地址 建立总部数据库。"
    ]

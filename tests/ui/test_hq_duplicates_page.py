"""跨站重复 page on a real county (HQ on SQLite, stations exchanging real packages): the group is listed,
the files are side by side with the differing fields to choose, the merge asks first and then says
what it did; 不是同一人 takes a group off the list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services.station import StationInfo
from desktop.settings import Preferences
from tests.sync.exchange import County, make_county
from tests.sync.test_hq_duplicates import ONE, THREE, TWO, file_twice
from ui.hq.duplicates.page import DuplicatesPage
from ui.widgets import dialogs


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    county = make_county(tmp_path, (ONE, TWO, THREE))
    yield county
    county.close()


def test_the_page_compares_and_merges(qtbot: QtBot, county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    kept, other = file_twice(county)
    context = AppContext(
        db=county.hq.db,
        actor=county.hq.actor,
        station=StationInfo("HQ", "测试县总部", False),
        preferences=Preferences(),
    )
    page = DuplicatesPage(context, None)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    assert page.list.count() == 1 and "1 组" in page.status_text()
    assert set(page.choices) == {"phone", "address"}
    page.grab().save("/tmp/hq-duplicates-page.png")
    asked: list[str] = []

    def answer(parent: object, title: str, text: str, yes: str, no: str, **_: object) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(dialogs, "ask", answer)
    page.merge()
    assert asked and "合并入" in asked[0]
    assert "已合并" in page.result.text() and page.list.count() == 0
    page.grab().save("/tmp/hq-duplicates-merged.png")
    del kept, other

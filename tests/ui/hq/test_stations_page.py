"""总部 → 服务站 driven as a worker does: the list of stations, importing several packages at once (a
refused one does not stop the others), replies for the selected stations, enrolling and revoking —
on an HQ on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services import sync
from tests.sync.exchange import CODES, County
from tests.ui.conftest import Answers
from tests.ui.hq.common import hq_context, shot
from ui.hq.stations import StationsPage

# the offscreen platform, on the progress dialog whose line changes with each file
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _page(county: County, qtbot: QtBot) -> StationsPage:
    page = StationsPage(hq_context(county))
    qtbot.addWidget(page)
    page.resize(1280, 640)
    page.refresh()
    return page


def exchange_through_the_page(county: County, qtbot: QtBot, answers: Answers) -> StationsPage:
    page = _page(county, qtbot)
    assert [row.code for row in page.list.model.rows] == list(CODES)
    county.new_file(CODES[0])
    county.new_file(CODES[1])
    first, second = county.export(CODES[0]), county.export(CODES[1])
    broken = county.usb / "broken.dsync"
    broken.write_bytes(b"not a package")
    page.choose_packages = lambda: [first, broken, second]
    page.import_button.click()
    qtbot.waitUntil(lambda: page.last_batch is not None, timeout=20000)
    batch = page.last_batch
    assert batch is not None and batch.refused == ["broken.dsync"]
    assert page.last_receipt is not None and page.last_receipt.refused
    rows = {row.code: row for row in page.list.model.rows}
    assert rows[CODES[0]].last_seq == 2 and rows[CODES[1]].last_seq == 2
    assert page.list.model.index(0, 4).data() == "今天"

    page.last_batch = None
    out = county.root / "replies"
    out.mkdir()
    page.choose_folder = lambda: out
    page.list.table.selectAll()
    assert len(page.list.selected()) == 2
    page.reply_button.click()
    qtbot.waitUntil(lambda: page.last_batch is not None, timeout=20000)
    assert page.last_batch is not None and not page.last_batch.refused
    replies = sorted(out.glob("*.dsync"))
    assert len(replies) == 2
    for code in CODES:  # each station takes the reply written for it
        reply = next(p for p in replies if code in p.name)
        county.to_station(reply, code)
    return page


def test_import_several_packages_and_reply_to_the_selected_stations(
    county: County, qtbot: QtBot, answers: Answers
) -> None:
    page = exchange_through_the_page(county, qtbot, answers)
    shot(page, "stations")


def test_enrol_a_station_and_revoke_one(
    county: County, qtbot: QtBot, answers: Answers, tmp_path: Path
) -> None:
    page = _page(county, qtbot)
    page.ask_station = lambda: ("330106005", "三墩镇服务站")
    page.choose_folder = lambda: tmp_path
    page.enrol_button.click()
    assert (tmp_path / "enrol-330106005.dsync").exists()
    assert page.list.current() is not None and page.list.current().code == "330106005"  # type: ignore[union-attr]
    assert page.list.model.index(2, 2).data() == "已登记，未发包"
    page.ask_station = lambda: ("12345", "")
    page.enrol_button.click()
    assert answers.told and answers.told[-1].startswith("没有写出登记包")

    assert page.list.select_where(lambda r: r.code == CODES[1])
    answers.reply = False
    page.revoke_button.click()
    assert not {r.code: r for r in page.list.model.rows}[CODES[1]].revoked
    answers.reply = True
    page.revoke_button.click()
    assert "吊销服务站" in answers.asked[-1]
    assert {r.code: r for r in page.list.model.rows}[CODES[1]].revoked
    with pytest.raises(Exception, match="吊销"):
        county.to_hq(county.export(CODES[1]))


def test_quiet_days_are_a_setting_that_marks_stations(county: County, qtbot: QtBot) -> None:
    page = _page(county, qtbot)
    page.quiet_days.setValue(30)
    assert page.context.preferences.hq_quiet_days == 30
    from desktop.settings import Preferences

    assert Preferences.load().hq_quiet_days == 30
    assert "超过" not in page.summary.text()


def test_the_page_on_an_hq_on_postgresql(pg_county: County, qtbot: QtBot, answers: Answers) -> None:
    exchange_through_the_page(pg_county, qtbot, answers)
    assert sync.agreement_digests(
        pg_county.station().db, pg_county.station().actor
    ) == sync.agreement_digests(pg_county.hq.db, pg_county.hq.actor, station=CODES[0])

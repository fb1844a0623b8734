"""总部 → 冲突与隔离 driven as a worker does, on a county of real stations: a conflict from one station
is listed with both values and settled at HQ (the reinstated value travels back in the reply), a
quarantined change from another is listed with its reason, a waiting change is forced; the filters
narrow the list — on an HQ on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.hq.review import CONFLICT, QUARANTINE, WAITING, review_items
from desktop.services.sync.wire import stored_rows, to_wire
from models.audit import Change
from models.sync.tables import SyncWaiting
from tests.sync.exchange import CODES, County, hq_record, record
from tests.sync.test_exchange import edit
from tests.ui.conftest import Answers
from tests.ui.hq.common import hq_context, shot
from ui.hq.review import ReviewPage

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def quarantine_one(county: County, code: str) -> str:
    """A file whose ID number fails its checksum, as an older program might have stored it."""
    from sqlalchemy import text

    from models.journal import journal_writing

    bad = county.new_file(code)
    station = county.station(code)
    with station.db.transaction() as session, journal_writing(session.connection()):
        number = str(record(station, "entrepreneur", bad)["id_number"])
        wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
        session.execute(text("UPDATE entrepreneur SET id_number = :n WHERE id = :i"), {"n": wrong, "i": bad})
        session.execute(
            text("UPDATE change_log SET changes = replace(changes, :old, :new) WHERE record_id = :i"),
            {"old": number, "new": wrong, "i": bad},
        )
    county.to_hq(county.export(code))
    return bad


def wait_one(county: County, code: str) -> str:
    """A station's edit of a file whose create never reached HQ: it waits at HQ for its base."""
    file_id = county.new_file(code)
    edit(county, code, file_id, phone="13911112222")
    station = county.station(code)
    with station.db.reading() as session:
        log = Change.__table__  # type: ignore[attr-defined]
        rows = list(stored_rows(session.connection(), log.c.record_id == file_id, log.c.action == "update"))
    with county.hq.db.transaction() as session:
        change = to_wire(rows[-1], [[1, 1]])
        session.add(SyncWaiting(change_id=change["id"], change=change, peer=code, reason="记录本身尚未收到"))
    return str(change["id"])


def build(county: County) -> tuple[str, str, str]:
    file_id = county.new_file(CODES[0])
    county.exchange(CODES[0])
    edit(county, CODES[0], file_id, phone="13900001111")
    edit(county, "hq", file_id, phone="13900002222")
    county.to_hq(county.export(CODES[0]))  # the same version: by the published rule HQ's value wins
    bad = quarantine_one(county, CODES[1])
    waiting = wait_one(county, CODES[1])
    return file_id, bad, waiting


def test_review_lists_settles_and_forces(county: County, qtbot: QtBot, answers: Answers) -> None:
    drive(county, qtbot, answers)


def test_review_on_an_hq_on_postgresql(pg_county: County, qtbot: QtBot, answers: Answers) -> None:
    drive(pg_county, qtbot, answers)


def drive(county: County, qtbot: QtBot, answers: Answers) -> None:
    file_id, bad, waiting = build(county)
    items = review_items(county.hq.db, county.hq.actor)
    assert sorted(i.kind for i in items) == sorted([CONFLICT, QUARANTINE, WAITING])
    assert {i.station for i in review_items(county.hq.db, county.hq.actor, station=CODES[1])} == {CODES[1]}
    assert [i.id for i in review_items(county.hq.db, county.hq.actor, kind=WAITING)] == [waiting]

    page = ReviewPage(hq_context(county))
    qtbot.addWidget(page)
    page.resize(1366, 600)
    page.refresh()
    assert page.list.model.rowCount() == 3
    shot(page, "review")
    conflict = next(i for i in page.list.model.rows if i.kind == CONFLICT)
    assert (conflict.station, conflict.value, conflict.other) == (CODES[0], "13900002222", "13900001111")
    assert "总部" in conflict.value_by and CODES[0] in conflict.other_by
    page.kind.setCurrentIndex(page.kind.findData(QUARANTINE))
    assert [i.record_id for i in page.list.model.rows] == [bad]
    assert "身份证号码未通过校验" in page.list.model.rows[0].reason
    assert not page.keep_button.isEnabled() and not page.force_button.isEnabled()
    page.kind.setCurrentIndex(0)
    page.station.setCurrentIndex(page.station.findData(CODES[0]))
    assert [i.kind for i in page.list.model.rows] == [CONFLICT]
    assert page.keep_button.isEnabled() and not page.force_button.isEnabled()

    page.reinstate_button.click()  # the station's value back: an HQ change for its next reply
    assert answers.asked[-1].startswith("恢复另一方的值|把服务站 330106001")
    assert page.list.model.rowCount() == 0
    county.to_station(county.reply(CODES[0]), CODES[0])
    assert record(county.station(CODES[0]), "entrepreneur", file_id)["phone"] == "13900001111"
    assert hq_record(county, "entrepreneur", file_id)["phone"] == "13900001111"
    assert county.agree(CODES[0])

    page.station.setCurrentIndex(0)
    page.kind.setCurrentIndex(page.kind.findData(WAITING))
    assert page.force_button.isEnabled()
    page.force_button.click()
    assert answers.told[-1].startswith("强制应用|依据的记录仍未到达：已改为隔离保存")
    page.kind.setCurrentIndex(0)
    assert sorted(i.kind for i in page.list.model.rows) == [QUARANTINE, QUARANTINE]
    assert page.status_text() == "冲突 0 · 隔离 2 · 等待 0"

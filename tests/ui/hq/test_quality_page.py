"""总部 → 数据质量 on a county of real stations: each check finds the records that fail it (and only
those), at the station they belong to; 发回服务站 makes tasks that travel in the station's next reply and
show in its 数据同步 notices, never twice while waiting."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services import sync
from desktop.services.hq.quality import (
    ID_BIRTH,
    ID_CHECKSUM,
    ID_REGION,
    NO_VENTURE,
    VISIT_OUTCOME,
    months_before,
    quality_report,
    send_back,
)
from desktop.services.visits import record_visit
from models.base import china_today
from models.journal import journal_writing
from tests.sync.exchange import CODES, County, record
from tests.ui.conftest import Answers
from tests.ui.hq.common import hq_context, shot
from ui.hq.quality import QualityPage
from ui.sync.page import SyncPage


def stored_badly(county: County, code: str, file_id: str, column: str, value: str) -> None:
    """A value as an older program might have stored it, in the record and its log alike."""
    station = county.station(code)
    old = str(record(station, "entrepreneur", file_id)[column])
    with station.db.transaction() as session, journal_writing(session.connection()):
        session.execute(
            text(f"UPDATE entrepreneur SET {column} = :v WHERE id = :i"), {"v": value, "i": file_id}
        )
        session.execute(
            text("UPDATE change_log SET changes = replace(changes, :old, :new) WHERE record_id = :i"),
            {"old": old, "new": value, "i": file_id},
        )


def build(county: County) -> dict[str, str]:
    made = {
        "good": county.new_file(CODES[0]),
        "birth": county.new_file(CODES[0]),
        "region": county.new_file(CODES[1], household_region="110101"),
        "visited": county.new_file(CODES[1]),
    }
    stored_badly(county, CODES[0], made["birth"], "birth_date", "1970-01-01")
    node = county.station(CODES[1])
    made["visit"] = record_visit(
        node.db,
        node.actor,
        visit={
            "entrepreneur_id": made["visited"],
            "visit_date": china_today(),
            "mode": "上门走访",
            "problems": "资金周转紧张",
        },
    )
    record_visit(  # with advice: an outcome, not listed
        node.db,
        node.actor,
        visit={
            "entrepreneur_id": made["visited"],
            "visit_date": china_today(),
            "mode": "电话",
            "advice": "申请担保贷款",
        },
    )
    for code in CODES:
        county.to_hq(county.export(code))
    return made


def test_each_check_finds_its_records_and_tasks_travel_to_the_station(
    county: County, qtbot: QtBot, answers: Answers
) -> None:
    made = build(county)
    hq = county.hq
    report = quality_report(hq.db, hq.actor)
    assert report[ID_CHECKSUM] == [] and report[NO_VENTURE] == []
    assert [(r.station, r.record_id) for r in report[ID_BIRTH]] == [(CODES[0], made["birth"])]
    assert "1970-01-01" in report[ID_BIRTH][0].detail
    assert [r.record_id for r in report[ID_REGION]] == [made["region"]]
    assert [(r.record_kind, r.record_id) for r in report[VISIT_OUTCOME]] == [("visit", made["visit"])]
    later = quality_report(hq.db, hq.actor, today=china_today() + timedelta(days=200), venture_months=6)
    assert len(later[NO_VENTURE]) == 4
    assert quality_report(hq.db, hq.actor, station=CODES[0])[ID_REGION] == []
    assert months_before(china_today().replace(month=3, day=31), 1).month == 2

    page = QualityPage(hq_context(county))
    qtbot.addWidget(page)
    page.resize(1280, 600)
    page.refresh()
    assert page.tabs.tabText(1) == "出生日期与身份证号码不符（1）"
    page.tabs.setCurrentIndex(1)
    assert page.send_button.isEnabled()
    answers.reply = True
    page.send_button.click()
    assert answers.asked[-1].startswith("发回服务站|把选中的 1 条记录作为任务发回服务站 330106001")
    assert page.current_list.model.rows[0].sent_at is not None
    assert page.current_list.model.index(0, 5).data().startswith("已发回")
    shot(page, "quality")
    assert send_back(hq.db, hq.actor, rows=page.report[ID_BIRTH]) == 0  # waiting for the station already

    county.to_station(county.reply(CODES[0]), CODES[0])
    station = county.station(CODES[0])
    tasks = [n for n in sync.list_notices(station.db, station.actor) if n.kind == "task"]
    assert [(t.record_kind, t.record_id) for t in tasks] == [("entrepreneur", made["birth"])]
    assert (
        "出生日期与身份证号码不符" in tasks[0].text
        and record(station, "entrepreneur", made["birth"])["id_number"] not in tasks[0].text
    )
    from desktop.context import AppContext
    from desktop.services.station import station_info
    from desktop.settings import Preferences

    info = station_info(station.db)
    assert info is not None
    notices = SyncPage(
        AppContext(db=station.db, actor=station.actor, station=info, preferences=Preferences())
    )
    qtbot.addWidget(notices)
    notices.refresh()
    assert notices.notices.model.index(0, 0).data() == "总部任务"
    county.to_hq(county.export(CODES[0]))  # the station acknowledged the reply: it may be sent again
    assert send_back(hq.db, hq.actor, rows=quality_report(hq.db, hq.actor)[ID_BIRTH]) == 1

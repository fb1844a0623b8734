"""统计 at HQ, the page on a real county (an HQ and two stations exchanging package files): the views
show the county's figures, 冻结本月 asks first and freezes, a late package shows an amber 修订 naming
the station while the frozen figure stays, 冻结修订 makes version 2, and 导出Excel writes the workbook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services import entrepreneurs as people
from desktop.services.station import StationInfo
from desktop.settings import Preferences
from models.base import china_today
from models.ledger.months import month_start, months_back
from tests.sync.exchange import County, make_county
from tests.ui.conftest import Answers
from tests.unit.test_backup import chinese_name, id_number
from ui.areas import load_areas
from ui.hq.statistics.page import VIEWS, CountyStatisticsPage
from ui.roles import TONE_ROLE

load_areas()

CODES = ("330106001", "330108001")
LAST_MONTH = months_back(month_start(china_today()), 2)[0]


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    made = make_county(tmp_path, CODES)
    yield made
    made.close()


def add(county: County, code: str, groups: str, jobs: int) -> None:
    county.serial += 1
    node = county.station(code)
    people.create_entrepreneur(
        node.db,
        node.actor,
        person={
            "name": chinese_name(county.serial),
            "id_number": id_number(county.serial),
            "key_groups": groups,
            "household_region": code[:6],
        },
        ventures=[
            {
                "name": f"小店{county.serial}",
                "entity_type": "个体工商户",
                "stage": "初创",
                "registration_date": LAST_MONTH.replace(day=10).isoformat(),
                "jobs_created": jobs,
            }
        ],
        confirm_possible_duplicate=True,
    )


def loaded(qtbot: QtBot, page: CountyStatisticsPage) -> None:
    before = page.stats
    page.refresh()
    qtbot.waitUntil(lambda: page.stats is not before and not page.loading, timeout=30000)


def test_the_page_shows_freezes_marks_a_revision_and_exports(
    qtbot: QtBot, county: County, answers: Answers, tmp_path: Path
) -> None:
    add(county, CODES[0], "退役军人", 3)
    add(county, CODES[0], "高校毕业生", 2)
    add(county, CODES[1], "农民工", 4)
    for code in CODES:
        county.exchange(code)
    hq = county.hq
    context = AppContext(
        db=hq.db, actor=hq.actor, station=StationInfo("HQ", "测试县总部", False), preferences=Preferences()
    )
    page = CountyStatisticsPage(context, None)
    qtbot.addWidget(page)
    page.resize(1366, 720)
    page.select_month(LAST_MONTH)
    loaded(qtbot, page)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == list(VIEWS)
    assert "未冻结" in page.status_text() and "2 个服务站" in page.status_text()
    lines = {line.figure.key: line for line in page.county_model.rows}
    assert lines["ventures.new"].figure.total == 3 and lines["ventures.new_jobs"].figure.total == 9
    page.figure_combo.setCurrentIndex(page.figure_combo.findData("ventures.new_jobs"))
    assert [(line.group.key, line.row.total if line.row else None) for line in page.station_model.rows] == [
        (CODES[0], 5),
        (CODES[1], 4),
    ]
    page.tabs.setCurrentIndex(1)
    page.grab().save(str(tmp_path / "stations.png"))

    answers.reply = False  # 取消 changes nothing
    page.freeze()
    assert answers.asked[-1].startswith("冻结本月|冻结") and page.stats is not None
    assert not page.stats.is_frozen
    answers.reply = True
    before = page.stats
    page.freeze()
    qtbot.waitUntil(lambda: page.stats is not before, timeout=30000)
    assert page.stats.frozen is not None and page.stats.frozen.version == 1
    assert not page.freeze_button.isEnabled()  # nothing to revise

    add(county, CODES[1], "退役军人", 6)  # a late package from the second station
    county.exchange(CODES[1])
    loaded(qtbot, page)
    lines = {line.figure.key: line for line in page.county_model.rows}
    assert lines["ventures.new"].figure.total == 3  # the frozen figure
    revision = lines["ventures.new"].revision
    assert revision is not None and revision.describe().startswith(
        "修订：4（+1），来自 服务站001（330108001）"
    )
    column = [c.title for c in page.county_model.columns].index("修订")
    index = page.county_model.index(page.county_model.rows.index(lines["ventures.new"]), column)
    assert page.county_model.data(index, TONE_ROLE) == "AMBER"
    assert "项修订" in page.status_text() and "已冻结第 1 版" in page.status_text()
    assert page.freeze_button.isEnabled() and page.freeze_button.text() == "冻结修订"
    page.tabs.setCurrentIndex(0)
    page.grab().save(str(tmp_path / "county.png"))
    for index_ in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index_)
        page.grab().save(str(tmp_path / f"view{index_}.png"))

    before = page.stats
    page.freeze()
    assert answers.asked[-1].startswith("冻结修订|")
    qtbot.waitUntil(lambda: page.stats is not before, timeout=30000)
    assert page.stats.frozen is not None and page.stats.frozen.version == 2 and not page.stats.revisions

    out = tmp_path / "county.xlsx"
    page.export(out, LAST_MONTH)
    qtbot.waitUntil(lambda: page.last_export == out, timeout=30000)
    assert load_workbook(out).sheetnames[0] == "合计"

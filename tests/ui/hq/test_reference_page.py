"""总部 → 参考数据 on a county of real stations: a policy set file is checked and published, the course
catalogue published; each publication is "not yet" at a station until the station's package after HQ's
reply acknowledges it, and then it is "已收到"; a file with a mistake publishes nothing."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.services.hq.reference import publications
from desktop.services.policy import list_policy_sets
from tests.sync.exchange import CODES, County
from tests.ui.conftest import Answers
from tests.ui.hq.common import hq_context, shot
from tests.unit.test_policy_sets import dumped, local_set
from ui.hq.reference import ReferencePage


def test_publish_and_see_which_stations_have_it(
    county: County, qtbot: QtBot, answers: Answers, tmp_path: Path
) -> None:
    page = ReferencePage(hq_context(county))
    qtbot.addWidget(page)
    page.resize(1280, 560)
    page.refresh()
    assert page.list.model.rowCount() == 0

    broken = tmp_path / "broken.json"
    broken.write_text('{"id": ', encoding="utf-8")
    page.choose_policy_file = lambda: broken
    page.policy_button.click()
    assert answers.told[-1].startswith("政策参数文件没有通过检查|broken.json")
    assert publications(county.hq.db, county.hq.actor) == []

    good = tmp_path / "hangzhou.json"
    good.write_text(dumped(local_set()), encoding="utf-8")
    page.choose_policy_file = lambda: good
    answers.reply = False
    page.policy_button.click()
    assert "适用地区：330100" in answers.asked[-1] and page.list.model.rowCount() == 0
    answers.reply = True
    page.policy_button.click()
    page.courses_button.click()
    kinds = [p.record_kind for p in page.list.model.rows]
    assert sorted(kinds) == ["course_type", "policy_set"]
    assert all(p.missing == CODES and p.have == () for p in page.list.model.rows)

    county.to_station(county.reply(CODES[0]), CODES[0])
    node = county.station(CODES[0])
    assert "zj-hangzhou-2026" in {s.id for s in list_policy_sets(node.db, node.actor)}
    page.refresh()
    assert all(p.missing == CODES for p in page.list.model.rows)  # sent, not yet acknowledged
    county.to_hq(county.export(CODES[0]))  # the station's next package acknowledges the reply
    page.refresh()
    assert all(p.have == (CODES[0],) and p.missing == (CODES[1],) for p in page.list.model.rows)
    assert page.list.model.index(0, 4).data() == "1/2"
    county.exchange(CODES[1])
    county.to_hq(county.export(CODES[1]))
    page.refresh()
    assert all(not p.missing for p in page.list.model.rows)
    assert page.list.model.index(0, 4).data() == "全部已收到"
    shot(page, "reference")

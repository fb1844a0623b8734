"""导师走访 page: the visit list (lazy model), the mentor pool with assignments, the key project pool, the
file's 走访与时间线 tab and a visit's detail — on real data, with Qt's model tester on every model."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services import entrepreneurs as people_svc
from desktop.services import visits as svc
from desktop.services.visits import mentors as mentor_svc
from desktop.services.visits import tracking
from models.base import china_today
from models.visits import TrackingState
from tests.ui.conftest import check_model
from ui.visits.detail import VisitDetailDialog
from ui.visits.dialogs import LeaveDialog, MentorDialog, PoolEntryDialog
from ui.visits.file_tab import VisitsFileTab
from ui.visits.page import VisitsPage

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester

TODAY = china_today()


def log(context: AppContext, person: str, day: date, advice: str, **over: object) -> str:
    values: dict[str, object] = {
        "entrepreneur_id": person,
        "visit_date": day,
        "mode": "上门走访",
        "advice": advice,
    }
    values.update(over)
    return context.services(svc.record_visit, visit=values)


def page_for(qtbot: QtBot, context: AppContext) -> VisitsPage:
    page = VisitsPage(context)
    qtbot.addWidget(page)
    page.setMinimumSize(1300, 720)
    page.show()
    qtbot.waitExposed(page)
    page.refresh()
    return page


def test_visit_list_filters_by_month_text_and_mode(
    qtbot: QtBot, context: AppContext, people: dict[str, str], qtmodeltester: ModelTester
) -> None:
    log(context, people["张三"], TODAY, "建议申请创业担保贷款")
    log(context, people["李四"], TODAY, "推荐参加网创培训", mode="电话")
    log(context, people["李四"], TODAY - timedelta(days=70), "两个多月前的走访")
    page = page_for(qtbot, context)
    tab = page.visits
    check_model(qtmodeltester, tab.model)
    assert tab.model.rowCount() == 2  # this month
    assert tab.count.text() == "共 2 次（已筛选）"
    tab.month.setCurrentIndex(tab.month.findData(""))
    assert tab.model.rowCount() == 3
    tab.search.setText("ls")
    assert {tab.model.index(r, 1).data() for r in range(tab.model.rowCount())} == {"李四"}
    tab.mode.setCurrentIndex(tab.mode.findText("电话"))
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 7).data() == "推荐参加网创培训"
    check_model(qtmodeltester, tab.model)
    tab.search.setText("nobody")
    assert tab.stack.currentWidget() is tab.empty
    tab.reset()
    assert tab.model.rowCount() == 2
    assert "共 2 次" in page.status_text()


def test_mentor_pool_add_and_assign(
    qtbot: QtBot, context: AppContext, people: dict[str, str], qtmodeltester: ModelTester
) -> None:
    page = page_for(qtbot, context)
    page.tabs.setCurrentWidget(page.mentors)
    dialog = MentorDialog(context, None, page)
    qtbot.addWidget(dialog)
    dialog.name.setText("王芳")
    dialog.kind.setCurrentIndex(dialog.kind.findText("创业指导师"))
    dialog.ok.click()  # no level: refused, the dialog stays
    assert "职业技能等级" in dialog.error.text()
    dialog.level.setCurrentIndex(dialog.level.findText("三级/高级工"))
    dialog.phone.setText("13900002222")
    dialog.ok.click()
    assert dialog.result() == 1
    page.mentors.refresh()
    tab = page.mentors
    check_model(qtmodeltester, tab.model)
    assert tab.model.index(0, 0).data() == "王芳"
    assert tab.model.index(0, 1).data() == "创业指导师（三级/高级工）"
    tab.table.selectRow(0)
    assert tab.side_title.text() == "王芳 联系的创业者（0 人）"
    QTest.keyClicks(tab.picker.line_edit, "zs")
    QTest.keyClick(tab.picker.line_edit, Qt.Key.Key_Return)  # Enter assigns the first match
    assert context.services(mentor_svc.assigned_entrepreneur_ids, mentor_id=tab.model.rows[0].id) == [
        people["张三"]
    ]
    assert tab.people.count() == 1 and tab.people.item(0).text().startswith("张三")
    tab.people.setCurrentRow(0)
    tab._unassign()
    assert tab.people.count() == 0


def test_key_project_pool_enter_and_leave(
    qtbot: QtBot, context: AppContext, people: dict[str, str], qtmodeltester: ModelTester
) -> None:
    page = page_for(qtbot, context)
    page.tabs.setCurrentWidget(page.pool)
    entry = PoolEntryDialog(context, page, entrepreneur_id=people["李四"])
    qtbot.addWidget(entry)
    assert entry.venture.currentText().startswith("青禾餐饮店")
    entry.ok.click()
    assert "请填写入库理由" in entry.error.text()
    entry.reason.setPlainText("带动就业能力强")
    entry.cadence.setCurrentIndex(entry.cadence.findText("每月（同一天）"))
    entry.ok.click()
    page.pool.refresh()
    model = page.pool.model
    check_model(qtmodeltester, model)
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == "青禾餐饮店"
    assert model.index(0, 4).data() == "每月"
    assert model.index(0, 0).data() == TrackingState.ON_TRACK.label
    leave = LeaveDialog(context, model.rows[0], page)
    qtbot.addWidget(leave)
    leave.outcome.setCurrentIndex(leave.outcome.findText("转化落地"))
    leave.ok.click()
    page.pool.refresh()
    assert model.rowCount() == 0
    page.pool.select_state(TrackingState.LEFT)
    assert model.rowCount() == 1 and model.index(0, 10).data() == "转化落地"


def test_file_tab_shows_the_timeline_and_a_visit_opens_with_its_actions(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    visit_id = log(
        context,
        people["李四"],
        TODAY - timedelta(days=2),
        "推荐参加网创培训",
        actions=[("报名网创培训", TODAY + timedelta(days=5))],
    )
    tab = VisitsFileTab(context, people["李四"])
    qtbot.addWidget(tab)
    items = [tab.tree.topLevelItem(i) for i in range(tab.tree.topLevelItemCount())]
    kinds = [item.text(1) for item in items if item is not None]
    assert "走访" in kinds and "档案变更" in kinds
    assert "共走访 1 次" in tab.summary.text()
    assert "还没有分配导师" in tab.summary.text()
    visit_row = kinds.index("走访")
    visit_item = items[visit_row]
    assert visit_item is not None
    tab.tree.setCurrentItem(visit_item)
    assert "推荐参加网创培训" in tab.detail.text()
    assert "报名网创培训" in tab.detail.text()
    detail = VisitDetailDialog(context, visit_id)
    qtbot.addWidget(detail)
    item = detail.action_list.item(0)
    assert item.text().startswith("报名网创培训")
    with qtbot.waitSignal(detail.changed):
        item.setCheckState(Qt.CheckState.Checked)
    assert context.services(svc.get_visit, visit_id=visit_id).actions[0].done_on == TODAY
    venture = context.services(people_svc.get_file, entrepreneur_id=people["李四"]).ventures[0]
    context.services(
        tracking.add_to_pool, project={"venture_id": venture.id, "reason": "示范", "cadence_days": 30}
    )
    tab.refresh()
    assert "重点项目 青禾餐饮店" in tab.summary.text()

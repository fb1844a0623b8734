"""工作台: this month's figures on top, an overdue follow-up among today's tasks, done from the list; a
mentor's own view; one click opens the file; the models pass Qt's model tester."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlmodel import select

from desktop.context import AppContext
from desktop.services import visits as svc
from desktop.services.visits import mentors as mentor_svc
from desktop.services.visits import tracking
from models.base import china_today
from models.visits import AgreedAction
from tests.ui.conftest import check_model
from ui.areas import load_areas
from ui.main_window import MainWindow
from ui.visits.quick_entry import QuickVisitDialog
from ui.workbench.model import ACTION, TEXT, TaskModel
from ui.workbench.page import WorkbenchPage

load_areas()  # every area's task sources and pages

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester

TODAY = china_today()


def overdue_follow_up(context: AppContext, person: str) -> str:
    """A visit ten days ago whose agreed action was due three days ago."""
    return context.services(
        svc.record_visit,
        visit={
            "entrepreneur_id": person,
            "visit_date": TODAY - timedelta(days=10),
            "mode": "上门走访",
            "advice": "建议申请创业担保贷款",
            "actions": [("提交贷款申请材料", TODAY - timedelta(days=3))],
        },
    )


def loaded_page(qtbot: QtBot, context: AppContext) -> WorkbenchPage:
    page = WorkbenchPage(context)
    qtbot.addWidget(page)
    page.setMinimumSize(1200, 700)  # as a window of its own: no size hints for the offscreen platform
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.refresh()
    return page


def test_an_overdue_follow_up_is_listed_first_and_done_from_the_list(
    qtbot: QtBot, context: AppContext, people: dict[str, str], qtmodeltester: ModelTester
) -> None:
    overdue_follow_up(context, people["张三"])
    page = loaded_page(qtbot, context)
    figures = {label.text() for label in page.findChildren(QLabel)}
    assert {"本月新增创业者", "本月走访"} <= figures
    model = page.model
    check_model(qtmodeltester, model)
    first = model.task(0)
    assert first is not None
    assert (first.kind_label, first.subject_name) == ("跟进事项", "张三")
    assert model.index(0, 0).data() == "逾期"
    assert model.index(0, TEXT).data() == "提交贷款申请材料（已逾期 3 天）"
    assert model.index(0, ACTION).data() == "完成"
    with qtbot.waitSignal(page.loaded, timeout=10000):
        rect = page.table.visualRect(model.index(0, ACTION))
        QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert all(t.kind_label != "跟进事项" for t in model.tasks)
    with context.db.reading() as session:
        action = session.exec(select(AgreedAction)).one()
    assert (action.done_on, action.done_by) == (TODAY, context.actor.user_name)


def test_a_mentor_sees_only_their_people_and_a_tracking_visit_is_logged_from_the_list(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    li_ming = context.services(mentor_svc.create_mentor, mentor={"name": "李明", "kind": "企业家"})
    context.services(mentor_svc.assign_entrepreneurs, mentor_id=li_ming, entrepreneur_ids=[people["李四"]])
    overdue_follow_up(context, people["张三"])  # not 李明's
    from desktop.services import entrepreneurs as people_svc

    venture = context.services(people_svc.get_file, entrepreneur_id=people["李四"]).ventures[0]
    context.services(
        tracking.add_to_pool,
        project={
            "venture_id": venture.id,
            "reason": "成长性好",
            "entered_on": TODAY - timedelta(days=40),
            "cadence_days": 30,
        },
    )
    page = loaded_page(qtbot, context)
    assert {t.subject_name for t in page.model.tasks} >= {"张三", "李四"}
    page.scope.setCurrentIndex(page.scope.findData(li_ming))
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.scope.activated.emit(page.scope.currentIndex())
    assert {t.subject_name for t in page.model.tasks} == {"李四"}
    row = next(i for i, t in enumerate(page.model.tasks) if t.kind_label == "陪跑走访")
    assert page.model.index(row, 0).data() == "逾期"
    assert page.model.index(row, ACTION).data() == "记走访"
    page.act(row)
    dialog = page.findChild(QuickVisitDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.picker.entrepreneur_id == people["李四"]
    dialog.advice.setPlainText("陪跑走访，经营正常")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        dialog.save()
    assert all(t.kind_label != "陪跑走访" for t in page.model.tasks)


def test_one_click_on_a_line_opens_the_file(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    overdue_follow_up(context, people["曾小红"])
    window = MainWindow(context, remember=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("workbench")
    assert isinstance(page, WorkbenchPage)
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() > 0, timeout=10000)
    row = next(i for i, t in enumerate(page.model.tasks) if t.subject_name == "曾小红")
    rect = page.table.visualRect(page.model.index(row, TEXT))
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    from ui.entrepreneurs.file_dialog import FileDialog

    opened = [d for d in window.findChildren(FileDialog) if d.isVisible()]
    assert [d.entrepreneur_id for d in opened] == [people["曾小红"]]
    for dialog in opened:
        dialog.close()


def test_task_model_with_no_tasks(qtmodeltester: ModelTester) -> None:
    model = TaskModel()
    check_model(qtmodeltester, model)
    assert model.rowCount() == 0
    assert model.data(QModelIndex()) is None

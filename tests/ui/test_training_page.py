"""The 培训 page: the classes list, a new class, enrolling (search and walk-in), exam scores, the file tab."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func
from sqlmodel import select

from desktop.context import AppContext
from desktop.services import training as svc
from desktop.settings import Preferences
from models.audit import AccessLog, Actor
from models.base import china_today
from models.database import Database
from models.permissions import Permission
from models.training import CourseType, HalfDay
from tests.ui.conftest import ZHANG_SAN, Answers, check_model, make_id
from ui.entrepreneurs.file_tabs import FILE_TABS
from ui.pages import PAGES
from ui.training import register
from ui.training.dialogs import ClassDialog
from ui.training.enrol import EnrolDialog
from ui.training.file_tab import PersonTrainingTab
from ui.training.models import CompletionModel, class_columns
from ui.training.page import TrainingPage
from ui.widgets.dialogs import settle_minimum_size
from ui.widgets.rows_model import RowsModel

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester

START = date(2025, 3, 3)


def make_class(context: AppContext, *, capacity: int = 30) -> str:
    context.services(svc.ensure_course_catalogue)
    class_id = context.services(
        svc.create_class,
        data={
            "course_id": svc.course_id_for("SYB"),
            "class_number": "SYB202501",
            "title": "创办你的企业培训2025年第1期",
            "start_date": START,
            "end_date": START + timedelta(days=1),
            "capacity": capacity,
        },
    )
    context.services(
        svc.add_sessions,
        class_id=class_id,
        first_day=START,
        last_day=START + timedelta(days=1),
        half_days=[HalfDay.FULL],
        hours=8,
    )
    return class_id


@pytest.fixture
def page(qtbot: QtBot, context: AppContext) -> TrainingPage:
    widget = TrainingPage(context)
    qtbot.addWidget(widget)
    widget.resize(1166, 678)
    settle_minimum_size(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresh()
    return widget


def test_the_area_registers_its_page_and_file_tab() -> None:
    register()
    register()
    spec = next(s for s in PAGES if s.key == "training")
    assert spec.label == "培训"
    assert "planned" not in repr(spec.factory)
    assert sum(1 for tab in FILE_TABS if "training" in tab.__module__) == 1


def test_empty_list_offers_the_first_step_and_a_new_class_opens(
    qtbot: QtBot, page: TrainingPage, context: AppContext
) -> None:
    assert page.list.body.currentWidget() is page.list.empty
    assert page.list.empty.button.text() == "新增班级"
    dialog = ClassDialog(context, page)
    qtbot.addWidget(dialog)
    form = dialog.form
    assert form.fields["class_number"].value() == f"SYB{china_today().year}01"
    form.fields["start_date"].set_value(START)
    form.fields["end_date"].set_value(START - timedelta(days=1))
    dialog.save()
    assert dialog.result() == 0
    assert "早于开班日期" in form.fields["end_date"].error
    form.fields["end_date"].set_value(START + timedelta(days=9))
    form.fields["min_attendance_percent"].set_value(90)
    dialog.save()
    assert dialog.saved_id is not None
    detail = context.services(svc.get_class, class_id=dialog.saved_id)
    assert detail.rule.min_attendance_percent == 90
    page.refresh()
    assert page.list.model.rowCount() == 1
    assert page.list.count_label.text() == "共 1 期，0 人次"
    view = page.open_class(dialog.saved_id)
    assert view.title.text().startswith("创办你的企业培训")
    assert "结业率 未评定" in view.rate.text()
    view.back.emit()
    assert page.stack.currentWidget() is page.list


def test_enrol_by_pinyin_search_and_a_walk_in(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    class_id = make_class(context, capacity=3)
    dialog = EnrolDialog(context, class_id)
    qtbot.addWidget(dialog)
    dialog.search.setText("zs")  # pinyin initials of 张三
    dialog.search_files()
    assert dialog.results.rowCount() == 1
    assert dialog.results.model().index(0, 0).data() == "张三"
    dialog.results.selectRow(0)
    dialog.enrol_selected()
    assert dialog.results.model().index(0, 4).data() == "已在本班"
    assert "还可报名 2 人" in dialog.capacity.text()
    # a walk-in whose ID number is already on file: offered to enrol that file instead
    dialog.walk_name.setText("张三")
    dialog.walk_id.setText(ZHANG_SAN)
    dialog.walk_in()
    assert "已有档案" in answers.asked[-1]
    assert "已在第 SYB202501 期的名单中" in answers.told[-1]
    # a new person
    dialog.walk_name.setText("孙七")
    dialog.walk_id.setText(make_id("33010619880808001"))
    dialog.walk_in()
    assert dialog.status.text() == "已为 孙七 建立档案并报名"
    assert [r.name for r in context.services(svc.roster, class_id=class_id)] == ["张三", "孙七"]
    assert len(dialog.enrolled) == 2


def test_class_page_tabs_scores_and_assessment(
    qtbot: QtBot, page: TrainingPage, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    class_id = make_class(context)
    for person in people.values():
        context.services(svc.enrol, class_id=class_id, entrepreneur_id=person)
    for session in context.services(svc.list_sessions, class_id=class_id):
        context.services(svc.mark_column, session_id=session.id)
    view = page.open_class(class_id)
    assert view.roster_model.rowCount() == 3
    view.tabs.setCurrentIndex(1)
    assert view.session_model.rowCount() == 2
    assert view.session_model.data(view.session_model.index(0, 7)) == "3/3"
    view.tabs.setCurrentIndex(2)
    assert view.grid.model.rowCount() == 3
    view.tabs.setCurrentIndex(3)
    model = view.completion_model
    score = model.index(0, CompletionModel.SCORE_COLUMN)
    assert model.flags(score) & Qt.ItemFlag.ItemIsEditable
    errors: list[str] = []
    model.error.connect(errors.append)
    assert not model.setData(score, "一百")
    assert "考核成绩 一百 不是数字" in errors[0]
    for row in range(3):
        assert model.setData(model.index(row, CompletionModel.SCORE_COLUMN), "75")
    qtbot.waitUntil(lambda: model.data(model.index(0, CompletionModel.SCORE_COLUMN)) == "75")
    assert model.data(model.index(0, 5)) == "可结业"
    view.assess()
    assert "结业 3 人（结业率 100%）" in answers.told[-1]
    assert "结业率 100%（3/3 人）" in view.rate.text()
    assert model.data(model.index(2, 8)) == "330106001-SYB-2025-00003"


def test_item_models_pass_the_model_tester(
    qtmodeltester: ModelTester, context: AppContext, people: dict[str, str]
) -> None:
    class_id = make_class(context)
    for person in people.values():
        context.services(svc.enrol, class_id=class_id, entrepreneur_id=person)
    classes: RowsModel[svc.ClassRow] = RowsModel(class_columns())
    classes.replace(context.services(svc.list_classes))
    check_model(qtmodeltester, classes)
    completion = CompletionModel(lambda _e, _v: None)
    completion.replace(context.services(svc.completion_preview, class_id=class_id))
    check_model(qtmodeltester, completion)


def test_file_tab_lists_the_persons_classes(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    class_id = make_class(context)
    context.services(svc.enrol, class_id=class_id, entrepreneur_id=people["张三"])
    tab = PersonTrainingTab(context, people["张三"])
    qtbot.addWidget(tab)
    assert tab.summary.text() == "参加培训 1 期，结业 0 期"
    assert tab.model.data(tab.model.index(0, 0)) == "SYB202501"
    assert tab.model.data(tab.model.index(0, 5)) == "待结业评定"
    other = PersonTrainingTab(context, people["李四"])
    qtbot.addWidget(other)
    assert other.summary.text().startswith("还没有参加过培训")


def test_a_read_only_user_opens_the_page_without_storing_the_catalogue(
    qtbot: QtBot, db: Database, actor: Actor, context: AppContext
) -> None:
    reader = AppContext(
        db=db,
        actor=actor.restricted_to(Permission.VIEW_FILES),
        station=context.station,
        preferences=Preferences(),
    )
    widget = TrainingPage(reader)
    qtbot.addWidget(widget)
    widget.refresh()
    assert widget.list.body.currentWidget() is widget.list.empty
    with db.reading() as session:
        assert session.exec(select(func.count()).select_from(CourseType)).one() == 0
        assert session.exec(select(func.count()).select_from(AccessLog)).one() == 0  # nothing refused
    make_class(context)  # a user who manages training stores the catalogue and a class
    widget.refresh()
    assert widget.list.model.rowCount() == 1
    again = TrainingPage(reader)  # opened again, the reader's course filter offers the stored courses
    qtbot.addWidget(again)
    again.refresh()
    assert again.list.course.count() == 1 + len(svc.default_course_catalogue()[1])

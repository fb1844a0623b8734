"""Issue 12 in the training and policy GUI, with real keys: a session not yet held cannot be ticked;
Enter moves down the score column; Enter in the enrol search picks the match instead of closing the
dialog; the dialogs start in their first field; Delete works on the current row however it was reached;
Esc asks 保存 / 不保存 / 取消 before it throws typing away; a failed alternative of a condition that
held shows as 满足其一; no partnership loan is offered to a one-person 个体工商户."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QTreeWidget, QTreeWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services import training as svc
from models.base import china_today
from models.policy import ItemCode
from models.training import HalfDay
from tests.ui.conftest import ZHANG_SAN, Add, Answers, make_id
from tests.unit.test_rules_firstday_services import running_class
from ui.policy.eligibility import CODE_ROLE, EligibilityPanel
from ui.style import Tone
from ui.training.class_view import ClassView
from ui.training.dialogs import ClassDialog, SessionDialog
from ui.training.enrol import EnrolDialog
from ui.training.grid import AttendanceGridWidget
from ui.training.page import ClassListView
from ui.widgets.dialogs import GuardedDialog, settle_minimum_size

PAST = date(2025, 3, 3)  # a Monday


def make_class(context: AppContext, *, start: date, days: int, number: str = "SYB202501") -> str:
    """A class of one morning session a day, weekends included."""
    return running_class(
        context.db,
        context.actor,
        number=number,
        start=start,
        days=days,
        half_days=(HalfDay.AM,),
        skip_weekends=False,
    )


def enrol_people(context: AppContext, class_id: str, people: dict[str, str]) -> list[str]:
    return [
        svc.enrol(context.db, context.actor, class_id=class_id, entrepreneur_id=people[name])
        for name in ("张三", "李四", "曾小红")
    ]


def _forget_typing(widget: QWidget) -> None:
    """At the test's end the widget is closed: a dialog left with typing must not ask then."""
    if isinstance(widget, GuardedDialog):
        widget.mark_clean()


def show(qtbot: QtBot, widget: QWidget, width: int = 0, height: int = 0) -> None:
    qtbot.addWidget(widget, before_close_func=_forget_typing)
    if width:
        widget.resize(width, height)
        settle_minimum_size(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


def press(key: Qt.Key) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, key)


def press_text(text: str) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClicks(focus, text)


def when_asked(act: Callable[[QMessageBox], None]) -> list[str]:
    """Answer the next question box with ``act`` (real keys or a click); returns its button texts."""
    seen: list[str] = []
    tries = [0]

    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            tries[0] += 1
            if tries[0] < 100:  # two seconds, then the test's own assertion tells what went wrong
                QTimer.singleShot(20, look)
            return
        seen.extend(b.text() for b in box.buttons())
        seen.append(box.text())
        act(box)

    QTimer.singleShot(20, look)
    return seen


def click(text: str) -> Callable[[QMessageBox], None]:
    def act(box: QMessageBox) -> None:
        button = next(b for b in box.buttons() if b.text() == text)
        assert isinstance(button, QPushButton)
        button.click()

    return act


# ------------------------------------------------------------------------ a session not yet held
def test_a_session_ahead_is_greyed_and_cannot_be_ticked(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    today = china_today()
    class_id = make_class(context, start=today - timedelta(days=1), days=3)  # yesterday, today, tomorrow
    enrol_people(context, class_id, people)
    grid = AttendanceGridWidget(context, class_id)
    show(qtbot, grid, 900, 360)
    model, view = grid.model, grid.view
    ahead = model.index(0, 2)  # tomorrow's session, first trainee
    # the worker clicks tomorrow's cell and types 1: nothing is ticked
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(ahead).center())
    QTest.keyClick(view, Qt.Key.Key_1)
    # and from today's cell, → then 1 does not reach it either
    view.setFocus()
    view.setCurrentIndex(model.index(0, 1))
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.currentIndex().column() != 2  # the arrow passes over the disabled cells
    QTest.keyClick(view, Qt.Key.Key_1)
    stored = context.services(svc.attendance_grid, class_id=class_id)
    future_id = stored.sessions[2].id
    assert not any(session_id == future_id for _e, session_id in stored.marks)
    # greyed, with a tooltip that says why
    assert [model.is_future_column(c) for c in range(3)] == [False, False, True]
    assert not model.flags(ahead) & Qt.ItemFlag.ItemIsEnabled
    assert "还没有上" in str(model.data(ahead, Qt.ItemDataRole.ToolTipRole))
    assert "上课当天或之后才能记考勤" in str(
        model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    )
    grid.grab().save("/tmp/rules-grid-future.png")


# ------------------------------------------------------------------------ Enter in the score column
def test_enter_moves_down_the_score_column(qtbot: QtBot, context: AppContext, people: dict[str, str]) -> None:
    class_id = make_class(context, start=PAST, days=2)
    enrol_people(context, class_id, people)
    view = ClassView(context, class_id)
    show(qtbot, view, 1200, 600)
    view.tabs.setCurrentIndex(3)
    table = view.completion_view
    table.setFocus()
    table.setCurrentIndex(view.completion_model.index(0, 4))  # 考核成绩 of the first trainee

    def editing() -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and table.isAncestorOf(focus)

    for row, score in enumerate(("88", "75")):
        QTest.keyClicks(table, score[0])  # the first digit opens the cell's editor
        qtbot.waitUntil(editing)
        press_text(score[1:])
        press(Qt.Key.Key_Return)

        def saved(r: int = row, v: int = int(score)) -> bool:  # the page refreshes after each score
            return view.completion_model.rows[r].row.exam_score == v

        def moved_down(r: int = row) -> bool:
            return table.currentIndex().row() == r + 1 and table.hasFocus()

        qtbot.waitUntil(saved)
        qtbot.waitUntil(moved_down)
    assert [p.row.exam_score for p in view.completion_model.rows] == [88, 75, None]
    assert (table.currentIndex().row(), table.currentIndex().column()) == (2, 4)


# ---------------------------------------------------------------------------- the enrol dialog
def test_enrol_search_enter_picks_the_match_and_keeps_the_dialog(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    class_id = make_class(context, start=PAST, days=2)
    dialog = EnrolDialog(context, class_id)
    show(qtbot, dialog)
    assert QApplication.focusWidget() is dialog.search  # starts in its first field
    QTest.keyClicks(dialog.search, "ls")  # 李四 by pinyin initials
    press(Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter in the search never closes the dialog
    assert [r.name for r in context.services(svc.roster, class_id=class_id)] == ["李四"]
    # the class ended in 2025: enrolling now is a late entry, asked first
    assert (
        answers.asked and "报名需要确认" in answers.asked[-1] and "已于 2025-03-04 结束" in answers.asked[-1]
    )
    dialog.search.clear()
    QTest.keyClicks(dialog.search, "z")  # 张三 and 曾小红: Enter shows them, the next Enter picks the first
    press(Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.results.rowCount() == 2
    press(Qt.Key.Key_Down)
    cell = dialog.results.item(dialog.results.currentRow(), 0)
    assert cell is not None
    picked = cell.text()
    press(Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert sorted(r.name for r in context.services(svc.roster, class_id=class_id)) == sorted(["李四", picked])
    dialog.grab().save("/tmp/rules-enrol.png")


def test_two_classes_of_one_course_at_once_are_asked(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    first = make_class(context, start=PAST, days=5)
    second = make_class(context, start=PAST + timedelta(days=2), days=5, number="SYB202502")
    svc.enrol(context.db, context.actor, class_id=first, entrepreneur_id=people["张三"])
    dialog = EnrolDialog(context, second)
    show(qtbot, dialog)
    answers.reply = False  # the worker reads the warning and does not enrol
    QTest.keyClicks(dialog.search, "zs")
    press(Qt.Key.Key_Return)
    assert "同时参加两期" in answers.asked[-1] and "第 SYB202501 期" in answers.asked[-1]
    assert context.services(svc.roster, class_id=second) == []


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform, on a real question box
def test_esc_with_a_half_typed_walk_in_asks_before_discarding(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    class_id = make_class(context, start=china_today(), days=2)
    dialog = EnrolDialog(context, class_id)
    show(qtbot, dialog)
    QTest.keyClicks(dialog.search, "zs")  # a search alone is not typing worth asking about
    dialog.walk_name.setFocus()
    QTest.keyClicks(dialog.walk_id, make_id("33010619880808001"))

    def look_then_escape(box: QMessageBox) -> None:
        box.grab().save("/tmp/rules-ask.png")
        QTest.keyClick(box, Qt.Key.Key_Escape)  # Esc in the question: 取消, back to the typing

    seen = when_asked(look_then_escape)
    QTest.keyClick(dialog.walk_id, Qt.Key.Key_Escape)
    assert sorted(seen[:3]) == sorted(["保存", "不保存", "取消"])
    assert dialog.isVisible() and dialog.walk_id.text()  # still there, typing kept
    when_asked(click("不保存"))
    QTest.keyClick(dialog.walk_id, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert context.services(svc.roster, class_id=class_id) == []


# ------------------------------------------------------------------------------ the class dialog
@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform, on a real question box
def test_new_class_starts_in_its_first_field_and_esc_asks(
    qtbot: QtBot, context: AppContext, answers: Answers
) -> None:
    svc.ensure_course_catalogue(context.db, context.actor)
    dialog = ClassDialog(context)
    show(qtbot, dialog)
    assert QApplication.focusWidget() is dialog.course.combo  # 课程, the first field
    venue = dialog.form.fields["venue"].editor
    venue.setFocus()
    QTest.keyClicks(venue, "wenxin jie")
    seen = when_asked(click("取消"))
    QTest.keyClick(venue, Qt.Key.Key_Escape)
    assert sorted(seen[:3]) == sorted(["保存", "不保存", "取消"])
    assert dialog.isVisible()
    dialog.grab().save("/tmp/rules-class-dialog.png")
    when_asked(click("保存"))
    QTest.keyClick(venue, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.saved_id is not None
    assert context.services(svc.get_class, class_id=dialog.saved_id).venue == "wenxin jie"


def test_esc_in_an_untouched_dialog_just_closes(qtbot: QtBot, context: AppContext, answers: Answers) -> None:
    class_id = make_class(context, start=PAST, days=2)
    dialog = SessionDialog(context, class_id)
    show(qtbot, dialog)
    focus = QApplication.focusWidget()
    assert focus is not None and (focus is dialog.day or dialog.day.isAncestorOf(focus))
    press(Qt.Key.Key_Escape)  # nothing typed: no question
    assert not dialog.isVisible()


# ------------------------------------------------------------------------------------ Delete
def test_delete_works_on_the_current_row_however_it_was_reached(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    class_id = make_class(context, start=PAST, days=2)
    enrol_people(context, class_id, people)
    view = ClassView(context, class_id)
    show(qtbot, view, 1200, 600)
    roster = view.roster_view
    roster.setFocus()
    # the cursor moved to 李四 with Ctrl+↓ — current, not selected
    roster.selectionModel().setCurrentIndex(
        view.roster_model.index(1, 1), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    assert not roster.selectionModel().selectedRows()
    QTest.keyClick(roster, Qt.Key.Key_Delete)
    assert "李四 退出第 SYB202501 期" in answers.asked[-1]
    withdrawn = [
        r.name for r in context.services(svc.roster, class_id=class_id) if r.status.label == "已退出"
    ]
    assert withdrawn == ["李四"]
    view.tabs.setCurrentIndex(1)  # 课程安排
    sessions = view.session_view
    sessions.setFocus()
    QTest.keyClick(sessions, Qt.Key.Key_Down)
    QTest.keyClick(sessions, Qt.Key.Key_Delete)
    assert "删除 1 个课次" in answers.asked[-1]
    assert len(context.services(svc.list_sessions, class_id=class_id)) == 1
    page = ClassListView(context)
    show(qtbot, page, 1200, 500)
    page.refresh()
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_Down)
    QTest.keyClick(page.table, Qt.Key.Key_Delete)
    assert "删除第 SYB202501 期" in answers.asked[-1]
    assert context.services(svc.list_classes) == []


# ---------------------------------------------------------------------------- the schedule hours
def test_a_short_schedule_is_shown_on_the_class_page(
    qtbot: QtBot, context: AppContext, answers: Answers
) -> None:
    class_id = make_class(context, start=PAST, days=2)  # 2 × 4 学时 of SYB's 80
    view = ClassView(context, class_id)
    show(qtbot, view, 1200, 600)
    assert view.schedule_note.isVisible()
    assert (
        "已排 2 个课次共 8 学时，少于" in view.schedule_note.text()
        and "还差 72 学时" in view.schedule_note.text()
    )
    view.grab().save("/tmp/rules-class-short.png")
    answers.reply = False
    view.assess()
    assert "排课学时不足" in answers.asked[-1]
    assert context.services(svc.get_class, class_id=class_id).assessed_on is None


# ---------------------------------------------------------------------------------- eligibility
def _top(tree: QTreeWidget, code: ItemCode) -> QTreeWidgetItem:
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        if item is not None and item.data(0, CODE_ROLE) == code.value:
            return item
    raise AssertionError(code)


def _find(item: QTreeWidgetItem, needle: str) -> QTreeWidgetItem | None:
    for index in range(item.childCount()):
        child = item.child(index)
        if child is None:
            continue
        if needle in child.text(0):
            return child
        deeper = _find(child, needle)
        if deeper is not None:
            return deeper
    return None


def test_a_failed_alternative_shows_as_one_of_these_holds(
    qtbot: QtBot, context: AppContext, add_person: Add
) -> None:
    shop = {
        "name": "向阳便利店",
        "entity_type": "个体工商户",
        "stage": "初创",
        "registration_date": (china_today() - timedelta(days=200)).isoformat(),
        "jobs_created": 1,
    }
    veteran = add_person("张三", ZHANG_SAN, key_groups="退役军人", ventures=[shop])
    panel = EligibilityPanel(context, veteran)
    show(qtbot, panel, 1000, 700)
    tree = panel.tree
    startup = _top(tree, ItemCode.STARTUP_SUBSIDY)
    assert startup.text(1) == "符合条件"
    graduate = _find(startup, "毕业 2 年内的高校毕业生")
    assert graduate is not None
    assert graduate.text(0).startswith("○") and "满足其一即可" in graduate.text(0)
    assert graduate.foreground(0).color() == Tone.GREY.foreground
    assert "✘" not in graduate.text(0)
    # no partnership loan for a one-person 个体工商户
    partnership = _top(tree, ItemCode.LOAN_PARTNERSHIP)
    assert partnership.text(1) == "不符合条件"
    assert _find(partnership, "为个体工商户，由一人经营，不是合伙创业") is not None
    tree.setCurrentItem(partnership)
    assert not panel.apply_button.isEnabled()
    tree.setCurrentItem(startup)
    panel.grab().save("/tmp/rules-eligibility.png")


def type_text(widget: QWidget, text: str) -> None:
    """Type text as an input method commits it: a key event per character (QTest only types ASCII)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform, on a real question box
def test_done_with_a_half_typed_walk_in_asks_and_saves(
    qtbot: QtBot, context: AppContext, answers: Answers
) -> None:
    class_id = make_class(context, start=china_today(), days=2)
    dialog = EnrolDialog(context, class_id)
    show(qtbot, dialog)
    dialog.walk_name.setFocus()
    type_text(dialog.walk_name, "孙七")
    QTest.keyClick(dialog.walk_name, Qt.Key.Key_Tab)
    press_text(make_id("33010619880808001"))
    done = next(b for b in dialog.findChildren(QPushButton) if b.text() == "完成")
    seen = when_asked(click("保存"))
    QTest.mouseClick(done, Qt.MouseButton.LeftButton)
    assert "建档并报名吗" in seen[-1]
    assert not dialog.isVisible()
    assert [r.name for r in context.services(svc.roster, class_id=class_id)] == ["孙七"]

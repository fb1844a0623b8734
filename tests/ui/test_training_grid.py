"""The attendance grid: keyboard marking as in a spreadsheet, whole-column marking, totals, undo."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from stdnum.cn import ric

from desktop.context import AppContext
from desktop.services import training as svc
from desktop.services.entrepreneurs import create_entrepreneur
from models.training import AttendanceMark, HalfDay
from tests.ui.conftest import check_model
from ui.training.grid import AttendanceGridWidget, AttendanceModel
from ui.widgets.dialogs import settle_minimum_size

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester

START = date(2025, 3, 3)
P, L, E, A = AttendanceMark.PRESENT, AttendanceMark.LATE, AttendanceMark.EXCUSED, AttendanceMark.ABSENT


def id_number(serial: int) -> str:
    head = f"33010619900101{serial:03d}"
    return head + ric.calc_check_digit(head + "0")


@pytest.fixture
def class_id(context: AppContext) -> str:
    db, actor = context.db, context.actor
    svc.ensure_course_catalogue(db, actor)
    class_id = svc.create_class(
        db,
        actor,
        data={
            "course_id": svc.course_id_for("SYB"),
            "class_number": "SYB202501",
            "title": "创办你的企业培训2025年第1期",
            "start_date": START,
            "end_date": START + timedelta(days=1),
            "capacity": 30,
        },
    )
    svc.add_sessions(
        db,
        actor,
        class_id=class_id,
        first_day=START,
        last_day=START + timedelta(days=1),
        half_days=[HalfDay.AM, HalfDay.PM],
        hours=4,
    )
    for serial, name in enumerate(["张三", "李四", "王五"], start=1):
        person = create_entrepreneur(db, actor, person={"name": name, "id_number": id_number(serial)})
        svc.enrol(db, actor, class_id=class_id, entrepreneur_id=person)
    return class_id


@pytest.fixture
def grid(qtbot: QtBot, context: AppContext, class_id: str) -> AttendanceGridWidget:
    widget = AttendanceGridWidget(context, class_id)
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    settle_minimum_size(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def stored(context: AppContext, class_id: str) -> list[list[str]]:
    """The marks in the database, as a grid of 出/迟/假/缺 ('' for unmarked)."""
    data = context.services(svc.attendance_grid, class_id=class_id)
    return [
        [
            data.marks[(p.enrolment_id, s.id)].short if (p.enrolment_id, s.id) in data.marks else ""
            for s in data.sessions
        ]
        for p in data.people
    ]


def go(grid: AttendanceGridWidget, row: int, column: int) -> None:
    index = grid.model.index(row, column)
    grid.view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def test_letters_and_digits_mark_and_move_down(
    qtbot: QtBot, grid: AttendanceGridWidget, context: AppContext, class_id: str
) -> None:
    grid.view.setFocus()
    go(grid, 0, 0)
    QTest.keyClick(grid.view, Qt.Key.Key_1)  # 出勤, down to 李四
    QTest.keyClick(grid.view, Qt.Key.Key_L)  # 迟到, down to 王五
    QTest.keyClick(grid.view, Qt.Key.Key_Q)  # 缺勤; stays on the last row
    assert grid.view.currentIndex().row() == 2
    QTest.keyClick(grid.view, Qt.Key.Key_Right)
    QTest.keyClick(grid.view, Qt.Key.Key_J)  # 请假 for 王五, second session
    QTest.keyClick(grid.view, Qt.Key.Key_Up)
    QTest.keyClick(grid.view, Qt.Key.Key_Up)
    QTest.keyClick(grid.view, Qt.Key.Key_C)  # 出勤 for 张三, second session
    assert stored(context, class_id) == [["出", "出", "", ""], ["迟", "", "", ""], ["缺", "假", "", ""]]
    assert grid.model.data(grid.model.index(0, 0)) == "出"
    assert grid.model.data(grid.model.index(0, 4)) == "8/16"  # totals: hours
    assert grid.model.data(grid.model.index(0, 5)) == "50%"
    header = grid.model.headerData(0, Qt.Orientation.Horizontal)
    assert header == "3/3 上午\n2/3"  # 出 and 迟 attended, 缺 not


def test_space_cycles_and_delete_clears(
    qtbot: QtBot, grid: AttendanceGridWidget, context: AppContext, class_id: str
) -> None:
    grid.view.setFocus()
    go(grid, 1, 2)
    seen = []
    for _ in range(5):
        QTest.keyClick(grid.view, Qt.Key.Key_Space)
        seen.append(stored(context, class_id)[1][2])
    assert seen == ["出", "迟", "假", "缺", ""]
    assert grid.view.currentIndex().row() == 1  # space does not move
    QTest.keyClick(grid.view, Qt.Key.Key_3)
    go(grid, 1, 2)
    QTest.keyClick(grid.view, Qt.Key.Key_Delete)
    assert stored(context, class_id)[1][2] == ""


def test_a_selection_is_marked_at_once_and_ctrl_z_undoes_it(
    qtbot: QtBot, grid: AttendanceGridWidget, context: AppContext, class_id: str
) -> None:
    grid.view.setFocus()
    go(grid, 0, 1)
    QTest.keyClick(grid.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(grid.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(grid.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(grid.view, Qt.Key.Key_4)  # 缺勤 for the 3 × 2 block
    assert stored(context, class_id) == [["", "缺", "缺", ""]] * 3
    QTest.keyClick(grid.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(context, class_id) == [["", "", "", ""]] * 3
    assert grid.model.marks == {}


def test_whole_column_all_present_keeps_exceptions(
    qtbot: QtBot, grid: AttendanceGridWidget, context: AppContext, class_id: str
) -> None:
    grid.view.setFocus()
    go(grid, 1, 3)
    QTest.keyClick(grid.view, Qt.Key.Key_3)  # 李四 请假 in the last session
    go(grid, 0, 3)
    QTest.mouseClick(grid.all_present, Qt.MouseButton.LeftButton)
    assert [row[3] for row in stored(context, class_id)] == ["出", "假", "出"]
    grid.mark_column(3, AttendanceMark.LATE, overwrite=True)  # the header menu's 整列记为迟到
    assert [row[3] for row in stored(context, class_id)] == ["迟", "迟", "迟"]
    assert grid.model.headerData(3, Qt.Orientation.Horizontal) == "3/4 下午\n3/3"
    assert "已记 3/12 格" in grid.summary.text()


def test_attendance_model_passes_the_model_tester(
    qtmodeltester: ModelTester, context: AppContext, class_id: str
) -> None:
    data = context.services(svc.attendance_grid, class_id=class_id)
    sessions = data.sessions
    context.services(
        svc.mark_attendance, class_id=class_id, marks=[(data.people[0].enrolment_id, sessions[0].id, P)]
    )
    model = AttendanceModel(context.services(svc.attendance_grid, class_id=class_id))
    check_model(qtmodeltester, model)
    assert model.rowCount() == 3 and model.columnCount() == 6
    model.apply([svc.MarkChange(data.people[1].enrolment_id, sessions[1].id, A)])
    check_model(qtmodeltester, model)
    assert model.data(model.index(1, 1)) == "缺"
    empty = AttendanceModel(svc.AttendanceGrid("x", "空班", data.rule, (), (), {}))
    check_model(qtmodeltester, empty)

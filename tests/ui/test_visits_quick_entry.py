"""记走访 with the keyboard alone, from anywhere (Ctrl+Shift+V), remembering mentor and mode; outcome
changes reach the file; a refusal names the field and keeps the dialog open."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services import entrepreneurs as people_svc
from desktop.services import visits as svc
from desktop.services.visits import mentors as mentor_svc
from desktop.settings import Preferences
from models.base import china_today
from models.enums import Stage
from ui.areas import load_areas
from ui.main_window import MainWindow
from ui.visits.quick_entry import QuickVisitDialog

load_areas()  # pages, global shortcuts and file tabs of every area


def type_text(widget: QWidget, text: str) -> None:
    """Type text as an input method commits it: a key event per character (QTest only types ASCII)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key to whatever has the keyboard focus now (as a person presses it)."""
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, key, modifier)


def mentor(context: AppContext, name: str = "李明") -> str:
    return context.services(
        mentor_svc.create_mentor, mentor={"name": name, "kind": "企业家", "expertise": "融资"}
    )


def show(qtbot: QtBot, dialog: QWidget) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def test_log_a_visit_with_the_keyboard_only(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    li_ming = mentor(context)
    context.preferences.last_mentor_id = li_ming
    context.preferences.last_visit_mode = "phone"
    dialog = QuickVisitDialog(context)
    show(qtbot, dialog)
    assert QApplication.focusWidget() is dialog.picker.line_edit
    QTest.keyClicks(dialog.picker.line_edit, "zs")  # 张三 by pinyin initials
    press(Qt.Key.Key_Return)
    assert dialog.picker.entrepreneur_id == people["张三"]
    assert QApplication.focusWidget() is dialog.problems  # straight on to what was found
    type_text(dialog.problems, "资金周转紧张")
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.advice
    type_text(dialog.advice, "建议申请创业担保贷款")
    press(Qt.Key.Key_Tab)
    action_box = QApplication.focusWidget()
    assert action_box is dialog.action_text
    type_text(action_box, "提交贷款申请材料")  # an agreed action, due in a week
    press(Qt.Key.Key_Return)
    with qtbot.waitSignal(dialog.visit_recorded) as recorded:
        press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    visit_id, person = recorded.args
    assert person == people["张三"]
    visit = context.services(svc.get_visit, visit_id=visit_id)
    today = china_today()
    assert (visit.visit_date, visit.mode.label, visit.mentor_name) == (today, "电话", "李明")
    assert (visit.problems, visit.advice) == ("资金周转紧张", "建议申请创业担保贷款")
    assert visit.next_visit_date == today + timedelta(days=30)
    assert [(a.text, a.due_date) for a in visit.actions] == [("提交贷款申请材料", today + timedelta(days=7))]
    stored = Preferences.load()
    assert (stored.last_mentor_id, stored.last_visit_mode) == (li_ming, "phone")


def test_ctrl_shift_v_opens_it_from_anywhere_and_from_a_file_for_that_person(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    window = MainWindow(context, remember=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    show(qtbot, window)
    window.show_page("statistics")
    QTest.keyClick(
        window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: window.findChild(QuickVisitDialog) is not None)
    dialog = window.findChild(QuickVisitDialog)
    assert isinstance(dialog, QuickVisitDialog)
    assert dialog.picker.entrepreneur_id == ""
    dialog.close()
    file_dialog = window.open_entrepreneur(people["李四"])
    qtbot.waitExposed(file_dialog)
    file_dialog.activateWindow()
    qtbot.waitUntil(file_dialog.isActiveWindow)
    tabs = [file_dialog.tabs.tabText(i) for i in range(file_dialog.tabs.count())]
    assert tabs.index("走访与时间线") == 2  # after 基本信息 and 创业项目 (UI.md)
    QTest.keyClick(
        file_dialog, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: file_dialog.findChild(QuickVisitDialog) is not None)
    quick = file_dialog.findChild(QuickVisitDialog)
    assert quick is not None and quick.picker.entrepreneur_id == people["李四"]
    assert quick.venture.currentText().startswith("青禾餐饮店")
    quick.advice.setPlainText("推荐参加网创培训")
    quick.outcome.setChecked(True)
    quick.outcome.stage.setCurrentIndex(quick.outcome.stage.findData(Stage.GROWTH.value))
    quick.outcome.jobs.setValue(6)
    quick.save()
    assert not quick.isVisible()
    file = context.services(people_svc.get_file, entrepreneur_id=people["李四"])
    assert (file.ventures[0].stage, file.ventures[0].jobs_created) == (Stage.GROWTH, 6)
    assert file_dialog.header.isVisible()
    assert file_dialog.file is not None and file_dialog.file.stage is Stage.GROWTH  # the file was reloaded
    file_dialog.close()


def test_a_refusal_is_shown_and_nothing_is_stored(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    dialog = QuickVisitDialog(context, entrepreneur_id=people["曾小红"])
    show(qtbot, dialog)
    dialog.save()  # neither problems nor advice
    assert dialog.isVisible()
    assert "请至少填写“发现的问题”或“指导建议”中的一项" in dialog.error.text()
    assert QApplication.focusWidget() is dialog.advice
    dialog.advice.setPlainText("建议参加创业培训")
    dialog.visit_date.line_edit.setText("2099-01-01")
    dialog.save()
    assert "晚于今天" in dialog.error.text()
    assert context.services(svc.visits_of, entrepreneur_id=people["曾小红"]) == []


def test_templates_fill_the_form_and_a_tracked_project_proposes_its_cadence(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    from desktop.services.visits import tracking

    venture = context.services(people_svc.get_file, entrepreneur_id=people["李四"]).ventures[0]
    context.services(
        tracking.add_to_pool, project={"venture_id": venture.id, "reason": "成长性好", "cadence_days": 14}
    )
    dialog = QuickVisitDialog(context, entrepreneur_id=people["李四"])
    show(qtbot, dialog)
    assert dialog.next_date.text() == (china_today() + timedelta(days=14)).isoformat()
    assert dialog.next_hint.text() == "重点项目陪跑：每 14 天走访一次"
    dialog.template.setCurrentIndex(dialog.template.findText("创业担保贷款咨询"))
    dialog.template.activated.emit(dialog.template.currentIndex())
    assert dialog.mode.currentText() == "电话"
    assert "申请条件" in dialog.advice.toPlainText()
    assert "创业担保贷款" in dialog.problems.toPlainText()
    assert dialog.action_list.count() == 1
    dialog.save()
    rows = context.services(tracking.pool_rows)
    assert rows[0].last_visit_date == china_today()
    assert rows[0].next_due == china_today() + timedelta(days=14)

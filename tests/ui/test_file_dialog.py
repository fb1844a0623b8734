"""The file driven like a user: typing, leaving fields, Ctrl+S, Ctrl+Z, Esc, duplicates, ventures."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import select

from desktop.context import AppContext
from desktop.services import entrepreneurs as svc
from desktop.services.entrepreneur_list import count_entrepreneurs
from models.audit import AccessLog
from models.enums import Stage
from ui.entrepreneurs.file_dialog import FileDialog, open_file
from ui.entrepreneurs.ventures_tab import VentureDialog
from ui.widgets import dialogs
from ui.widgets.dialogs import settle_minimum_size

from .conftest import ZHANG_SAN, Answers, make_id

CTRL = Qt.KeyboardModifier.ControlModifier


def _open(
    qtbot: QtBot, context: AppContext, entrepreneur_id: str | None = None
) -> tuple[QWidget, FileDialog]:
    host = QWidget()
    qtbot.addWidget(host)
    settle_minimum_size(host)
    host.show()
    dialog = open_file(context, host, entrepreneur_id)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return host, dialog


def _type(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    QTest.keyClicks(widget, text)


def _leave(widget: QWidget) -> None:
    QTest.keyClick(widget, Qt.Key.Key_Tab)


def _visible_files(host: QWidget) -> list[FileDialog]:
    return [d for d in host.findChildren(FileDialog) if d.isVisible()]


def test_a_bad_id_number_is_named_under_the_field_and_nothing_is_saved(
    qtbot: QtBot, context: AppContext
) -> None:
    _host, dialog = _open(qtbot, context)
    before = count_entrepreneurs(context.db, context.actor)
    dialog.form.name.line_edit.setFocus()
    dialog.form.name.line_edit.insert("王五")  # typed through the input method
    id_edit = dialog.form.id_number.line_edit
    _type(qtbot, id_edit, "36042619910102009X")
    assert dialog.form.id_number.error_label.isHidden()  # nothing is said while typing
    _leave(id_edit)
    assert dialog.form.id_number.error == "身份证号码 36042619910102009X 的最后一位应为 3，请核对"
    assert dialog.form.id_number.error_label.isVisible()
    assert not dialog.save_button.isEnabled()
    assert "还有 1 处需要修改：身份证号码" in dialog.status.text()
    QTest.keyClick(dialog.form.phone.line_edit, Qt.Key.Key_S, CTRL)
    assert count_entrepreneurs(context.db, context.actor) == before
    # correcting the last character clears the message at once and shows what the number tells
    id_edit.setFocus()
    QTest.keyClick(id_edit, Qt.Key.Key_Backspace)
    QTest.keyClicks(id_edit, "3")
    assert not dialog.form.id_number.error
    assert dialog.form.id_info.text().startswith("1991-01-02 出生 · 男")
    assert dialog.save_button.isEnabled()
    QTest.keyClick(id_edit, Qt.Key.Key_S, CTRL)
    assert count_entrepreneurs(context.db, context.actor) == before + 1
    assert dialog.entrepreneur_id is not None
    assert dialog.header.title.text() == "王五"
    assert dialog.header.details.text().startswith("档案号 330106001-")
    assert not dialog.save_button.isEnabled()  # nothing changed since saving
    assert [dialog.tabs.tabText(i) for i in (0, 1)] == ["基本信息", "创业项目"]
    assert dialog.tabs.tabText(dialog.tabs.count() - 1) == "变更记录"


def test_change_phone_save_then_ctrl_z_brings_the_old_phone_back(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    _host, dialog = _open(qtbot, context, people["张三"])
    # the file shows the ID number and phone whole, and the view is logged
    assert dialog.form.id_number.value() == ZHANG_SAN
    with context.db.reading() as session:
        assert session.exec(select(AccessLog).where(AccessLog.record_id == people["张三"])).first()
    assert not dialog.save_button.isEnabled()
    phone = dialog.form.phone.line_edit
    phone.setFocus()
    phone.selectAll()
    QTest.keyClicks(phone, "13900000000")
    assert dialog.save_button.isEnabled() and dialog.close_button.text() == "取消"
    QTest.keyClick(phone, Qt.Key.Key_S, CTRL)

    def stored_phone() -> str:
        return context.services(svc.get_file, entrepreneur_id=people["张三"]).phone

    assert stored_phone() == "13900000000"
    assert dialog.status.text() == "已保存 张三 的档案"
    assert not dialog.dirty
    # focus is still in the phone field: with nothing unsaved, Ctrl+Z undoes the saved change
    QTest.keyClick(phone, Qt.Key.Key_Z, CTRL)
    assert stored_phone() == "13812345678"
    assert dialog.form.phone.value() == "13812345678"
    assert dialog.status.text() == "已撤销：修改 张三 的档案"
    assert dialog.history is not None
    assert "（已撤销）" in dialog.history.model.index(1, 2).data()


def test_ctrl_z_in_a_field_with_unsaved_typing_undoes_the_typing(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    _host, dialog = _open(qtbot, context, people["张三"])
    address = dialog.form.address.line_edit
    _type(qtbot, address, "abc")
    QTest.keyClick(address, Qt.Key.Key_Z, CTRL)
    assert address.text() == ""  # the typing is undone, not the file's last saved change
    assert dialog.status.text() == ""
    assert not dialog.dirty


def test_typing_an_id_number_on_file_offers_that_file(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    host, dialog = _open(qtbot, context)
    id_edit = dialog.form.id_number.line_edit
    _type(qtbot, id_edit, ZHANG_SAN)
    with qtbot.waitSignal(dialog.open_requested) as opened:
        _leave(id_edit)
    assert opened.args == [people["张三"]]
    assert "已有档案：张三" in answers.asked[0] and "打开已有档案" in answers.asked[0]
    files = _visible_files(host)
    assert [d.entrepreneur_id for d in files] == [people["张三"]]
    assert count_entrepreneurs(context.db, context.actor) == 3


def test_an_id_number_in_the_recycle_bin_offers_to_restore_it(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    context.services(svc.delete_entrepreneur, entrepreneur_id=people["张三"])
    host, dialog = _open(qtbot, context)
    id_edit = dialog.form.id_number.line_edit
    _type(qtbot, id_edit, ZHANG_SAN)
    _leave(id_edit)
    assert "在回收站中" in answers.asked[0] and "恢复并打开" in answers.asked[0]
    assert count_entrepreneurs(context.db, context.actor) == 3
    assert [d.entrepreneur_id for d in _visible_files(host)] == [people["张三"]]


def test_same_name_and_birth_date_asks_before_creating(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    _host, dialog = _open(qtbot, context)
    dialog.form.name.line_edit.setFocus()
    dialog.form.name.line_edit.insert("张三")
    _type(qtbot, dialog.form.id_number.line_edit, make_id("33010619900101456"))
    answers.reply = False
    dialog.save()
    assert "可能是同一人" in answers.asked[-1] and "仍然新建" in answers.asked[-1]
    assert count_entrepreneurs(context.db, context.actor) == 3
    assert dialog.entrepreneur_id is None
    answers.reply = True
    dialog.save()
    assert count_entrepreneurs(context.db, context.actor) == 4
    assert dialog.entrepreneur_id is not None


def test_esc_with_unsaved_changes_asks_first(
    qtbot: QtBot, context: AppContext, people: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    replies = iter([dialogs.CANCEL, dialogs.DISCARD])

    def ask_unsaved(_parent: object, title: str, text: str) -> str:
        asked.append(f"{title}|{text}")
        return next(replies)

    monkeypatch.setattr(dialogs, "ask_unsaved", ask_unsaved)
    _host, dialog = _open(qtbot, context, people["张三"])
    QTest.keyClick(dialog.form.address.line_edit, Qt.Key.Key_Escape)
    assert not asked and not dialog.isVisible()  # nothing changed: closes at once

    _host, dialog = _open(qtbot, context, people["张三"])
    _type(qtbot, dialog.form.address.line_edit, "1")
    QTest.keyClick(dialog.form.address.line_edit, Qt.Key.Key_Escape)  # 保存 / 不保存 / 取消: 取消
    assert "对 张三 档案的修改还没有保存" in asked[-1]
    assert dialog.isVisible()
    QTest.keyClick(dialog.form.address.line_edit, Qt.Key.Key_Escape)  # 不保存
    assert not dialog.isVisible()
    assert context.services(svc.get_file, entrepreneur_id=people["张三"]).address == ""


def test_a_file_changed_meanwhile_is_not_overwritten(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    _host, dialog = _open(qtbot, context, people["张三"])
    _type(qtbot, dialog.form.address.line_edit, "A")
    changed = dict(context.services(svc.get_file, entrepreneur_id=people["张三"]).form_values())
    changed["address"] = "B"
    context.services(svc.update_entrepreneur, entrepreneur_id=people["张三"], person=changed)
    answers.reply = True  # 重新载入
    dialog.save()
    assert "在您编辑期间已被修改" in answers.asked[-1]
    assert context.services(svc.get_file, entrepreneur_id=people["张三"]).address == "B"
    assert dialog.form.address.value() == "B"


def test_graduation_before_birth_is_said_under_the_graduation_date(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    _host, dialog = _open(qtbot, context, people["张三"])
    graduation = dialog.form.graduation.date_field.line_edit
    _type(qtbot, graduation, "1985-07")
    _leave(graduation)
    assert dialog.form.graduation.error == "毕业时间 1985-07-01 早于出生日期，请核对"
    assert not dialog.save_button.isEnabled()


def test_venture_editor_checks_fields_and_the_rule_between_them(qtbot: QtBot) -> None:
    editor = VentureDialog(None)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    form = editor.form
    assert not editor.ok_button.isEnabled()
    form.fields["name"].set_value("向阳便利店")
    form.fields["entity_type"].set_value("individual_business")
    form.fields["stage"].set_value(Stage.STARTUP)
    form.changed.emit()
    assert not editor.ok_button.isEnabled()
    assert editor.problem_label.text() == "阶段为“初创”的主体应填写登记注册日期"
    credit = form.fields["credit_code"]
    credit.set_value("91330106MA2H4K5X1I")
    credit.left.emit()
    assert "统一社会信用代码" in credit.error
    credit.set_value("")
    credit.left.emit()
    form.fields["registration_date"].set_value("2024/3/5")
    form.changed.emit()
    assert editor.ok_button.isEnabled()
    editor.accept()
    assert editor.result_venture is not None
    assert editor.result_venture["registration_date"] == "2024-03-05"
    assert editor.result_venture["stage"] == "startup"


def test_ventures_are_added_saved_and_a_closed_one_stays_listed(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    stage_to_pick = [Stage.PREPARING]

    def fill_and_accept(editor: VentureDialog) -> int:
        form = editor.form
        if editor.venture_id is None:
            form.fields["name"].set_value("乡味小吃店")
            form.fields["entity_type"].set_value("individual_business")
            form.fields["industry"].set_value("H")
        form.fields["stage"].set_value(stage_to_pick[0])
        editor.accept()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(VentureDialog, "exec", fill_and_accept)
    _host, dialog = _open(qtbot, context, people["张三"])
    dialog.tabs.setCurrentWidget(dialog.ventures)
    QTest.mouseClick(dialog.ventures.add_button, Qt.MouseButton.LeftButton)
    assert dialog.ventures.model.rowCount() == 1
    assert dialog.save_button.isEnabled()
    QTest.keyClick(dialog.ventures.table, Qt.Key.Key_S, CTRL)
    file = context.services(svc.get_file, entrepreneur_id=people["张三"])
    assert [v.name for v in file.ventures] == ["乡味小吃店"]
    assert file.stage == Stage.PREPARING
    assert dialog.header.chips[0].text() == "筹备"

    stage_to_pick[0] = Stage.CLOSED
    dialog.ventures.table.selectRow(0)
    QTest.mouseClick(dialog.ventures.edit_button, Qt.MouseButton.LeftButton)
    dialog.save()
    file = context.services(svc.get_file, entrepreneur_id=people["张三"])
    assert [(v.name, v.stage) for v in file.ventures] == [("乡味小吃店", Stage.CLOSED)]
    assert dialog.ventures.model.index(0, 2).data() == "歇业/注销"

    dialog.ventures.table.selectRow(0)
    answers.reply = False
    QTest.mouseClick(dialog.ventures.remove_button, Qt.MouseButton.LeftButton)
    assert "歇业或注销" in answers.asked[-1]
    assert dialog.ventures.model.rowCount() == 1

"""Issue 12 in the import wizard, driven like a worker: two district ledgers no test had seen, the
category words asked once each, a required column the worker names, and a whole import undone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services.entrepreneur_list import count_entrepreneurs
from tests.data.ledgers import district as dx
from ui.ledger.import_wizard import DONE, MAPPING, PREVIEW, VALUES, ImportWizard

from .conftest import Answers


def wizard_on(qtbot: QtBot, context: AppContext) -> ImportWizard:
    wizard = ImportWizard(context)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def wait_step(qtbot: QtBot, wizard: ImportWizard, step: int) -> None:
    qtbot.waitUntil(lambda: not wizard.busy and wizard.step == step, timeout=20000)


def open_file(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    wizard.choose_file(path)
    qtbot.waitUntil(wizard.next_button.isEnabled, timeout=20000)
    press(wizard.next_button)
    wait_step(qtbot, wizard, MAPPING)


def press(button: QWidget) -> None:
    """Space on a focused button, as a keyboard user presses it."""
    button.setFocus()
    QTest.keyClick(button, Qt.Key.Key_Space)


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def type_chinese(widget: QWidget, text: str) -> None:
    """Key presses carrying Chinese text, as an input method delivers them (QTest's keyClicks takes
    Latin-1 only)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Pick a choice the way a worker does with the keyboard: focus the list, type its first words."""
    combo.setFocus()
    type_chinese(combo, text)
    assert combo.currentText().startswith(text), combo.currentText()


def test_district_words_are_asked_once_then_the_import_is_undone_as_one(
    qtbot: QtBot, context: AppContext, answers: Answers, tmp_path: Path
) -> None:
    ledger = dx.chengdong_ledger(tmp_path / "城东街道创业人员台账.xlsx")
    wizard = wizard_on(qtbot, context)
    open_file(qtbot, wizard, ledger)
    # The titles ambiguous alone are read under their merged group 经营实体情况.
    assert wizard.mapping_combo(7).currentData() == "venture.name"
    assert wizard.mapping_combo(8).currentData() == "venture.entity_type"
    assert wizard.mapping_combo(10).currentData() == "venture.jobs_created"
    assert wizard.error_label.text() == "" and wizard.next_button.isEnabled()
    press(wizard.next_button)
    wait_step(qtbot, wizard, VALUES)
    page = wizard.values_page
    assert [(v.text, v.rows) for v in page.values] == [("低保户", (8, 10)), ("家庭农场", (8, 10))]
    assert "第 3 步，共 5 步：核对类别写法" in wizard.step_label.text()
    assert not wizard.next_button.isEnabled()  # nothing guessed: each word needs an answer
    choose(qtbot, page.combo(0), "其他")
    assert not wizard.next_button.isEnabled()
    choose(qtbot, page.combo(1), "农民专业合作社")
    assert wizard.next_button.isEnabled()
    press(wizard.next_button)
    wait_step(qtbot, wizard, PREVIEW)
    assert wizard.preview_summary.text().startswith("预览（尚未写入）：将新增 8 人")
    assert "其中表尾合计、签名 4 行" in wizard.preview_summary.text()
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        press(wizard.next_button)
    wait_step(qtbot, wizard, DONE)
    assert "导入完成：新增 8 人" in wizard.done_label.text()
    assert "导入台账 城东街道创业人员台账.xlsx (8 人)" in wizard.done_detail.text()
    assert count_entrepreneurs(context.db, context.actor) == 8
    wizard.grab().save(str(tmp_path / "done.png"))

    # The answers were remembered with the columns: the same ledger again asks nothing.
    again = wizard_on(qtbot, context)
    open_file(qtbot, again, ledger)
    assert "上次确认" in again.mapping_info.text()
    press(again.next_button)
    wait_step(qtbot, again, PREVIEW)
    assert "8 人无变化" in again.preview_summary.text()
    again.close()

    # Saying no changes nothing; saying yes removes the whole import, after saying how many go.
    answers.reply = False
    press(wizard.undo_button)
    assert "将删除这次导入新建的 8 人的档案" in answers.asked[-1]
    assert count_entrepreneurs(context.db, context.actor) == 8
    answers.reply = True
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        press(wizard.undo_button)
    assert count_entrepreneurs(context.db, context.actor) == 0
    assert "已撤销" in wizard.done_label.text() and not wizard.undo_button.isEnabled()


def test_a_column_the_header_did_not_name_is_asked_not_refused(
    qtbot: QtBot, context: AppContext, answers: Answers, tmp_path: Path
) -> None:
    wizard = wizard_on(qtbot, context)
    open_file(qtbot, wizard, dx.xihu_ledger(tmp_path / "西湖镇个体工商户台账.xlsx"))
    assert "请为“姓名”选择对应的列" in wizard.error_label.text() and not wizard.next_button.isEnabled()
    assert wizard.mapping_combo(5).currentData() == "venture.name"  # 个体工商户信息 / 名称
    assert wizard.mapping_combo(7).currentData() == "venture.credit_code"  # 个体工商户信息 / 号码
    choose(qtbot, wizard.mapping_combo(1), "姓名")  # 业主
    assert wizard.error_label.text() == "" and wizard.next_button.isEnabled()
    press(wizard.next_button)
    wait_step(qtbot, wizard, PREVIEW)
    assert wizard.preview_summary.text().startswith("预览（尚未写入）：将新增 4 人")
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        press(wizard.next_button)
    wait_step(qtbot, wizard, DONE)
    assert count_entrepreneurs(context.db, context.actor) == 4

    # 导入记录 lists it; undoing from there asks first, with the count.
    dialog = wizard.show_history()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert cell(dialog.table, 0, 1) == "导入台账 西湖镇个体工商户台账.xlsx (4 人)"
    assert dialog.undo_button.isEnabled()
    with qtbot.waitSignal(dialog.undone, timeout=20000):
        press(dialog.undo_button)
    assert "将删除这次导入新建的 4 人的档案" in answers.asked[-1]
    assert count_entrepreneurs(context.db, context.actor) == 0
    assert cell(dialog.table, 0, 4) == "已撤销" and not dialog.undo_button.isEnabled()
    dialog.grab().save(str(tmp_path / "history.png"))

"""The 创业者档案 list driven like a user: typing, filters, sorting, delete to the recycle bin, restore."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services import entrepreneurs as svc
from desktop.services.entrepreneur_list import count_entrepreneurs
from models.enums import KeyGroup, Stage
from ui.entrepreneurs.list_page import EntrepreneurListPage
from ui.widgets.dialogs import settle_minimum_size

from .conftest import Answers


def _names(page: EntrepreneurListPage) -> list[str]:
    return [row.name for r in range(page.model.rowCount()) if (row := page.model.row_data(r)) is not None]


def _page(qtbot: QtBot, context: AppContext) -> EntrepreneurListPage:
    page = EntrepreneurListPage(context)
    qtbot.addWidget(page)
    settle_minimum_size(page)  # a page shown as its own window in this test
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    # the table's keys, its menu and the sort arrow follow the first paint, as a worker sees them
    qtbot.waitUntil(page.table.horizontalHeader().isSortIndicatorShown)
    page.refresh()
    return page


def test_typing_pinyin_initials_finds_the_person(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    page = _page(qtbot, context)
    assert page.count_label.text() == "共 3 人"
    QTest.keyClicks(page.query_bar.search, "zs")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert _names(page) == ["张三"]
    assert page.count_label.text() == "已筛选：1 人（共 3 人）"
    assert "搜索“zs”" in page.status_text()
    # 曾 is found by its surname reading zeng, and by the last digits of an ID number or a phone
    page.query_bar.search.clear()
    QTest.keyClicks(page.query_bar.search, "zeng")
    qtbot.waitUntil(lambda: _names(page) == ["曾小红"])
    page.query_bar.search.clear()
    QTest.keyClicks(page.query_bar.search, "1111")
    qtbot.waitUntil(lambda: _names(page) == ["李四"])
    page.query_bar.search.clear()
    page.query_bar.search.insert("青禾")  # typed through the input method
    qtbot.waitUntil(lambda: _names(page) == ["李四"])


def test_filters_say_they_are_on_and_reset_clears_them(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    page = _page(qtbot, context)
    bar = page.query_bar
    bar.stage.setCurrentIndex(bar.stage.findData(Stage.STARTUP.value))
    assert _names(page) == ["李四"]
    assert page.count_label.text() == "已筛选：1 人（共 3 人）"
    assert "阶段：初创" in page.status_text()
    bar.reset()
    assert page.model.rowCount() == 3
    bar.key_group.setCurrentIndex(bar.key_group.findData(KeyGroup.VETERAN.value))
    assert _names(page) == ["张三"]
    bar.reset()
    # the region filter reads its choices when the worker goes to it (focus, or its list opening)
    assert bar.region.count() == 1
    QApplication.sendEvent(bar.region, QFocusEvent(QEvent.Type.FocusIn, Qt.FocusReason.TabFocusReason))
    # regions present on file, as a tree: 浙江省 > 杭州市 > 西湖区 / 余杭区; 330110 is not 33011x
    texts = [bar.region.itemText(i) for i in range(bar.region.count())]
    assert "浙江省（2 人）" in texts
    assert "\u3000杭州市（2 人）" in texts
    assert "\u3000\u3000余杭区（1 人）" in texts
    bar.region.setCurrentIndex(bar.region.findData("330110"))
    assert _names(page) == ["曾小红"]
    assert "区域：余杭区" in page.status_text()
    bar.region.setCurrentIndex(bar.region.findData("3301"))
    assert sorted(_names(page)) == ["张三", "曾小红"]
    assert bar.reset_button.isEnabled()
    QTest.mouseClick(bar.reset_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 3
    assert page.count_label.text() == "共 3 人"
    assert not bar.reset_button.isEnabled()


def test_clicking_a_header_sorts_and_unsortable_headers_do_nothing(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    page = _page(qtbot, context)
    header = page.table.horizontalHeader()
    name = next(i for i, c in enumerate(page.model.columns) if c.key == "name")
    header.setSortIndicator(name, Qt.SortOrder.AscendingOrder)
    assert _names(page) == ["李四", "曾小红", "张三"]
    header.setSortIndicator(name, Qt.SortOrder.DescendingOrder)
    assert _names(page) == ["张三", "曾小红", "李四"]
    sex = next(i for i, c in enumerate(page.model.columns) if c.key == "sex")
    header.setSortIndicator(sex, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == name
    assert _names(page) == ["张三", "曾小红", "李四"]


def test_delete_asks_then_goes_to_the_recycle_bin_and_restore_brings_it_back(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    page = _page(qtbot, context)
    page.select_id(people["张三"])
    page.table.setFocus()
    answers.reply = False
    QTest.keyClick(page.table, Qt.Key.Key_Delete)
    assert answers.asked and "删除 张三 的档案？可在回收站恢复" in answers.asked[-1]
    assert count_entrepreneurs(context.db, context.actor) == 3

    answers.reply = True
    page.act_delete.trigger()
    assert count_entrepreneurs(context.db, context.actor) == 2
    assert "张三" not in _names(page)
    assert page.count_label.text() == "共 2 人"

    page.act_bin.trigger()
    assert page.in_recycle_bin
    assert _names(page) == ["张三"]
    assert page.count_label.text() == "回收站：共 1 人"
    assert page.buttons["restore"].isVisible() and not page.buttons["delete"].isVisible()
    page.select_id(people["张三"])
    page.act_restore.trigger()
    assert page.model.rowCount() == 0
    assert page.body.currentWidget() is page.empty
    assert page.empty.title.text() == "回收站是空的"
    page.act_bin.trigger()
    assert "张三" in _names(page)
    assert count_entrepreneurs(context.db, context.actor) == 3


def test_empty_list_says_why_and_offers_the_first_step(qtbot: QtBot, context: AppContext) -> None:
    page = _page(qtbot, context)
    assert page.body.currentWidget() is page.empty
    assert page.empty.title.text() == "还没有创业者档案"
    assert page.empty.button.text() == "新增"
    assert "导入" in page.empty.text.text()
    assert not page.act_open.isEnabled() and not page.act_delete.isEnabled()


def test_a_search_that_finds_nobody_offers_reset(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    page = _page(qtbot, context)
    page.query_bar.search.insert("没有这个人")
    qtbot.waitUntil(lambda: page.body.currentWidget() is page.empty)
    assert page.empty.title.text() == "没有找到符合条件的档案"
    QTest.mouseClick(page.empty.button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 3
    assert page.query_bar.search.text() == ""


def test_enter_and_double_click_open_the_file(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    from ui.entrepreneurs.file_dialog import FileDialog

    page = _page(qtbot, context)
    page.select_id(people["李四"])
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    dialogs = [d for d in page.findChildren(FileDialog) if d.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].entrepreneur_id == people["李四"]
    assert (
        dialogs[0].form.id_number.value()
        == context.services(svc.get_file, entrepreneur_id=people["李四"]).id_number
    )
    # opening the same file again brings the open one to the front
    page.open_current()
    assert len([d for d in page.findChildren(FileDialog) if d.isVisible()]) == 1
    dialogs[0].close()

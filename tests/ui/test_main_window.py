"""The main window: every page opens, the global search finds and opens a file, the window remembers
where it was, it fits a 1366×768 screen, and the self-test reports what went wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.paths import config_dir
from models.database import connect
from ui.app import run_gui
from ui.areas import load_areas
from ui.entrepreneurs.file_dialog import FileDialog
from ui.entrepreneurs.list_page import EntrepreneurListPage
from ui.main_window import NAV_COMPACT_WIDTH, MainWindow
from ui.pages import PAGES, PageSpec, replace_page
from ui.widgets.columns import fitted_widths

load_areas()  # the whole application: every area's page, as ui.app does


def _window(qtbot: QtBot, context: AppContext, width: int = 1366, height: int = 768) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_every_page_opens_and_the_status_bar_says_counts_and_sync(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    window = _window(qtbot, context)
    labels = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert labels == [
        "工作台",
        "创业者档案",
        "导师走访",
        "培训",
        "政策与补贴",
        "统计报表",
        "数据同步",
        "设置",
    ]
    assert window.current_key == "entrepreneurs"
    assert window.page_status.text() == "共 3 人"
    assert window.sync_status.text() == "尚未与总部同步"
    for spec in PAGES:
        page = window.show_page(spec.key)
        assert window.stack.currentWidget() is page
        assert window.current_key == spec.key
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "entrepreneurs"


def test_global_search_finds_by_pinyin_initials_and_enter_opens_the_file(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    window = _window(qtbot, context)
    window.show_page("workbench")
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search_box.hasFocus)
    QTest.keyClicks(window.search_box, "zs")
    qtbot.waitUntil(window.search.popup.isVisible)
    assert window.search.model.rowCount() == 2
    assert window.search.model.index(0, 0).data().startswith("张三")
    assert "330***********123X" in window.search.model.index(0, 0).data()
    QTest.keyClick(window.search_box, Qt.Key.Key_Return)
    files = [d for d in window.findChildren(FileDialog) if d.isVisible()]
    assert [d.entrepreneur_id for d in files] == [people["张三"]]
    assert not window.search.popup.isVisible()
    files[0].close()


def test_show_all_found_opens_the_list_with_the_search(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    window = _window(qtbot, context)
    window.show_page("workbench")
    window.search_box.setFocus()
    QTest.keyClicks(window.search_box, "13")  # every phone here starts with 13
    qtbot.waitUntil(window.search.popup.isVisible)
    QTest.keyClick(window.search_box, Qt.Key.Key_Up)  # the last line: 查看全部
    QTest.keyClick(window.search_box, Qt.Key.Key_Return)
    page = window.stack.currentWidget()
    assert isinstance(page, EntrepreneurListPage)
    assert page.query_bar.search.text() == "13"
    assert page.model.rowCount() == 2


def test_the_window_opens_where_it_was_closed(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    window = _window(qtbot, context, 1200, 700)
    page = window.show_page("entrepreneurs")
    assert isinstance(page, EntrepreneurListPage)
    page.table.horizontalHeader().resizeSection(1, 133)
    window.show_page("training")
    window.close()
    assert (config_dir() / "window.ini").exists()

    again = _window(qtbot, context, 1200, 700)
    assert again.current_key == "training"
    list_page = again.show_page("entrepreneurs")
    assert isinstance(list_page, EntrepreneurListPage)
    assert list_page.table.horizontalHeader().sectionSize(1) == 133


def _scroll_bars_showing(widget: QWidget) -> list[str]:
    """Scroll areas that scroll a whole page or form (a table or list scrolling its rows is fine)."""
    found = []
    for area in widget.findChildren(QScrollArea):
        if not area.isVisible():
            continue
        if area.horizontalScrollBar().isVisible() or area.verticalScrollBar().isVisible():
            found.append(area.objectName() or type(area.widget()).__name__)
    return found


def test_it_fits_1366_by_768_without_scroll_bars(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    window = _window(qtbot, context)
    for spec in PAGES:
        window.show_page(spec.key)
        qtbot.wait(1)
        assert _scroll_bars_showing(window) == [], spec.key
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700
    page = window.show_page("entrepreneurs")
    assert isinstance(page, EntrepreneurListPage)
    assert not page.table.horizontalScrollBar().isVisible()


def test_selftest_opens_every_page(
    db_path: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_gui(db_path=str(db_path), selftest=True) == 0
    assert f"打开了 {len(PAGES)} 个页面" in capsys.readouterr().out


def test_selftest_reports_a_page_that_fails(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(_context: AppContext, _parent: QWidget | None) -> QWidget:
        raise RuntimeError("页面坏了")

    original = next(spec for spec in PAGES if spec.key == "training")
    replace_page(PageSpec("training", "培训", "mdi6.school-outline", broken))
    try:
        assert run_gui(db_path=str(db_path), selftest=True) == 1
    finally:
        replace_page(original)
    assert "页面坏了" in capsys.readouterr().err


def test_a_database_newer_than_the_program_is_refused_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "newer.sqlite"
    with connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        connection.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    connection.close()
    shown: list[str] = []

    def critical(_parent: object, title: str, text: str) -> QMessageBox.StandardButton:
        shown.append(f"{title}|{text}")
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    assert run_gui(db_path=str(path), selftest=False) == 1
    assert shown and "比本程序新" in shown[0] and "数据库文件没有被改动" in shown[0]
    assert run_gui(db_path=str(path), selftest=True) == 1
    err = capsys.readouterr().err
    assert "比本程序新" in err and "Traceback" not in err


def test_a_1366_screen_at_125_percent_keeps_every_column_without_scrolling(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    window = _window(qtbot, context, 1093, 558)  # 1366×768 at 125 %, less taskbar and title bar
    assert window.compact and window.navigation.width() == NAV_COMPACT_WIDTH
    assert window.navigation.item(0).text() == "" and window.navigation.item(0).toolTip() == "工作台"
    page = window.show_page("entrepreneurs")
    assert isinstance(page, EntrepreneurListPage)
    header = page.table.horizontalHeader()
    qtbot.waitUntil(
        lambda: sum(header.sectionSize(i) for i in range(header.count())) <= page.table.viewport().width()
    )
    assert not page.table.horizontalScrollBar().isVisible()
    for section, column in enumerate(page.model.columns):
        assert header.sectionSize(section) >= column.minimum, column.key
    window.resize(1366, 768)
    assert not window.compact and window.navigation.item(0).text() == "工作台"


def test_column_widths_shrink_to_their_minimums_and_share_spare_width() -> None:
    widths, minimums, grow = [100, 50, 80], [90, 40, 40], [0.0, 1.0, 3.0]
    assert fitted_widths(230, widths, minimums, grow) == [100, 50, 80]
    assert fitted_widths(270, widths, minimums, grow) == [100, 60, 110]
    narrow = fitted_widths(200, widths, minimums, grow)
    assert sum(narrow) == 200 and all(w >= m for w, m in zip(narrow, minimums, strict=True))
    assert narrow[2] < 80 and narrow[0] >= 90
    assert fitted_widths(100, widths, minimums, grow) == minimums  # never below the minimums

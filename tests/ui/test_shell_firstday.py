"""Issue 12, 4 "The desktop a worker knows", as a new worker meets it: Qt's own words in Chinese, one
way to save, 设置 as a real page with backups and restore, a menu bar with Ctrl+Q, F1 and 关于,
Ctrl+1…8 putting the keyboard in the page, and a placeholder page whose words are not cut off."""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.paths import backup_dir
from desktop.services.backup import back_up
from desktop.services.entrepreneurs import create_entrepreneur
from desktop.services.station import station_info
from desktop.settings import Preferences
from models.actor import Actor
from models.database import Database, connect
from tests.ui.conftest import Answers, make_id
from ui import app as ui_app
from ui.app import install_qt_translations
from ui.areas import load_areas
from ui.entrepreneurs.list_page import EntrepreneurListPage
from ui.help.dialogs import LIBRARIES, AboutDialog, HelpDialog
from ui.main_window import MainWindow
from ui.settings.automatic import backup_on_exit, start_daily_backup
from ui.settings.page import SettingsPage
from ui.widgets.dialogs import settle_minimum_size
from ui.widgets.planned import PlannedPage
from ui.widgets.printing import PrintPreview, make_and_preview
from ui.widgets.saving import Opened, ask_save_path, documents_dir, offer_open

load_areas()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _chinese_qt(qapp: QApplication) -> None:
    install_qt_translations(qapp)  # as ui.app.configure_application does at start-up


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context, remember=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def ime_type(widget: QWidget, text: str) -> None:
    """Type Chinese as a pinyin input method delivers it: one commit of the chosen characters."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _when_modal(then: Callable[[QWidget], object]) -> None:
    """Act on the next modal dialog as soon as it shows (the caller's exec() is waiting for it)."""

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or not modal.isVisible():
            QTimer.singleShot(20, poll)
        else:
            then(modal)

    QTimer.singleShot(0, poll)


# ------------------------------------------------------------------------------------ Qt's own words
def test_qt_dialogs_and_context_menus_speak_chinese(qtbot: QtBot) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert sorted(button.text() for button in buttons.buttons()) == sorted(["保存", "取消"])
    field = QLineEdit()
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    words = [action.text().split("\t")[0] for action in menu.actions() if action.text()]
    assert "撤销(&U)" in words and "复制(&C)" in words and "粘贴(&P)" in words
    dialog = QFileDialog(None, "导出", str(documents_dir()))
    qtbot.addWidget(dialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    assert dialog.labelText(QFileDialog.DialogLabel.LookIn).startswith("查找范围")
    assert dialog.labelText(QFileDialog.DialogLabel.FileName).startswith("文件名")
    assert dialog.labelText(QFileDialog.DialogLabel.Accept).startswith("保存")


# ------------------------------------------------------------------------------------ one way to save
def test_the_save_dialog_opens_in_documents_then_in_the_last_folder_used(
    qtbot: QtBot, tmp_path: Path
) -> None:
    prefs = Preferences()
    chosen = tmp_path / "台账"
    chosen.mkdir()
    seen: list[str] = []

    def type_name(folder: Path, name: str) -> Callable[[QWidget], None]:
        def act(modal: QWidget) -> None:
            assert isinstance(modal, QFileDialog)
            seen.append(modal.directory().absolutePath())
            edit = modal.findChild(QLineEdit, "fileNameEdit")
            assert edit is not None
            edit.setText(str(folder / name))  # typed through the input method: no key events to send
            QTest.keyClick(edit, Qt.Key.Key_Return)

        return act

    _when_modal(type_name(chosen, "330106001_月报202611"))
    path = ask_save_path(None, prefs, title="导出月报", name="x.xlsx", file_filter="Excel 工作簿 (*.xlsx)")
    assert path == chosen / "330106001_月报202611.xlsx"  # the suffix the file needs is added
    assert seen == [str(documents_dir())]
    assert Preferences.load().save_folder == str(chosen)  # remembered for next time
    _when_modal(type_name(chosen, "图.png"))
    ask_save_path(None, prefs, title="导出图片", name="图.png", file_filter="PNG 图片 (*.png)")
    assert seen[-1] == str(chosen)


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform, a QMessageBox
def test_after_saving_the_worker_may_open_the_file_or_its_folder(qtbot: QtBot, tmp_path: Path) -> None:
    saved = tmp_path / "月报.xlsx"
    saved.write_bytes(b"x")
    texts: list[list[str]] = []

    def press(label: str) -> Callable[[QWidget], None]:
        def act(modal: QWidget) -> None:
            assert isinstance(modal, QMessageBox)
            texts.append([button.text() for button in modal.buttons()])
            button = next(b for b in modal.findChildren(QPushButton) if b.text() == label)
            button.click()

        return act

    _when_modal(press("打开所在文件夹"))
    assert offer_open(None, saved, title="导出完成", text="月报已导出") is Opened.FOLDER
    assert sorted(texts[0]) == sorted(["打开文件", "打开所在文件夹", "关闭"])
    _when_modal(press("打开文件"))
    assert offer_open(None, saved, title="导出完成", text="月报已导出") is Opened.FILE


def test_no_page_of_the_shell_writes_to_a_temporary_folder() -> None:
    for folder in ("ui/statistics", "ui/workbench", "ui/settings", "ui/help", "ui/widgets"):
        for path in (ROOT / folder).glob("*.py"):
            source = path.read_text(encoding="utf-8")
            assert "gettempdir" not in source and "mkdtemp" not in source, path
            assert "getSaveFileName" not in source, path  # they save through ui/widgets/saving.py


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform, a QMessageBox
def test_print_preview_shows_the_pages_saves_where_asked_and_leaves_no_temporary_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def form(_job: object, out: Path) -> int:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen.canvas import Canvas

        canvas = Canvas(str(out), pagesize=A4)
        for page in (1, 2):
            canvas.drawString(72, 720, f"page {page}")
            canvas.showPage()
        canvas.save()
        return 2

    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[PrintPreview] = []
    make_and_preview(
        parent, Preferences(), "走访记录表", form, suggested_name="走访记录表.pdf", on_shown=shown.append
    )
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    preview = shown[0]
    assert preview.page_count == 2 and preview.pages_label.text() == "共 2 页"
    assert [b.text() for b in (preview.save_button, preview.print_button)] == ["另存为 PDF…", "打印…"]
    assert list(scratch.glob("doorstep-print-*")) == []  # the scratch PDF went as soon as it was read
    _when_modal(lambda modal: modal.close())  # the 打开文件 / 打开所在文件夹 offer, closed
    kept = preview.save_to(tmp_path / "走访记录表.pdf")
    assert kept is not None and kept.read_bytes().startswith(b"%PDF")
    preview.close()


# ------------------------------------------------------------------------------------------- 设置
def test_settings_page_saves_the_station_name_the_signer_and_backup_settings(
    qtbot: QtBot, context: AppContext, db: Database, answers: Answers
) -> None:
    window = _window(qtbot, context)
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    assert not page.save_button.isEnabled()
    page.station_name.selectAll()
    QTest.keyClick(page.station_name, Qt.Key.Key_Delete)
    ime_type(page.station_name, "文新街道家门口创业服务站")
    page.handler.setFocus()
    ime_type(page.handler, "李敏")
    page.keep.setValue(5)
    page.on_exit.setChecked(False)
    assert page.save_button.isEnabled()
    QTest.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert answers.told == []
    station = station_info(db)
    assert station is not None and station.name == "文新街道家门口创业服务站"
    assert window.station_name_label.text() == "文新街道家门口创业服务站"
    stored = Preferences.load()
    assert (stored.handler_name, stored.backup_keep, stored.backup_on_exit) == ("李敏", 5, False)
    assert not page.save_button.isEnabled()
    page.station_name.clear()  # a blank name is named, nothing stored
    QTest.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert answers.told and "服务站名称" in answers.told[-1]
    assert station_info(db) == station


def test_backup_to_usb_from_the_settings_page(
    qtbot: QtBot, context: AppContext, answers: Answers, tmp_path: Path
) -> None:
    page = _window(qtbot, context).show_page("settings")
    assert isinstance(page, SettingsPage)
    usb = tmp_path / "U盘"
    usb.mkdir()
    page.backup_to(usb)
    qtbot.waitUntil(lambda: bool(answers.told), timeout=20000)
    (made,) = usb.glob("330106001_备份_*.sqlite")
    assert answers.told[-1].startswith("备份完成|") and str(made) in answers.told[-1]
    (tmp_path / "not-a-folder.txt").write_text("x", encoding="utf-8")
    page.backup_to(tmp_path / "not-a-folder.txt" / "x")  # a folder that cannot be made
    qtbot.waitUntil(lambda: len(answers.told) == 2, timeout=20000)
    assert answers.told[-1].startswith("备份没有完成|")


def test_restore_from_the_settings_page_checks_asks_and_reopens_the_restored_database(  # noqa: PLR0917
    qtbot: QtBot, context: AppContext, db: Database, actor: Actor, answers: Answers, tmp_path: Path
) -> None:
    saved = back_up(db, actor, out=tmp_path / "saved.sqlite")
    create_entrepreneur(db, actor, person={"name": "备份后建", "id_number": make_id("33010619900101001")})
    window = _window(qtbot, context)
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    not_a_backup = tmp_path / "台账.xlsx"
    not_a_backup.write_bytes(b"PK")
    assert page.confirm_restore(not_a_backup) is False
    assert "不是 Doorstep 的数据库备份" in answers.told[-1]
    assert page.confirm_restore(saved.path) is True
    assert "用这份备份替换现在的数据库" in answers.asked[-1] and "0 人" in answers.asked[-1]
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.restore_file == saved.path
    reopened = ui_app._restore(db, window.restore_file)  # as the event loop does once the window closed
    try:
        assert reopened.path is not None
        with closing(connect(reopened.path, query_only=True)) as raw:
            assert raw.execute("SELECT count(*) FROM entrepreneur").fetchone()[0] == 0
        assert answers.told[-1].startswith("从备份恢复|已从备份恢复")
        (safety,) = backup_dir().glob("330106001_恢复前备份_*.sqlite")  # what the restore replaced
        with closing(connect(safety, query_only=True)) as raw:
            assert raw.execute("SELECT name FROM entrepreneur").fetchall() == [("备份后建",)]
    finally:
        reopened.close()


def test_the_daily_and_exit_backups_follow_the_settings(qtbot: QtBot, context: AppContext) -> None:
    signals = start_daily_backup(context)
    assert signals is not None
    with qtbot.waitSignal(signals.finished, timeout=20000) as said:
        pass
    assert str(said.args[0]).startswith("已自动备份到")
    assert start_daily_backup(context) is None  # today has its backup
    said_on_exit = backup_on_exit(context)
    assert said_on_exit is not None and said_on_exit.startswith("已自动备份到")
    context.preferences.backup_on_exit = False
    assert backup_on_exit(context) is None


# ------------------------------------------------------------------------- menu bar, F1, About, keys
def test_the_menu_bar_f1_help_about_and_ctrl_q(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["文件(&F)", "编辑(&E)", "视图(&V)", "帮助(&H)"]
    window.fill_menus()  # as the first menu opened does
    files = [action.text() for action in window.menus[0].actions() if action.text()]
    assert "备份到U盘…" in files and "从备份恢复…" in files and files[-1] == "退出(&X)\tCtrl+Q"
    pages = [action.text() for action in window.menus[2].actions()]
    assert pages[0] == "工作台\tCtrl+1" and pages[7] == "设置\tCtrl+8"
    help_items = [action.text() for action in window.menus[3].actions()]
    assert help_items == ["本页帮助\tF1", "关于 Doorstep"]
    QTest.keyClick(window, Qt.Key.Key_F1)
    helps = [w for w in QApplication.topLevelWidgets() if isinstance(w, HelpDialog) and w.isVisible()]
    assert (
        helps
        and "创业者档案" in helps[0].browser.toPlainText()
        and "Ctrl+K" in helps[0].browser.toPlainText()
    )
    helps[0].close()
    about = window.show_about()
    assert isinstance(about, AboutDialog)
    text = about.about.toPlainText()
    assert "版本 0.1.0" in text and "LGPL-3.0" in text and "文泉驿微米黑" in text and "SIL OFL 1.1" in text
    about.close()
    QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_about_names_every_library_the_program_ships() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    named = " ".join(name for name, _licence, _url in LIBRARIES).lower()
    shipped = [
        dependency.split("==")[0].split("[")[0].lower() for dependency in project["project"]["dependencies"]
    ]
    assert [name for name in shipped if name not in named] == []


def test_ctrl_number_puts_the_keyboard_in_the_page_not_the_navigation(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    window = _window(qtbot, context)
    window.navigation.setFocus()
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["entrepreneurs"]
    assert isinstance(page, EntrepreneurListPage)
    focused = QApplication.focusWidget()
    assert focused is page.query_bar.search
    QTest.keyClicks(focused, "zs")  # typing now searches the list
    assert page.query_bar.search.text() == "zs"
    for number, key in ((1, "workbench"), (3, "visits"), (6, "statistics"), (8, "settings")):
        window.navigation.setFocus()
        QTest.keyClick(window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
        assert window.current_key == key
        focused = QApplication.focusWidget()
        assert focused is not None and focused is not window.navigation, key
        assert window.pages[key].isAncestorOf(focused), key


def test_a_placeholder_page_shows_all_of_its_words_on_a_small_screen(qtbot: QtBot) -> None:
    text = (
        "与总部交换数据包（导出、导入、签名和加密）还在开发中。"
        "在此之前，请在“设置”中定期“备份到U盘”，数据不会丢失。"
    )
    page = PlannedPage("数据同步", text)
    qtbot.addWidget(page)
    page.resize(900, 500)
    settle_minimum_size(page)
    page.show()
    qtbot.waitExposed(page)
    label = page.text_label
    assert label.width() < label.fontMetrics().horizontalAdvance(text)  # it must wrap here
    assert label.height() >= label.heightForWidth(label.width())  # every line has its room

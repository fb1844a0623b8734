"""Start-up of the desktop application, in stages, written down in one place (STYLE.md 4).

1. paths; 2. QApplication (name, style); 3. the shipped CJK fonts; 4. the crash hook (log + a Chinese
dialog) and the Qt message log; 5. every area's pages, file tabs and global actions (cheap: each page's
module is imported when the page is first built); 6. the database, opened and migrated by
``open_database`` with a backup first; 7. the first-run wizard when the database has no station;
8. the main window with the entrepreneur list; 9. once it is painted, every area's services
(SQLAlchemy, the mapped tables, the workbench's sources), so the list shows first (issue 2's start-up
budget). A page or file opened before step 9 runs loads them itself.

``selftest`` runs the same stages offscreen, visits every page, opens a file, and reports 0 or 1.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QMessageLogContext,
    QThreadPool,
    QTimer,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from desktop.context import AppContext
from desktop.paths import backup_dir, cache_dir, data_dir, default_database
from desktop.services.station import default_actor, station_info
from models import regions
from models.database import Database, open_database
from models.errors import DoorstepError
from ui import icons
from ui.areas import load_areas
from ui.style import apply_style, register_fonts
from ui.widgets.first_paint import after_first_paint

if TYPE_CHECKING:
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

SELFTEST_ENTREPRENEURS = 60

MessageHandler = Callable[[QtMsgType, QMessageLogContext, str], None]


class _Problems:
    """What went wrong while the application ran: Qt warnings and uncaught exceptions."""

    def __init__(self, *, show_dialogs: bool) -> None:
        self.items: list[str] = []
        self.show_dialogs = show_dialogs
        self._in_hook = False

    def qt_message(self, kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
            log.debug("Qt: %s", message)
            return
        where = f" ({context.category})" if context.category and context.category != "default" else ""
        log.warning("Qt%s: %s", where, message)
        self.items.append(f"Qt{where}: {message}")

    def exception(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, error, tb))
        log.error("uncaught exception:\n%s", details)
        self.items.append(details)
        if not self.show_dialogs or self._in_hook:
            return
        self._in_hook = True
        try:
            from PySide6.QtWidgets import QMessageBox

            from ui.operations import show_bug

            if isinstance(error, DoorstepError):
                title = QCoreApplication.translate("app", "无法完成")
                QMessageBox.warning(QApplication.activeWindow(), title, str(error))
            else:
                show_bug(QApplication.activeWindow(), details)
        finally:
            self._in_hook = False


def run_gui(*, db_path: str | None, selftest: bool) -> int:
    path = database_target(db_path)
    if selftest and QApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    configure_application(app, areas=selftest)

    problems = _Problems(show_dialogs=not selftest)
    previous_handler: MessageHandler | None = qInstallMessageHandler(problems.qt_message)
    previous_hook = sys.excepthook
    sys.excepthook = problems.exception
    try:
        if selftest:
            return _selftest(app, path, problems)
        return _interactive(app, path)
    finally:
        sys.excepthook = previous_hook
        qInstallMessageHandler(previous_handler)


def database_target(db_path: str | None) -> Path | str:
    """The ``--db`` argument: a SQLite file's path, or a server's address (``postgresql://…``, an HQ
    database) as given; none: the station's database in the user's data folder."""
    if not db_path:
        return default_database()
    return db_path if "://" in db_path else Path(db_path).expanduser()


def configure_application(app: QApplication, *, areas: bool = True) -> None:
    """Stages 2–3 and 5: names, style, the shipped fonts; and every area's pages and services, unless
    the caller loads them once the window shows (``areas=False``, see :func:`show_main_window`)."""
    app.setApplicationName("Doorstep")
    app.setOrganizationName("Doorstep")
    app.setApplicationDisplayName(QCoreApplication.translate("app", "家门口创业服务台"))
    install_qt_translations(app)
    apply_style(app, register_fonts(defer_extension_b=True))  # registered by load_areas
    regions.use_cache(cache_dir())  # region names are in the first paint: read them in 2 ms, not 100
    icons.use_cache(cache_dir())  # icons as SVG files, made on the first start
    if areas:
        load_areas()


def install_qt_translations(app: QApplication) -> list[QTranslator]:
    """Qt's own words in Chinese — the file, print and message dialogs' buttons and labels, the
    context menus of text fields (保存, 取消, 文件名, 查找范围, 复制 …): ``qtbase_zh_CN.qm`` as shipped
    with PySide6, then our few corrections of it (``resources/translations``: 撤销, not 撤消). Under a
    millisecond (the files are mapped, not read), so it is done before the first window; idempotent."""
    from resources import resource_path

    installed: list[QTranslator] = getattr(app, "_doorstep_translators", [])
    if installed:
        return installed
    sources = [
        ("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        ("qt_overrides_zh_CN", str(resource_path("translations"))),
    ]
    for name, folder in sources:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Qt translation %s not found in %s", name, folder)
    app.setProperty("doorstep_translations", len(installed))
    setattr(app, "_doorstep_translators", installed)  # noqa: B010  (kept alive with the application)
    return installed


def open_context(db_path: str | Path) -> AppContext:
    """Stage 6 for a database that already has its station."""
    return _context(_open(Path(db_path)))


def show_main_window(context: AppContext, *, remember: bool = True) -> MainWindow:
    """Stages 8–9: the window with its list, shown; every area loads once it is painted."""
    from ui.main_window import MainWindow

    window = MainWindow(context, remember=remember)
    after_first_paint(window, window.load_areas)
    available = window.screen().availableGeometry()
    if remember and not window.restored_geometry and available.width() < 1600:
        window.showMaximized()
    else:
        window.show()
    return window


def _open(path: Path | str) -> Database:
    return open_database(path, backup_dir=backup_dir())


def _context(db: Database) -> AppContext:
    from desktop.services.hq.identity import hq_identity

    hq = hq_identity(db)
    if hq is not None:  # headquarters' database: its workspace, HQ's user acting (ui/hq/pages.py)
        from desktop.services.sync.hq_side import hq_actor

        return AppContext(db=db, actor=hq_actor(hq.code), station=hq, hq=True)
    station = station_info(db)
    assert station is not None
    return AppContext(db=db, actor=default_actor(db), station=station)


def _interactive(app: QApplication, path: Path | str) -> int:
    # imported here: each PySide class costs about a millisecond the first time, and the list paints first
    from PySide6.QtWidgets import QDialog, QMessageBox

    try:
        db = _open(path)
    except DoorstepError as error:
        QMessageBox.critical(
            None,
            QCoreApplication.translate("app", "无法打开数据库"),
            QCoreApplication.translate("app", "{error}\n\n程序将退出，数据库文件没有被改动。").format(
                error=error
            ),
        )
        return 1
    from desktop.services.hq.identity import hq_identity

    if hq_identity(db) is not None:
        return _interactive_hq(app, db)
    if db.path is None:  # a server's database that is not HQ's: nothing here to open
        QMessageBox.critical(
            None,
            QCoreApplication.translate("app", "无法打开数据库"),
            QCoreApplication.translate(
                "app", "这个数据库不是总部的数据库：请先用 doorstep hq init --db 地址 建立总部数据库。"
            ),
        )
        db.close()
        return 1
    if station_info(db) is None:
        from ui.wizard import FirstRunWizard

        load_areas()  # a demo station is generated by every area
        wizard = FirstRunWizard(db, data_dir() / "demo.sqlite", backup_dir=backup_dir())
        if wizard.exec() != QDialog.DialogCode.Accepted or wizard.database is None:
            db.close()
            return 0
        if wizard.database is not db:
            db.close()
        db = wizard.database
    while True:
        context = _context(db)
        window = show_main_window(context)  # kept alive while the event loop runs
        # the day's backup a few seconds after the first paint: the areas load first (stage 9)
        after_first_paint(
            window,
            functools.partial(QTimer.singleShot, 3000, window, functools.partial(_daily_backup, window)),
        )
        code = app.exec()
        restore = window.restore_file
        window.deleteLater()
        _finish_background_work(app)
        if restore is None:
            _exit_backup(context)
            db.close()
            return code
        db = _restore(db, Path(restore))


def _interactive_hq(app: QApplication, db: Database) -> int:
    """总部: the same window with HQ's pages. Its backups are the server's (or the file's) keeper's:
    the station's daily and on-exit backups and 从备份恢复 are not offered here."""
    context = _context(db)
    window = show_main_window(context)
    code = app.exec()
    window.deleteLater()
    _finish_background_work(app)
    db.close()
    return code


def _daily_backup(window: MainWindow) -> None:
    from ui.settings.automatic import start_daily_backup

    signals = start_daily_backup(window.context)
    if signals is not None:
        window.setProperty("_daily_backup", signals)  # kept until it reports
        signals.finished.connect(window.show_message)


def _exit_backup(context: AppContext) -> None:
    """设置 → 退出程序时自动备份; a failure is said (the window is gone, the data is not)."""
    from ui.settings.automatic import backup_on_exit

    said = backup_on_exit(context)
    if said is not None and not said.startswith("已自动备份"):
        from ui.widgets import dialogs

        dialogs.tell(None, QCoreApplication.translate("app", "退出时的自动备份没有完成"), said)


def _restore(db: Database, backup: Path) -> Database:
    """从备份恢复 (confirmed on the settings page, the window closed): the database is closed, the
    backup checked and restored after a backup of the current one, and the database opened again."""
    from desktop.services.backup import restore_backup
    from ui.settings.automatic import backup_folder
    from ui.widgets import dialogs

    assert db.path is not None
    path = db.path
    folder = backup_folder(_context(db))
    db.close()
    title = QCoreApplication.translate("app", "从备份恢复")
    try:
        result = restore_backup(backup, target=path, safety_folder=folder)
    except DoorstepError as error:
        dialogs.tell(None, title, str(error))
    else:
        dialogs.tell(
            None,
            title,
            QCoreApplication.translate("app", "已从备份恢复：{0}\n\n恢复前的数据库已备份到 {1}").format(
                result.restored.label, result.safety_copy
            ),
            warning=False,
        )
    return _open(path)


def _finish_background_work(app: QApplication) -> None:
    """Let jobs started by pages finish and deliver their results before the windows go."""
    QThreadPool.globalInstance().waitForDone(60000)
    app.processEvents()


def _selftest(app: QApplication, path: Path | str, problems: _Problems) -> int:
    """Build the window on the station's database (or, if there is none yet, on a throw-away demo
    station), visit every page, open a file, close — and say whether anything went wrong."""
    import tempfile

    from desktop.services.entrepreneur_list import ListQuery, search_ids
    from desktop.services.hq.identity import hq_identity
    from ui.main_window import MainWindow

    visited = 0
    with tempfile.TemporaryDirectory(prefix="doorstep-selftest-") as scratch:
        try:
            db = _open(path) if "://" in str(path) or Path(path).exists() else None
            if db is None or (hq_identity(db) is None and station_info(db) is None):
                if db is not None:
                    db.close()
                from desktop.demo import generate_demo

                db = _open(Path(scratch) / "selftest.sqlite")
                generate_demo(db, entrepreneurs=SELFTEST_ENTREPRENEURS, seed=1)
            try:
                window = MainWindow(_context(db), remember=False)
                window.show()
                app.processEvents()
                for spec in list(window.specs):
                    window.show_page(spec.key)
                    app.processEvents()
                    visited += 1
                _finish_background_work(app)
                ids = [] if window.context.hq else search_ids(db, window.context.actor, ListQuery())
                if ids:
                    dialog = window.open_entrepreneur(ids[0])
                    app.processEvents()
                    if dialog is not None:
                        dialog.close()
                window.show_page(window.specs[0].key if window.context.hq else "entrepreneurs")
                _finish_background_work(app)
                window.close()
                app.processEvents()
                window.deleteLater()
                app.processEvents()
            finally:
                db.close()
        except DoorstepError as error:  # e.g. a database newer than this program: its message says it all
            problems.items.append(str(error))
        except Exception:
            problems.exception(*sys.exc_info())
    if problems.items:
        print(QCoreApplication.translate("app", "自检未通过："), file=sys.stderr)
        for item in problems.items:
            print(item, file=sys.stderr)
        return 1
    print(QCoreApplication.translate("app", "自检通过：打开了 {count} 个页面").format(count=visited))
    return 0

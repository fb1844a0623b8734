"""导师走访 in the GUI: the page, the quick-entry dialog on Ctrl+Shift+V from anywhere, and the
“走访与时间线” tab of a file. Importing the package registers them (ui/areas.py does at start-up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from desktop.context import AppContext
from ui.entrepreneurs.file_tabs import FILE_TABS
from ui.pages import GLOBAL_ACTIONS, PAGES, PageSpec, replace_page

if TYPE_CHECKING:
    from ui.main_window import MainWindow

QUICK_VISIT_KEYS = "Ctrl+Shift+V"


def _page(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.visits.page import VisitsPage

    return VisitsPage(context, parent)


def _file_tab(context: AppContext, entrepreneur_id: str, parent: QWidget | None) -> tuple[str, QWidget]:
    """The file's 走访与时间线 tab; Ctrl+Shift+V in an open file logs a visit for that person (the file
    is window-modal, so the main window's own shortcut does not reach it)."""
    from ui.visits.file_tab import file_tab

    title, tab = file_tab(context, entrepreneur_id, parent)
    file_window = parent.window() if parent is not None else None
    if file_window is not None:
        shortcut = QShortcut(QKeySequence(QUICK_VISIT_KEYS), file_window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        log_visit = getattr(tab, "log_visit", None)
        if callable(log_visit):
            shortcut.activated.connect(log_visit)
    return title, tab


def quick_visit(window: MainWindow) -> QWidget:
    """Open 记走访 over whatever window is in front; from a file, for that person."""
    from ui.visits.quick_entry import open_quick_visit

    front = QApplication.activeModalWidget() or QApplication.activeWindow() or window
    person = getattr(front, "entrepreneur_id", None)
    dialog = open_quick_visit(
        window.context, front, entrepreneur_id=person if isinstance(person, str) else None
    )

    def recorded(_visit_id: str, entrepreneur_id: str) -> None:
        window.show_message(window.tr("已记录走访"))
        window.refresh_current_page()
        for file_dialog in window.findChildren(QDialog):
            if getattr(file_dialog, "entrepreneur_id", None) != entrepreneur_id or file_dialog is dialog:
                continue
            reload = getattr(file_dialog, "load", None)
            if callable(reload) and not getattr(file_dialog, "dirty", True):
                reload()

    dialog.visit_recorded.connect(recorded)
    return dialog


def _add_quick_visit(window: MainWindow) -> None:
    shortcut = QShortcut(QKeySequence(QUICK_VISIT_KEYS), window)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)  # an open file has its own (ui.visits.file_tab)
    shortcut.activated.connect(lambda: quick_visit(window))


def register() -> None:
    """Put the page, the shortcut and the file tab in place (once)."""
    spec = next(s for s in PAGES if s.key == "visits")
    if spec.factory is not _page:
        replace_page(PageSpec(spec.key, spec.label, spec.icon, _page))
    if _add_quick_visit not in GLOBAL_ACTIONS:
        GLOBAL_ACTIONS.append(_add_quick_visit)
    if _file_tab not in FILE_TABS:
        FILE_TABS.insert(0, _file_tab)


register()

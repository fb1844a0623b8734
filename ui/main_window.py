"""The main window: the eight areas on the left, the station and a global search on top, counts and the
sync state at the bottom. Pages are built the first time they are shown.

The window opens where it was closed — size, position, page, column widths, splitters — from its own
INI file (window state is not a preference).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from PySide6 import QtCore
from PySide6.QtCore import QByteArray, QSettings, QSize
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.paths import config_dir
from models.errors import DoorstepError
from ui.areas import load_areas
from ui.entrepreneurs.search_popup import GlobalSearch
from ui.overrides import override
from ui.pages import GLOBAL_ACTIONS, PAGES, PageSpec
from ui.roles import USER_ROLE
from ui.style import Tone, icon
from ui.widgets.chip_label import ChipLabel

log = logging.getLogger(__name__)

NAV_WIDTH = 150
NAV_COMPACT_WIDTH = 52
COMPACT_BELOW = 1200
"""Narrower than this (1366×768 at 125 % scaling is 1093 wide), the navigation shows icons only and
the station's code is left out of the top bar, so that the list keeps its columns."""


def window_settings() -> QSettings:
    path = config_dir() / "window.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, *, remember: bool = True) -> None:
        """``remember=False`` (self-test) neither reads nor writes the saved window state."""
        super().__init__()
        self.context = context
        self.remember = remember
        self.settings = window_settings()
        self.pages: dict[str, QWidget] = {}
        self.specs: list[PageSpec] = list(self._registered())
        self.setWindowTitle(self._title(context.station.name))
        self.setMinimumSize(QSize(900, 540))

        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._top_bar())

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.navigation = QListWidget(central)
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(20, 20))
        self.navigation.setFixedWidth(NAV_WIDTH)  # no scroll bars: the style sheet (ui/roles.py)
        for spec in self.specs:
            item = QListWidgetItem(icon(spec.icon), spec.label)
            item.setData(USER_ROLE, spec.key)
            item.setToolTip(spec.label)
            self.navigation.addItem(item)
        self.stack = QStackedWidget(central)
        body.addWidget(self.navigation)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)
        self.compact = False

        status_bar = self.statusBar()
        status_bar.setSizeGripEnabled(False)
        self.page_status = QLabel(status_bar)  # made in place: moving a widget restyles it
        status_bar.addPermanentWidget(self.page_status)
        self.sync_status = QLabel(self.tr("尚未与总部同步"), status_bar)
        self.sync_status.setToolTip(self.tr("与总部交换数据包：见“数据同步”"))
        status_bar.addPermanentWidget(self.sync_status)

        self.search = GlobalSearch(context.services, self.search_box, self)
        self.search.open_requested.connect(self.open_entrepreneur)
        self.search.show_all_requested.connect(self._show_all_found)
        self._menus()
        self.navigation.currentRowChanged.connect(self._navigated)

        self._actions_added = 0
        self._restore_window()
        if not context.hq:
            self.add_global_actions()

    def _registered(self) -> list[PageSpec]:
        """The pages this window shows: the station's (ui/pages.py) or, on HQ's database, HQ's."""
        if self.context.hq:
            from ui.hq.pages import HQ_PAGES

            return HQ_PAGES
        return PAGES

    def _title(self, name: str) -> str:
        if self.context.hq:
            return self.tr("家门口创业服务台 — 总部 · {hq}").format(hq=name)
        return self.tr("家门口创业服务台 — {station}").format(station=name)

    def _menus(self) -> None:
        """文件 / 编辑 / 视图 / 帮助. The window's keys (Ctrl+1…8, Ctrl+K, F1, Ctrl+Q) are window-wide
        shortcuts made now; each menu's items are made the first time a menu opens (they cost a few
        milliseconds the first paint does not need). ``QAction.setShortcut`` is not used: it builds
        PySide's whole ``Qt`` namespace (ui/roles.py); the keys are shown beside the items instead."""
        bar = self.menuBar()
        self.menus = [
            bar.addMenu(title)
            for title in (self.tr("文件(&F)"), self.tr("编辑(&E)"), self.tr("视图(&V)"), self.tr("帮助(&H)"))
        ]
        for menu in self.menus:
            menu.aboutToShow.connect(self.fill_menus)
        for _menu, _text, slot, keys in self._menu_entries():
            if keys:
                QShortcut(QKeySequence(keys), self).activated.connect(slot)

    def _menu_entries(self) -> list[tuple[int, str, Any, str]]:
        """(menu, text, slot, keys) in order; an empty text is a separator."""
        settings = self._settings_call
        entries: list[tuple[int, str, Any, str]] = []
        if self.context.hq:  # no station's files, backups or settings page here: HQ's pages
            entries = [(0, self.tr("退出(&X)"), self.close, "Ctrl+Q")]
        else:
            entries = [
                (0, self.tr("新建创业者档案…"), self.new_entrepreneur, ""),
                (0, "", None, ""),
                (0, self.tr("立即备份"), functools.partial(settings, "backup_now"), ""),
                (0, self.tr("备份到U盘…"), functools.partial(settings, "backup_to_usb"), ""),
                (0, self.tr("从备份恢复…"), functools.partial(settings, "choose_restore"), ""),
                (0, "", None, ""),
                (0, self.tr("设置"), functools.partial(self.show_page, "settings"), ""),
                (0, "", None, ""),
                (0, self.tr("退出(&X)"), self.close, "Ctrl+Q"),
                (1, self.tr("找人…"), self.focus_search, "Ctrl+K"),
                (1, "", None, ""),
            ]
        for label, keys, method in (
            (self.tr("撤销"), "Ctrl+Z", "undo"),
            (self.tr("剪切"), "Ctrl+X", "cut"),
            (self.tr("复制"), "Ctrl+C", "copy"),
            (self.tr("粘贴"), "Ctrl+V", "paste"),
            (self.tr("全选"), "Ctrl+A", "selectAll"),
        ):
            # the focused field's own keys do these; the menu only names them (no shortcut of ours)
            entries.append((1, f"{label}\t{keys}", functools.partial(self._edit_focused, method), ""))
        for number, spec in enumerate(self.specs[:9], start=1):
            entries.append((2, spec.label, functools.partial(self.go_to_page, spec.key), f"Ctrl+{number}"))
        entries += [
            (3, self.tr("本页帮助"), self.show_help, "F1"),
            (3, self.tr("关于 Doorstep"), self.show_about, ""),
        ]
        return entries

    def fill_menus(self) -> None:
        """The menus' items, made once (the first time any menu opens)."""
        if self.menus[0].actions():
            return
        from PySide6.QtGui import QAction  # each PySide class costs a millisecond the first time

        for index, text, slot, keys in self._menu_entries():
            menu = self.menus[index]
            if not text:
                menu.addSeparator()
                continue
            action = QAction(f"{text}\t{keys}" if keys else text, self)
            action.triggered.connect(slot)
            menu.addAction(action)

    def _edit_focused(self, method: str) -> None:
        from PySide6.QtWidgets import QApplication

        widget = QApplication.focusWidget()
        call = getattr(widget, method, None)
        if callable(call):
            call()

    def _settings_call(self, method: str) -> None:
        page = self.show_page("settings")
        call = getattr(page, method, None)
        if callable(call):
            call()

    def show_help(self) -> Any:
        from ui.help.dialogs import HelpDialog

        spec = next((spec for spec in self.specs if spec.key == self.current_key), self.specs[0])
        dialog = HelpDialog(spec.key, spec.label, self)
        dialog.open()
        return dialog

    def show_about(self) -> Any:
        from ui.help.dialogs import AboutDialog

        dialog = AboutDialog(self)
        dialog.open()
        return dialog

    def load_areas(self) -> None:
        """Every area's pages, file tabs, services and global shortcuts (at start-up, once the list
        has painted; idempotent)."""
        load_areas()
        if not self.context.hq:  # the station's global actions (quick visit entry …) are not HQ's
            self.add_global_actions()
        if not self._sync_read:
            self._sync_read = True
            self.update_sync_state()

    _sync_read = False

    def update_sync_state(self) -> None:
        """The status bar's sync state ("3 天前发送，待确认 42 条变更"): read once the areas are loaded,
        and again whenever the 数据同步 page has exchanged a package or settled something."""
        if self.context.hq:
            from ui.hq.words import bar_text as hq_bar_text

            try:
                text, tip = hq_bar_text(self.context)
            except DoorstepError:
                return
            self.sync_status.setText(text)
            self.sync_status.setToolTip(tip)
            return
        from desktop.services.sync import sync_status
        from models.base import china_today
        from ui.sync.words import bar_text

        try:
            status = self.context.services(sync_status)
        except DoorstepError:
            return
        text, tip = bar_text(status, china_today())
        self.sync_status.setText(text)
        self.sync_status.setToolTip(tip)

    def add_global_actions(self) -> None:
        """The global actions registered since the last call (e.g. Ctrl+Shift+V, quick visit entry)."""
        for add_action in GLOBAL_ACTIONS[self._actions_added :]:
            add_action(self)
        self._actions_added = len(GLOBAL_ACTIONS)

    def _top_bar(self) -> QWidget:
        bar = QFrame(self)  # a QFrame paints its style sheet background
        bar.setObjectName("topBar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(12)
        station = self.context.station
        name = QLabel(station.name, bar)
        name.setObjectName("stationName")
        self.station_name_label = name
        layout.addWidget(name)
        if station.is_demo:
            layout.addWidget(ChipLabel(self.tr("演示数据"), Tone.AMBER, bar))
        if self.context.hq:
            where = self.tr("总部 · {code}").format(code=station.code)
        else:
            where = self.tr("{code} · {region}").format(code=station.code, region=station.region_label)
        self.station_code_label = QLabel(where, bar)
        self.station_code_label.setObjectName("topBarText")
        layout.addWidget(self.station_code_label)
        layout.addStretch(1)
        self.search_box = QLineEdit(bar)
        self.search_box.setObjectName("globalSearch")
        self.search_box.setPlaceholderText(self.tr("找人：姓名、拼音、身份证尾号或电话  Ctrl+K"))
        self.search_box.addAction(icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(220)
        self.search_box.setMaximumWidth(420)
        layout.addWidget(self.search_box, 2)
        if self.context.hq:  # 找人 finds a station's files: HQ works by station and by list
            self.search_box.hide()
            layout.addStretch(2)
        user = QLabel(self.context.actor.user_name, bar)
        user.setObjectName("topBarText")
        user_icon = QLabel(bar)
        user_icon.setPixmap(icon("mdi6.account-circle-outline", color="#dbe6f6").pixmap(20, 20))
        layout.addSpacing(8)
        layout.addWidget(user_icon)
        layout.addWidget(user)
        return bar

    # ----------------------------------------------------------------------------------------- pages
    @property
    def current_key(self) -> str:
        item = self.navigation.currentItem()
        return str(item.data(USER_ROLE)) if item is not None else ""

    def page(self, key: str) -> QWidget:
        """The page for ``key``, built on first use."""
        if key in self.pages:
            return self.pages[key]
        spec = next(spec for spec in self.specs if spec.key == key)
        if spec.needs_areas:
            self.load_areas()
            # the area's own page, now registered
            spec = next(spec for spec in self._registered() if spec.key == key)
        try:
            widget = spec.factory(self.context, self.stack)
        except DoorstepError as error:
            from ui.widgets.planned import PlannedPage

            widget = PlannedPage(spec.label, str(error), self.stack)
        self.stack.addWidget(widget)
        self.pages[key] = widget
        if self.remember:
            restore = getattr(widget, "restore_state", None)
            if callable(restore):
                restore(self.settings)
            # any named splitter of a page opens as it was left
            for splitter in widget.findChildren(QSplitter):
                state = self.settings.value(f"splitters/{key}/{splitter.objectName()}")
                if splitter.objectName() and isinstance(state, QByteArray | bytes) and state:
                    splitter.restoreState(QByteArray(state))
        status_changed = getattr(widget, "status_changed", None)
        if status_changed is not None:
            status_changed.connect(self._status_signal)
        message = getattr(widget, "message", None)
        if message is not None:
            message.connect(self.show_message)
        restore_requested = getattr(widget, "restore_requested", None)
        if restore_requested is not None:
            restore_requested.connect(self.restore_requested)
        sync_changed = getattr(widget, "sync_changed", None)
        if sync_changed is not None:
            sync_changed.connect(self.update_sync_state)
        renamed = getattr(widget, "station_renamed", None)
        if renamed is not None:
            renamed.connect(self._station_renamed)
        return widget

    def _station_renamed(self, name: str) -> None:
        self.station_name_label.setText(name)
        self.setWindowTitle(self._title(name))

    def show_message(self, text: str) -> None:
        """A passing message in the status bar (what was just done)."""
        self.statusBar().showMessage(text, 10000)

    def _status_signal(self) -> None:
        sender = self.sender()
        if isinstance(sender, QWidget):
            self._page_status_changed(sender)

    def go_to_page(self, key: str) -> None:
        """Ctrl+1…8 and 视图: the page, with the keyboard in its search box or list."""
        self.focus_page(self.show_page(key))

    def focus_page(self, widget: QWidget) -> QWidget | None:
        """Ctrl+1…8: the keyboard goes to the page's search box or list, not to the navigation."""
        from PySide6.QtWidgets import QAbstractItemView

        target: QWidget | None = None
        chosen = getattr(widget, "focus_target", None)
        if callable(chosen):
            target = chosen()
        search = getattr(getattr(widget, "query_bar", None), "search", None)
        if target is None and isinstance(search, QLineEdit):
            target = search
        if target is None:
            views = [view for view in widget.findChildren(QAbstractItemView) if view.isVisibleTo(widget)]
            target = views[0] if views else None
        if target is None:
            edits = [edit for edit in widget.findChildren(QLineEdit) if edit.isVisibleTo(widget)]
            target = edits[0] if edits else None
        if target is None:  # the page's first control that takes the keyboard (a month to choose …)
            candidate = widget.nextInFocusChain()
            while candidate is not None and candidate is not widget and widget.isAncestorOf(candidate):
                if (
                    candidate.isVisibleTo(widget)
                    and candidate.isEnabled()
                    and candidate.focusPolicy().value & 1
                ):
                    target = candidate
                    break
                candidate = candidate.nextInFocusChain()
        if target is not None:
            target.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        return target

    def show_page(self, key: str) -> QWidget:
        row = next((i for i, spec in enumerate(self.specs) if spec.key == key), None)
        if row is None:
            raise KeyError(key)
        if self.navigation.currentRow() != row:
            self.navigation.setCurrentRow(row)  # shows the page through _navigated
        else:
            self._navigated(row)
        return self.pages[key]

    def _navigated(self, row: int) -> None:
        if not 0 <= row < len(self.specs):
            return
        widget = self.page(self.specs[row].key)
        self.stack.setCurrentWidget(widget)
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            try:
                refresh()
            except DoorstepError as error:
                self.statusBar().showMessage(str(error), 10000)
        self._page_status_changed(widget)

    def _page_status_changed(self, widget: QWidget) -> None:
        if self.stack.currentWidget() is not widget:
            return
        status_text = getattr(widget, "status_text", None)
        self.page_status.setText(str(status_text()) if callable(status_text) else "")

    def refresh_current_page(self, *_args: object) -> None:
        widget = self.stack.currentWidget()
        if widget is None:
            return
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()
        self._page_status_changed(widget)

    # ---------------------------------------------------------------------------------------- files
    def focus_search(self) -> None:
        self.search_box.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def open_entrepreneur(self, entrepreneur_id: str) -> Any:
        """Open a person's file from anywhere (global search, workbench, other areas)."""
        from ui.entrepreneurs.file_dialog import open_file

        return open_file(self.context, self, entrepreneur_id, on_changed=self._file_changed)

    def new_entrepreneur(self) -> Any:
        from ui.entrepreneurs.file_dialog import open_file

        return open_file(self.context, self, None, on_changed=self._file_changed)

    def _file_changed(self, entrepreneur_id: str) -> None:
        widget = self.stack.currentWidget()
        handler = getattr(widget, "file_changed", None)
        if callable(handler):
            handler(entrepreneur_id)
            if isinstance(widget, QWidget):
                self._page_status_changed(widget)  # the counts in the status bar follow the data
        else:
            self.refresh_current_page()

    def _show_all_found(self, text: str) -> None:
        page = self.show_page("entrepreneurs")
        query_bar = getattr(page, "query_bar", None)
        if query_bar is not None:
            query_bar.reset()
            query_bar.search.setText(text)
            query_bar.flush()
        self.search_box.clear()

    # ---------------------------------------------------------------------------------- window state
    def _restore_window(self) -> None:
        geometry = self.settings.value("window/geometry") if self.remember else None
        self.restored_geometry = False
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restored_geometry = self.restoreGeometry(QByteArray(geometry))
        if not self.restored_geometry:
            available = self.screen().availableGeometry()
            self.resize(min(1440, available.width()), min(900, available.height()))
        first = self.specs[0].key if self.context.hq else "entrepreneurs"
        key = str(self.settings.value(self._page_setting, first)) if self.remember else first
        if not any(spec.key == key for spec in self.specs):
            key = first
        self.show_page(key)

    @property
    def _page_setting(self) -> str:
        return "window/hq_page" if self.context.hq else "window/page"

    def save_window_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue(self._page_setting, self.current_key)
        for key, widget in self.pages.items():
            save = getattr(widget, "save_state", None)
            if callable(save):
                save(self.settings)
            for splitter in widget.findChildren(QSplitter):
                if splitter.objectName():
                    self.settings.setValue(f"splitters/{key}/{splitter.objectName()}", splitter.saveState())
        self.settings.sync()

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.set_compact(event.size().width() < COMPACT_BELOW)

    def set_compact(self, compact: bool) -> None:
        if compact == self.compact:
            return
        self.compact = compact
        self.navigation.setFixedWidth(NAV_COMPACT_WIDTH if compact else NAV_WIDTH)
        for row, spec in enumerate(self.specs):
            self.navigation.item(row).setText("" if compact else spec.label)
        self.station_code_label.setVisible(not compact)

    restore_file: Any = None
    """The backup the worker chose to restore (ui/app.py restores it once the window has closed)."""

    def restore_requested(self, path: Any) -> None:
        """从备份恢复, confirmed on the settings page: the window closes, ui/app.py closes the database,
        restores and opens the window again."""
        self.restore_file = path
        self.close()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        self.search.hide()
        if self.remember:
            self.save_window_state()
        super().closeEvent(event)

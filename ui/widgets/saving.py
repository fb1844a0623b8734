"""One way to save (UI.md "Paper", issue 12 4): every export and every PDF kept goes through here.

:func:`ask_save_path` opens the save dialog in the folder last used for saving (remembered in the
preferences) or, the first time, the worker's 文档 folder, with the file already named for the station,
content and day; :func:`offer_open` then says where the file went and offers 打开文件 / 打开所在文件夹.
Nothing is written silently to a temporary folder: a file the worker keeps is one they placed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.settings import Preferences
from ui.widgets.dialogs import settle_minimum_size

log = logging.getLogger(__name__)


def documents_dir() -> Path:
    """The worker's 文档 (Documents) folder, or their home folder if there is none."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location and Path(location).is_dir() else Path.home()


def save_folder(preferences: Preferences) -> Path:
    """Where the next save dialog opens: the last folder used, if it is still there."""
    remembered = Path(preferences.save_folder) if preferences.save_folder else None
    if remembered is not None and remembered.is_dir():
        return remembered
    return documents_dir()


def remember_folder(preferences: Preferences, folder: Path) -> None:
    if preferences.save_folder == str(folder):
        return
    preferences.save_folder = str(folder)
    try:
        preferences.save()
    except OSError as error:  # a read-only profile: the dialog simply opens in 文档 next time
        log.warning("could not remember the save folder: %s", error)


def save_dialog(parent: QWidget | None, title: str, start: Path, name: str, file_filter: str) -> QFileDialog:
    """The save dialog itself (Qt's own, its words in Chinese: ui/app.py installs Qt's translation)."""
    dialog = QFileDialog(parent, title, str(start), file_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.selectFile(name)
    suffix = Path(name).suffix.lstrip(".")
    if suffix:
        dialog.setDefaultSuffix(suffix)
    settle_minimum_size(dialog)
    return dialog


def ask_save_path(
    parent: QWidget | None, preferences: Preferences, *, title: str, name: str, file_filter: str
) -> Path | None:
    """Ask where to save ``name``; None if the worker cancelled. The folder chosen is remembered."""
    dialog = save_dialog(parent, title, save_folder(preferences), name, file_filter)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    path = Path(dialog.selectedFiles()[0])
    suffix = Path(name).suffix
    if suffix and path.suffix.lower() != suffix.lower():
        path = path.with_name(path.name + suffix)
    remember_folder(preferences, path.parent)
    return path


def save_then_offer(
    parent: QWidget,
    preferences: Preferences,
    *,
    title: str,
    name: str,
    file_filter: str,
    write: Callable[[Path], bool],
    text: Callable[[Path], str],
) -> Path | None:
    """Ask where, write there (``write`` says whether it worked, and says why not itself), then offer
    打开文件 / 打开所在文件夹; the path written, or None."""
    path = ask_save_path(parent, preferences, title=title, name=name, file_filter=file_filter)
    if path is None or not write(path):
        return None
    offer_open(parent, path, title=title, text=text(path))
    return path


class Opened(Enum):
    FILE = "file"
    FOLDER = "folder"
    NOTHING = "nothing"


def offer_open(parent: QWidget | None, path: Path, *, title: str, text: str) -> Opened:
    """Say what was saved where, and offer 打开文件 / 打开所在文件夹 / 关闭 (Esc: 关闭)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(box.tr("保存在 {0}").format(path.parent))
    open_file = box.addButton(box.tr("打开文件"), QMessageBox.ButtonRole.AcceptRole)
    open_folder = box.addButton(box.tr("打开所在文件夹"), QMessageBox.ButtonRole.ActionRole)
    close = box.addButton(box.tr("关闭"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(open_file)
    box.setEscapeButton(close)
    settle_minimum_size(box)
    box.exec()
    clicked = box.clickedButton()
    if clicked is open_file:
        show_in_system(path)
        return Opened.FILE
    if clicked is open_folder:
        show_in_system(path.parent)
        return Opened.FOLDER
    return Opened.NOTHING


def show_in_system(path: Path) -> bool:
    """Open a file or folder with the system's program (not on the offscreen platform of tests)."""
    if QGuiApplication.platformName() == "offscreen":
        return False
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))

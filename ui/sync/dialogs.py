"""The 数据同步 page's dialogs: where a package goes (a folder or a USB stick), which package to import,
and what an import did (the receipt)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Preferences
from ui.style import Tone, icon
from ui.widgets.dialogs import settle_minimum_size
from ui.widgets.saving import remember_folder, save_folder

PACKAGE_FILTER = "同步数据包 (*.dsync)"


def ask_export_folder(parent: QWidget | None, preferences: Preferences) -> Path | None:
    """The folder or USB stick a package goes to (opens where the last save went; remembered)."""
    chosen = QFileDialog.getExistingDirectory(
        parent, "导出同步包：选择U盘或文件夹", str(save_folder(preferences))
    )
    if not chosen:
        return None
    folder = Path(chosen)
    remember_folder(preferences, folder)
    return folder


def ask_package_file(parent: QWidget | None, preferences: Preferences) -> Path | None:
    """The package from HQ to import (only *.dsync files are offered)."""
    chosen, _ = QFileDialog.getOpenFileName(
        parent, "导入总部数据包", str(save_folder(preferences)), PACKAGE_FILTER
    )
    if not chosen:
        return None
    path = Path(chosen)
    remember_folder(preferences, path.parent)
    return path


class ReceiptDialog(QDialog):
    """What an import did, or why a package was refused (and that nothing changed)."""

    def __init__(
        self, title: str, lines: list[str], parent: QWidget | None = None, *, refused: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.refused = refused
        self.lines = list(lines)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        top = QHBoxLayout()
        top.setSpacing(10)
        picture = QLabel(self)
        name = "mdi6.alert-circle-outline" if refused else "mdi6.check-circle-outline"
        tone = Tone.RED if refused else Tone.GREEN
        picture.setPixmap(icon(name, color=tone.value[0]).pixmap(28, 28))
        top.addWidget(picture)
        self.heading = QLabel(title, self)
        self.heading.setStyleSheet(f"font-size: 12pt; font-weight: bold; color: {tone.value[0]};")
        top.addWidget(self.heading, 1)
        layout.addLayout(top)
        self.text = QLabel("\n".join(self.lines), self)
        self.text.setWordWrap(True)
        self.text.setMinimumWidth(420)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.tr("知道了"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        settle_minimum_size(self)

"""Questions with buttons that say what they do ("删除" / "取消"), never a bare Yes / No."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask(parent: QWidget | None, title: str, text: str, yes: str, no: str, *, warning: bool = False) -> bool:
    """True if the person chose ``yes``. Esc and closing the box mean ``no``."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button if warning else yes_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def tell(parent: QWidget | None, title: str, text: str, *, warning: bool = True) -> None:
    """A message that needs only 知道了: what happened and what to do."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.addButton(box.tr("知道了"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def settle_minimum_size(window: QWidget, width: int = 0, height: int = 0) -> None:
    """Give a top-level window an explicit minimum size (at least what its layout needs).

    Without one, the layout sets the minimum size after the native window exists, on every show; that
    is harmless on a desktop but the offscreen platform (tests, self-test) warns about it.
    """
    needed = window.minimumSizeHint()
    window.setMinimumSize(max(needed.width(), width), max(needed.height(), height))

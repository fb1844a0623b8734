"""The look of the application: one accent colour, calm greys, and status colours that carry meaning.

A status colour is never shown alone: a chip always carries its word (UI.md "Words, numbers, colour").
"""

from __future__ import annotations

import enum
import os
import re
import sys
from collections.abc import Iterable

from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from models.enums import Stage

ACCENT = "#1f66c9"
ACCENT_DARK = "#17509e"
ACCENT_LIGHT = "#e7f0fc"
TEXT = "#1f2328"
TEXT_MUTED = "#5b6470"
BORDER = "#d3d9e0"
WINDOW = "#f4f6f9"
SURFACE = "#ffffff"
ERROR = "#c62828"

BASE_POINT_SIZE = 10.5


class Tone(enum.Enum):
    """Status colours with their meaning: green done, amber to do / due soon, red overdue, grey closed."""

    GREEN = ("#1a7f37", "#e3f4e8")
    AMBER = ("#8a5a00", "#fff1cc")
    RED = ("#b42318", "#fde8e6")
    GREY = ("#57606a", "#eceff2")
    ACCENT = (ACCENT_DARK, ACCENT_LIGHT)

    @property
    def foreground(self) -> QColor:
        return QColor(self.value[0])

    @property
    def background(self) -> QColor:
        return QColor(self.value[1])


STAGE_TONES: dict[Stage, Tone] = {
    Stage.INTENT: Tone.AMBER,
    Stage.PREPARING: Tone.AMBER,
    Stage.STARTUP: Tone.GREEN,
    Stage.GROWTH: Tone.GREEN,
    Stage.MATURE: Tone.GREEN,
    Stage.CLOSED: Tone.GREY,
}
"""Before registration a venture is still work to do (amber); running ones are green; closed grey."""


def stage_tone(stage: Stage | None) -> Tone:
    return STAGE_TONES.get(stage, Tone.GREY) if stage is not None else Tone.GREY


def icon(name: str, *, color: str = TEXT_MUTED, active: str = ACCENT) -> QIcon:
    """A Material Design icon such as ``mdi6.magnify`` (vector, so sharp at 125 % and 150 % scaling)."""
    from ui.icons import glyph_icon

    return glyph_icon(name, color=color, active=active)


def application_font(families: list[str]) -> QFont:
    """The shipped CJK face first, then the Extension A/B faces, so rare name characters such as 𠮷 show."""
    font = QFont()
    font.setFamilies(families)
    font.setPointSizeF(BASE_POINT_SIZE)
    return font


def register_fonts(*, defer_extension_b: bool = False) -> list[str]:
    """Register the shipped fonts with Qt; return the families in fallback order (missing files skipped).

    With ``defer_extension_b`` the largest face, the rest of CJK Extension B (20 MB; reading its
    character map costs 5 ms of start-up), is left for :func:`register_deferred_fonts`, which start-up
    calls once the window has painted, or before, if the first screen shows such a character
    (:func:`extension_b_needed`). Its family is in the list either way, so the application's font
    falls back to it as soon as it is registered."""
    from reports.font_files import EXT_B, SHIPPED_FONTS

    families: list[str] = []
    for font in SHIPPED_FONTS:
        if defer_extension_b and font.name == EXT_B and font.path.is_file():
            _deferred_fonts.append(str(font.path))
        elif QFontDatabase.addApplicationFont(str(font.path)) < 0:
            continue
        families.append(font.family)
    return families


_deferred_fonts: list[str] = []

_EXTENSION_B = re.compile("[\U00020000-\U0002a6df]")


def register_deferred_fonts() -> None:
    """Register the faces :func:`register_fonts` left for later, and repaint with them (idempotent)."""
    if not _deferred_fonts:
        return
    for path in _deferred_fonts:
        QFontDatabase.addApplicationFont(path)
    _deferred_fonts.clear()
    for window in QApplication.topLevelWidgets():
        window.update()


def fonts_deferred() -> bool:
    return bool(_deferred_fonts)


def extension_b_needed(texts: Iterable[str]) -> bool:
    """Whether ``texts`` have a CJK Extension B character that the Ext A face lacks (Ext A has the
    2,858 of them that are in Japanese and other standards, 𠮷 among them; Ext B has the rest)."""
    from PySide6.QtGui import QRawFont

    from reports.font_files import EXT_A, SHIPPED_FONTS

    rare = {character for text in texts for character in _EXTENSION_B.findall(text)}
    if not rare:
        return False
    # the face itself: QFontMetrics.inFontUcs4 would also look through every fallback
    ext_a = QRawFont.fromFont(QFont(next(font.family for font in SHIPPED_FONTS if font.name == EXT_A)))
    return not all(ext_a.supportsCharacter(ord(character)) for character in rare)


def apply_style(app: QApplication, families: list[str]) -> None:
    if not qt_chooses_fusion():
        app.setStyle("Fusion")
    if families:
        app.setFont(application_font(families))
    app.setStyleSheet(STYLE_SHEET)


def qt_chooses_fusion() -> bool:
    """Whether Qt already chose Fusion. PySide's wheels for Linux carry only the Fusion and Windows styles,
    and every Linux desktop's list of preferred styles puts Fusion before Windows, so Fusion is chosen
    unless ``QT_STYLE_OVERRIDE`` says otherwise. (Asking the application for its style, or setting one,
    costs 7 ms of start-up: PySide builds QStyle's eleven enums the first time it meets the type.)"""
    override = os.environ.get("QT_STYLE_OVERRIDE", "fusion")
    return sys.platform.startswith("linux") and override.lower() == "fusion"


# Settings that Qt names by enum are made here (``qproperty-…``) where the first screen needs them: in
# Python each would build PySide's whole ``Qt`` namespace before the list could paint (ui/roles.py).
STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QWidget {{ color: {TEXT}; }}
QLabel#muted, QLabel[muted="true"] {{ color: {TEXT_MUTED}; }}
QLabel#fieldError {{ color: {ERROR}; }}
QLabel#pageTitle {{ font-size: 15pt; font-weight: bold; }}
QLabel#fileTitle {{ font-size: 16pt; font-weight: bold; }}
QLabel#stationName {{ font-size: 12pt; font-weight: bold; color: {SURFACE}; }}
QLabel#topBarText {{ color: #dbe6f6; }}
QWidget#topBar {{ background: {ACCENT}; }}
QLineEdit#globalSearch {{
    border: 1px solid {ACCENT_DARK}; border-radius: 4px; padding: 4px 8px; background: {SURFACE};
}}
QListWidget#navigation {{
    background: {SURFACE}; border: none; border-right: 1px solid {BORDER}; outline: 0;
    qproperty-horizontalScrollBarPolicy: ScrollBarAlwaysOff;
    qproperty-verticalScrollBarPolicy: ScrollBarAlwaysOff;
}}
QToolButton#pageAction {{ qproperty-toolButtonStyle: ToolButtonTextBesideIcon; }}
QListWidget#navigation::item {{ padding: 9px 10px; border-left: 3px solid transparent; }}
QListWidget#navigation::item:selected {{
    background: {ACCENT_LIGHT}; color: {ACCENT_DARK}; border-left: 3px solid {ACCENT}; font-weight: bold;
}}
QListWidget#navigation::item:hover:!selected {{ background: {WINDOW}; }}
QWidget#page, QWidget#surface {{ background: {SURFACE}; }}
QTableView {{
    background: {SURFACE}; gridline-color: #edf0f3; border: 1px solid {BORDER};
    selection-background-color: {ACCENT_LIGHT}; selection-color: {TEXT};
}}
QHeaderView::section {{
    background: {WINDOW}; border: none; border-right: 1px solid {BORDER};
    border-bottom: 1px solid {BORDER}; padding: 4px 6px; font-weight: bold;
}}
QPushButton {{
    border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 12px; background: {SURFACE};
    min-height: 20px;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:disabled {{ color: #a0a7b0; background: {WINDOW}; }}
QPushButton:checked {{ background: {ACCENT_LIGHT}; border-color: {ACCENT}; color: {ACCENT_DARK}; }}
QPushButton#primary {{ background: {ACCENT}; color: {SURFACE}; border-color: {ACCENT_DARK}; }}
QPushButton#primary:hover {{ background: {ACCENT_DARK}; }}
QPushButton#primary:disabled {{ background: #9fb9df; color: #eef3fa; border-color: #9fb9df; }}
QPushButton#tag {{ border-radius: 10px; padding: 2px 10px; }}
QPushButton#tag:checked {{ background: {ACCENT}; color: {SURFACE}; border-color: {ACCENT_DARK}; }}
QLineEdit, QPlainTextEdit {{
    border: 1px solid {BORDER}; border-radius: 4px; padding: 3px 6px; background: {SURFACE};
}}
QLineEdit:focus, QPlainTextEdit:focus {{ border-color: {ACCENT}; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border-color: {ERROR}; }}
QLineEdit:read-only {{ background: {WINDOW}; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; background: {SURFACE}; top: -1px; }}
QTabBar::tab {{
    padding: 6px 16px; border: 1px solid {BORDER}; border-bottom: none; background: {WINDOW};
    margin-right: 2px; border-top-left-radius: 4px; border-top-right-radius: 4px;
}}
QTabBar::tab:selected {{ background: {SURFACE}; color: {ACCENT_DARK}; font-weight: bold; }}
QStatusBar {{ background: {SURFACE}; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ color: {TEXT_MUTED}; padding: 0 6px; }}
QFrame#emptyState {{ background: {SURFACE}; border: 1px dashed {BORDER}; border-radius: 6px; }}
QFrame#fileHeader {{ background: {SURFACE}; border-bottom: 1px solid {BORDER}; }}
QListView#searchPopup {{
    background: {SURFACE}; border: 1px solid {ACCENT}; border-radius: 4px; outline: 0;
}}
QListView#searchPopup::item {{ padding: 6px 8px; }}
QListView#searchPopup::item:selected {{ background: {ACCENT_LIGHT}; color: {TEXT}; }}
"""

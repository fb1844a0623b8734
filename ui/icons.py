"""Icons: the Material Design Icons 6 font that qtawesome ships, drawn by a small icon engine.

qtawesome's own loader registers all ten of its icon fonts, parses their ten character maps and pulls in
qtpy's QtWidgets shim — about 290 ms and 45 MB at start-up, for the four dozen icons the application
shows. We use its ``mdi6`` font and character map (the same files, the same glyphs) and draw a glyph the
way qtawesome does: centred, at 87.5 % of the icon's height, in one colour for normal and one for
active and selected (Qt greys the normal one for disabled).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPainter, QPixmap

log = logging.getLogger(__name__)

PREFIX = "mdi6."
FONT_FILE = "materialdesignicons6-webfont-6.9.96.ttf"
CHARMAP_FILE = "materialdesignicons6-webfont-charmap-6.9.96.json"
SIDES = (16, 20, 24, 32, 48)
"""Pixmap sizes drawn for each icon; Qt takes the smallest one at least as large as it needs and scales
it down (20 px at 200 % comes from 48), or the largest and scales it up."""
GLYPH_SHARE = 0.875
"""qtawesome's proportion: a 16-pixel icon draws a 14-pixel glyph, leaving room for the font's bearing."""


def _font_dir() -> Path:
    """qtawesome's ``fonts`` folder, found without importing qtawesome (a frozen build keeps the data
    files beside the bundle, see ``installer/doorstep.spec``)."""
    spec = importlib.util.find_spec("qtawesome")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return Path(getattr(sys, "_MEIPASS", ".")) / "qtawesome" / "fonts"


@cache
def _glyphs() -> tuple[str, dict[str, str]]:
    """The icon font's family and its map from icon name to character; an empty family if it is missing."""
    folder = _font_dir()
    font_id = QFontDatabase.addApplicationFont(str(folder / FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    try:
        charmap: dict[str, str] = json.loads((folder / CHARMAP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        log.warning("icon character map not readable: %s", error)
        return "", {}
    if not families:
        log.warning("icon font not found in %s", folder)
        return "", {}
    return families[0], {name: chr(int(code, 16)) for name, code in charmap.items()}


def _render(family: str, char: str, side: int, color: QColor) -> QPixmap:
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    font = QFont(family)
    font.setPixelSize(max(1, round(GLYPH_SHARE * side)))
    painter.setFont(font)
    painter.setPen(color)
    painter.drawText(QRect(0, 0, side, side), Qt.AlignmentFlag.AlignCenter, char)
    painter.end()
    return pixmap


@cache
def glyph_icon(name: str, *, color: str, active: str) -> QIcon:
    """``mdi6.<name>`` in ``color``, and ``active`` when hovered or selected; an empty icon for a name
    the font does not have (a missing icon must never stop a page from opening).

    The glyph is drawn once per size into the icon's pixmaps (Qt picks the nearest and scales it for
    125 % and 150 % screens). An icon engine written in Python would draw it on every paint, and
    PySide6 frees a Python engine that Qt's ``clone()`` still holds."""
    family, charmap = _glyphs()
    char = charmap.get(name.removeprefix(PREFIX)) if name.startswith(PREFIX) else None
    if not family or char is None:
        log.warning("no icon %r", name)
        return QIcon()
    result = QIcon()
    modes: list[tuple[QColor, tuple[QIcon.Mode, ...]]] = [(QColor(color), (QIcon.Mode.Normal,))]
    if active != color:
        modes.append((QColor(active), (QIcon.Mode.Active, QIcon.Mode.Selected)))
    for side in SIDES:
        for pen, icon_modes in modes:
            pixmap = _render(family, char, side, pen)
            for mode in icon_modes:
                result.addPixmap(pixmap, mode, QIcon.State.Off)
    return result

"""Icons: the Material Design Icons 6 font that qtawesome ships, as SVG files Qt draws at any size.

qtawesome's own loader registers all ten of its icon fonts, parses their ten character maps and pulls in
qtpy's QtWidgets shim — about 290 ms and 45 MB at start-up, for the four dozen icons the application
shows. We take its ``mdi6`` font and character map (the same files, the same glyphs), turn a glyph's
outline into an SVG file once — centred, the glyph at 87.5 % of the icon's height as qtawesome draws it —
and keep the file in the user's cache folder. Qt's SVG icon engine then draws each icon when and at the
size it is shown: sharp at 125 % and 150 %, and nothing to draw before the window paints.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QPainterPath, QRawFont

from desktop.paths import atomic_write

log = logging.getLogger(__name__)

PREFIX = "mdi6."
FONT_VERSION = "6.9.96"
FONT_FILE = f"materialdesignicons6-webfont-{FONT_VERSION}.ttf"
CHARMAP_FILE = f"materialdesignicons6-webfont-charmap-{FONT_VERSION}.json"
GLYPH_SHARE = 0.875
"""qtawesome's proportion: a 16-pixel icon draws a 14-pixel glyph, leaving room for the font's bearing."""
OUTLINE_SIZE = 96.0
"""Pixel size at which the outline is taken (only the SVG's coordinates depend on it)."""

_cache_folder: list[Path] = []  # set once by the GUI at start-up; a temporary folder otherwise


def use_cache(folder: Path) -> None:
    """Keep the SVG files in ``folder`` (the user's cache folder), from one start to the next."""
    _cache_folder[:] = [folder]


def _folder() -> Path:
    if not _cache_folder:
        import atexit
        import shutil
        import tempfile

        temporary = Path(tempfile.mkdtemp(prefix="doorstep-icons-"))
        atexit.register(shutil.rmtree, temporary, ignore_errors=True)
        _cache_folder.append(temporary)
    return _cache_folder[0] / f"mdi6-{FONT_VERSION}"


def _font_dir() -> Path:
    """qtawesome's ``fonts`` folder, found without importing qtawesome (a frozen build keeps the data
    files beside the bundle, see ``installer/doorstep.spec``)."""
    spec = importlib.util.find_spec("qtawesome")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return Path(getattr(sys, "_MEIPASS", ".")) / "qtawesome" / "fonts"


@cache
def _glyphs() -> tuple[QRawFont, dict[str, str]] | None:
    """The icon font and its map from icon name to code point (hex); None if either is missing."""
    folder = _font_dir()
    font = QRawFont(str(folder / FONT_FILE), OUTLINE_SIZE)
    try:
        import json  # only when an icon is made, not when it is read from the cache

        charmap: dict[str, str] = json.loads((folder / CHARMAP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        log.warning("icon character map not readable: %s", error)
        return None
    if not font.isValid():
        log.warning("icon font not found in %s", folder)
        return None
    return font, charmap


def svg_text(name: str, color: str) -> str | None:
    """The SVG of icon ``name`` (without ``mdi6.``) in ``color``; None if the font has no such icon."""
    glyphs = _glyphs()
    code = glyphs[1].get(name) if glyphs is not None else None
    if glyphs is None or code is None:
        return None
    font = glyphs[0]
    glyph = font.glyphIndexesForString(chr(int(code, 16)))[0]
    outline = font.pathForGlyph(glyph)
    height = font.ascent() + font.descent()
    side = height / GLYPH_SHARE
    advance = font.advancesForGlyphIndexes([glyph])[0].x()
    outline.translate((side - advance) / 2, (side - height) / 2 + font.ascent())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side:.2f} {side:.2f}">'
        f'<path fill="{color}" d="{_path_data(outline)}"/></svg>\n'
    )


def _path_data(outline: QPainterPath) -> str:
    kinds = QPainterPath.ElementType
    parts: list[str] = []
    index, count = 0, outline.elementCount()
    while index < count:
        element = outline.elementAt(index)
        if element.type == kinds.MoveToElement:
            parts.append(f"M{element.x:.2f} {element.y:.2f}")
        elif element.type == kinds.LineToElement:
            parts.append(f"L{element.x:.2f} {element.y:.2f}")
        else:  # a cubic curve: its end point and second control point follow as CurveToData
            second, end = outline.elementAt(index + 1), outline.elementAt(index + 2)
            parts.append(
                f"C{element.x:.2f} {element.y:.2f} {second.x:.2f} {second.y:.2f} {end.x:.2f} {end.y:.2f}"
            )
            index += 2
        index += 1
    return "".join(parts)


def _svg_file(name: str, color: str) -> Path | None:
    path = _folder() / f"{name}-{color.lstrip('#').lower()}.svg"
    if path.exists():
        return path
    text = svg_text(name, color)
    if text is None:
        return None
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as error:  # a read-only folder, or another copy of the program writing it just now
        log.warning("icon %s not written: %s", path, error)
        return path if path.exists() else None
    return path


@cache
def glyph_icon(name: str, *, color: str, active: str) -> QIcon:
    """``mdi6.<name>`` in ``color``, and ``active`` when hovered or selected (Qt greys it for disabled);
    an empty icon for a name the font does not have (a missing icon must never stop a page opening)."""
    normal = _svg_file(name.removeprefix(PREFIX), color) if name.startswith(PREFIX) else None
    if normal is None:
        log.warning("no icon %r", name)
        return QIcon()
    result = QIcon(str(normal))
    highlighted = _svg_file(name.removeprefix(PREFIX), active) if active != color else None
    if highlighted is not None:
        for mode in (QIcon.Mode.Active, QIcon.Mode.Selected):
            result.addFile(str(highlighted), QSize(), mode, QIcon.State.Off)
    return result

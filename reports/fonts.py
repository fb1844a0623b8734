"""The fonts every printed form and the GUI use, and per-character fallback between them.

Names on Chinese forms use characters that no single free sans-serif font covers: WenQuanYi Micro Hei
has the 20,932 unified ideographs of GBK, but not CJK Extension A nor the supplementary planes where
names such as 𠮷 (U+20BB7) live. Two subsets of the Hanazono fonts fill the gap, so a form prints every
character of a name instead of an empty box. ``resources/fonts/README.md`` tells where the files come
from and how the subsets were made.

Only data and reportlab live here: the GUI registers the same files with Qt itself (ui/style.py).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Final

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument, PDFStream
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from reports.font_files import SANS, SHIPPED_FONTS

"""Qt family names in fallback order, for ``QFont.setFamilies``."""

FALLBACK_ORDER: Final[tuple[str, ...]] = tuple(font.name for font in SHIPPED_FONTS)

_lock = threading.Lock()
_registered: dict[str, Mapping[int, int]] = {}
"""reportlab name -> the font's character-to-glyph map, filled once by :func:`register_fonts`."""
_font_of_char: dict[str, str] = {}
_width_of_char: dict[str, float] = {}


def _to_unicode_cmap(base_font_name: str, subset: Sequence[int]) -> str:
    """A ToUnicode CMap whose targets are UTF-16BE, as the PDF reference requires.

    reportlab writes each target as ``%04X`` of the code point, which turns U+20BB7 into five hex
    digits that text extraction and search read as U+20BB (₻). For the Basic Multilingual Plane
    both are the same.
    """
    entries = [
        f"<{code:02X}> <{chr(cp).encode('utf-16-be').hex().upper()}>" for code, cp in enumerate(subset)
    ]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({base_font_name})",
            f"/Ordering ({base_font_name})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{base_font_name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


class _EmbeddedFont(TTFont):  # type: ignore[misc]  # reportlab ships no type information
    """reportlab's subset-embedding TrueType font with text extraction fixed for planes 1-16."""

    def addObjects(self, doc: PDFDocument) -> None:  # noqa: N802  (reportlab's name)
        state = self.state.get(doc)
        supplementary: list[tuple[str, list[int]]] = []
        if state is not None:
            for n, subset in enumerate(state.subsets):
                if any(cp > 0xFFFF for cp in subset):
                    # The same base name reportlab gives the subset in addObjects.
                    base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
                    supplementary.append((base.decode("pdfdoc"), list(subset)))
        super().addObjects(doc)
        for base_name, subset in supplementary:
            stream = doc.idToObject["toUnicodeCMap:" + base_name]
            assert isinstance(stream, PDFStream)
            stream.content = _to_unicode_cmap(base_name, subset)


def register_fonts() -> None:
    """Register the shipped fonts with reportlab under :data:`SANS`, :data:`EXT_A`, :data:`EXT_B`.

    Safe to call any number of times and from several threads; only the first call reads the files
    (about a quarter of a second for the three).
    """
    if len(_registered) == len(SHIPPED_FONTS):
        return
    with _lock:
        for shipped in SHIPPED_FONTS:
            if shipped.name in _registered:
                continue
            font = _EmbeddedFont(shipped.name, str(shipped.path), subfontIndex=shipped.subfont_index)
            pdfmetrics.registerFont(font)
            char_to_glyph: Mapping[int, int] = font.face.charToGlyph
            _registered[shipped.name] = char_to_glyph


def font_for(char: str) -> str:
    """The reportlab name of the first shipped font with a glyph for ``char`` (:data:`SANS` if none has)."""
    try:
        return _font_of_char[char]
    except KeyError:
        pass
    register_fonts()
    cp = ord(char)
    name = next((font for font, cmap in _registered.items() if cp in cmap), SANS)
    _font_of_char[char] = name
    return name


def split_runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font name, chunk)`` runs so that every character prints with a font that has it.

    >>> split_runs("张𠮷堃")
    [('DoorstepSans', '张'), ('DoorstepExtA', '𠮷'), ('DoorstepSans', '堃')]
    """
    if not text:
        return []
    cache = _font_of_char
    runs: list[tuple[str, str]] = []
    start = 0
    current = cache.get(text[0]) or font_for(text[0])
    for i in range(1, len(text)):
        char = text[i]
        name = cache.get(char) or font_for(char)
        if name != current:
            runs.append((current, text[start:i]))
            start = i
            current = name
    runs.append((current, text[start:]))
    return runs


def char_width(char: str) -> float:
    """Advance width of ``char`` at a font size of 1 pt, in the font :func:`font_for` picks."""
    try:
        return _width_of_char[char]
    except KeyError:
        pass
    width: float = pdfmetrics.stringWidth(char, font_for(char), 1.0)
    _width_of_char[char] = width
    return width


def text_width(text: str, size: float) -> float:
    """Width of ``text`` printed at ``size`` pt with per-character fallback."""
    cache = _width_of_char
    total = 0.0
    for char in text:
        width = cache.get(char)
        total += char_width(char) if width is None else width
    return total * size


def uncovered_chars(text: str) -> list[str]:
    """Characters of ``text`` (in order, without repeats) that no shipped font can print.

    Control characters are not reported: they are never printed.
    """
    register_fonts()
    missing: list[str] = []
    for char in text:
        cp = ord(char)
        if cp < 0x20 or char in missing:
            continue
        if not any(cp in cmap for cmap in _registered.values()):
            missing.append(char)
    return missing

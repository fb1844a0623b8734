"""The font files shipped in ``resources/fonts``, as data only: the GUI registers them with Qt at
start-up without importing reportlab (:mod:`reports.fonts` registers them with reportlab)."""

from __future__ import annotations

from pathlib import Path
from typing import Final, NamedTuple

from resources import resource_path

SANS: Final = "DoorstepSans"
"""WenQuanYi Micro Hei: the face of all printed text."""
EXT_A: Final = "DoorstepExtA"
"""Hanazono A subset: CJK Extension A, compatibility ideographs, 𠮷 and symbols such as ☐ ☑."""
EXT_B: Final = "DoorstepExtB"
"""Hanazono B subset: the rest of CJK Extension B."""


class ShippedFont(NamedTuple):
    """One font file in ``resources/fonts``: the name reportlab knows it by and the family Qt sees."""

    name: str
    family: str
    path: Path
    subfont_index: int = 0


SHIPPED_FONTS: Final[tuple[ShippedFont, ...]] = (
    ShippedFont(SANS, "WenQuanYi Micro Hei", resource_path("fonts", "wqy-microhei.ttc"), 0),
    ShippedFont(EXT_A, "Doorstep Ext A", resource_path("fonts", "DoorstepExtA.ttf")),
    ShippedFont(EXT_B, "Doorstep Ext B", resource_path("fonts", "DoorstepExtB.ttf")),
)
"""In fallback order: a character is printed with the first font that has a glyph for it."""

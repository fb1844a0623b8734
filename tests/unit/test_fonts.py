"""The shipped fonts: present, licensed, registered once, and every name character prints and extracts."""

from __future__ import annotations

import shutil
import subprocess
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics

from reports.font_files import EXT_A, EXT_B, SANS, SHIPPED_FONTS
from reports.fonts import (
    char_width,
    font_for,
    register_fonts,
    split_runs,
    text_width,
    uncovered_chars,
)
from reports.pdf.canvas import HoldingCanvas
from reports.pdf.text import draw_text
from resources import resource_path

NAME_CHARS = "堃喆玥昇珺"
TSUCHI_YOSHI = "\U00020bb7"  # 𠮷, supplementary plane
EXT_B_ONLY = "\U0002a6d6"  # 𪛖: only in the Extension B subset
EXT_A_CHAR = "\u4dae"  # 䶮


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is needed for the PDF tests: apt-get install poppler-utils"
    return path


def test_font_files_are_shipped_with_their_licences() -> None:
    files = [font.path for font in SHIPPED_FONTS]
    assert [p.name for p in files] == ["wqy-microhei.ttc", "DoorstepExtA.ttf", "DoorstepExtB.ttf"]
    for path in files:
        assert path.is_file(), path
        assert path.read_bytes()[:4] in (b"ttcf", b"\x00\x01\x00\x00"), f"{path} is not TrueType"
    assert sum(p.stat().st_size for p in files) < 40 * 1024 * 1024
    fonts_dir = resource_path("fonts")
    assert "Apache" in (fonts_dir / "LICENSE-wqy-microhei.txt").read_text(encoding="utf-8")
    assert "Open Font License" in (fonts_dir / "LICENSE-hanazono.txt").read_text(encoding="utf-8")
    assert (fonts_dir / "README.md").is_file()
    assert [font.family for font in SHIPPED_FONTS] == [
        "WenQuanYi Micro Hei",
        "Doorstep Ext A",
        "Doorstep Ext B",
    ]


def test_register_fonts_is_idempotent() -> None:
    register_fonts()
    first = pdfmetrics.getFont(SANS)
    register_fonts()
    assert pdfmetrics.getFont(SANS) is first
    assert {SANS, EXT_A, EXT_B} <= set(pdfmetrics.getRegisteredFontNames())


def test_each_name_character_has_a_font() -> None:
    for char in NAME_CHARS:
        assert font_for(char) == SANS, char
    assert font_for(TSUCHI_YOSHI) == EXT_A
    assert font_for(EXT_A_CHAR) == EXT_A
    assert font_for(EXT_B_ONLY) == EXT_B
    assert font_for("☐") == EXT_A and font_for("☑") == EXT_A
    assert uncovered_chars(NAME_CHARS + TSUCHI_YOSHI + EXT_B_ONLY + EXT_A_CHAR + "☐☑　（）：") == []
    extension_g = "\U00030000"
    assert uncovered_chars(f"张{extension_g}{extension_g}\n") == [extension_g]


def test_split_runs_groups_characters_by_font() -> None:
    text = f"张{TSUCHI_YOSHI}堃 ☐☑ ab{EXT_B_ONLY}"
    runs = split_runs(text)
    assert runs == [
        (SANS, "张"),
        (EXT_A, TSUCHI_YOSHI),
        (SANS, "堃 "),
        (EXT_A, "☐☑"),
        (SANS, " ab"),
        (EXT_B, EXT_B_ONLY),
    ]
    assert "".join(chunk for _, chunk in runs) == text
    assert all(a[0] != b[0] for a, b in pairwise(runs))
    assert split_runs("") == []


def test_widths_follow_the_fallback_font() -> None:
    assert char_width("中") == pytest.approx(1.0)
    assert text_width("中文", 10) == pytest.approx(20.0)
    assert text_width(TSUCHI_YOSHI, 10) > 5
    assert text_width("", 10) == 0


@pytest.mark.pdf
def test_rare_characters_print_embedded_and_extract_as_typed(tmp_path: Path) -> None:
    register_fonts()
    path = tmp_path / "names.pdf"
    options: dict[str, Any] = {"pagesize": A4, "initialFontName": SANS}
    canvas = HoldingCanvas(str(path), **options)
    line = f"{NAME_CHARS} {TSUCHI_YOSHI}{EXT_B_ONLY}{EXT_A_CHAR} ☐☑"
    draw_text(canvas, 72, 700, line, 14)
    canvas.save()

    text = subprocess.run([_tool("pdftotext"), str(path), "-"], check=True, capture_output=True).stdout
    assert line in text.decode("utf-8")

    fonts = subprocess.run([_tool("pdffonts"), str(path)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert len(rows) == 3  # the three shipped fonts and nothing else (no Helvetica)
    for row in rows:
        assert row.split()[-5:-3] == ["yes", "yes"], row  # emb, sub

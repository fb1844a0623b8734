"""Icons: SVG files made from the mdi6 glyph outlines, kept in the cache folder, drawn by Qt at any size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QIcon
from pytestqt.qtbot import QtBot

from ui import icons

GREY, BLUE = "#5f6b7a", "#1f5fbf"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(icons, "_cache_folder", [tmp_path])
    icons.glyph_icon.cache_clear()
    yield tmp_path / f"mdi6-{icons.FONT_VERSION}"
    icons.glyph_icon.cache_clear()


def _ink(icon: QIcon, side: int, mode: QIcon.Mode) -> set[str]:
    image = icon.pixmap(side, side, mode).toImage()
    return {
        QColor(image.pixel(x, y)).name()
        for x in range(image.width())
        for y in range(image.height())
        if QColor.fromRgba(image.pixel(x, y)).alpha() == 255
    }


def test_an_icon_is_drawn_in_its_colours_at_any_size(qtbot: QtBot, folder: Path) -> None:
    icon = icons.glyph_icon("mdi6.magnify", color=GREY, active=BLUE)
    assert sorted(path.name for path in folder.iterdir()) == ["magnify-1f5fbf.svg", "magnify-5f6b7a.svg"]
    for side in (16, 20, 25, 48):
        assert _ink(icon, side, QIcon.Mode.Normal) == {GREY}
        assert _ink(icon, side, QIcon.Mode.Selected) == {BLUE}


def test_a_second_start_reads_the_files_it_made(qtbot: QtBot, folder: Path) -> None:
    icons.glyph_icon("mdi6.school-outline", color=GREY, active=GREY)
    made = folder / "school-outline-5f6b7a.svg"
    made.write_text(made.read_text(encoding="utf-8").replace(GREY, "#00aa00"), encoding="utf-8")
    icons.glyph_icon.cache_clear()
    assert _ink(icons.glyph_icon("mdi6.school-outline", color=GREY, active=GREY), 32, QIcon.Mode.Normal) == {
        "#00aa00"
    }


def test_a_name_the_font_does_not_have_is_an_empty_icon(qtbot: QtBot, folder: Path) -> None:
    assert icons.glyph_icon("mdi6.no-such-icon", color=GREY, active=BLUE).isNull()
    assert icons.glyph_icon("fa5.magnify", color=GREY, active=BLUE).isNull()
    assert not folder.exists() or not list(folder.iterdir())

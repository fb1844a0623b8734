"""Putting text from records on the page: literally, with font fallback, wrapped the Chinese way.

Everything here draws with the canvas, which prints characters as they are: a value such as
``<b>粗体</b> &amp;`` appears on paper exactly so. Code that uses platypus ``Paragraph`` (which reads
markup) must pass record values through :func:`markup_literal` first.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.pdfgen.canvas import Canvas

from reports.font_files import SANS
from reports.fonts import split_runs, text_width

Align = Literal["left", "center", "right"]

CJK_MIDLINE = 0.34
"""Distance from the baseline to the middle of a CJK glyph, in em: centres a line in a box."""

NO_LINE_START = frozenset("，。、；：？！）】》」』〕〉〗”’…—·%‰℃,.;:?!)]}")
"""Punctuation that never begins a line (it hangs into the margin instead)."""
_HANGING = "".join(sorted(NO_LINE_START))
NO_LINE_END = frozenset("（【《「『〔〈〖“‘([{¥$")
"""Punctuation that never ends a line (it moves to the next one with the word it opens)."""


def _is_word_char(char: str) -> bool:
    """Latin letters, figures and their joiners stay together; every CJK character is a break point."""
    return char.isascii() and not char.isspace() and char not in NO_LINE_END


UNBREAKABLE = re.compile(
    r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号"  # a document number: 人社部发〔2025〕5号
    r"|\d{4}\s?年\s?\d{1,2}\s?月(?:\s?\d{1,2}\s?日)?"  # a date: 2025年11月5日, 2025年6月
    r"|[　\s]*年[　\s]+月[　\s]+日"  # a date to fill in by hand: 　　年　　月　　日
)
"""Tokens that are never broken across lines (unless one alone is wider than the line)."""


def token_atoms(text: str) -> list[str]:
    """The pieces ``text`` may be broken between (one piece: a code, a date, a number — a token)."""
    return [atom for atom in _atoms(text) if atom != " "]


def _atoms(paragraph: str) -> list[str]:
    """Break opportunities: a Latin word or number, a document number or a date is one atom; every other
    CJK character is its own."""
    atoms: list[str] = []
    start = 0
    for match in UNBREAKABLE.finditer(paragraph):
        atoms.extend(_plain_atoms(paragraph[start : match.start()]))
        atoms.append(match.group(0))
        start = match.end()
    atoms.extend(_plain_atoms(paragraph[start:]))
    return atoms


def _plain_atoms(paragraph: str) -> list[str]:
    atoms: list[str] = []
    word: list[str] = []
    for char in paragraph:
        if _is_word_char(char) and char not in NO_LINE_START:
            word.append(char)
            continue
        if char in NO_LINE_START and word:
            word.append(char)  # "3," and "A." keep their punctuation
            continue
        if word:
            atoms.append("".join(word))
            word = []
        atoms.append(char)
    if word:
        atoms.append("".join(word))
    return atoms


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pt at ``size`` pt.

    A line may break between any two CJK characters and at spaces; Latin words and numbers (ID numbers,
    phone numbers) are broken only when they alone are wider than the line. Closing punctuation never
    starts a line and opening brackets never end one. Explicit newlines are kept. Empty text gives ``[]``.
    """
    if not text:
        return []
    return list(_wrap_cached(text, width, size))


@lru_cache(maxsize=4096)
def _wrap_cached(text: str, width: float, size: float) -> tuple[str, ...]:
    """Labels, headers and common values repeat across a batch of forms: wrap each once."""
    if "\n" not in text and "\r" not in text and text_width(text, size) <= width + 0.01:
        return (text,)
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width, size))
    return tuple(lines)


def _wrap_paragraph(paragraph: str, width: float, size: float) -> list[str]:
    if not paragraph:
        return [""]
    lines: list[str] = []
    line: list[str] = []
    line_width = 0.0
    pending = deque(_atoms(paragraph))
    limit = width + 0.01
    while pending:
        atom = pending.popleft()
        atom_width = text_width(atom, size)
        if line_width + atom_width <= limit:
            line.append(atom)
            line_width += atom_width
            continue
        if atom == " ":
            continue  # a space at a line break disappears
        if atom[0] in NO_LINE_START and line and atom_width <= size * 1.01:
            line.append(atom)  # hanging punctuation
            line_width += atom_width
            continue
        if len(atom) > 1 and atom[-1] in NO_LINE_START and not line:
            line.append(atom)  # a word that fits but for its closing mark: the mark hangs
            line_width += atom_width
            continue
        if len(atom) > 1 and text_width(atom.rstrip(_HANGING), size) > limit:
            # A word longer than a whole line (an address in Latin letters, a long number): give it a
            # line of its own and break it between letters.
            if line:
                lines.append("".join(line).rstrip(" "))
                line, line_width = [], 0.0
            pending.extendleft(reversed(atom))
            continue
        carried: list[str] = []
        while len(line) > 1 and line[-1] in NO_LINE_END:
            carried.insert(0, line.pop())
        if line:
            lines.append("".join(line).rstrip(" "))
        line = [*carried, atom]
        line_width = sum(text_width(a, size) for a in line)
    if line:
        lines.append("".join(line).rstrip(" "))
    return lines


def fit_text(text: str, width: float, size: float) -> str:
    """``text`` cut to one line of ``width`` pt, ending in ``…`` if anything was cut."""
    if text_width(text, size) <= width:
        return text
    ellipsis = text_width("…", size)
    out: list[str] = []
    used = 0.0
    for char in text:
        char_w = text_width(char, size)
        if used + char_w + ellipsis > width:
            break
        out.append(char)
        used += char_w
    return "".join(out) + "…"


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    align: Align = "left",
    bold: bool = False,
) -> float:
    """Draw one line with its baseline at ``y``; ``x`` is the left edge, centre or right edge by ``align``.

    ``bold`` thickens the strokes (the shipped fonts have no bold face). Returns the width drawn.
    """
    if not text:
        return 0.0
    width = text_width(text, size)
    draw_texts(canvas, [(_aligned_x(x, width, align), y, text)], size, bold=bold)
    return width


def _aligned_x(x: float, width: float, align: Align) -> float:
    if align == "center":
        return x - width / 2
    if align == "right":
        return x - width
    return x


def draw_texts(
    canvas: Canvas, items: Iterable[tuple[float, float, str]], size: float, *, bold: bool = False
) -> None:
    """Draw several ``(left x, baseline y, text)`` in one text object: cheaper than one call each."""
    if bold:
        canvas.saveState()
        canvas.setLineWidth(size * 0.035)
    obj = canvas.beginText()
    if bold:
        obj.setTextRenderMode(2)
    current = ""
    for x, y, text in items:
        obj.setTextOrigin(x, y)
        for font, chunk in split_runs(text):
            if font != current:
                obj.setFont(font, size)
                current = font
            obj.textOut(chunk)
    canvas.drawText(obj)
    if bold:
        canvas.restoreState()


def draw_lines(
    canvas: Canvas,
    x: float,
    top: float,
    lines: list[str],
    *,
    size: float,
    leading: float,
    align: Align = "left",
    bold: bool = False,
) -> None:
    """Draw wrapped lines whose first line box starts at ``top`` (each box is ``leading`` high)."""
    baseline = top - leading / 2 - size * CJK_MIDLINE
    items: list[tuple[float, float, str]] = []
    for line in lines:
        if line:
            left = x if align == "left" else _aligned_x(x, text_width(line, size), align)
            items.append((left, baseline, line))
        baseline -= leading
    if items:
        draw_texts(canvas, items, size, bold=bold)


def markup_literal(text: str) -> str:
    """``text`` as platypus ``Paragraph`` markup that prints literally, rare characters in the fallback font.

    ``<``, ``>`` and ``&`` are escaped, newlines become ``<br/>``; runs that :data:`~reports.fonts.SANS`
    lacks are wrapped in ``<font face=...>``.
    """
    parts: list[str] = []
    for font, chunk in split_runs(text):
        escaped = escape(chunk).replace("\n", "<br/>")
        parts.append(escaped if font == SANS else f'<font face="{font}">{escaped}</font>')
    return "".join(parts)

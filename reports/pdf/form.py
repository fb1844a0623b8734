"""One record's form, laid out top to bottom on A4 portrait pages.

A :class:`Form` is a cursor: each method draws its part below the previous one and starts a new page
when the part does not fit. Grids, tables and checklists continue across pages (a table repeats its
header row, a grid row repeats its labels); signature lines and seal boxes are never split. Everything is
drawn with the canvas, so values print literally.

Forms are made by :class:`reports.pdf.batch.FormBatch` (or :func:`reports.pdf.batch.single_form`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Final

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from reports.fonts import split_runs, text_width
from reports.pdf.canvas import HoldingCanvas
from reports.pdf.cn import format_date_cn
from reports.pdf.elements import Cell, CheckItem, Column, SealBox, SignLine
from reports.pdf.integrity import form_digest, qr_payload
from reports.pdf.qr import draw_qr
from reports.pdf.text import (
    CJK_MIDLINE,
    Align,
    draw_lines,
    draw_text,
    draw_texts,
    fit_text,
    token_atoms,
    wrap_text,
)

MM: Final[float] = mm
PAGE_WIDTH: Final[float] = A4[0]
PAGE_HEIGHT: Final[float] = A4[1]
MARGIN_X: Final = 18 * MM
LEFT: Final = MARGIN_X
RIGHT: Final = PAGE_WIDTH - MARGIN_X
CONTENT_WIDTH: Final = RIGHT - LEFT
TOP: Final = PAGE_HEIGHT - 14 * MM
BOTTOM: Final = 18 * MM
"""Lowest line of the content; the footer sits below it."""
FOOTER_Y: Final = 10 * MM

BODY_SIZE: Final = 10.5  # 五号
LEADING: Final = 15.0
SMALL_SIZE: Final = 9.0
TITLE_SIZE: Final = 18.0  # 小二
HEADING_SIZE: Final = 12.0  # 小四
PAD_X: Final = 4.0
PAD_Y: Final = 3.5
MIN_ROW_HEIGHT: Final = 22.0
QR_SIZE: Final = 20 * MM
RULE_WIDTH: Final = 0.6

SIGNATURE_ROW: Final = 30.0
MIN_VALUE_SIZE: Final = 7.5

_CONTINUED_TOP: Final = TOP - 9 * MM
_EPSILON: Final = 0.01


@dataclass(slots=True)
class _Box:
    """A rectangle of a row with its wrapped lines; ``repeat`` boxes show again on a continuation."""

    x: float
    width: float
    lines: list[str]
    align: Align = "left"
    center: bool = False
    bold: bool = False
    repeat: bool = False
    border: bool = True
    size: float = BODY_SIZE
    leading: float = LEADING
    rest: list[str] = field(default_factory=list)


def _unbroken_size(value: str, room: float) -> float:
    """The type size for a grid value: the body size, or smaller (down to 7.5 pt) for a single token — a
    code, a date, a number — that would otherwise break across lines in its cell."""
    width = text_width(value, BODY_SIZE)
    if width <= room or "\n" in value or len(token_atoms(value)) != 1:
        return BODY_SIZE
    return max(MIN_VALUE_SIZE, BODY_SIZE * room / width * 0.995)


class Form:
    """Draws one form; get it from :meth:`reports.pdf.batch.FormBatch.form`.

    ``digest`` and ``payload`` are the form's integrity code and QR text (see
    :mod:`reports.pdf.integrity`).
    """

    def __init__(
        self,
        canvas: HoldingCanvas,
        *,
        title: str,
        kind: str,
        record_id: str,
        fields: Mapping[str, str],
        record_ref: str | None = None,
        subtitle: str = "",
        redacted: bool = False,
        qr: bool = True,
        watermark: str = "",
        on_finish: Callable[[Form], None] | None = None,
    ) -> None:
        self._canvas = canvas
        self.title = title
        self.kind = kind
        self.record_id = record_id
        self.record_ref = record_ref if record_ref is not None else record_id
        self.redacted = redacted
        self.watermark = watermark
        self.machine_code = qr
        self.digest = form_digest(record_id, fields)
        self.payload = qr_payload(kind, record_id, self.digest)
        self.page_count = 0
        self._on_finish = on_finish
        self._finished = False
        self._y = TOP
        self._fresh = True
        self._first_header(subtitle, qr)

    # -- geometry and pages ------------------------------------------------------------------------

    @property
    def canvas(self) -> Canvas:
        """The canvas, for drawing something this toolkit has no helper for (after :meth:`reserve`)."""
        return self._canvas

    @property
    def remaining(self) -> float:
        """Height in pt left on the current page."""
        return self._y - BOTTOM

    def reserve(self, height: float) -> float:
        """Claim ``height`` pt below the cursor (on a new page if needed); returns the top of the space."""
        self.ensure_space(height)
        top = self._y
        self._y -= height
        self._fresh = False
        return top

    def ensure_space(self, height: float) -> None:
        """Start a new page unless ``height`` pt are left on this one."""
        if self._y - height < BOTTOM - _EPSILON and not self._fresh:
            self.new_page()

    def new_page(self) -> None:
        """Continue on a new page, headed with the title and ``（续）``."""
        self._canvas.hold_page()
        self._canvas.setLineWidth(RULE_WIDTH)
        draw_text(
            self._canvas,
            PAGE_WIDTH / 2,
            TOP - HEADING_SIZE,
            f"{self.title}（续）",
            HEADING_SIZE,
            align="center",
            bold=True,
        )
        self._y = _CONTINUED_TOP
        self._fresh = True

    def spacer(self, height: float = 3 * MM) -> None:
        """Vertical space; none at the top of a page."""
        if not self._fresh:
            self._y = max(self._y - height, BOTTOM)

    def finish(self) -> None:
        """Write the form's pages with their footers. Called by the batch; calling it twice is harmless."""
        if self._finished:
            return
        self._finished = True
        self._canvas.hold_page()
        self.page_count = self._canvas.held_page_count
        self._canvas.release_pages(self._footer)
        if self._on_finish is not None:
            self._on_finish(self)

    def __enter__(self) -> Form:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.finish()

    # -- title, footer -----------------------------------------------------------------------------

    def _first_header(self, subtitle: str, qr: bool) -> None:
        canvas = self._canvas
        canvas.setLineWidth(RULE_WIDTH)
        bottom = TOP
        if qr:
            draw_qr(canvas, self.payload, RIGHT - QR_SIZE, TOP - QR_SIZE, QR_SIZE)
            draw_text(canvas, RIGHT - QR_SIZE / 2, TOP - QR_SIZE - 8, "校验码", 6.5, align="center")
            draw_text(canvas, RIGHT - QR_SIZE / 2, TOP - QR_SIZE - 15.5, self.digest, 6.5, align="center")
            bottom = TOP - QR_SIZE - 18
        title_width = CONTENT_WIDTH - 2 * (QR_SIZE + 4 * MM) if qr else CONTENT_WIDTH
        baseline = TOP - 7 * MM
        for line in wrap_text(self.title, title_width, TITLE_SIZE):
            draw_text(canvas, PAGE_WIDTH / 2, baseline, line, TITLE_SIZE, align="center", bold=True)
            baseline -= TITLE_SIZE * 1.35
        if subtitle:
            for line in wrap_text(subtitle, title_width, BODY_SIZE):
                draw_text(canvas, PAGE_WIDTH / 2, baseline + 4, line, BODY_SIZE, align="center")
                baseline -= LEADING
        if self.redacted:
            canvas.rect(LEFT, TOP - 7 * MM - 5, 38, 17, stroke=1, fill=0)
            draw_text(canvas, LEFT + 19, TOP - 7 * MM, "脱敏件", SMALL_SIZE, align="center")
        self._y = min(bottom, baseline + TITLE_SIZE * 0.5) - 2 * MM
        self._fresh = True

    def _footer(self, number: int, total: int) -> None:
        canvas = self._canvas
        if self.watermark:
            self._draw_watermark()
        if number == 1 and self.machine_code:
            self._draw_invisible(f"识别码：{self.payload}")
        ref = f"编号：{self.record_ref}"
        if self.redacted:
            ref = f"脱敏件　{ref}"
        draw_text(canvas, LEFT, FOOTER_Y, fit_text(ref, CONTENT_WIDTH * 0.36, 7.5), 7.5)
        # Gaps of half a character, not spaces: text extraction then reads "第 1 页 共 3 页".
        tokens = ["第", str(number), "页", "共", str(total), "页"]
        gap = SMALL_SIZE * 0.6
        widths = [text_width(t, SMALL_SIZE) for t in tokens]
        x = PAGE_WIDTH / 2 - (sum(widths) + gap * (len(tokens) - 1)) / 2
        placed: list[tuple[float, float, str]] = []
        for token, width in zip(tokens, widths, strict=True):
            placed.append((x, FOOTER_Y, token))
            x += width + gap
        draw_texts(canvas, placed, SMALL_SIZE)
        draw_text(canvas, RIGHT, FOOTER_Y, f"校验码：{self.digest}", 7.5, align="right")

    def _draw_invisible(self, text: str) -> None:
        """``text`` in the PDF's text layer but not on paper (render mode 3): ``doorstep verify file.pdf``
        reads the form's code with ``pdftotext`` while the page shows only the QR code and its 校验码."""
        obj = self._canvas.beginText()
        obj.setTextRenderMode(3)
        obj.setTextOrigin(LEFT, FOOTER_Y - 6)
        for font, chunk in split_runs(text):
            obj.setFont(font, 4)
            obj.textOut(chunk)
        self._canvas.drawText(obj)

    def _draw_watermark(self) -> None:
        """A large grey diagonal word across the page (``草稿``): seen at once, the content still legible."""
        canvas = self._canvas
        canvas.saveState()
        canvas.setFillGray(0.5)
        canvas.setFillAlpha(0.18)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(35)
        size = min(150.0, CONTENT_WIDTH / max(len(self.watermark), 1))
        draw_text(canvas, 0, -size * CJK_MIDLINE, self.watermark, size, align="center")
        canvas.restoreState()

    # -- keeping parts together ----------------------------------------------------------------------

    @staticmethod
    def text_height(text: str, *, size: float = BODY_SIZE, indent: bool = False) -> float:
        """The height :meth:`text` takes for ``text`` (for :meth:`keep_together`)."""
        if indent:
            text = "\u3000\u3000" + text
        return 1.5 * MM + len(wrap_text(text, CONTENT_WIDTH, size)) * size * LEADING / BODY_SIZE

    @staticmethod
    def signatures_height(count: int, *, per_row: int = 1) -> float:
        """The height :meth:`signatures` takes for ``count`` lines."""
        return SIGNATURE_ROW * -(-count // max(per_row, 1))

    def keep_together(self, height: float) -> None:
        """Start a new page unless the next ``height`` pt fit on this one: a declaration with the
        signatures and opinion boxes that sign it (reportlab's ``KeepTogether`` / ``CondPageBreak``)."""
        self.ensure_space(height)

    # -- text --------------------------------------------------------------------------------------

    def heading(self, text: str) -> None:
        """A section heading such as ``一、申请人基本情况``; kept on a page with what follows it."""
        self.ensure_space(HEADING_SIZE * 1.8 + 2 * MIN_ROW_HEIGHT)
        if not self._fresh:
            self._y -= 2 * MM
        top = self.reserve(HEADING_SIZE * 1.8)
        draw_text(self._canvas, LEFT, top - HEADING_SIZE * 1.25, text, HEADING_SIZE, bold=True)

    def meta_line(self, left: str, right: str = "") -> None:
        """A line above a grid: ``填报单位：某某服务站`` left, ``填表日期：2025年1月5日`` right."""
        top = self.reserve(LEADING + 2)
        baseline = top - LEADING + 4
        draw_text(self._canvas, LEFT, baseline, left, BODY_SIZE)
        draw_text(self._canvas, RIGHT, baseline, right, BODY_SIZE, align="right")

    def text(
        self, text: str, *, size: float = BODY_SIZE, indent: bool = False, align: Align = "left"
    ) -> None:
        """A paragraph (a declaration, an instruction); ``indent`` indents the first line by 2 characters."""
        if indent:
            text = "\u3000\u3000" + text
        self.spacer(1.5 * MM)
        leading = size * LEADING / BODY_SIZE
        x = {"left": LEFT, "center": PAGE_WIDTH / 2, "right": RIGHT}[align]
        for line in wrap_text(text, CONTENT_WIDTH, size):
            top = self.reserve(leading)
            draw_lines(self._canvas, x, top, [line], size=size, leading=leading, align=align)

    def note(self, text: str) -> None:
        """Small print under the grid, e.g. ``注：本表一式三份，申请人、服务站、人社部门各留存一份。``"""
        self.text(text, size=SMALL_SIZE)

    # -- rows --------------------------------------------------------------------------------------

    def grid(self, rows: Sequence[Sequence[Cell]], *, label_width: float | None = None) -> None:
        """A ruled grid of labelled cells; the widest row sets the number of columns.

        Labels sit centred in their own box of ``label_width`` pt (by default as wide as the longest
        label, at least four characters, at most half a column); a label wider than that gets a box as
        wide as it needs, so a label is never broken; long values wrap. A row whose last cell
        ends short of the right edge is stretched. A row taller than the rest of the page continues on
        the next with its labels repeated.
        """
        rows = [row for row in rows if row]
        if not rows:
            return
        columns = max(sum(max(cell.span, 1) for cell in row) for row in rows)
        unit = CONTENT_WIDTH / columns
        if label_width is None:
            natural = max(
                (text_width(c.label, BODY_SIZE) for row in rows for c in row if c.label), default=0.0
            )
            cap = unit * 0.5 if columns > 1 else CONTENT_WIDTH * 0.3
            label_width = min(max(natural, 4 * BODY_SIZE) + 2 * PAD_X, cap)
        for row in rows:
            boxes: list[_Box] = []
            x = LEFT
            min_lines = 1
            for index, cell in enumerate(row):
                width = RIGHT - x if index == len(row) - 1 else max(cell.span, 1) * unit
                value_x, value_width = x, width
                if cell.label:
                    own = text_width(cell.label, BODY_SIZE) + 2 * PAD_X
                    box_width = min(max(label_width, own), width * 0.6)
                    lines = wrap_text(cell.label, box_width - 2 * PAD_X, BODY_SIZE)
                    boxes.append(_Box(x, box_width, lines, align="center", center=True, repeat=True))
                    value_x, value_width = x + box_width, width - box_width
                room = value_width - 2 * PAD_X
                size = _unbroken_size(cell.value, room)
                lines = wrap_text(cell.value, room, size)
                boxes.append(
                    _Box(
                        value_x,
                        value_width,
                        lines,
                        align=cell.align,
                        center=cell.lines <= 1,
                        size=size,
                        leading=LEADING * size / BODY_SIZE,
                    )
                )
                min_lines = max(min_lines, cell.lines)
                x += width
            self._row(boxes, min_height=max(MIN_ROW_HEIGHT, min_lines * LEADING + 2 * PAD_Y))

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        size: float = BODY_SIZE,
        row_height: float = MIN_ROW_HEIGHT,
    ) -> None:
        """A table with a header row that is repeated on every page it continues onto (rosters, sign-ins).

        ``row_height`` is the least height of a row: give sign-in sheets room for a signature.
        """
        total = sum(c.width for c in columns)
        leading = size * LEADING / BODY_SIZE
        edges = [LEFT]
        for column in columns:
            edges.append(edges[-1] + CONTENT_WIDTH * column.width / total)
        edges[-1] = RIGHT

        def header() -> None:
            boxes = [
                _Box(
                    edges[i],
                    edges[i + 1] - edges[i],
                    wrap_text(c.header, edges[i + 1] - edges[i] - 2 * PAD_X, size),
                    align="center",
                    center=True,
                    bold=True,
                    size=size,
                    leading=leading,
                )
                for i, c in enumerate(columns)
            ]
            self._row(boxes, min_height=MIN_ROW_HEIGHT * size / BODY_SIZE)

        self.ensure_space(2 * max(row_height, MIN_ROW_HEIGHT))
        header()
        for row in rows:
            boxes = []
            for i, column in enumerate(columns):
                value = row[i] if i < len(row) else ""
                width = edges[i + 1] - edges[i]
                lines = wrap_text(value, width - 2 * PAD_X, size)
                boxes.append(
                    _Box(edges[i], width, lines, align=column.align, center=True, size=size, leading=leading)
                )
            self._row(boxes, min_height=row_height, on_new_page=header)

    def checklist(
        self, items: Sequence[CheckItem], *, label: str = "材料清单", columns: int = 1, numbered: bool = True
    ) -> None:
        """Documents to attach, ``☑`` received or ``☐`` not, beside a label cell, in ``columns`` columns."""
        if not items:
            return
        columns = max(columns, 1)
        label_width = max(text_width(label, BODY_SIZE), 4 * BODY_SIZE) + 2 * PAD_X
        area_x = LEFT + label_width
        column_width = (RIGHT - area_x) / columns
        texts = [
            f"{'☑' if item.checked else '☐'} {f'{n}. ' if numbered else ''}{item.text}"
            for n, item in enumerate(items, start=1)
        ]
        column_lines: list[list[str]] = [[] for _ in range(columns)]
        for start in range(0, len(texts), columns):
            wrapped = [self._hanging(t, column_width - 2 * PAD_X) for t in texts[start : start + columns]]
            height = max(len(w) for w in wrapped)
            for i in range(columns):
                lines = wrapped[i] if i < len(wrapped) else []
                column_lines[i].extend(lines + [""] * (height - len(lines)))
        boxes = [
            _Box(
                LEFT,
                label_width,
                wrap_text(label, label_width - 2 * PAD_X, BODY_SIZE),
                align="center",
                center=True,
                repeat=True,
            ),
            _Box(area_x, RIGHT - area_x, [], repeat=True),
        ]
        for i, lines in enumerate(column_lines):
            boxes.append(_Box(area_x + i * column_width, column_width, lines, border=False))
        self._row(boxes, min_height=MIN_ROW_HEIGHT)

    def _hanging(self, text: str, width: float) -> list[str]:
        """Wrap a checklist entry so that its later lines start under the text, not under the box."""
        lines = wrap_text(text, width, BODY_SIZE)
        if len(lines) <= 1:
            return lines
        indent = "\u3000 "
        rest = wrap_text(text[len(lines[0]) :].lstrip(" "), width - text_width(indent, BODY_SIZE), BODY_SIZE)
        return [lines[0], *(indent + line for line in rest)]

    def _row(
        self, boxes: list[_Box], *, min_height: float, on_new_page: Callable[[], None] | None = None
    ) -> None:
        """Draw one row of boxes at the cursor, splitting it across pages when it is taller than a page."""
        for box in boxes:
            box.rest = list(box.lines)
        first = True
        while True:
            line_count = max((len(b.rest) for b in boxes if not b.repeat or first), default=0)
            line_count = max(line_count, *(len(b.rest) for b in boxes if b.repeat), 1)
            pitch = max(b.leading for b in boxes)
            height = max(line_count * pitch + 2 * PAD_Y, min_height if first else MIN_ROW_HEIGHT)
            available = self._y - BOTTOM
            if height <= available + _EPSILON:
                self._draw_boxes(boxes, height)
                return
            page_room = _CONTINUED_TOP - BOTTOM
            fits_next_page = height <= page_room
            fitting_lines = int((available - 2 * PAD_Y) // pitch)
            if not self._fresh and (fits_next_page or fitting_lines < 2):
                self.new_page()
                if on_new_page is not None:
                    on_new_page()
                continue
            fitting_lines = max(fitting_lines, 1)
            kept = [b.rest for b in boxes]
            for box in boxes:
                box.rest = box.rest[:fitting_lines]
            self._draw_boxes(boxes, max(available, fitting_lines * pitch + 2 * PAD_Y))
            for box, lines in zip(boxes, kept, strict=True):
                box.rest = list(box.lines) if box.repeat else lines[fitting_lines:]
            if all(not b.rest for b in boxes if not b.repeat):
                return
            first = False
            self.new_page()
            if on_new_page is not None:
                on_new_page()

    def _draw_boxes(self, boxes: list[_Box], height: float) -> None:
        canvas = self._canvas
        top = self._y
        path = canvas.beginPath()
        for box in boxes:
            if box.border:
                path.rect(box.x, top - height, box.width, height)
        canvas.drawPath(path, stroke=1, fill=0)
        for box in boxes:
            if not box.rest:
                continue
            text_height = len(box.rest) * box.leading
            first_top = top - (height - text_height) / 2 if box.center else top - PAD_Y
            x = {"left": box.x + PAD_X, "center": box.x + box.width / 2, "right": box.x + box.width - PAD_X}
            draw_lines(
                canvas,
                x[box.align],
                first_top,
                box.rest,
                size=box.size,
                leading=box.leading,
                align=box.align,
                bold=box.bold,
            )
        self._y = top - height
        self._fresh = False

    # -- the foot of the form ----------------------------------------------------------------------

    def signatures(self, lines: Sequence[SignLine], *, per_row: int = 1, line_width: float = 45 * MM) -> None:
        """Signature lines, ``per_row`` to a row: ``申请人签字：__________ 日期：　　年　　月　　日``.

        A line is at most ``line_width`` long and shortens to leave room for the date; two to a row fit
        when they have no date (``SignLine(..., with_date=False)``).
        """
        per_row = max(per_row, 1)
        slot = CONTENT_WIDTH / per_row
        row_height = SIGNATURE_ROW
        canvas = self._canvas
        for start in range(0, len(lines), per_row):
            top = self.reserve(row_height)
            baseline = top - row_height + 8
            for i, line in enumerate(lines[start : start + per_row]):
                x = LEFT + i * slot + 4
                slot_end = LEFT + (i + 1) * slot - 4
                x += draw_text(canvas, x, baseline, f"{line.label}：", BODY_SIZE)
                date_text = f"日期：{format_date_cn(line.date)}" if line.with_date else ""
                date_room = text_width(date_text, BODY_SIZE) + 2 * BODY_SIZE if date_text else 0.0
                line_end = max(min(x + line_width, slot_end - date_room), x + 12 * MM)
                canvas.line(x, baseline - 3, line_end, baseline - 3)
                if line.name:
                    name = fit_text(line.name, line_end - x, BODY_SIZE)
                    draw_text(canvas, (x + line_end) / 2, baseline, name, BODY_SIZE, align="center")
                if date_text:
                    draw_text(canvas, line_end + 2 * BODY_SIZE, baseline, date_text, BODY_SIZE)

    def seal_boxes(self, boxes: Sequence[SealBox], *, height: float = 40 * MM) -> None:
        """Opinion boxes side by side at the foot of a form, each with signer, ``（盖章）`` and date."""
        if not boxes:
            return
        canvas = self._canvas
        self.ensure_space(height)
        top = self.reserve(height)
        width = CONTENT_WIDTH / len(boxes)
        for i, box in enumerate(boxes):
            x = LEFT + i * width
            canvas.rect(x, top - height, width, height, stroke=1, fill=0)
            draw_text(canvas, x + PAD_X, top - PAD_Y - BODY_SIZE, f"{box.label}：", BODY_SIZE, bold=True)
            room = int((height - 3 * LEADING - 3 * PAD_Y) // LEADING)
            lines = wrap_text(box.text, width - 2 * PAD_X - BODY_SIZE, BODY_SIZE)[: max(room, 0)]
            draw_lines(
                canvas,
                x + PAD_X + BODY_SIZE,
                top - PAD_Y - LEADING - 2,
                lines,
                size=BODY_SIZE,
                leading=LEADING,
            )
            date_baseline = top - height + PAD_Y + 5
            right = x + width - PAD_X - 4
            draw_text(canvas, right, date_baseline, format_date_cn(box.date), BODY_SIZE, align="right")
            if box.seal:
                draw_text(canvas, right, date_baseline + LEADING + 4, box.seal, BODY_SIZE, align="right")
            if box.signer:
                signer = f"{box.signer}：{box.name}"
                draw_text(canvas, x + PAD_X, date_baseline + LEADING + 4, signer, BODY_SIZE)

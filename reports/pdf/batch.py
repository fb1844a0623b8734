"""Writing forms into one PDF file: a single form, or a month's forms as one print job.

The file appears only when the batch is closed without an error: it is written next to its final name
and renamed, so a cancelled or failed batch leaves nothing half-written behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from reportlab.lib.pagesizes import A4

from reports.font_files import SANS
from reports.fonts import register_fonts
from reports.pdf.canvas import HoldingCanvas
from reports.pdf.form import BODY_SIZE, Form

Target = str | os.PathLike[str] | IO[bytes]
"""Where a PDF goes: a file path, or a binary stream such as ``io.BytesIO``."""


class FormBatch:
    """Several forms in one PDF; each starts on a new page and counts its own pages (第 x 页 共 y 页).

    >>> with FormBatch("visits.pdf", title="走访记录表（2025年1月）") as batch:   # doctest: +SKIP
    ...     for visit in visits:
    ...         form = batch.form(title="走访记录表", kind="visit_record", record_id=visit.id,
    ...                           fields=printed_fields(visit))
    ...         form.grid(...)

    Starting a form finishes the one before; leaving the ``with`` block finishes the last and writes the
    file. An exception inside the block (e.g. :class:`models.errors.Cancelled`) writes nothing.
    ``invariant=True`` makes the bytes depend only on the content (no creation time or random file id).
    """

    def __init__(
        self, target: Target, *, title: str, author: str = "家门口创业服务台", invariant: bool = False
    ):
        register_fonts()
        self._path: Path | None = None
        self._part: Path | None = None
        sink: str | IO[bytes]
        if isinstance(target, (str, os.PathLike)):
            self._path = Path(target)
            self._part = self._path.with_name(f".{self._path.name}.{os.getpid()}.part")
            sink = str(self._part)
        else:
            sink = target
        options: dict[str, Any] = {
            "pagesize": A4,
            "pageCompression": 1,
            "invariant": 1 if invariant else 0,
            "initialFontName": SANS,  # else reportlab puts a non-embedded Helvetica on every page
            "initialFontSize": BODY_SIZE,
        }
        self._canvas = HoldingCanvas(sink, **options)
        self._canvas.setTitle(title)
        self._canvas.setAuthor(author)
        self._canvas.setCreator("Doorstep 家门口创业服务台")
        self._current: Form | None = None
        self._closed = False
        self.form_count = 0
        self.page_count = 0

    def form(
        self,
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
    ) -> Form:
        """Start the next form (finishing the previous one).

        ``kind`` names the form in the QR code (``visit_record``), ``record_id`` the record it prints and
        ``fields`` the printed values the integrity digest covers (label -> value as printed).
        ``record_ref`` is what the footer shows as 编号 (default ``record_id``). ``redacted`` marks a copy
        whose personal data the caller has masked (脱敏件) in the title area and the footer. ``watermark``
        is printed large and grey across every page (``草稿`` on a draft).
        """
        if self._closed:
            raise RuntimeError("FormBatch is closed")
        self._finish_current()
        self._current = Form(
            self._canvas,
            title=title,
            kind=kind,
            record_id=record_id,
            fields=fields,
            record_ref=record_ref,
            subtitle=subtitle,
            redacted=redacted,
            qr=qr,
            watermark=watermark,
            on_finish=self._count,
        )
        return self._current

    def _count(self, form: Form) -> None:
        self.form_count += 1
        self.page_count += form.page_count

    def _finish_current(self) -> None:
        if self._current is not None:
            self._current.finish()
            self._current = None

    def close(self) -> None:
        """Finish the last form and write the file. A batch without forms writes nothing."""
        if self._closed:
            return
        self._closed = True
        self._finish_current()
        if self.form_count == 0:
            return
        self._canvas.save()
        if self._path is not None and self._part is not None:
            os.replace(self._part, self._path)

    def abort(self) -> None:
        """Drop everything drawn; no file is written."""
        self._closed = True
        self._current = None
        if self._part is not None:
            self._part.unlink(missing_ok=True)

    def __enter__(self) -> FormBatch:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


@contextmanager
def single_form(
    target: Target,
    *,
    title: str,
    kind: str,
    record_id: str,
    fields: Mapping[str, str],
    record_ref: str | None = None,
    subtitle: str = "",
    redacted: bool = False,
    qr: bool = True,
    invariant: bool = False,
) -> Iterator[Form]:
    """A PDF holding one form: ``with single_form(path, title=..., ...) as form: form.grid(...)``."""
    with FormBatch(target, title=title, invariant=invariant) as batch:
        yield batch.form(
            title=title,
            kind=kind,
            record_id=record_id,
            fields=fields,
            record_ref=record_ref,
            subtitle=subtitle,
            redacted=redacted,
            qr=qr,
        )

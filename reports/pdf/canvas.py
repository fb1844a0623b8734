"""A reportlab canvas that holds a form's pages until the form's page count is known."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfgen.canvas import Canvas


class HoldingCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type information
    """Pages of the current form are kept open so that each can say "第 x 页 共 y 页".

    The usual reportlab "NumberedCanvas" pattern, but per form: a batch of forms releases each form's
    pages as soon as that form is finished, so memory does not grow with the batch.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []

    @property
    def held_page_count(self) -> int:
        return len(self._held_pages)

    def hold_page(self) -> None:
        """Close the page being drawn without writing it, and start a new one."""
        state = dict(self.__dict__)
        del state["_held_pages"]
        self._held_pages.append(state)
        self._startPage()  # reportlab's own page reset, as its NumberedCanvas recipe does

    def release_pages(self, decorate: Callable[[int, int], None]) -> None:
        """Write every held page, first calling ``decorate(page_number, page_count)`` on it."""
        pages, self._held_pages = self._held_pages, []
        total = len(pages)
        for number, state in enumerate(pages, start=1):
            self.__dict__.update(state)
            decorate(number, total)
            super().showPage()

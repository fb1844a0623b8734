"""Extra tabs of an entrepreneur's file, contributed by other areas (走访记录, 培训, 政策与补贴, 时间线).

A factory gets the application context, the file's id and the parent, and returns (tab title, widget).
The file page appends these tabs after its own, in registration order.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from desktop.context import AppContext

FileTabFactory = Callable[[AppContext, str, QWidget | None], tuple[str, QWidget]]

FILE_TABS: list[FileTabFactory] = []

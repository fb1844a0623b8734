"""Long work as a Qt-free job: it reports progress and stops at the next check when cancelled.

The GUI runs a job on a worker thread (``ui.operations``); the CLI and tests run it directly. A job
does its writing in one transaction, so a cancelled job leaves nothing half-written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from models.errors import Cancelled

ProgressCallback = Callable[[int, int, str], None]


class JobState:
    """Shared between the worker and whoever watches it: progress out, a cancel request in."""

    def __init__(self, on_progress: ProgressCallback | None = None) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop; call it between units of work."""
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int, message: str = "") -> None:
        self.check()
        if self._on_progress is not None:
            self._on_progress(done, total, message)


UNWATCHED = JobState()

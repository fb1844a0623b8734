"""What a bulk step of the ledger import needs whatever layer it runs in: a way to report progress (and
be cancelled) and a pause of the cyclic garbage collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Progress(Protocol):
    """How a long step reports where it is; ``report`` may raise :class:`models.errors.Cancelled`.

    :class:`desktop.jobs.JobState` is one; the reading and planning code takes any."""

    def report(self, done: int, total: int, message: str = "") -> None: ...


class _Quiet:
    """Progress nobody watches (the default, like :data:`desktop.jobs.UNWATCHED`)."""

    def report(self, done: int, total: int, message: str = "") -> None:
        return None


QUIET: Progress = _Quiet()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk step. An import makes hundreds of thousands of
    small objects and no reference cycles; with the collector running, each of its passes re-walks them
    all (a third of the import's time on a 10,000-row ledger). Reference counting still frees memory;
    the collector is switched back on afterwards (unless it was already off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

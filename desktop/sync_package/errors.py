"""The two errors of the package layer; both are :class:`DoorstepError`, so ``str(error)`` is Chinese."""

from __future__ import annotations

from models.errors import DoorstepError


class PackageRefused(DoorstepError):
    """A package (or a pinned key) is refused. ``code`` names the check that failed, for callers and
    tests (e.g. ``"signature"``, ``"receiver"``, ``"entry_name"``); ``message`` is the Chinese text that
    names the problem and the file."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


class PackageWriteError(DoorstepError):
    """A package could not be written; nothing is left behind in the target folder."""

"""Typed errors raised by domain rules.

The GUI and the CLI turn these into messages; every message is Chinese and names the field, the value
and what is expected, so that a station worker can correct the input without help.
"""

from __future__ import annotations


class DoorstepError(Exception):
    """Base of every error a user may see. ``str(error)`` is the Chinese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(DoorstepError):
    """Input refused: ``field`` is the field's Chinese label, ``value`` what was given."""

    def __init__(self, field: str, value: object, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class NotFound(DoorstepError):
    """The record asked for does not exist (or is in the recycle bin where that matters)."""


class Conflict(DoorstepError):
    """The change collides with what is stored: a duplicate, or a record changed meanwhile."""

    def __init__(self, message: str, *, existing_id: str | None = None) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class NotAllowed(DoorstepError):
    """The acting user or the record's state does not allow this action."""


class Cancelled(DoorstepError):
    """A long job was cancelled by the user; nothing was written."""

    def __init__(self, message: str = "操作已取消，未做任何更改") -> None:
        super().__init__(message)


class DatabaseError(DoorstepError):
    """The database file cannot be opened or is of a schema this program does not know."""

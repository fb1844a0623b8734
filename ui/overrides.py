"""``@override`` for Qt event handlers and model methods: checked by mypy, free at run time.

Importing typing_extensions costs about 4 ms of start-up for this one decorator (Python 3.12 has
``typing.override``; the application supports 3.11).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from typing_extensions import override as override  # noqa: PLC0414  (re-exported for mypy)
else:
    _F = TypeVar("_F", bound=Callable[..., object])

    def override(method: _F) -> _F:
        return method

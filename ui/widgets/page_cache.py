"""The rows of a long list fetched a page at a time and kept in a small least-recently-used cache.

Item models over large tables hold only the ids of a query (STYLE.md 10) and ask this cache for the
row they are drawing; it fetches the whole page around it in one service call.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Generic, Protocol, TypeVar


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_HasId)


class PageCache(Generic[R]):
    def __init__(self, fetch: Callable[[Sequence[str]], list[R]], *, page_size: int, pages: int) -> None:
        self._fetch = fetch
        self.page_size = page_size
        self._limit = pages
        self._pages: OrderedDict[int, list[R | None]] = OrderedDict()

    def clear(self) -> None:
        self._pages.clear()

    def page_numbers(self) -> list[int]:
        """The pages held, least recently used first."""
        return list(self._pages)

    def row(self, ids: Sequence[str], row: int) -> R | None:
        """The row at ``row`` of ``ids`` (None if out of range or gone since the ids were read)."""
        if not 0 <= row < len(ids):
            return None
        number, offset = divmod(row, self.page_size)
        page = self._pages.get(number)
        if page is None:
            wanted = ids[number * self.page_size : (number + 1) * self.page_size]
            fetched = {r.id: r for r in self._fetch(wanted)}
            page = [fetched.get(i) for i in wanted]
            self._pages[number] = page
            while len(self._pages) > self._limit:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None  # files deleted since the count

"""Rate limits (in-process token buckets, per station and per client address) and the capped upload:
a body is streamed to a temporary file and refused as soon as it passes the cap, before it is all read."""

from __future__ import annotations

import math
import re
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import BinaryIO

from desktop.services.hq.intake.settings import MIB, Rate

MAX_KEYS = 10_000  # buckets kept; the least recently used go first (a full bucket is no loss)
SAFE_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
FORM_OVERHEAD = 64 * 1024  # a form's boundaries and small fields beside the file


class TooMany(Exception):
    """A bucket is empty: ``wait`` seconds until the next request is let through."""

    def __init__(self, wait: float) -> None:
        super().__init__(wait)
        self.wait = wait


class TooLarge(Exception):
    def __init__(self, cap: int) -> None:
        super().__init__(cap)
        self.cap = cap


class Limiter:
    """One token bucket per key (an address, a station), all of the same :class:`Rate`."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)
        self._lock = threading.Lock()

    def peek(self, key: str) -> None:
        """:class:`TooMany` when ``key``'s bucket is empty; nothing is spent."""
        now = self.clock()
        with self._lock:
            tokens, when = self._buckets.get(key, (float(self.rate.burst), now))
        tokens = min(float(self.rate.burst), tokens + (now - when) * self.rate.refill)
        if tokens < 1.0:
            raise TooMany((1.0 - tokens) / self.rate.refill)

    def take(self, key: str) -> None:
        """Spend one token of ``key``'s bucket, or raise :class:`TooMany`."""
        now = self.clock()
        with self._lock:
            tokens, when = self._buckets.pop(key, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + (now - when) * self.rate.refill)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                raise TooMany((1.0 - tokens) / self.rate.refill)
            self._buckets[key] = (tokens - 1.0, now)
            while len(self._buckets) > MAX_KEYS:
                self._buckets.popitem(last=False)


def wait_words(wait: float) -> str:
    seconds = max(1, math.ceil(wait))
    return f"{seconds} 秒" if seconds < 120 else f"{math.ceil(seconds / 60)} 分钟"


def size_words(cap: int) -> str:
    return f"{cap / MIB:.0f} MB" if cap >= MIB else f"{max(1, cap // 1024)} KB"


def safe_name(name: str | None, fallback: str) -> str:
    """The uploaded file's own name when it is a plain one (it is shown in the receipt), else ``fallback``."""
    base = Path(name or "").name
    return base if SAFE_NAME.fullmatch(base) and not base.startswith(".") else fallback


class Upload:
    """An upload being received into its own temporary folder under ``root``; removed on close."""

    def __init__(self, root: Path, cap: int) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix="upload-", dir=root))
        self.cap = cap
        self.size = 0

    def target(self, name: str) -> Path:
        return self.folder / name

    async def receive(self, chunks: AsyncIterator[bytes], out: BinaryIO) -> None:
        """Write ``chunks`` to ``out``; :class:`TooLarge` as soon as they pass the cap."""
        async for chunk in chunks:
            self.size += len(chunk)
            if self.size > self.cap:
                raise TooLarge(self.cap)
            out.write(chunk)

    def close(self) -> None:
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)


async def capped(chunks: AsyncIterator[bytes], cap: int) -> AsyncIterator[bytes]:
    """``chunks`` passed on until more than ``cap`` bytes came: then :class:`TooLarge`."""
    seen = 0
    async for chunk in chunks:
        seen += len(chunk)
        if seen > cap:
            raise TooLarge(cap)
        yield chunk

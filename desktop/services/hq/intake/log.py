"""The intake's access log: one JSON line per request that did something — who (the station, the
client address), when, what, the result. No personal data: packages are named by number, never by
their content, and receipts are not copied here."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from models.base import utcnow


class AccessLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()

    def write(self, *, client: str, station: str, action: str, result: str, **detail: Any) -> None:
        entry = {
            "at": utcnow().isoformat(timespec="seconds"),
            "client": client,
            "station": station,
            "action": action,
            "result": result,
            **detail,
        }
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)

"""Search as you type on the entrepreneur list: per keystroke, the ids query plus the first page of rows,
against a raw sqlite3 LIKE query over the same table (issue 2: p95 ≤ 50 ms)."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

from bench.common import BenchResult, median, p95, timings
from desktop.services.entrepreneur_list import ListQuery, fetch_rows, search_ids
from desktop.services.station import default_actor
from models.database import open_database

PAGE = 200


def _typing(db_path: Path) -> dict[str, list[str]]:
    """What a worker types, keystroke by keystroke, taken from the station's own data."""
    with sqlite3.connect(db_path) as connection:
        name, id_number, phone = connection.execute(
            "SELECT name, id_number, phone FROM entrepreneur ORDER BY id LIMIT 1 OFFSET 5000"
        ).fetchone()
    connection.close()
    from models.pinyin import name_search_keys

    keys = name_search_keys(name)
    initials = min(keys, key=len)
    return {
        "name": [name[: i + 1] for i in range(len(name))],
        "pinyin initials": [initials[: i + 1] for i in range(len(initials))],
        "full pinyin": [keys[0][: i + 1] for i in range(len(keys[0]))],
        "ID tail": [id_number[-i:] for i in range(1, 7)],
        "phone": [phone[: i + 1] for i in range(3, 11)],
    }


def run(station: Path) -> list[BenchResult]:
    """Each round types every sequence from its first character, as a worker does."""
    db = open_database(station)
    actor = default_actor(db)
    raw = sqlite3.connect(station)
    sequences = list(_typing(station).values())

    def app_keystroke(text: str) -> None:
        ids = search_ids(db, actor, ListQuery(text=text))
        fetch_rows(db, actor, ids[:PAGE])

    def raw_keystroke(text: str) -> None:
        like = f"%{text}%"
        raw.execute(
            "SELECT id, case_number, name, id_number, phone FROM entrepreneur WHERE deleted = 0 AND "
            "(name LIKE ? OR id_number LIKE ? OR phone LIKE ? OR name_pinyin LIKE ?) "
            "ORDER BY created_at DESC",
            (like, like, like, like),
        ).fetchall()

    samples: list[float] = []
    baseline: list[float] = []
    app_keystroke("warm-up")
    for _round in range(5):
        for keystrokes in sequences:
            for text in keystrokes:
                samples += timings(partial(app_keystroke, text), repeat=1, warmup=0)
                baseline += timings(partial(raw_keystroke, text), repeat=1, warmup=0)
    db.close()
    raw.close()
    note = f"{len(samples)} keystrokes: name, pinyin initials, full pinyin, ID tail, phone"
    return [
        BenchResult("search per keystroke, median", median(samples), median(baseline), "ms", note=note),
        BenchResult("search per keystroke, p95", p95(samples), p95(baseline), "ms", target_abs=50, note=note),
    ]

"""Start-up to a usable main window showing the populated list, scrolling it, and peak memory, each
against a bare PySide6 window with an empty QTableView started the same way (issue 2: ≤ 2× start-up,
≤ 150 MB more memory). The application starts as ``doorstep gui`` does (ui/app.py): the list paints
first, every other area loads right after; the memory figure is taken once both are done."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bench.common import BenchResult
from desktop.settings import Preferences

ROUNDS = 21
"""Pairs of fresh processes, bare and application in turn. On this 2-core machine one start varies by
±30 % with the machine's load; the median of 5 moved the ratio between 1.76× and 2.09× from one run of
the bench to the next, the median of 21 by a few hundredths."""


def _probe(home: Path, *args: str) -> dict[str, float]:
    """One fresh process. ``home`` is the user's folders, kept across runs as a station PC keeps them
    from one start to the next (the window's state, the region-name cache)."""
    screen = home / "screen.json"  # both windows fill a 1366×768 screen, the common station PC
    screen.write_text(json.dumps({"screens": [{"name": "bench", "width": 1366, "height": 768}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", DOORSTEP_HOME=str(home))
    command = [sys.executable, "-m", "bench.startup_probe", repr(time.time()), *args]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    values: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def run(station: Path) -> list[BenchResult]:
    app_runs: list[dict[str, float]] = []
    bare_runs: list[dict[str, float]] = []
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    # a station PC in use has its preferences saved (desktop/settings.py, DOORSTEP_HOME/config)
    (home / "config").mkdir()
    preferences = asdict(Preferences(last_database=str(station), last_visit_mode="上门走访"))
    (home / "config" / "preferences.json").write_text(json.dumps(preferences, ensure_ascii=False))
    _probe(home, "app", str(station))  # warm the disk cache once, as a second start of the day would be
    for _ in range(ROUNDS):
        bare_runs.append(_probe(home, "bare"))
        app_runs.append(_probe(home, "app", str(station)))

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    app_peak, bare_peak = med(app_runs, "peak_mb"), med(bare_runs, "peak_mb")
    return [
        BenchResult(
            "start-up to populated list",
            med(app_runs, "seconds") * 1000,
            med(bare_runs, "seconds") * 1000,
            "ms",
            target_ratio=2.0,
            note=f"median of {ROUNDS} fresh processes; baseline: bare window + empty QTableView",
        ),
        BenchResult(
            "start-up until every area is loaded",
            med(app_runs, "loaded") * 1000,
            None,
            "ms",
            note="after the list has painted: SQLAlchemy, the mapped tables, every area's pages and services",
        ),
        BenchResult(
            "scrolling the list, per step", med(app_runs, "scroll_ms"), None, "ms", note="40 jumps top→bottom"
        ),
        BenchResult(
            "peak memory with the list open, above bare window",
            app_peak - bare_peak,
            None,
            "MB",
            target_abs=150,
            note=f"app {app_peak:.0f} MB, bare {bare_peak:.0f} MB (peak resident, VmHWM)",
        ),
    ]

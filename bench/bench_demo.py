"""Generating the demo station (`doorstep demo`), as a worker meets it: the console script in a fresh
process, the station as big as the benchmark's. Issue 11's target is no more than 10 % slower than
before the journal wrote complete change rows for every demo record; that comparison is made by
running this bench at both commits (bench/results.md keeps the figures), so the row has no baseline
of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import STATION_SIZE, BenchResult

SEED = 20251105
ROUNDS = int(os.environ.get("DOORSTEP_BENCH_DEMO_ROUNDS", "1"))


def _doorstep() -> str:
    """The installed console script beside this Python (as pip installs it), else the module."""
    script = Path(sys.executable).with_name("doorstep")
    return str(script) if script.exists() else ""


def _generate(folder: Path) -> float:
    target = folder / "demo.sqlite"
    for leftover in folder.glob("demo.sqlite*"):
        leftover.unlink()
    script = _doorstep()
    command = [script] if script else [sys.executable, "-m", "desktop.app"]
    command += ["demo", "--db", str(target), "--entrepreneurs", str(STATION_SIZE), "--seed", str(SEED)]
    env = dict(os.environ, DOORSTEP_HOME=str(folder / "home"))
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return (time.perf_counter() - started) * 1000


def run(station: Path) -> list[BenchResult]:
    folder = Path(tempfile.mkdtemp(prefix="doorstep-bench-demo-"))
    try:
        samples = sorted(_generate(folder) for _ in range(ROUNDS))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        BenchResult(
            f"generate the demo station ({STATION_SIZE:,} entrepreneurs)",
            samples[len(samples) // 2],
            None,
            "ms",
            note="`doorstep demo` in a fresh process: people, visits, training, applications, every record "
            "with its complete change row; before the journal (7cff50f, change rows empty) 116.8 s: 0.97×",
        )
    ]

"""Benchmark plumbing: a cached generated station, timers, and the results table (not tests)."""

from __future__ import annotations

import os
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(__file__).with_name(".cache")
STATION_SIZE = int(os.environ.get("DOORSTEP_BENCH_ENTREPRENEURS", "100000"))
SEED = 20251105


@dataclass(frozen=True)
class BenchResult:
    """One figure against its baseline measured in the same run.

    ``target_ratio``: the figure may be at most this many times the baseline; ``target_abs``: at most
    this many units. A target left as None is not checked.
    """

    name: str
    value: float
    baseline: float | None
    unit: str
    target_ratio: float | None = None
    target_abs: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline <= 0:
            return None
        return self.value / self.baseline

    @property
    def met(self) -> bool:
        ok = True
        if self.target_ratio is not None and self.ratio is not None:
            ok = ok and self.ratio <= self.target_ratio
        if self.target_abs is not None:
            ok = ok and self.value <= self.target_abs
        return ok


def station(size: int = STATION_SIZE) -> Path:
    """The generated benchmark station (made once, then reused from bench/.cache/)."""
    from desktop.demo import generate_demo
    from models.database import open_database, schema_heads

    CACHE.mkdir(exist_ok=True)
    # a new area's tables (and demo step) make a new cache; an old one is left for `make clean`
    path = CACHE / f"station-{size}-{SEED}-{'+'.join(sorted(schema_heads()))}.sqlite"
    if path.exists():
        db = open_database(path)  # migrates a cache made by an older schema
        db.close()
        return path
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    print(f"generating the benchmark station ({size:,} entrepreneurs, seed {SEED}) …", flush=True)
    started = time.perf_counter()
    db = open_database(partial)
    generate_demo(db, entrepreneurs=size, seed=SEED)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("ANALYZE")
    db.close()
    shutil.move(partial, path)
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def timings(work: Callable[[], object], *, repeat: int, warmup: int = 1) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        work()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def format_table(results: list[BenchResult]) -> str:
    lines = [
        "| benchmark | value | baseline | ratio | target | met | note |",
        "|---|---:|---:|---:|---|:-:|---|",
    ]
    for r in results:
        targets = []
        if r.target_ratio is not None:
            targets.append(f"≤ {r.target_ratio:g}×")
        if r.target_abs is not None:
            targets.append(f"≤ {r.target_abs:g} {r.unit}")
        baseline = f"{r.baseline:,.1f} {r.unit}" if r.baseline is not None else "—"
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        lines.append(
            f"| {r.name} | {r.value:,.1f} {r.unit} | {baseline} | {ratio} | {', '.join(targets) or '—'} | "
            f"{'yes' if r.met else '**no**'} | {r.note} |"
        )
    return "\n".join(lines)

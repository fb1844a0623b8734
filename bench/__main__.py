"""`make bench`: run every bench_*.py module's ``run(station)`` and write bench/results.md."""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

from bench.common import STATION_SIZE, BenchResult, format_table, station

HERE = Path(__file__).parent


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    only = sys.argv[1:]
    path = station()
    results: list[BenchResult] = []
    for module_path in sorted(HERE.glob("bench_*.py")):
        name = module_path.stem
        if only and name.removeprefix("bench_") not in only:
            continue
        print(f"running {name} …", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        results.extend(module.run(path))
        print(f"  {name} took {time.perf_counter() - started:.0f} s", flush=True)
    table = format_table(results)
    header = (
        f"# Benchmark results\n\n{datetime.now():%Y-%m-%d %H:%M}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, station of {STATION_SIZE:,} "
        "entrepreneurs (bench/.cache). Each figure is measured against a bare baseline in the same run.\n\n"
    )
    (HERE / "results.md").write_text(header + table + "\n", encoding="utf-8")
    print(table)
    return 0 if all(r.met for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: run every bench_*.py module's ``run(station)`` and write bench/results.md."""

from __future__ import annotations

import compileall
import importlib
import os
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

from bench.common import STATION_SIZE, BenchResult, format_table, station

HERE = Path(__file__).parent
PACKAGES = ("models", "desktop", "ui", "reports", "resources")


def _compile_bytecode() -> None:
    """Measure the application as it is installed: its modules compiled to bytecode, as pip compiles the
    dependencies and the installer ships them. (Where ``PYTHONDONTWRITEBYTECODE`` is set, a source tree
    is otherwise compiled again by every process, which no user of an installed copy pays.)"""
    for package in PACKAGES:
        compileall.compile_dir(HERE.parent / package, quiet=1)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _compile_bytecode()
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
    if only:  # a partial run updates its own rows and keeps the others
        results = _merged(HERE / "results.md", results)
    table = format_table(results)
    header = (
        f"# Benchmark results\n\n{datetime.now():%Y-%m-%d %H:%M}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, station of {STATION_SIZE:,} "
        "entrepreneurs (bench/.cache). Each figure is measured against a bare baseline in the same run.\n\n"
    )
    (HERE / "results.md").write_text(header + table + "\n", encoding="utf-8")
    print(table)
    return 0 if all(r.met for r in results) else 1


def _merged(path: Path, fresh: list[BenchResult]) -> list[BenchResult]:
    """The rows of an earlier results.md, with the rows measured now put in place of theirs."""
    names = {r.name for r in fresh}
    kept: list[BenchResult] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) != 7 or cells[0] in names or cells[0] in ("benchmark", "---"):
                continue
            kept.append(_parse_row(cells))
    return kept + fresh


def _parse_row(cells: list[str]) -> BenchResult:
    def number(text: str) -> tuple[float | None, str]:
        if text in ("—", ""):
            return None, ""
        value, _, unit = text.partition(" ")
        return float(value.replace(",", "")), unit

    value, unit = number(cells[1])
    baseline, _ = number(cells[2])
    ratio_target = abs_target = None
    for target in cells[4].split(", "):
        if target.endswith("×"):
            ratio_target = float(target.removeprefix("≤ ").removesuffix("×"))
        elif target.startswith("≤ "):
            abs_target = float(target.removeprefix("≤ ").split(" ")[0])
    return BenchResult(cells[0], value or 0.0, baseline, unit, ratio_target, abs_target, cells[6])


if __name__ == "__main__":
    sys.exit(main())

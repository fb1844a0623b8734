"""One HQ process applying many stations' packages in turn (run by bench_sync in a fresh process, so
its peak memory is the applier's own): prints one JSON line with the total time, the change count and
the peak resident memory (VmHWM, MB) after each checkpoint.

    python -m bench.sync_fleet_probe HQ_URL PACKAGE_LIST CHECKPOINTS
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    hq_url, listing, marks = sys.argv[1], Path(sys.argv[2]), {int(m) for m in sys.argv[3].split(",")}
    from desktop.services import sync
    from desktop.services.sync.hq_side import hq_actor
    from models.database import open_database

    packages = [Path(line) for line in listing.read_text(encoding="utf-8").splitlines() if line]
    db = open_database(hq_url)
    actor = hq_actor("HQ")
    peaks: dict[str, float] = {}
    changes = 0
    started = time.perf_counter()
    for index, package in enumerate(packages, start=1):
        receipt = sync.import_package(db, actor, path=package)
        changes += receipt.report.applied
        if receipt.report.waiting or receipt.report.quarantined:
            print(f"{package.name}: {receipt.lines()}", file=sys.stderr)
        if index in marks:
            peaks[str(index)] = round(peak_mb(), 1)
    total = (time.perf_counter() - started) * 1000
    db.close()
    print(json.dumps({"total_ms": total, "changes": changes, "peaks": peaks}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

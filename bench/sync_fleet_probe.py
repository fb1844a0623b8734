"""One HQ process applying many stations' packages in turn (run by bench_sync in a fresh process, so
its peak memory is the applier's own): prints one JSON line with the total time, the changes applied
(and those that waited, were quarantined or met a conflict) and the peak resident memory (VmHWM, MB)
after each checkpoint.

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
    held = {"waiting": 0, "quarantined": 0, "conflicts": 0}
    started = time.perf_counter()
    for index, package in enumerate(packages, start=1):
        receipt = sync.import_package(db, actor, path=package)
        changes += receipt.report.applied
        for key in held:
            held[key] += getattr(receipt.report, key)
        if index in marks:
            peaks[str(index)] = round(peak_mb(), 1)
    total = (time.perf_counter() - started) * 1000
    db.close()
    print(json.dumps({"total_ms": total, "changes": changes, "peaks": peaks, **held}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

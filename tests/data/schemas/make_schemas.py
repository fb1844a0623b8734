"""Remake tests/data/schemas/000N.sqlite: one station database per released schema (README.md here).

Each file is written by the program *as it was* at the commit where migration 000N was the newest: that
commit is checked out in a temporary detached worktree and its own ``doorstep`` command line (``init``,
``demo``, ``import-excel``) and its own services (edit, delete, undo) are run there. Not run by the tests;
run it by hand from the repository root when a released schema's file must be remade:

    QT_QPA_PLATFORM=offscreen /work/main/.venv/bin/python tests/data/schemas/make_schemas.py [0001 ...]

The demo data depend on the day they are made (dates are relative to "today"), so a remade file holds
other dates and ids than the committed one; its tables and kinds of rows are the same.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATION = ("330106001", "测试站")
ENTREPRENEURS = 25  # with every area's demo data, 40 would make a file of more than 1 MB

# migration -> the commit that added it (`git log --diff-filter=A -- models/migrations/versions/000N_*.py`)
RELEASES: dict[str, str] = {
    "0001": "8854fb0",  # Core: station database, entrepreneur files with audit trail and undo …
    "0002": "5f4a8b5",  # Mentor pool, visit log and follow-up tracking (issue 3)
    "0003": "eae28e2",  # Training classes and attendance (issue 4) — before 0002 was committed
    "0004": "646baf0",  # Policy eligibility, subsidy and loan applications (issue 5)
    "0005": "559173e",  # Excel ledgers in, lists and monthly statistics out (issue 6)
    "0006": "dcd34d5",  # Start-up in stages: the window shows its list before SQLAlchemy loads
}
WITH_LEDGER_IMPORT = {"0005", "0006"}  # versions that have `doorstep import-excel`

# Until 559173e the areas' demo steps existed (each area's ``demo_step``) but `doorstep demo` did not run
# them yet (``desktop.demo.DEMO_STEPS`` was empty). For those versions the same command is run with that
# version's own steps put in the list first, in the order 559173e later wired them.
UNWIRED_DEMO_STEPS: dict[str, tuple[str, ...]] = {
    "0002": ("desktop.services.mentors", "desktop.services.training"),
    "0003": ("desktop.services.training",),
    "0004": ("desktop.services.mentors", "desktop.services.training", "desktop.services.applications"),
}

# Run by the old version's interpreter in its worktree: two edits, one file to the recycle bin, one
# deletion undone and one edit undone, all through that version's own services (so change_log gets
# update, delete and undo rows, and access_log the views of unmasked files).
EDITS = """
import sys
from sqlmodel import select
from stdnum.cn import ric
from desktop.services import entrepreneurs as svc
from desktop.services.station import default_actor
from models.database import open_database
from models.entrepreneur import Entrepreneur

db = open_database(sys.argv[1], create=False)
actor = default_actor(db)
with db.reading() as session:
    live = select(Entrepreneur).where(Entrepreneur.deleted == False)
    ids = [row.id for row in session.exec(live.order_by(Entrepreneur.case_number)).all()]

def edit(entrepreneur_id, **changes):
    values = svc.get_file(db, actor=actor, entrepreneur_id=entrepreneur_id).form_values()
    values.update(changes)
    assert svc.update_entrepreneur(db, actor=actor, entrepreneur_id=entrepreneur_id, person=values)

first = svc.get_file(db, actor=actor, entrepreneur_id=ids[0])
edit(ids[0], address=first.address + "（已搬迁至文三路 90 号）", phone="13967152288")
edit(ids[1], notes="回访时补充：已办理个体工商户登记，计划申请创业担保贷款")
svc.delete_entrepreneur(db, actor=actor, entrepreneur_id=ids[2])
# a file opened at the desk today (demo rows of other areas may be dated later today, and undo takes a
# file's newest operation, so the undos are done on this file): deleted and undone, edited and undone
body = "33010619970412" + "051"
new = svc.create_entrepreneur(db, actor=actor, person={
    "name": "曾玥", "id_number": body + ric.calc_check_digit(body + "0"), "phone": "13857106622",
    "key_groups": frozenset(), "education": None, "graduation_date": None,
    "household_region": "330106", "address": "文一西路 88 号 3 幢", "notes": "",
}, ventures=[{
    "name": "玥来手工坊", "entity_type": "individual_business", "stage": "preparing", "credit_code": "",
    "registration_date": None, "industry": "C", "address": "文一西路 88 号", "jobs_created": 0,
}])
svc.delete_entrepreneur(db, actor=actor, entrepreneur_id=new)
assert svc.undo_last_change(db, actor=actor, entrepreneur_id=new)
edit(new, notes="误填，稍后撤销")
assert svc.undo_last_change(db, actor=actor, entrepreneur_id=new)
db.close()
print("edits: 1 file opened, 2 edits, 1 file to the recycle bin, 1 deletion undone, 1 edit undone")
"""

# Run by the old version's interpreter: that version's own fixture ledger (tests/data/ledgers).
LEDGER = """
import sys
from pathlib import Path
from tests.data.ledgers import station_ledger
station_ledger(Path(sys.argv[1]))
"""


def repo_root() -> Path:
    out = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=HERE, check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip())


def run(python: str, tree: Path, home: Path, label: str, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree), "DOORSTEP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    print("  $", label)
    subprocess.run([python, *args], cwd=tree, env=env, check=True)


def doorstep(python: str, tree: Path, home: Path, *args: str, steps: tuple[str, ...] = ()) -> None:
    """The version's own console script (``desktop.app:main``), optionally with demo steps wired first."""
    wire = "".join(
        f"import {module}; desktop.demo.DEMO_STEPS.append({module}.demo_step); " for module in steps
    )
    code = f"import sys, desktop.demo; {wire}from desktop.app import main; sys.exit(main())"
    label = " ".join(("doorstep", *args)) + (f"  (demo steps wired: {', '.join(steps)})" if steps else "")
    run(python, tree, home, label, "-c", code, *args)


def make(revision: str, python: str, root: Path, scratch: Path) -> Path:
    commit = RELEASES[revision]
    tree = scratch / f"schema-{revision}"
    home = scratch / f"home-{revision}"
    out = scratch / f"{revision}.sqlite"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=root, check=True)
    try:
        station, name = STATION
        doorstep(python, tree, home, "init", "--db", str(out), "--station", station, "--station-name", name)
        demo = ("demo", "--db", str(out), "--entrepreneurs", str(ENTREPRENEURS), "--seed", str(int(revision)))
        doorstep(python, tree, home, *demo, steps=UNWIRED_DEMO_STEPS.get(revision, ()))
        if revision in WITH_LEDGER_IMPORT:
            ledger = scratch / f"ledger-{revision}.xlsx"
            run(python, tree, home, "LEDGER (station_ledger)", "-c", LEDGER, str(ledger))
            doorstep(python, tree, home, "import-excel", str(ledger), "--db", str(out))
        run(python, tree, home, "EDITS", "-c", EDITS, str(out))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=root, check=True)
    compact(out)
    target = HERE / f"{revision}.sqlite"
    target.write_bytes(out.read_bytes())
    return target


def compact(path: Path) -> None:
    """One self-contained file: rollback journal instead of WAL (no -wal beside it), vacuumed."""
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("VACUUM")
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def main(argv: list[str]) -> int:
    wanted = argv or sorted(RELEASES)
    root = repo_root()
    with tempfile.TemporaryDirectory(prefix="doorstep-schemas-") as folder:
        for revision in wanted:
            print(f"{revision} from {RELEASES[revision]}")
            target = make(revision, sys.executable, root, Path(folder))
            print(f"  -> {target.relative_to(root)} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

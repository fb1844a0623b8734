"""Sync with headquarters (issue 13), each figure against a bare baseline measured in the same run:

* the benchmark station's first full package (every change row it holds), written by
  `doorstep sync export` (the service until the CLI exists), against the same change rows read with
  sqlite3, dumped as JSON lines, gzipped, age-encrypted and Ed25519-signed (target ≤ 2×);
* applying that package into an empty HQ (`doorstep sync import`), on SQLite against a raw
  ``executemany`` of the same records and change rows into a fresh HQ schema, and on PostgreSQL against
  ``COPY`` (target ≤ 3× each);
* an incremental package of 100 changes after HQ's reply was imported: its export and its apply;
* HQ applying S stations × P people in one process: total time, and peak memory as stations are added
  (it must stay flat). Reduced by default (20 × 500); ``DOORSTEP_BENCH_SYNC_FLEET=200x5000`` for the
  issue's size. On PostgreSQL when a server can be made, else on SQLite (the row says which).

The baselines pause Python's cyclic garbage collector as the product's bulk paths do, so a ratio is the
product's own work over the bare work, not the collector's.

The station is the cached benchmark station, copied and enrolled: an HQ is made (`hq init`), HQ writes
the enrolment package for the station's own code (`hq enroll`), and the copy enrols from it (the demo
station already has its station row of that code, which enrolment accepts). Its first package then
carries every change the demo made. ``DOORSTEP_BENCH_SYNC_ROUNDS`` repeats the big figures (default 1:
at 100,000 people one round takes many minutes); ``DOORSTEP_BENCH_SYNC_PROFILE=DIR`` writes cProfile
stats of the service calls there. ``DOORSTEP_BENCH_SYNC_PG_FIRST=0`` skips the first package's apply on
PostgreSQL (at 100,000 people it had read half the package after 36 minutes); the fleet stays on it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from bench import sync_setup as setup
from bench.common import STATION_SIZE, BenchResult, median

ROUNDS = int(os.environ.get("DOORSTEP_BENCH_SYNC_ROUNDS", "1"))
FLEET = os.environ.get("DOORSTEP_BENCH_SYNC_FLEET", "20x500")
INCREMENT = 100
PG_FIRST = os.environ.get("DOORSTEP_BENCH_SYNC_PG_FIRST", "1") != "0"
FLAT = 1.25  # peak memory after the last station at most this many times the peak after the first checkpoint


def run(station: Path) -> list[BenchResult]:
    folder = Path(tempfile.mkdtemp(prefix="doorstep-bench-sync-"))
    server = setup.PgServer.start()
    try:
        return _run(station, folder, server)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _run(station: Path, folder: Path, server: setup.PgServer | None) -> list[BenchResult]:
    home = folder / "home"
    code, name = setup.station_code_of(station)
    st = setup.copy_sqlite(station, folder / "station.sqlite")
    empty_hq = folder / "hq-empty.sqlite"
    setup.make_hq(empty_hq)
    setup.enrol(empty_hq, st, folder, code=code, name=name)
    print(f"  station {code} enrolled at an empty HQ", flush=True)

    results: list[BenchResult] = []
    package, changes, export_row = _export(st, folder, home)
    results.append(export_row)
    hq, apply_rows = _apply_sqlite(
        st=st, empty_hq=empty_hq, package=package, changes=changes, folder=folder, home=home, code=code
    )
    pg_rows, pg_note = _apply_pg(
        server=server,
        st=st,
        empty_hq=empty_hq,
        package=package,
        changes=changes,
        folder=folder,
        home=home,
        code=code,
    )
    if pg_note:
        apply_rows[0] = _with_note(apply_rows[0], f"PostgreSQL: not measured ({pg_note})")
    results += apply_rows + pg_rows
    results += _incremental(st, hq, folder, home, code)
    results += _fleet(server, folder, home)
    return results


def _with_note(row: BenchResult, extra: str) -> BenchResult:
    return BenchResult(
        row.name, row.value, row.baseline, row.unit, row.target_ratio, row.target_abs, f"{row.note}; {extra}"
    )


def _profiled(label: str, work: Any) -> Any:
    target = os.environ.get("DOORSTEP_BENCH_SYNC_PROFILE")
    if not target or setup.cli_ready():
        return work()
    import cProfile

    profile = cProfile.Profile()
    profile.enable()
    try:
        return work()
    finally:
        profile.disable()
        Path(target).mkdir(parents=True, exist_ok=True)
        profile.dump_stats(str(Path(target) / f"{label}.prof"))


# --------------------------------------------------------------------------------------------- export
def _export(st: Path, folder: Path, home: Path) -> tuple[Path, int, BenchResult]:
    app: list[float] = []
    bare: list[float] = []
    first: Path | None = None
    changes = 0
    for index in range(ROUNDS):  # interleaved; a second export re-sends all (nothing is acknowledged yet)
        ms, package, changes = _profiled(
            "export", lambda i=index: setup.export(st, folder / f"out-{i}", home)
        )
        app.append(ms)
        first = first or package
        bare_ms, rows, size = setup.bare_export(st, folder / "bare.bin")
        bare.append(bare_ms)
        assert rows == changes, f"the baseline dumped {rows} rows, the package carries {changes}"
        print(f"  export {ms:,.0f} ms, bare {bare_ms:,.0f} ms ({changes:,} changes)", flush=True)
    assert first is not None
    how = "`doorstep sync export`" if setup.cli_ready() else "the export service (no `doorstep sync` yet)"
    row = BenchResult(
        f"sync: first full package export ({STATION_SIZE:,} people)",
        median(app),
        median(bare),
        "ms",
        target_ratio=2.0,
        note=f"{changes:,} change rows, {first.stat().st_size / 1e6:,.1f} MB, through {how}, written, "
        f"read back and verified; baseline: the same rows by sqlite3 → JSON lines → gzip → age → Ed25519 "
        f"({size / 1e6:,.1f} MB); {ROUNDS} round(s)",
    )
    return first, changes, row


# ---------------------------------------------------------------------------------------------- apply
def _apply_sqlite(
    *, st: Path, empty_hq: Path, package: Path, changes: int, folder: Path, home: Path, code: str
) -> tuple[Path, list[BenchResult]]:
    package_id = _package_id(package)
    app: list[float] = []
    bare: list[float] = []
    hq = folder / "hq.sqlite"
    for _ in range(ROUNDS):
        setup.copy_sqlite(empty_hq, hq)
        app.append(_profiled("apply", lambda: setup.apply(hq, package, home)))
        landed = _count(hq, "SELECT count(*) FROM change_log WHERE received_in IS NOT NULL")
        assert landed == changes, f"HQ holds {landed} received change rows of {changes}"
        bare_hq = setup.copy_sqlite(empty_hq, folder / "hq-bare.sqlite")
        bare_ms, rows = setup.bare_apply_sqlite(st, bare_hq, package_id, code)
        bare.append(bare_ms)
        print(f"  apply (SQLite) {app[-1]:,.0f} ms, bare {bare_ms:,.0f} ms ({rows:,} rows)", flush=True)
    how = "`doorstep sync import`" if setup.cli_ready() else "the import service"
    return hq, [
        BenchResult(
            f"sync: first package applied into an empty HQ, SQLite ({STATION_SIZE:,} people)",
            median(app),
            median(bare),
            "ms",
            target_ratio=3.0,
            note=f"{changes:,} changes through {how}: open, verify, decrypt, merge, write, search keys, "
            f"digests, archive; baseline: sqlite3 executemany of the same {rows:,} records and change rows "
            "into a fresh HQ schema",
        )
    ]


def _apply_pg(
    *,
    server: setup.PgServer | None,
    st: Path,
    empty_hq: Path,
    package: Path,
    changes: int,
    folder: Path,
    home: Path,
    code: str,
) -> tuple[list[BenchResult], str]:
    """(rows, why not measured). The server HQ takes over the SQLite HQ's identity and the station's
    enrolment (its keys and enrolment secret), so the same package applies to both."""
    if server is None:
        return [], "no PostgreSQL server binaries"
    if not PG_FIRST:
        return [], "skipped: DOORSTEP_BENCH_SYNC_PG_FIRST=0"
    try:
        template = server.create("hq_template")
        setup.make_hq(template)
        _adopt_identity(empty_hq, template)
    except Exception as error:  # the schema does not migrate on a server in this tree
        return [], f"an HQ database could not be made on the server: {str(error).splitlines()[0][:120]}"
    package_id = _package_id(package)
    app: list[float] = []
    bare: list[float] = []
    for index in range(ROUNDS):
        url = server.create(f"hq_app_{index}", template="hq_template")
        app.append(setup.apply(url, package, home))
        server.create(f"hq_bare_{index}", template="hq_template")
        bare_ms, rows = setup.bare_apply_copy(st, server.dsn(f"hq_bare_{index}"), package_id, code)
        bare.append(bare_ms)
        print(f"  apply (PostgreSQL) {app[-1]:,.0f} ms, COPY {bare_ms:,.0f} ms", flush=True)
    return [
        BenchResult(
            f"sync: first package applied into an empty HQ, PostgreSQL ({STATION_SIZE:,} people)",
            median(app),
            median(bare),
            "ms",
            target_ratio=3.0,
            note=f"{changes:,} changes; baseline: COPY of the same {rows:,} records and change rows into a "
            "fresh HQ schema (throwaway local server, fsync off)",
        )
    ], ""


def _adopt_identity(source: Path, url: str) -> None:
    """Give the server HQ the SQLite HQ's node (keys) and station peers, as a move of HQ would."""
    from sqlalchemy import create_engine, delete, insert, select

    from models.sync.tables import SyncNode, SyncPeer

    reader = create_engine(f"sqlite:///{source}")
    writer = create_engine(url)
    tables = [SyncNode.__table__, SyncPeer.__table__]  # type: ignore[attr-defined]
    with reader.connect() as src, writer.begin() as dst:
        for table in tables:
            rows = [dict(row._mapping) for row in src.execute(select(table))]
            dst.execute(delete(table))
            dst.execute(insert(table), rows)
    reader.dispose()
    writer.dispose()


def _package_id(package: Path) -> str:
    import hashlib
    import zipfile

    with zipfile.ZipFile(package) as zf:
        return hashlib.sha256(zf.read("manifest.json")).hexdigest()


def _count(path: Path, query: str) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute(query).fetchone()[0])


# ---------------------------------------------------------------------------------------- incremental
def _incremental(st: Path, hq: Path, folder: Path, home: Path, code: str) -> list[BenchResult]:
    """HQ replies, the station imports the reply (its changes are acknowledged), edits 100 files, and
    exports again: the package carries those 100 changes only."""
    from desktop.services import entrepreneurs, sync
    from desktop.services.station import default_actor
    from desktop.services.sync.hq_side import hq_actor
    from models.database import open_database
    from models.entrepreneur import PersonData

    (folder / "replies").mkdir()
    hq_db = open_database(hq)
    reply = sync.write_hq_reply(hq_db, hq_actor(setup.HQ_CODE), code=code, out_dir=folder / "replies").path
    hq_db.close()
    db = open_database(st)
    actor = default_actor(db)
    sync.import_package(db, actor, path=reply)
    with closing(sqlite3.connect(st)) as connection:
        ids = [
            r[0]
            for r in connection.execute("SELECT id FROM entrepreneur WHERE deleted = 0 LIMIT ?", (INCREMENT,))
        ]
    for person_id in ids:
        f = entrepreneurs.get_file(db, actor, entrepreneur_id=person_id)
        person = PersonData(
            name=f.name,
            id_number=f.id_number,
            birth_date=f.birth_date,
            sex=f.sex,
            phone=f.phone,
            key_groups=frozenset(f.key_groups),
            education=f.education,
            graduation_date=f.graduation_date,
            household_region=f.household_region,
            address=f.address,
            notes=(f.notes + " 已电话回访").strip(),
        )
        entrepreneurs.update_entrepreneur(db, actor, entrepreneur_id=person_id, person=person)
    db.close()
    export_ms, package, changes = _profiled("export-100", lambda: setup.export(st, folder / "out-inc", home))
    assert changes == INCREMENT, f"the incremental package carries {changes} changes, not {INCREMENT}"
    apply_ms = _profiled("apply-100", lambda: setup.apply(hq, package, home))
    print(f"  incremental: export {export_ms:,.0f} ms, apply {apply_ms:,.0f} ms", flush=True)
    where = f"HQ holding the {STATION_SIZE:,}-person station"
    return [
        BenchResult(
            f"sync: incremental package of {INCREMENT} changes, export",
            export_ms,
            None,
            "ms",
            note=f"{INCREMENT} files edited after HQ's reply was imported; {STATION_SIZE:,}-person station",
        ),
        BenchResult(
            f"sync: incremental package of {INCREMENT} changes, apply",
            apply_ms,
            None,
            "ms",
            note=f"into the SQLite {where}",
        ),
    ]


# ---------------------------------------------------------------------------------------------- fleet
def _fleet(server: setup.PgServer | None, folder: Path, home: Path) -> list[BenchResult]:
    stations, people = (int(part) for part in FLEET.lower().split("x"))
    root = folder / "fleet"
    root.mkdir()
    hq: str | Path = root / "hq.sqlite"
    backend = "SQLite (no PostgreSQL server binaries)"
    if server is not None:
        try:
            url = server.create("hq_fleet")
            setup.make_hq(url)
            hq, backend = url, "PostgreSQL"
        except Exception as error:  # the schema does not migrate on a server in this tree
            backend = f"SQLite (no HQ on the server: {str(error).splitlines()[0][:100]})"
    if hq == root / "hq.sqlite":
        setup.make_hq(hq)
    packages = _fleet_packages(hq, root, stations, people, home)
    marks = sorted({max(1, stations * k // 200) for k in (10, 50, 100, 200)})
    listing = root / "packages.txt"
    listing.write_text("\n".join(str(p) for p in packages), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(setup.ROOT), DOORSTEP_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-m", "bench.sync_fleet_probe", str(hq), str(listing), ",".join(map(str, marks))],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the fleet probe failed: {done.stderr[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    size = f"{stations} stations × {people:,} people"
    reduced = (
        ""
        if (stations, people) == (200, 5000)
        else " (reduced; DOORSTEP_BENCH_SYNC_FLEET=200x5000 for the issue's size)"
    )
    rows = [
        BenchResult(
            f"sync: HQ applies {size}, total",
            figures["total_ms"],
            None,
            "ms",
            note=f"{backend}; one HQ process (import service) applies each station's first package, "
            f"{figures['changes']:,} changes applied ({_held(figures)}){reduced}",
        )
    ]
    first = figures["peaks"][str(marks[0])]
    for mark in marks:
        peak = figures["peaks"][str(mark)]
        last = mark == marks[-1]
        rows.append(
            BenchResult(
                f"sync: HQ peak memory after {mark} of {size}",
                peak,
                first if last else None,
                "MB",
                target_ratio=FLAT if last else None,
                note=f"peak resident (VmHWM) of the applying process; {backend}"
                + (
                    f"; baseline: the peak after {marks[0]} station(s), flat means ≤ {FLAT:g}×"
                    if last
                    else ""
                ),
            )
        )
    print(f"  fleet {size}: {figures}", flush=True)
    return rows


def _held(figures: dict[str, Any]) -> str:
    return ", ".join(f"{figures.get(key, 0):,} {key}" for key in ("waiting", "quarantined", "conflicts"))


def _fleet_packages(hq: str | Path, root: Path, stations: int, people: int, home: Path) -> list[Path]:
    """Each station enrolled, given a demo of ``people`` (its own seed), and its first package written."""
    from desktop.demo import generate_demo
    from models.database import open_database

    packages = []
    started = time.perf_counter()
    for index in range(stations):
        code = f"330106{101 + index:03d}"
        path = root / f"{code}.sqlite"
        setup.enrol(hq, path, root, code=code, name=f"基准测试第 {index + 1} 站")
        db = open_database(path)
        generate_demo(db, entrepreneurs=people, seed=1000 + index)
        db.close()
        _, package, _ = setup.export(path, root / "packages", home)
        packages.append(package)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(f"  {stations} fleet stations made in {time.perf_counter() - started:.0f} s", flush=True)
    return packages

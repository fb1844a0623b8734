"""The sync benches' plumbing (not a bench itself): enrolled copies of the benchmark station, the real
`doorstep` entry point (or the service until the CLI exists), a throwaway PostgreSQL server, and the
bare baselines each figure is measured against."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.services.sync.wire import WIRE_FIELDS
from models.journal import collector_paused

HQ_CODE = "HQ"
HQ_NAME = "基准测试县总部"
MEMBER_ROWS = 50_000  # as desktop.services.sync.common.MEMBER_ROWS: one age stream per member
FETCH = 5_000
ROOT = Path(__file__).resolve().parent.parent
CLI_MODULE = ROOT / "desktop" / "commands" / "sync.py"


# ------------------------------------------------------------------------------------- entry point
def cli_ready() -> bool:
    """Whether `doorstep sync` exists in this tree (the lead writes desktop/commands/sync.py)."""
    return CLI_MODULE.exists()


def doorstep() -> list[str]:
    """The installed console script beside this Python (as pip installs it), else the module."""
    script = Path(sys.executable).with_name("doorstep")
    return [str(script)] if script.exists() else [sys.executable, "-m", "desktop.app"]


def run_cli(*arguments: str, home: Path) -> float:
    """Milliseconds of one `doorstep …` process (the real entry point, a fresh process)."""
    env = dict(os.environ, DOORSTEP_HOME=str(home), PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    done = subprocess.run([*doorstep(), *arguments], check=False, capture_output=True, env=env, text=True)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(
            f"doorstep {' '.join(arguments)} failed ({done.returncode}): {done.stderr[-2000:]}"
        )
    return elapsed


def copy_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's backup API (no -wal left behind)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def station_code_of(path: Path) -> tuple[str, str]:
    with closing(sqlite3.connect(path)) as connection:
        row = connection.execute("SELECT code, name FROM station").fetchone()
    return str(row[0]), str(row[1])


# ---------------------------------------------------------------------------------------- enrolment
def make_hq(url: str | Path) -> None:
    """An HQ database (SQLite path or server URL) after `hq init`."""
    from desktop.services import sync
    from desktop.services.sync.hq_side import hq_actor
    from models.database import open_database

    db = open_database(url)
    try:
        sync.init_hq(db, hq_actor(HQ_CODE), code=HQ_CODE, name=HQ_NAME)
    finally:
        db.close()


def enrol(hq_url: str | Path, station: Path, folder: Path, *, code: str, name: str) -> Path:
    """`hq enroll CODE` at HQ, then the station enrols from that package (``station`` may already hold
    a station row of the same code: the 100k demo does). Returns the enrolment package."""
    from desktop.services import sync
    from desktop.services.station import operator
    from desktop.services.sync.hq_side import hq_actor
    from models.database import open_database

    hq = open_database(hq_url)
    try:
        package = sync.enroll_station(
            hq, hq_actor(HQ_CODE), code=code, name=name, out=folder / f"{code}.enrol"
        )
    finally:
        hq.close()
    db = open_database(station)
    try:
        sync.enrol_station(db, operator(code), path=package)
    finally:
        db.close()
    return package


def export(station: Path, out_dir: Path, home: Path) -> tuple[float, Path, int]:
    """One `doorstep sync export --db P --out DIR` (or the service until the CLI exists):
    (milliseconds, the package, its change count)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    before = set(out_dir.glob("*.dsync"))
    if cli_ready():
        elapsed = run_cli("sync", "export", "--db", str(station), "--out", str(out_dir), home=home)
    else:
        from desktop.services import sync
        from desktop.services.station import default_actor
        from models.database import open_database

        db = open_database(station)
        started = time.perf_counter()
        sync.export_package(db, default_actor(db), out_dir=out_dir)
        elapsed = (time.perf_counter() - started) * 1000
        db.close()
    (package,) = set(out_dir.glob("*.dsync")) - before
    return elapsed, package, package_changes(package)


def package_changes(package: Path) -> int:
    """The change rows a package's signed manifest lists (read with stdlib zipfile)."""
    import zipfile

    with zipfile.ZipFile(package) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    return sum(int(m["rows"]) for m in manifest["members"])


def apply(hq_url: str | Path, package: Path, home: Path) -> float:
    """One `doorstep sync import PKG --db HQ` (or the service until the CLI exists), milliseconds."""
    if cli_ready():
        return run_cli("sync", "import", str(package), "--db", str(hq_url), home=home)
    from desktop.services import sync
    from desktop.services.sync.hq_side import hq_actor
    from models.database import open_database

    db = open_database(hq_url)
    started = time.perf_counter()
    sync.import_package(db, hq_actor(HQ_CODE), path=package)
    elapsed = (time.perf_counter() - started) * 1000
    db.close()
    return elapsed


# ---------------------------------------------------------------------------------------- baselines
WIRE = WIRE_FIELDS  # a change as it travels: the journal's change columns but the local seq


def _own_changes(connection: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """The station's own change rows in seq order, as plain dicts (what the package carries)."""
    cursor = connection.execute(
        f"SELECT {', '.join(WIRE)}, seq FROM change_log WHERE received_in IS NULL ORDER BY seq"
    )
    while batch := cursor.fetchmany(FETCH):
        for values in batch:
            row = dict(zip((*WIRE, "seq"), values, strict=True))
            row["at"] = str(row["at"]).replace(" ", "T") + "+00:00"
            row["changes"] = json.loads(row["changes"]) if row["changes"] else {}
            row["origin_seq"], row["origin_epoch"] = row.pop("seq"), 1
            yield row


def bare_export(station: Path, out: Path) -> tuple[float, int, int]:
    """The bare cost of the first package: the same change rows read with sqlite3, dumped as JSON lines,
    gzipped (level 6, as the writer), age-encrypted to an X25519 recipient in one stream per 50,000
    rows, hashed, and the list of hashes Ed25519-signed. (milliseconds, rows, bytes written)."""
    import pyrage
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    recipient = pyrage.x25519.Identity.generate().to_public()
    signer = Ed25519PrivateKey.generate()
    started = time.perf_counter()
    rows = written = 0
    digests: list[str] = []
    source_uri = f"{station.resolve().as_uri()}?mode=ro"
    with collector_paused(), closing(sqlite3.connect(source_uri, uri=True)) as connection:
        source = _own_changes(connection)
        with out.open("wb") as sink:
            while True:
                packer = zlib.compressobj(6, zlib.DEFLATED, 31)
                parts: list[bytes] = []
                count = 0
                for row in source:
                    line = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                    parts.append(packer.compress(line))
                    count += 1
                    if count == MEMBER_ROWS:
                        break
                if count == 0:
                    break
                parts.append(packer.flush())
                sealed = pyrage.encrypt(b"".join(parts), [recipient])
                digests.append(hashlib.sha256(sealed).hexdigest())
                sink.write(sealed)
                rows += count
                written += len(sealed)
            manifest = json.dumps(digests, sort_keys=True, separators=(",", ":")).encode()
            sink.write(manifest + signer.sign(manifest))
    return (time.perf_counter() - started) * 1000, rows, written


def travelling_columns() -> list[tuple[str, list[str]]]:
    """The travelling tables, parents first, with their columns (and change_log last)."""
    from models.audit import Change
    from models.tables import metadata, travelling_tables

    names = {model.__table__.name for model in travelling_tables().values()}  # type: ignore[attr-defined]
    found = [(t.name, [c.name for c in t.columns]) for t in metadata.sorted_tables if t.name in names]
    log = Change.__table__  # type: ignore[attr-defined]
    return [*found, (log.name, [c.name for c in log.columns])]


def _names(columns: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in columns)


def _source_rows(connection: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[list[Any]]:
    where = " WHERE received_in IS NULL ORDER BY seq" if table == "change_log" else ""
    cursor = connection.execute(f"SELECT {_names(columns)} FROM {table}{where}")
    while batch := cursor.fetchmany(FETCH):
        yield batch


def bare_apply_sqlite(station: Path, hq: Path, package_id: str, code: str) -> tuple[float, int]:
    """The bare cost of the apply: the station's records into their tables and its change rows into
    change_log of a fresh HQ schema (a copy of the empty HQ), by sqlite3 executemany, one transaction.
    (milliseconds, rows)."""
    started = time.perf_counter()
    rows = 0
    with (
        collector_paused(),
        closing(sqlite3.connect(f"{station.resolve().as_uri()}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(hq, isolation_level=None)) as target,
    ):
        target.execute("PRAGMA journal_mode=WAL")
        target.execute("PRAGMA synchronous=FULL")
        target.execute("BEGIN")
        for table, columns in travelling_columns():
            marks = ", ".join("?" for _ in columns)
            statement = f"INSERT INTO {table} ({_names(columns)}) VALUES ({marks})"
            fix = _change_fixer(columns, package_id, code) if table == "change_log" else None
            for batch in _source_rows(source, table, columns):
                target.executemany(statement, [fix(r) for r in batch] if fix else batch)
                rows += len(batch)
        target.execute("COMMIT")
    return (time.perf_counter() - started) * 1000, rows


def _change_fixer(columns: list[str], package_id: str, code: str) -> Any:
    """A received change row: which package brought it, its origin seq and epoch, where it travels."""
    at = {name: columns.index(name) for name in ("seq", "received_in", "origin_seq", "origin_epoch", "home")}

    def fix(row: tuple[Any, ...]) -> list[Any]:
        values = list(row)
        values[at["received_in"]] = package_id
        values[at["origin_seq"]] = values[at["seq"]]
        values[at["origin_epoch"]] = 1
        values[at["home"]] = code
        return values

    return fix


def bare_apply_copy(station: Path, dsn: str, package_id: str, code: str) -> tuple[float, int]:
    """The same rows into a fresh HQ schema on PostgreSQL by COPY (psycopg), one transaction."""
    import psycopg

    started = time.perf_counter()
    rows = 0
    with (
        collector_paused(),
        closing(sqlite3.connect(f"{station.resolve().as_uri()}?mode=ro", uri=True)) as source,
        psycopg.connect(dsn) as target,
    ):
        with target.cursor() as cursor:
            for table, columns in travelling_columns():
                fix = _change_fixer(columns, package_id, code) if table == "change_log" else None
                kinds = _pg_kinds(cursor, table, columns)
                with cursor.copy(f"COPY {table} ({_names(columns)}) FROM STDIN") as copy:
                    for batch in _source_rows(source, table, columns):
                        for row in batch:
                            copy.write_row(_pg_values(fix(row) if fix else row, kinds))
                        rows += len(batch)
        target.commit()
    return (time.perf_counter() - started) * 1000, rows


def _pg_kinds(cursor: Any, table: str, columns: list[str]) -> list[str]:
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", (table,)
    )
    types = dict(cursor.fetchall())
    return [str(types[c]) for c in columns]


def _pg_values(row: Any, kinds: list[str]) -> list[Any]:
    """SQLite's stored values as PostgreSQL's text COPY reads them (booleans are stored 0/1)."""
    return [
        (None if v is None else ("t" if v else "f")) if k == "boolean" else v
        for v, k in zip(row, kinds, strict=True)
    ]


# ---------------------------------------------------------------------------------------- PostgreSQL
@dataclass
class PgServer:
    """A throwaway PostgreSQL server (initdb + pg_ctl in a temp folder, a unix socket only, no fsync),
    run as ``nobody`` when this process is root (PostgreSQL refuses root)."""

    root: Path
    bin_dir: Path
    as_user: list[str]

    @classmethod
    def start(cls) -> PgServer | None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if os.environ.get("DOORSTEP_BENCH_NO_PG") or not found:
            return None
        bin_dir = found[-1].parent
        root = Path(tempfile.mkdtemp(prefix="doorstep-bench-pg-"))
        as_user: list[str] = []
        if os.geteuid() == 0:
            import pwd

            account = pwd.getpwnam("nobody")
            os.chown(root, account.pw_uid, account.pw_gid)
            as_user = ["runuser", "-u", "nobody", "--"]
        server = cls(root, bin_dir, as_user)
        data = root / "data"
        server._run(
            "initdb", "-D", str(data), "-U", "doorstep", "-A", "trust", "-E", "UTF8", "--no-locale", "-N"
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{root}' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c timezone=UTC -c max_wal_size=4GB"
        )
        server._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(data), "-l", str(root / "log"), "-o", options
        )
        return server

    def _run(self, tool: str, *arguments: str) -> None:
        subprocess.run([*self.as_user, str(self.bin_dir / tool), *arguments], check=True, capture_output=True)

    def dsn(self, database: str = "postgres") -> str:
        return f"host={self.root} user=doorstep dbname={database}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://doorstep@/{database}?host={self.root}"

    def create(self, database: str, template: str | None = None) -> str:
        """A new database (a copy of ``template`` if given); returns its SQLAlchemy URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn(), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database))
            if template:
                statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            admin.execute(statement)
        return self.url(database)

    def stop(self) -> None:
        subprocess.run(
            [
                *self.as_user,
                str(self.bin_dir / "pg_ctl"),
                "stop",
                "-w",
                "-m",
                "fast",
                "-D",
                str(self.root / "data"),
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)

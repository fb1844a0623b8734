"""A throwaway PostgreSQL server for the tests (issue 13, "PostgreSQL for real").

One server per test session: ``initdb`` into a temporary folder, ``pg_ctl start`` listening on a unix
socket in that folder only (no TCP port to collide with another run), no fsync (a crash loses nothing
that matters: the folder goes at the end). All migrations run once into a template database; each
test gets ``CREATE DATABASE … TEMPLATE`` of it (a file copy, a few hundredths of a second) and the
database is dropped after the test. The server stops at session end (and at interpreter exit, should
the session end some other way).

The binaries come from ``$DOORSTEP_PG_BIN``, else the newest ``/usr/lib/postgresql/*/bin`` (Debian's
``postgresql`` package, as ``.ci/run`` installs it), else ``pg_ctl`` on ``PATH``. PostgreSQL refuses to
run as root: under root (CI) the server runs as ``nobody`` through ``runuser``, in a folder it owns.
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import psycopg

SUPERUSER = "doorstep"
TEMPLATE = "doorstep_template"
UNPRIVILEGED = "nobody"  # who runs the server when the tests run as root
_TOOLS = ("initdb", "pg_ctl", "postgres")


def pg_bin_dir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None when this machine has no PostgreSQL."""
    candidates: list[Path] = []
    if os.environ.get("DOORSTEP_PG_BIN"):
        candidates.append(Path(os.environ["DOORSTEP_PG_BIN"]))

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in _TOOLS):
            return folder
    return None


def pg_available() -> bool:
    return pg_bin_dir() is not None


SKIP_REASON = (
    "no PostgreSQL server binaries (initdb, pg_ctl, postgres) in $DOORSTEP_PG_BIN, /usr/lib/postgresql/*/bin "
    "or on PATH: install Debian's postgresql package (.ci/run does)"
)


def url(socket_dir: Path, database: str) -> str:
    """The SQLAlchemy URL of a database on the server (psycopg 3, over the unix socket)."""
    return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={socket_dir}"


class PostgresServer:
    """A server in its own temporary folder; :meth:`stop` ends it and removes the folder."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        # under /tmp: short (a socket's path holds ~100 bytes) and open to the server's user on the way
        base = "/tmp" if os.path.isdir("/tmp") else None
        self.root = Path(tempfile.mkdtemp(prefix="doorstep-pg-", dir=base))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._as_user: list[str] = []
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            import pwd

            account = pwd.getpwnam(UNPRIVILEGED)
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", UNPRIVILEGED, "--"]
        self._admin: psycopg.Connection[Any] | None = None
        self._names = itertools.count(1)
        self._template_ready = False
        self.running = False

    # ------------------------------------------------------------------------------------------ life
    def start(self) -> None:
        self._run(
            "initdb",
            ["-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale", "-N"],
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.root}' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c timezone=UTC"
        )
        self._run(
            "pg_ctl", ["start", "-w", "-t", "30", "-D", str(self.data), "-l", str(self.log), "-o", options]
        )
        self.running = True
        atexit.register(self.stop)

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self.running:
            self.running = False
            self._run("pg_ctl", ["stop", "-w", "-m", "fast", "-D", str(self.data)], check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, tool: str, arguments: list[str], *, check: bool = True) -> None:
        done = subprocess.run(
            [*self._as_user, str(self.bin_dir / tool), *arguments],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{log}")

    # ------------------------------------------------------------------------------------- databases
    def url(self, database: str = "postgres") -> str:
        return url(self.root, database)

    def admin(self) -> psycopg.Connection[Any]:
        """One autocommit connection to the maintenance database, for CREATE and DROP DATABASE."""
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(
                host=str(self.root), user=SUPERUSER, dbname="postgres", autocommit=True
            )
        return self._admin

    def create_database(self, *, template: str | None = None) -> str:
        """A new database (empty, or a copy of ``template``); returns its name."""
        from psycopg import sql

        name = f"test_{os.getpid()}_{next(self._names)}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            if self.admin().info.server_version >= 150000:  # a file copy: quicker for a small database
                statement += sql.SQL(" STRATEGY FILE_COPY")
        self.admin().execute(statement)
        return name

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        self.admin().execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def migrated_database(self) -> str:
        """A new database with every migration applied, copied from the template (made on first use)."""
        if not self._template_ready:
            from psycopg import sql

            from models.database import open_database

            self.admin().execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
            open_database(self.url(TEMPLATE)).close()  # every connection gone: it can be copied
            self._template_ready = True
        return self.create_database(template=TEMPLATE)


def start_server() -> PostgresServer:
    """A running server (the caller stops it), or RuntimeError naming why not."""
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        raise RuntimeError(SKIP_REASON)
    server = PostgresServer(bin_dir)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's server, started on first use and stopped at the session's end."""
    chosen = os.environ.get("DOORSTEP_PG_BIN")
    if chosen and pg_bin_dir() != Path(chosen):  # CI names them (.ci/run): there they never skip
        pytest.fail(f"DOORSTEP_PG_BIN={chosen} holds no {', '.join(_TOOLS)}")
    if not pg_available():
        pytest.skip(SKIP_REASON)
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server: PostgresServer) -> str:
    """The session server's maintenance database ``postgres``: make databases from it (with
    :meth:`PostgresServer.create_database`); never migrate it."""
    return pg_server.url()


@pytest.fixture
def pg_db_url(pg_server: PostgresServer) -> Iterator[str]:
    """A fresh database with every migration applied, dropped after the test."""
    name = pg_server.migrated_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)

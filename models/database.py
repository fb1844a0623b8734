"""The one function that opens a database (DESIGN.md): connection settings, backup, migrations.

Every caller — GUI, CLI, tests, benchmarks — goes through :func:`open_database`, and every SQLite
connection in the product is made by one factory, :func:`connect`: the engine's pool, the raw list
reader, the schema probe, the backup copy and the migrations (through the engine) — so a setting that
must hold on every connection (a database key, later) is applied in one place.

Opening a station file whose schema is current costs one stdlib ``sqlite3`` query: its Alembic
revisions are compared with :data:`models.schema.HEADS`, and SQLAlchemy, the mapped tables and Alembic
are imported only when the first session or migration needs them. The window shows its list before
any of them is loaded (``ui/app.py``, stage 6).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.clock import CHINA_TZ
from models.errors import DatabaseError
from models.schema import HEADS

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL, Connection
    from sqlmodel import Session

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


class Database:
    """An open database: the engine (made on first use) and the way to run one transaction."""

    def __init__(self, engine: Engine | None, path: Path | None) -> None:
        self._engine = engine
        self.path = path
        # caches that services keep per open database (e.g. the search index), by name
        self.caches: dict[str, Any] = {}
        self._readers: dict[int, sqlite3.Connection] = {}  # by thread: see raw()
        self._readers_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            assert self.path is not None
            self._engine, _ = make_engine(self.path)
        return self._engine

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One service call: commits when the block ends, rolls back everything if it raises."""
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False, autoflush=True) as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work (still a transaction, so reads are consistent); objects stay
        readable after the block, as plain snapshots."""
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """A plain ``sqlite3`` connection for fast reads that need no ORM (the entrepreneur list).

        Read-only (``query_only``) and in autocommit mode, so each statement sees what is committed; one
        per thread, kept until :meth:`close`, since opening one costs more than most list reads."""
        if self.path is None:
            raise DatabaseError("只有服务站的 SQLite 数据库可以直接读取")
        thread = threading.get_ident()
        connection = self._readers.get(thread)
        if connection is None:
            # check_same_thread=False only so that close() may close it; it is used by its own thread
            connection = connect(self.path, query_only=True)
            with self._readers_lock:
                self._readers[thread] = connection
        yield connection

    def close(self) -> None:
        with self._readers_lock:
            readers, self._readers = list(self._readers.values()), {}
        for connection in readers:
            connection.close()
        if self._engine is not None:
            self._engine.dispose()


def connect(path: Path | str, *, read_only: bool = False, query_only: bool = False) -> sqlite3.Connection:
    """The one way a connection to a station file is made. In autocommit mode (pysqlite's legacy
    transaction handling defers BEGIN; the engine emits BEGIN itself so a transaction starts where
    SQLAlchemy says it does — SQLAlchemy docs, "Serializable isolation / Savepoints" for pysqlite).

    ``read_only`` opens the file read-only (``mode=ro``: it must exist, nothing is created, as the
    schema probe needs); ``query_only`` refuses writes on a connection to a live database (the raw
    reader). Either may be used from another thread than the one that made it (the pool and
    :meth:`Database.close` do)."""
    target = Path(path)
    if read_only:
        connection = sqlite3.connect(
            f"{target.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
    else:
        connection = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    try:
        connection.execute("PRAGMA busy_timeout=5000")
        if read_only or query_only:
            connection.execute("PRAGMA query_only=ON")
        else:
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
    except sqlite3.Error:
        connection.close()
        raise
    return connection


# An HQ server's connections: wait up to 5 s for a lock held by another writer (as busy_timeout does on
# SQLite), then fail with an error rather than hang; name the program in pg_stat_activity.
POSTGRES_OPTIONS = "-c lock_timeout=5000 -c application_name=doorstep"


def server_url(text: str) -> URL:
    """A server URL as the engine takes it: ``postgresql://`` (what a person types) means psycopg 3, the
    driver Doorstep ships, not SQLAlchemy's default psycopg2."""
    from sqlalchemy import make_url

    url = make_url(text)
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def shown(url_or_path: str | Path) -> str:
    """A database as a message names it: a server URL without its password."""
    text = str(url_or_path)
    if "://" not in text:
        return text
    from sqlalchemy import make_url

    try:
        return make_url(text).render_as_string(hide_password=True)
    except Exception:  # sqlalchemy.exc.ArgumentError: not a URL at all
        return text


def _on_sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(url_or_path: str | Path) -> tuple[Engine, Path | None]:
    """The engine of a station file (its pool's connections come from :func:`connect`) or of an HQ
    server URL; the journal's write guard is installed on either."""
    from sqlalchemy import create_engine, event, make_url
    from sqlalchemy.pool import QueuePool

    import models.tables  # noqa: F401  (registers every table before the first session)
    from models.journal import install_write_guard

    text = str(url_or_path)
    path: Path | None = None
    if "://" in text and make_url(text).get_backend_name() != "sqlite":
        url = server_url(text)
        settings: dict[str, Any] = {}
        if url.get_backend_name() == "postgresql":
            if "options" not in url.query:
                settings["options"] = POSTGRES_OPTIONS
            # no server-side prepared statements: a plan made while a table was empty (a first package
            # into a new HQ) would be kept as the table grows, and a lookup by id became a scan
            settings["prepare_threshold"] = None
        engine = create_engine(url, pool_pre_ping=True, connect_args=settings)
    else:
        path = Path(make_url(text).database or "") if "://" in text else Path(text).expanduser()
        file = path
        engine = create_engine("sqlite://", creator=lambda: connect(file), poolclass=QueuePool)
        event.listen(engine, "begin", _on_sqlite_begin)
    install_write_guard(engine)
    return engine, path


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def schema_heads() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def open_database(
    url_or_path: str | Path, *, create: bool = True, backup_dir: Path | None = None
) -> Database:
    """Open (or create) a database, refuse one newer than this program, migrate an older one.

    An older SQLite file is copied to ``backup_dir`` (default: ``backups/`` beside it) before migrating.
    """
    path_hint = None if "://" in str(url_or_path) else Path(url_or_path).expanduser()
    if path_hint is not None:
        if not create and not path_hint.exists():
            raise DatabaseError(f"数据库文件 {path_hint} 不存在")
        path_hint.parent.mkdir(parents=True, exist_ok=True)
        if _stored_revisions(path_hint) == set(HEADS):
            return Database(None, path_hint)  # current: nothing to check further, nothing imported
    from alembic import command
    from alembic.script import ScriptDirectory

    try:
        engine, path = make_engine(url_or_path)
        current = current_revisions(engine)
    except Exception as error:  # sqlite3.DatabaseError: file is not a database, locked, unreadable
        raise DatabaseError(f"无法打开数据库 {shown(url_or_path)}：{error}") from error
    script = ScriptDirectory.from_config(alembic_config())
    unknown = [rev for rev in current if _lookup(script, rev) is None]
    if unknown:
        engine.dispose()
        raise DatabaseError(
            f"数据库 {shown(url_or_path)} 的结构版本（{', '.join(sorted(unknown))}）比本程序新，"
            "请先升级 Doorstep 再打开它；文件未做任何改动"
        )
    heads = set(script.get_heads())
    if current != heads:
        if current and path is not None:
            backup_before_migration(path, backup_dir or path.parent / "backups", sorted(current))
        log.info("migrating %s from %s to %s", shown(url_or_path), sorted(current), sorted(heads))
        from models.journal import journal_writing

        with engine.begin() as connection, journal_writing(connection):  # migrations write the log too
            if _migrating_alone(connection, current) != heads:
                command.upgrade(alembic_config(connection), "heads")
    return Database(engine, path)


MIGRATION_LOCK = 0x446F6F72  # "Door": the advisory lock that one migrating process holds on a server


def _migrating_alone(connection: Connection, current: set[str]) -> set[str]:
    """The revisions to migrate from, once this is the only process migrating. A station file has one
    writer at a time already; on a server, HQ processes that open a database together wait for the
    first (however long its migration takes) and then find it current."""
    if connection.dialect.name != "postgresql":
        return current
    from alembic.runtime.migration import MigrationContext

    connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    return set(MigrationContext.configure(connection).get_current_heads())


def _stored_revisions(path: Path) -> set[str] | None:
    """The file's Alembic revisions read with stdlib ``sqlite3``; None if there is no such file or
    table yet, or it cannot be read (the full path below then says what is wrong)."""
    if not path.is_file():
        return None
    try:
        with closing(connect(path, read_only=True)) as connection:
            return {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.Error:
        return None


def _lookup(script: ScriptDirectory, revision: str) -> Any:
    try:
        return script.get_revision(revision)
    except Exception:  # alembic raises ResolutionError / CommandError for an unknown revision
        return None


def backup_before_migration(path: Path, folder: Path, revisions: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(CHINA_TZ).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}.before-upgrade-{'+'.join(revisions)}-{stamp}.sqlite"
    copy_sqlite(path, target)
    return target


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the backup API, not a file copy)."""
    with closing(connect(source, query_only=True)) as src, closing(connect(target)) as dst:
        src.backup(dst)


def backup_sqlite(source: Path, target: Path) -> None:
    """A backup file of a live database through SQLite's online backup API: one step under one read
    transaction, so what is copied is one committed state however busy the writers are (WAL readers
    do not block them); the copy leaves WAL mode, so it is one self-contained file for a USB stick."""
    with closing(connect(source, query_only=True)) as src, closing(connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")


def restore_sqlite(source: Path, target: Path) -> None:
    """Replace the content of ``target`` with the backup ``source``, through the backup API into a
    connection to ``target`` (its -wal and -shm files are handled by SQLite, not overwritten by hand).
    The destination is written in one transaction: an error leaves it as it was."""
    with closing(connect(source, read_only=True)) as src, closing(connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def integrity_problems(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` and ``foreign_key_check`` of a file opened read-only; [] when sound."""
    with closing(connect(path, read_only=True)) as connection:
        found = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
        problems = [] if found == ["ok"] else found
        problems += [f"{row[0]} 行 {row[1]}" for row in connection.execute("PRAGMA foreign_key_check")]
    return problems


def stored_revisions(path: Path) -> set[str] | None:
    """The Alembic revisions stored in a file (None: not a Doorstep database, or unreadable)."""
    return _stored_revisions(path)


def known_revisions() -> frozenset[str]:
    """Every revision this program's migrations know (a newer program's file has others), read from
    the scripts' ``revision = "…"`` lines without importing Alembic or SQLAlchemy: a backup taken on a
    worker thread while the GUI thread imports them must not import them too (a half-imported module
    is what the other thread would see)."""
    import re

    pattern = re.compile(r'^revision(?:\s*:\s*str)?\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)
    found: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found.update(pattern.findall(script.read_text(encoding="utf-8")))
    return frozenset(found)

"""The one function that opens a database (DESIGN.md): connection settings, backup, migrations.

Every caller — GUI, CLI, tests, benchmarks — goes through :func:`open_database`.

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
    from sqlalchemy.engine import Connection
    from sqlalchemy.pool import ConnectionPoolEntry
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
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA busy_timeout=5000")
            connection.execute("PRAGMA query_only=ON")
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


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # pysqlite's legacy transaction handling defers BEGIN; turn it off and emit BEGIN ourselves so a
    # transaction starts where SQLAlchemy says it does (SQLAlchemy docs, "Serializable isolation /
    # Savepoints / Transactional DDL" for pysqlite).
    dbapi_connection.isolation_level = None
    _configure(dbapi_connection)


def _configure(dbapi_connection: sqlite3.Connection) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(url_or_path: str | Path) -> tuple[Engine, Path | None]:
    from sqlalchemy import create_engine, event

    import models.tables  # noqa: F401  (registers every table before the first session)

    text = str(url_or_path)
    if "://" in text:
        engine = create_engine(text, pool_pre_ping=True)
        if engine.dialect.name != "sqlite":
            return engine, None
        path = Path(engine.url.database or "")
    else:
        path = Path(text).expanduser()
        engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
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
        raise DatabaseError(f"无法打开数据库 {url_or_path}：{error}") from error
    script = ScriptDirectory.from_config(alembic_config())
    unknown = [rev for rev in current if _lookup(script, rev) is None]
    if unknown:
        engine.dispose()
        raise DatabaseError(
            f"数据库 {url_or_path} 的结构版本（{', '.join(sorted(unknown))}）比本程序新，"
            "请先升级 Doorstep 再打开它；文件未做任何改动"
        )
    heads = set(script.get_heads())
    if current != heads:
        if current and path is not None:
            backup_before_migration(path, backup_dir or path.parent / "backups", sorted(current))
        log.info("migrating %s from %s to %s", url_or_path, sorted(current), sorted(heads))
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "heads")
    return Database(engine, path)


def _stored_revisions(path: Path) -> set[str] | None:
    """The file's Alembic revisions read with stdlib ``sqlite3``; None if there is no such file or
    table yet, or it cannot be read (the full path below then says what is wrong)."""
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
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
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()

"""Backups of the station's database (docs/backup.md): taken through SQLite's online backup API
(:func:`models.database.backup_sqlite`, never a file copy, which would miss the ``-wal`` file), checked
before they count, kept as the last N automatic ones, and restored only after the backup passed an
integrity check and the current database was itself backed up.

Standard library only at import: the window takes its backup on exit without loading the ORM.

File names say whose, what and when: ``330106001_自动备份_20261203-171500.sqlite`` (on exit or the
day's first start), ``330106001_备份_20261203-171500.sqlite`` (备份到U盘, the CLI) and
``330106001_恢复前备份_….sqlite`` (taken before a restore; never pruned).
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

from desktop.services.gate import service
from models.actor import Actor
from models.clock import to_china, utcnow
from models.database import (
    Database,
    backup_sqlite,
    integrity_problems,
    known_revisions,
    restore_sqlite,
    stored_revisions,
)
from models.errors import DoorstepError
from models.permissions import Permission

log = logging.getLogger(__name__)

Kind = Literal["自动备份", "备份", "恢复前备份"]
AUTOMATIC: Final[Kind] = "自动备份"
MANUAL: Final[Kind] = "备份"
BEFORE_RESTORE: Final[Kind] = "恢复前备份"
UNCHANGED = "；现在的数据库没有改动"
SUFFIX = ".sqlite"
DEFAULT_KEEP = 10


class BackupError(DoorstepError):
    """A backup could not be written, or a file is not a sound backup to restore; nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    """A sound backup file: whose it is, when it was taken, how many files it holds."""

    path: Path
    station_code: str
    station_name: str
    taken_at: datetime  # China time
    revisions: tuple[str, ...]
    entrepreneurs: int
    size: int

    @property
    def label(self) -> str:
        return (
            f"{self.taken_at:%Y-%m-%d %H:%M} · {self.station_name}（{self.station_code}）· "
            f"{self.entrepreneurs} 人"
        )


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupInfo
    safety_copy: Path | None  # the database as it was before, backed up first
    previous_station: str  # "330106001 文新街道…" of the database replaced ("" if there was none)


def backup_name(station_code: str, kind: Kind, moment: datetime | None = None) -> str:
    stamp = to_china(moment or utcnow()).strftime("%Y%m%d-%H%M%S")
    return f"{station_code}_{kind}_{stamp}{SUFFIX}"


def _station_code(db: Database) -> str:
    from desktop.services.station import station_info

    station = station_info(db)
    return station.code if station is not None else "doorstep"


def _source(db: Database) -> Path:
    if db.path is None:
        raise BackupError("只有服务站的 SQLite 数据库可以备份")
    return db.path


@service(Permission.MANAGE_STATION)
def back_up(db: Database, actor: Actor, /, *, out: Path) -> BackupInfo:
    """备份到U盘 / ``doorstep backup``: a checked backup at ``out`` (a file, or a folder to put it in)."""
    source = _source(db)
    target = out / backup_name(_station_code(db), MANUAL) if out.is_dir() else out
    if target.suffix.lower() != SUFFIX and not target.exists():
        target = target.with_name(target.name + SUFFIX)
    return write_backup(source, target)


@service(Permission.MANAGE_STATION)
def automatic_backup(db: Database, actor: Actor, /, *, folder: Path, keep: int) -> BackupInfo:
    """The automatic backup (on exit, and on the day's first start): taken, then only the last
    ``keep`` automatic backups of this station stay in ``folder``."""
    code = _station_code(db)
    info = write_backup(_source(db), folder / backup_name(code, AUTOMATIC))
    prune(folder, keep=keep, station_code=code)
    return info


def backup_due_today(folder: Path, station_code: str) -> bool:
    """Whether today (China time) has no automatic backup of this station yet."""
    today = to_china(utcnow()).strftime("%Y%m%d")
    return not any(path.name.split("_")[2].startswith(today) for path in _files(folder, station_code))


def _files(folder: Path, station_code: str, kind: Kind = AUTOMATIC) -> list[Path]:
    """This station's backups of one kind in ``folder``, oldest first (their names sort by time)."""
    try:
        found = list(folder.glob(f"{station_code}_{kind}_*{SUFFIX}"))
    except OSError:
        return []
    return sorted(path for path in found if len(path.name.split("_")) == 3)


def prune(folder: Path, *, keep: int, station_code: str) -> list[Path]:
    """Remove all but the newest ``keep`` (at least 1) automatic backups; other kinds stay."""
    files = _files(folder, station_code)
    gone = files[: max(0, len(files) - max(1, keep))]
    for path in gone:
        try:
            path.unlink()
        except OSError as error:
            log.warning("could not remove old backup %s: %s", path, error)
    return gone


def list_backups(folder: Path) -> list[Path]:
    """Every backup file in ``folder``, newest first (for the settings page's list)."""
    try:
        found = [path for path in folder.glob(f"*_*_*{SUFFIX}") if path.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda path: path.name.split("_")[-1], reverse=True)


def write_backup(source: Path, target: Path, *, check: bool = True) -> BackupInfo:
    """Back ``source`` up to ``target``: written beside it under a temporary name, checked (unless
    ``check`` is off: the copy of a damaged database taken before a restore), then put in place — a
    failed backup leaves no half file and never touches ``source``."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(_write_problem(folder, error)) from error
    partial = target.with_name(f".{target.name}.part")
    try:
        _remove(partial)
        backup_sqlite(source, partial)
        info = inspect_backup(partial, check=check)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        _remove(partial)
        raise BackupError(_write_problem(folder, error)) from error
    except BaseException:
        _remove(partial)
        raise
    log.info("backup of %s written to %s", source, target)
    return replace(info, path=target, taken_at=_taken_at(target))


def _remove(path: Path) -> None:
    for name in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")):
        try:
            name.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            log.warning("could not remove %s: %s", name, error)


def _write_problem(folder: Path, error: BaseException) -> str:
    text = str(error).lower()
    number = getattr(error, "errno", None)
    if number in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) or "full" in text or "disk i/o" in text:
        return f"备份没有完成：{folder} 所在的磁盘（或U盘）空间不足，请换一个有空间的位置再试" + UNCHANGED
    if isinstance(error, PermissionError) or number in (errno.EACCES, errno.EROFS, errno.EPERM):
        return f"备份没有完成：没有权限写入文件夹 {folder}（U盘是否写保护？），请换一个位置再试" + UNCHANGED
    if (
        isinstance(error, NotADirectoryError | FileExistsError | FileNotFoundError)
        or "unable to open" in text
    ):
        return f"备份没有完成：无法在 {folder} 建立备份文件，请选择一个存在且可以写入的文件夹" + UNCHANGED
    return f"备份没有完成：写入 {folder} 时出错（{error}）" + UNCHANGED


def inspect_backup(path: Path, *, check: bool = True) -> BackupInfo:
    """What a backup file holds, after ``PRAGMA integrity_check`` and a probe of its schema (the
    migrations' revisions known to this program, the station's record); refused with a Chinese
    message naming what is wrong."""
    name = path.name
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise BackupError(f"无法读取备份文件 {name}：{error.strerror or error}") from error
    if header != b"SQLite format 3\x00":
        raise BackupError(f"{name} 不是 Doorstep 的数据库备份（不是 SQLite 数据库文件），没有恢复")
    try:
        problems = integrity_problems(path) if check else []
    except sqlite3.Error as error:
        raise BackupError(f"备份文件 {name} 已损坏或不完整（{error}），没有恢复") from error
    if problems:
        shown = "；".join(problems[:3])
        raise BackupError(f"备份文件 {name} 没有通过完整性检查（{shown}），已损坏，没有恢复")
    revisions = stored_revisions(path)
    if not revisions:
        raise BackupError(f"{name} 不是 Doorstep 的数据库备份（没有结构版本），没有恢复")
    newer = sorted(revisions - known_revisions())
    if newer:
        raise BackupError(
            f"备份 {name} 来自更新版本的 Doorstep（结构版本 {', '.join(newer)}），请先升级本程序再恢复"
        )
    from contextlib import closing

    from models.database import connect

    try:
        with closing(connect(path, read_only=True)) as connection:
            station = connection.execute("SELECT code, name FROM station LIMIT 1").fetchone()
            people = connection.execute("SELECT count(*) FROM entrepreneur WHERE NOT deleted").fetchone()
    except sqlite3.Error as error:
        raise BackupError(f"{name} 不是 Doorstep 的数据库备份（{error}），没有恢复") from error
    if station is None:
        raise BackupError(f"备份 {name} 里没有服务站，不是一个服务站的数据库，没有恢复")
    return BackupInfo(
        path=path,
        station_code=str(station[0]),
        station_name=str(station[1]),
        taken_at=_taken_at(path),
        revisions=tuple(sorted(revisions)),
        entrepreneurs=int(people[0]) if people else 0,
        size=path.stat().st_size,
    )


def _taken_at(path: Path) -> datetime:
    stamp = path.stem.split("_")[-1]
    try:
        return datetime.strptime(stamp, "%Y%m%d-%H%M%S").replace(tzinfo=to_china(utcnow()).tzinfo)
    except ValueError:
        return to_china(datetime.fromtimestamp(path.stat().st_mtime).astimezone())


def restore_backup(source: Path, *, target: Path, safety_folder: Path) -> RestoreResult:
    """Replace the database at ``target`` (closed: no window has it open) with the backup ``source``.

    The backup is checked first; then the current database is backed up to ``safety_folder``; only
    then is its content replaced, through the backup API in one transaction. Any refusal or error
    before that last step leaves ``target`` exactly as it was."""
    info = inspect_backup(source)
    if target.exists() and source.resolve() == target.resolve():
        raise BackupError("不能用数据库自己恢复自己：请选择一个备份文件")
    safety: Path | None = None
    previous = ""
    if target.exists():
        previous = _station_text(target)
        code = previous.split(" ")[0] or "doorstep"
        safety = write_backup(target, safety_folder / backup_name(code, BEFORE_RESTORE), check=False).path
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        restore_sqlite(source, target)
    except sqlite3.Error as error:
        raise BackupError(
            f"恢复没有完成（{error}）。现在的数据库保持原样；恢复前的备份在 {safety}"
        ) from error
    _new_sync_epoch(target)
    log.info("restored %s from %s (safety copy %s)", target, source, safety)
    return RestoreResult(restored=info, safety_copy=safety, previous_station=previous)


def _new_sync_epoch(target: Path) -> None:
    """A station restored from a backup has lost whatever it made after it: the changes it makes from
    now on are a new sync epoch, so HQ can tell the fork and send back what was lost (docs/sync.md).
    A database that has not joined sync (or predates it) has nothing to mark."""
    import json
    from contextlib import closing

    from desktop.services.sync.node import CASE_NUMBER_JUMP
    from models.database import connect

    with closing(connect(target)) as connection:
        try:
            row = connection.execute("SELECT code, epochs FROM sync_node WHERE role = 'station'").fetchone()
        except sqlite3.Error:
            return  # no sync tables in this backup's schema: it is migrated when opened
        if row is None:
            return
        epochs = json.loads(row[1])
        last = connection.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]
        epochs.append([int(epochs[-1][0]) + 1, int(last) + 1])
        connection.execute("UPDATE sync_node SET epochs = ? WHERE code = ?", (json.dumps(epochs), row[0]))
        # numbers given after the backup went to HQ with the lost files: new files skip past them
        connection.execute("UPDATE case_sequence SET last = last + ?", (CASE_NUMBER_JUMP,))


def _station_text(path: Path) -> str:
    from contextlib import closing

    from models.database import connect

    try:
        with closing(connect(path, read_only=True)) as connection:
            row = connection.execute("SELECT code, name FROM station LIMIT 1").fetchone()
    except sqlite3.Error:
        return ""
    return f"{row[0]} {row[1]}" if row else ""

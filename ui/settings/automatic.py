"""The automatic backups of the running program (设置 → 备份): the day's first start, once the window
has painted, off the GUI thread; and on exit, after the window has closed (ui/app.py)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.context import AppContext
from desktop.paths import backup_dir
from desktop.services.backup import automatic_backup, backup_due_today
from models.errors import DoorstepError

log = logging.getLogger(__name__)


def backup_folder(context: AppContext) -> Path:
    chosen = context.preferences.backup_folder
    return Path(chosen) if chosen else backup_dir()


class BackupSignals(QObject):
    finished = Signal(str)  # a sentence for the status bar


class _Backup(QRunnable):
    def __init__(self, context: AppContext, signals: BackupSignals) -> None:
        super().__init__()
        self.context = context
        self.signals = signals

    def run(self) -> None:
        self.signals.finished.emit(backup_now(self.context))


def backup_now(context: AppContext) -> str:
    """One automatic backup; what happened, in a sentence (a failure is logged, never raised)."""
    folder = backup_folder(context)
    try:
        info = context.services(automatic_backup, folder=folder, keep=context.preferences.backup_keep)
    except DoorstepError as error:
        log.warning("automatic backup failed: %s", error)
        return str(error)
    except Exception:  # a bug must not pass unseen on a worker thread: said, and in the log
        log.exception("automatic backup failed")
        return "自动备份没有完成，详情已写入日志"
    return f"已自动备份到 {info.path}"


def start_daily_backup(context: AppContext) -> BackupSignals | None:
    """If the settings ask for it and today has none yet, take the day's backup in the background."""
    prefs = context.preferences
    if not prefs.backup_daily or not backup_due_today(backup_folder(context), context.station.code):
        return None
    signals = BackupSignals()
    QThreadPool.globalInstance().start(_Backup(context, signals))
    return signals


def backup_on_exit(context: AppContext) -> str | None:
    """The backup on exit, if the settings ask for it: None when not asked, else what happened."""
    if not context.preferences.backup_on_exit:
        return None
    return backup_now(context)

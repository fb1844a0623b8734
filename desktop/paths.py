"""Where Doorstep keeps its files: one module for paths (qutebrowser's standarddir).

Tests point everything at a temporary folder by setting ``DOORSTEP_HOME``.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Doorstep"


def _root(kind: str) -> Path:
    home = os.environ.get("DOORSTEP_HOME")
    if home:
        return Path(home) / kind
    if kind == "data":
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if kind == "config":
        return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    if kind == "cache":
        return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return _root("data")


def config_dir() -> Path:
    return _root("config")


def log_dir() -> Path:
    return _root("log")


def cache_dir() -> Path:
    """Files that can be rebuilt at any time (e.g. the region-name table read from python-stdnum)."""
    return _root("cache")


def default_database() -> Path:
    return data_dir() / "doorstep.sqlite"


def backup_dir() -> Path:
    return data_dir() / "backups"


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that a crash leaves either the old or the new content, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)

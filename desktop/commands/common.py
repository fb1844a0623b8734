"""What every subcommand shares: opening the database named by ``--db`` and acting as its user."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.paths import backup_dir, default_database
from desktop.services.station import default_actor
from models.audit import Actor
from models.database import Database, open_database
from models.errors import DatabaseError


def database_path(args: argparse.Namespace) -> Path | str:
    return args.db or default_database()


def open_existing(args: argparse.Namespace) -> Database:
    target = database_path(args)
    if "://" not in str(target) and not Path(target).exists():
        raise DatabaseError(f"数据库文件 {target} 不存在；先运行 doorstep init --db {target} 建立服务站")
    return open_database(target, create=False, backup_dir=None if args.db else backup_dir())


def open_as_station(args: argparse.Namespace) -> tuple[Database, Actor]:
    db = open_existing(args)
    return db, default_actor(db)

"""backup, restore: the station's database to a backup file and back (docs/backup.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.commands.common import database_path, open_as_station
from desktop.paths import backup_dir
from desktop.services.backup import back_up, restore_backup


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("backup", parents=[common], help="备份数据库（SQLite 在线备份，可在程序运行时进行）")
    p.add_argument("--out", required=True, help="备份文件，或放备份的文件夹（例如U盘）")
    p.set_defaults(run=run_backup)

    p = sub.add_parser(
        "restore", parents=[common], help="从备份恢复数据库（先检查备份，并先备份现在的数据库）"
    )
    p.add_argument("backup", help="备份文件")
    p.add_argument("--safety-dir", help="恢复前备份现在数据库的文件夹（默认：数据库旁的 backups）")
    p.set_defaults(run=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    db, actor = open_as_station(args)
    try:
        info = back_up(db, actor, out=Path(args.out).expanduser())
    finally:
        db.close()
    print(f"已备份 {info.station_name}（{info.station_code}，{info.entrepreneurs} 人）到 {info.path}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    target = Path(database_path(args)).expanduser()
    if args.safety_dir:
        safety = Path(args.safety_dir).expanduser()
    else:
        safety = target.parent / "backups" if args.db else backup_dir()
    result = restore_backup(Path(args.backup).expanduser(), target=target, safety_folder=safety)
    print(f"已从 {result.restored.path.name} 恢复：{result.restored.label}")
    if result.safety_copy is not None:
        print(f"恢复前的数据库已备份到 {result.safety_copy}")
    return 0

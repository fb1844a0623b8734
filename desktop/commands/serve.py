"""`doorstep hq serve`: HQ's intake page, where a station online now and then uploads its package and
downloads its reply (docs/intake.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.commands.common import database_path, open_existing


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = commands.add_parser(
        "serve", parents=[common], help="启动总部数据接收页：服务站在网页上上传同步包、下载回复包"
    )
    p.add_argument("--bind", default="127.0.0.1:8080", help="监听的地址和端口（默认 127.0.0.1:8080）")
    p.add_argument(
        "--origin",
        default=None,
        help="服务站访问本页的网址，例如 https://hq.example.cn（默认 http://监听地址；经反向代理时必须给出）",
    )
    p.add_argument("--folder", type=Path, default=None, help="存放回复包和访问日志的文件夹（默认在数据库旁）")
    p.add_argument("--max-upload-mb", type=float, default=512.0, help="一个同步包的大小上限（MB，默认 512）")
    p.add_argument("--requests-per-minute", type=int, default=60, help="每个客户端地址每分钟的请求数上限")
    p.add_argument("--uploads-per-hour", type=int, default=12, help="每个服务站每小时登录和上传的次数上限")
    p.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    import sys

    from desktop.services.hq.intake.app import build_app
    from desktop.services.hq.intake.server import bind, origin_of, parse_bind, run
    from desktop.services.hq.intake.settings import MIB, IntakeSettings, Rate, default_folder
    from models.errors import ValidationError

    if args.max_upload_mb <= 0 or args.requests_per_minute < 1 or args.uploads_per_hour < 1:
        raise ValidationError("限额", "", "大小上限和次数上限都必须大于 0")
    host, port = parse_bind(args.bind)
    db = open_existing(args)
    try:
        sock = bind(host, port)
        settings = IntakeSettings(
            db=str(database_path(args)),
            folder=args.folder or default_folder(str(database_path(args))),
            origin=origin_of(sock, args.origin),
            max_upload_bytes=int(args.max_upload_mb * MIB),
            per_address=Rate(args.requests_per_minute, 60.0),
            per_station=Rate(args.uploads_per_hour, 3600.0),
        )
        app = build_app(settings, db)

        def ready() -> None:
            print(f"总部数据接收页已启动：{settings.origin}/", flush=True)
            print(f"访问日志：{settings.access_log}（按 Ctrl+C 停止）", file=sys.stderr, flush=True)

        run(app, sock, ready)
    finally:
        db.close()
    return 0

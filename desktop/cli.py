"""The `doorstep` command line (DESIGN.md). Exit status: 0 done; 1 input or data refused; 2 usage."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop.commands import AREAS
from models.errors import DoorstepError

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=str, default=None, help="数据库文件（默认在用户数据目录）")
    parser = argparse.ArgumentParser(
        prog="doorstep", description="家门口创业服务台 Doorstep", parents=[common]
    )
    sub = parser.add_subparsers(dest="command", metavar="命令")
    gui = sub.add_parser("gui", parents=[common], help="打开桌面程序（默认）")
    gui.set_defaults(run=None)
    selftest = sub.add_parser("selftest", parents=[common], help="在后台启动界面，打开每个页面后退出")
    selftest.set_defaults(run=None)
    for area in AREAS:
        area.register(sub, common)
    return parser


def run_headless(args: argparse.Namespace) -> int:
    """Run a subcommand that needs no GUI; refused input is reported in Chinese, never a traceback."""
    try:
        code: int = args.run(args)
        return code
    except DoorstepError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    except OSError as error:
        name = Path(error.filename).name if error.filename else ""
        print(f"错误：无法读写文件 {name}：{error.strerror or error}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.error("这个命令需要图形界面，请通过 doorstep gui 运行")
    return run_headless(args)

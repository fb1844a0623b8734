"""`doorstep hq exchange-export` and `doorstep hq exchange-import`: the exchange workbook with provincial and
national systems (docs/exchange.md). Exit 0 done; 1 refused, nothing changed (the reason on stderr)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.commands.common import open_existing
from desktop.jobs import JobState
from desktop.services.hq.exchange import export_exchange, import_exchange
from desktop.services.station import acting_user


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Adds to `doorstep hq …` (made by :mod:`desktop.commands.sync`, registered before this module)."""
    commands = _hq_commands(sub)
    p = commands.add_parser(
        "exchange-export",
        parents=[common],
        help="导出交换工作簿（xlsx，供省、国家级系统接收；列说明见 docs/exchange.md）",
    )
    p.add_argument("--out", required=True, type=Path, help="工作簿文件（.xlsx）")
    p.add_argument(
        "--station",
        action="append",
        default=[],
        dest="stations",
        metavar="CODE",
        help="只导出这个服务站的记录（可重复；默认全部）",
    )
    p.add_argument("--masked", action="store_true", help="遮蔽身份证号码等个人信息（这样的工作簿不能导入）")
    p.set_defaults(run=run_exchange_export)
    p = commands.add_parser(
        "exchange-import", parents=[common], help="导入交换工作簿：全部检查无误才写入，否则不做任何更改"
    )
    p.add_argument("workbook", type=Path, help="交换工作簿文件（.xlsx）")
    p.set_defaults(run=run_exchange_import)


def _hq_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    hq = sub.choices["hq"]
    for action in hq._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("doorstep hq has no subcommands")  # pragma: no cover - sync registers them first


def _progress() -> JobState:
    def report(done: int, total: int, message: str) -> None:
        if message and not message.startswith("正在写出"):  # one line per sheet, not per thousand rows
            print(message, file=sys.stderr)

    return JobState(report)


def run_exchange_export(args: argparse.Namespace) -> int:
    db = open_existing(args)
    try:
        summary = export_exchange(
            db, acting_user(db), out=args.out, stations=args.stations, reveal=not args.masked, job=_progress()
        )
    finally:
        db.close()
    print(summary.text())
    return 0


def run_exchange_import(args: argparse.Namespace) -> int:
    db = open_existing(args)
    try:
        summary = import_exchange(db, acting_user(db), path=args.workbook, job=JobState())
    finally:
        db.close()
    print(summary.text())
    return 0

"""init, demo, check: the station's database from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from desktop.commands.common import database_path, open_existing
from desktop.demo import generate_demo
from desktop.services.check import check_database
from desktop.services.station import init_station, operator
from models.database import open_database


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("init", parents=[common], help="建立服务站数据库")
    p.add_argument("--station", help="服务站编码：6 位行政区划代码 + 3 位站点序号（用登记包时可省）")
    p.add_argument("--station-name", help="服务站名称（用登记包时可省）")
    p.add_argument(
        "--enroll", type=Path, help="总部发来的登记包：服务站的编码、名称、总部的密钥和参考数据都从中来"
    )
    p.set_defaults(run=run_init)

    p = sub.add_parser("demo", parents=[common], help="生成演示数据")
    p.add_argument("--entrepreneurs", type=int, default=500, help="创业者人数（默认 500）")
    p.add_argument("--seed", type=int, default=1, help="随机种子：同一种子生成同样的数据")
    p.set_defaults(run=run_demo)

    p = sub.add_parser("check", parents=[common], help="检查数据库完整性与结构版本")
    p.add_argument("--json", action="store_true", help="以 JSON 输出，便于脚本处理")
    p.set_defaults(run=run_check)


def run_init(args: argparse.Namespace) -> int:
    if args.enroll:
        return _init_enrolled(args)
    if not args.station or not args.station_name:
        print("请给出 --station 和 --station-name，或用 --enroll 指定总部发来的登记包", file=sys.stderr)
        return 2
    db = open_database(database_path(args))
    try:
        info = init_station(db, operator(args.station), code=args.station, name=args.station_name)
    finally:
        db.close()
    print(f"已建立服务站 {info.code} {info.name}（{info.region_label}），数据库：{database_path(args)}")
    return 0


def _init_enrolled(args: argparse.Namespace) -> int:
    from desktop.services.sync import enrol_station

    db = open_database(database_path(args))
    try:
        info = enrol_station(db, operator(), path=args.enroll)
    finally:
        db.close()
    if args.station and args.station != info.code:
        print(f"注意：登记包是发给服务站 {info.code} 的，已按登记包建立", file=sys.stderr)
    print(
        f"已用登记包建立服务站 {info.code} {info.name}（{info.region_label}），数据库：{database_path(args)}"
    )
    return 0


def run_demo(args: argparse.Namespace) -> int:
    if args.entrepreneurs < 0:
        print("--entrepreneurs 应为不小于 0 的整数", file=sys.stderr)
        return 2
    db = open_database(database_path(args))
    try:
        summary = generate_demo(db, entrepreneurs=args.entrepreneurs, seed=args.seed)
    finally:
        db.close()
    print("演示数据已生成：" + "，".join(f"{label} {count}" for label, count in summary.items()))
    return 0


def run_check(args: argparse.Namespace) -> int:
    db = open_existing(args)
    try:
        report = check_database(db, operator())
    finally:
        db.close()
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        print(f"服务站：{report.station or '（未建立）'}")
        print(f"结构版本：{', '.join(report.schema)}（程序：{', '.join(report.expected_schema)}）")
        for table, count in report.counts.items():
            gone = report.deleted.get(table, 0)
            print(f"  {table}: {count}" + (f"（其中回收站 {gone}）" if gone else ""))
        print("完整性：正常" if report.ok else "发现问题：\n  " + "\n  ".join(report.integrity))
    return 0 if report.ok else 1

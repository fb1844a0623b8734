"""`doorstep sync …` (a station's exchange with HQ, or HQ applying station packages) and `doorstep hq …`
(headquarters: its database, enrolling stations, replies, transfers). Exit 1 = refused, nothing changed."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.commands.common import database_path, open_existing
from desktop.commands.serve import register as register_serve
from desktop.services import sync
from desktop.services.station import acting_user
from desktop.services.sync.hq_side import hq_actor
from desktop.services.sync.node import DEFAULT_HQ_CODE
from models.audit import Actor
from models.database import Database, open_database


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = sub.add_parser("sync", parents=[common], help="与总部交换数据包（数据同步）")
    commands = group.add_subparsers(dest="sync_command", metavar="操作", required=True)
    p = commands.add_parser("export", parents=[common], help="写出本站的下一个同步包，打印其路径")
    p.add_argument("--out", required=True, type=Path, help="写到哪个文件夹（U 盘等）")
    p.set_defaults(run=run_export)
    p = commands.add_parser(
        "import", parents=[common], help="导入数据包：服务站导入总部回复，总部导入服务站的包"
    )
    p.add_argument("package", type=Path, help="数据包文件（.dsync）")
    p.set_defaults(run=run_import)
    p = commands.add_parser("status", parents=[common], help="已发送、已确认、待发送、等待队列和冲突")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(run=run_status)
    p = commands.add_parser(
        "sign-in", parents=[common], help="网页登录：为总部接收页上的挑战码生成本站的应答码"
    )
    p.add_argument("challenge", help="总部接收页上显示的挑战码（含 @ 和网址）")
    p.set_defaults(run=run_sign_in)
    p = commands.add_parser(
        "upload", parents=[common], help="在线同步：登录总部接收页，上传下一个同步包，下载并导入总部的回复包"
    )
    p.add_argument("--url", required=True, help="总部接收页的网址，例如 http://192.0.2.10:8080")
    p.set_defaults(run=run_upload)
    try:
        from desktop.sync_sim.cli import register as register_simulation
    except ImportError:  # pragma: no cover - the simulation ships with the program
        pass
    else:
        register_simulation(commands, common)

    group = sub.add_parser("hq", parents=[common], help="总部：数据库、登记服务站、回复包、调档")
    commands = group.add_subparsers(dest="hq_command", metavar="操作", required=True)
    p = commands.add_parser(
        "init", parents=[common], help="建立总部数据库（SQLite 文件或 postgresql:// 地址）"
    )
    p.add_argument("--code", default=DEFAULT_HQ_CODE, help=f"总部的编码（默认 {DEFAULT_HQ_CODE}）")
    p.add_argument("--name", default="总部", help="总部名称，例如：西湖区公共就业服务中心")
    p.set_defaults(run=run_hq_init)
    p = commands.add_parser("enroll", parents=[common], help="为新服务站写登记包")
    p.add_argument("code", help="服务站编码（9 位）")
    p.add_argument("--name", default="", help="服务站名称")
    p.add_argument("--out", required=True, type=Path, help="登记包文件")
    p.set_defaults(run=run_hq_enroll)
    p = commands.add_parser("reply", parents=[common], help="为服务站写回复包")
    p.add_argument("code", help="服务站编码")
    p.add_argument("--out", required=True, type=Path, help="写到哪个文件夹")
    p.set_defaults(run=run_hq_reply)
    p = commands.add_parser("transfer", parents=[common], help="把一份档案（连同其历史）调到另一个服务站")
    p.add_argument("entrepreneur_id", help="档案的记录编号")
    p.add_argument("--to", required=True, dest="to_station", help="调入的服务站编码")
    p.set_defaults(run=run_hq_transfer)
    p = commands.add_parser("revoke", parents=[common], help="吊销服务站的密钥：此后它的数据包一律拒收")
    p.add_argument("code", help="服务站编码")
    p.set_defaults(run=run_hq_revoke)
    register_serve(commands, common)


@contextmanager
def _acting(args: argparse.Namespace) -> Iterator[tuple[Database, Actor]]:
    """The database named by ``--db``, and who acts on it (HQ's user at HQ, the station user at a
    station); closed when the command is done."""
    db = open_existing(args)
    try:
        yield db, acting_user(db)
    finally:
        db.close()


def run_export(args: argparse.Namespace) -> int:
    with _acting(args) as (db, actor):
        written = sync.export_package(db, actor, out_dir=args.out)
    print(written.path)
    print("\n".join(written.lines()), file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    with _acting(args) as (db, actor):
        receipt = sync.import_package(db, actor, path=args.package)
    print("\n".join(receipt.lines()))
    return 0


def run_status(args: argparse.Namespace) -> int:
    with _acting(args) as (db, actor):
        status = sync.sync_status(db, actor)
    if args.json:
        print(json.dumps(status.as_json(), ensure_ascii=False, indent=2))
        return 0
    if not status.enrolled:
        print("这个数据库还没有加入数据同步")
        return 0
    print(f"{'总部' if status.role == 'hq' else '服务站'} {status.code}（第 {status.epoch} 纪元）")
    for peer in status.peers:
        print(
            f"  {peer.code} {peer.name}：已发出 {peer.sent_seq} 号包，已收到 {peer.received_seq} 号包，"
            + (
                f"待总部确认的变更 {peer.pending} 条"
                if status.role != "hq"
                else f"已收到其变更至 {peer.acked_seq}"
            )
            + (f"；第 {'、'.join(map(str, peer.gaps))} 号包尚未收到" if peer.gaps else "")
            + (f"；{peer.held} 个包等待补齐" if peer.held else "")
        )
    print(
        f"冲突 {status.open_conflicts} 处，等待队列 {status.waiting} 条，隔离 {status.quarantined} 条，"
        f"通知 {status.notices} 条"
    )
    return 0


def run_sign_in(args: argparse.Namespace) -> int:
    with _acting(args) as (db, actor):
        signed = sync.sign_in_answer(db, actor, challenge=args.challenge)
    print(signed.answer)
    print(f"服务站 {signed.station} 登录 {signed.origin} 的应答码：请粘贴到该网页上", file=sys.stderr)
    return 0


def run_upload(args: argparse.Namespace) -> int:
    with _acting(args) as (db, actor):
        outcome = sync.upload_online(db, actor, url=args.url)
    print("\n".join(outcome.lines()))
    return 0


def run_hq_init(args: argparse.Namespace) -> int:
    target = database_path(args)
    db = open_database(target)
    try:
        sync.init_hq(db, hq_actor(args.code), code=args.code, name=args.name)
    finally:
        db.close()
    print(f"已建立总部数据库 {args.code} {args.name}：{target}")
    return 0


def run_hq_enroll(args: argparse.Namespace) -> int:
    with _acting(args) as (db, actor):
        path = sync.enroll_station(db, actor, code=args.code, name=args.name, out=args.out)
    print(path)
    print(
        f"已写出服务站 {args.code} 的登记包：在服务站运行 doorstep init --enroll {path.name}", file=sys.stderr
    )
    return 0


def run_hq_reply(args: argparse.Namespace) -> int:
    with _acting(args) as (db, actor):
        written = sync.write_hq_reply(db, actor, code=args.code, out_dir=args.out)
    print(written.path)
    print("\n".join(written.lines()), file=sys.stderr)
    return 0


def run_hq_transfer(args: argparse.Namespace) -> int:
    with _acting(args) as (db, actor):
        sync.transfer_file(db, actor, entrepreneur_id=args.entrepreneur_id, to_station=args.to_station)
    print(f"已把档案调至服务站 {args.to_station}：它的下一个回复包会带上这份档案及其全部历史")
    return 0


def run_hq_revoke(args: argparse.Namespace) -> int:
    with _acting(args) as (db, actor):
        sync.revoke_station(db, actor, code=args.code)
    print(f"已吊销服务站 {args.code} 的密钥")
    return 0

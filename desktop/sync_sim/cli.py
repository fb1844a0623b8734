"""`doorstep sync simulate`: registered under the `sync` group by :mod:`desktop.commands.sync`.
Exit 0 when every station and HQ agree and every change is accounted for; 1 otherwise, printing the seed
and the first disagreement (docs/simulation.md)."""

from __future__ import annotations

import argparse
from pathlib import Path


def _chance(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"概率应在 0 到 1 之间：{text}")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}")
    return value


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser | None = None
) -> None:
    from desktop.sync_sim.driver import EPOCH_MODES, SimConfig

    default = SimConfig()
    p = sub.add_parser(
        "simulate",
        parents=[common] if common is not None else [],
        help="收敛模拟：总部与多个服务站在临时数据库上随机操作、经有故障的通道交换数据包，最后核对是否一致",
    )
    p.add_argument("--stations", type=_count, default=default.stations, help="服务站个数")
    p.add_argument("--rounds", type=_count, default=default.rounds, help="交换的轮数")
    p.add_argument("--seed", type=int, default=default.seed, help="随机种子：同一种子重现同一次运行")
    p.add_argument("--loss", type=_chance, default=default.loss, help="数据包丢失的概率")
    p.add_argument("--duplicate", type=_chance, default=default.duplicate, help="数据包送达两次的概率")
    p.add_argument("--reorder", type=_chance, default=default.reorder, help="数据包延迟、乱序的概率")
    p.add_argument("--restore", type=_chance, default=default.restore, help="每轮服务站从旧备份恢复的概率")
    p.add_argument("--actions", type=_count, default=default.actions, help="每个服务站每轮最多几次操作")
    p.add_argument(
        "--epoch",
        choices=EPOCH_MODES,
        default=default.epoch_on_restore,
        help="恢复后的新纪元：service 恢复时开始，detect 靠总部回复发现，mixed 按种子二者皆有",
    )
    p.add_argument(
        "--eager-after-restore",
        action="store_true",
        help="恢复后不等总部发回丢失的档案就建新档案（会重复使用档案号，见 docs/simulation.md）",
    )
    p.add_argument("--hq", default=None, help="总部数据库：空的 postgresql:// 数据库地址（默认 SQLite）")
    p.add_argument("--workdir", type=Path, default=None, help="临时数据库放在哪个文件夹")
    p.add_argument("--keep", action="store_true", help="保留临时数据库和数据包以便查看")
    p.set_defaults(run=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    from desktop.sync_sim.driver import SimConfig, simulate

    config = SimConfig(
        stations=args.stations,
        rounds=args.rounds,
        seed=args.seed,
        loss=args.loss,
        duplicate=args.duplicate,
        reorder=args.reorder,
        restore=args.restore,
        hq_url=args.hq,
        actions=args.actions,
        epoch_on_restore=args.epoch,
        wait_after_restore=not args.eager_after_restore,
        workdir=args.workdir,
        keep=args.keep,
    )
    result = simulate(config)
    print("\n".join(result.lines()))
    return 0 if result.ok else 1

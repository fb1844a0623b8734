"""`doorstep sync …`. PLACEHOLDER from branch h/sim: only the group and the simulation's hook, so that
`doorstep sync simulate` runs on this branch; the lead's desktop/commands/sync.py (export, import,
status, hq …) replaces this file whole at the merge (it calls the same hook)."""

from __future__ import annotations

import argparse


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = sub.add_parser("sync", parents=[common], help="与总部交换数据包（数据同步）")
    commands = group.add_subparsers(dest="sync_command", metavar="操作", required=True)
    from desktop.sync_sim.cli import register as register_simulation

    register_simulation(commands, common)

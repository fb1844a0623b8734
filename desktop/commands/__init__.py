"""Subcommands of `doorstep`, one module per area. Each module has ``register(subparsers, common)``.

`print FORM` and `export-excel KIND` are shared: areas add their forms and kinds to the registries in
:mod:`desktop.commands.registry` instead of adding subcommands.
"""

from __future__ import annotations

from types import ModuleType

from desktop.commands import backup, core, exchange, ledger, outputs, policy, sync, training, visits

AREAS: list[ModuleType] = [core, backup, outputs, visits, training, policy, ledger, sync, exchange]

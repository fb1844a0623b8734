"""Imports every area's service module so their workbench sources and registries are in place.

The GUI and the CLI import this once at start-up.
"""

from __future__ import annotations

from desktop.services import (
    applications,
    entrepreneurs,
    exports,
    ledger_import,
    monthly,
    policy,
    timeline,
    visits,
    workbench,
)

# isort: split
# After visits: the sources register in the order they do in the GUI (applications, visits, training).
from desktop.services import training

__all__ = [
    "applications",
    "entrepreneurs",
    "exports",
    "ledger_import",
    "monthly",
    "policy",
    "timeline",
    "training",
    "visits",
    "workbench",
]

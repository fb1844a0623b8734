"""Imports every area's service module so their workbench sources and registries are in place.

The GUI and the CLI import this once at start-up.
"""

from __future__ import annotations

from desktop.services import (
    applications,
    entrepreneurs,
    exports,
    ledger,
    mentors,
    policy,
    reports_monthly,
    timeline,
    tracking,
    training,
    visits,
    workbench,
)

__all__ = [
    "applications",
    "entrepreneurs",
    "exports",
    "ledger",
    "mentors",
    "policy",
    "reports_monthly",
    "timeline",
    "tracking",
    "training",
    "visits",
    "workbench",
]

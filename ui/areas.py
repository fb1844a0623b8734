"""Imports every area's GUI package so their pages, file tabs and global actions are registered.

One entry per area package. The order is the order of the file's tabs (UI.md: 走访记录, 培训, 政策与补贴).
Imported once at start-up, after the services' registries (desktop/services/areas.py).
"""

from __future__ import annotations

import importlib

AREA_PACKAGES = ("visits", "training", "policy", "workbench")

for _name in AREA_PACKAGES:
    importlib.import_module(f"ui.{_name}")

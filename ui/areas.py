"""Imports every area's GUI package so their pages, file tabs and global actions are registered.

One entry per area package. The order is the order of the file's tabs (UI.md: 走访记录, 培训, 政策与补贴).
Imported once at start-up; cheap, since each page's module is imported when the page is first built.
The services' registries (desktop/services/areas.py: SQLAlchemy, every mapped table, the workbench's
sources) are loaded by :func:`load_services`, once the window shows its list, or before anything
that needs them.
"""

from __future__ import annotations

import importlib

AREA_PACKAGES = ("visits", "training", "policy", "workbench")

for _name in AREA_PACKAGES:
    importlib.import_module(f"ui.{_name}")


def load_services() -> None:
    """Every area's services and their registries (idempotent; the first call takes about a second)."""
    import desktop.services.areas  # noqa: F401

"""Every area's GUI package (pages, file tabs, global actions) and services (their registries).

One entry per area package. The order is the order of the file's tabs (UI.md: 走访记录, 培训, 政策与补贴).
:func:`load_areas` imports them once: after the window has painted its entrepreneur list at start-up
(ui/app.py), or before anything that needs them — another page, a file, a search. It also registers
the font faces that start-up left for later (:func:`ui.style.register_fonts`). The navigation's
labels and icons are known without them (ui/pages.py).
"""

from __future__ import annotations

import importlib

from ui.style import register_deferred_fonts

AREA_PACKAGES = ("visits", "training", "policy", "workbench")


def load_areas() -> None:
    """Idempotent; the first call takes about a second (SQLAlchemy, every mapped table, the services)."""
    for name in AREA_PACKAGES:
        importlib.import_module(f"ui.{name}")
    from desktop.services.areas import registry

    registry()  # every area's services, asked once for what they bring
    register_deferred_fonts()  # the rest of CJK Extension B, for names on other pages and in files

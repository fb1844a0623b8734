"""Item data roles and alignment flags as the integers Qt defines, for the code of the first screen.

Naming a value through PySide's ``Qt`` namespace (``Qt.ItemDataRole.UserRole``) makes PySide build all
94 of that namespace's enums at once: about 120 million instructions, 15–25 ms on a station PC, before
the entrepreneur list could paint. So the modules that build and paint the first screen (ui/app.py,
stage 8) use these integers, their look comes from the style sheet (``qproperty-…``), and what needs a
``Qt`` value and is not seen on the first frame waits for it (``EntrepreneurListPage._after_first_paint``).
tests/ui/test_startup.py checks that the list paints without the namespace; tests/ui/test_models.py
that these are Qt's values.
"""

from __future__ import annotations

from typing import Final

FIRST_SCREEN: Final = (
    "ui",
    "ui.app",
    "ui.areas",
    "ui.entrepreneurs",
    "ui.entrepreneurs.list_model",
    "ui.entrepreneurs.list_page",
    "ui.entrepreneurs.query_bar",
    "ui.entrepreneurs.search_popup",
    "ui.icons",
    "ui.main_window",
    "ui.overrides",
    "ui.pages",
    "ui.roles",
    "ui.style",
    "ui.widgets",
    "ui.widgets.chip_label",
    "ui.widgets.columns",
    "ui.widgets.dialogs",
    "ui.widgets.empty_state",
    "ui.widgets.first_paint",
    "ui.widgets.page_cache",
)
"""The modules that build and paint the first screen: only these may name Qt's values by integer (the
names below but :data:`TONE_ROLE`); tests/unit/test_first_screen.py checks it, and tests/ui/test_startup.py
that no other module of ``ui`` is loaded when the list first paints. Every other module uses plain Qt."""

DISPLAY_ROLE: Final = 0
TOOLTIP_ROLE: Final = 3
TEXT_ALIGNMENT_ROLE: Final = 7
USER_ROLE: Final = 256
TONE_ROLE: Final = USER_ROLE + 10
"""Ours: a cell drawn as a chip gives its :class:`~ui.style.Tone`'s name (ui/widgets/chips.py)."""

ALIGN_LEFT_MIDDLE: Final = 0x0081  # AlignLeft | AlignVCenter
ALIGN_CENTER: Final = 0x0084  # AlignHCenter | AlignVCenter

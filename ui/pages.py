"""The eight areas of the left navigation (UI.md), in order. Each area's package replaces its page here.

A page is a QWidget built by ``factory(context, parent)``. It may define ``refresh()`` (called each time
it is shown) and ``status_text() -> str`` (shown in the status bar). Global actions (e.g. Ctrl+Shift+V
quick visit entry) are added by the functions in :data:`GLOBAL_ACTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtWidgets import QWidget

from desktop.context import AppContext
from models.errors import DoorstepError

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class PageSpec(NamedTuple):
    key: str
    label: str
    icon: str  # a Material Design icon name, e.g. "mdi6.account-box-multiple-outline" (ui/icons.py)
    factory: Callable[[AppContext, QWidget | None], QWidget]
    needs_areas: bool = True
    """False only for a page that needs no other area and no ORM: the entrepreneur list, shown at
    start-up before the areas are loaded (ui/areas.py, ui/app.py)."""


def _planned(title: str, text: str) -> Callable[[AppContext, QWidget | None], QWidget]:
    def build(_context: AppContext, parent: QWidget | None) -> QWidget:
        from ui.widgets.planned import PlannedPage

        return PlannedPage(title, text, parent)

    return build


def _area(label: str) -> Callable[[AppContext, QWidget | None], QWidget]:
    """Stands in for an area's page until the area's package replaces it (ui/areas.py)."""

    def build(_context: AppContext, _parent: QWidget | None) -> QWidget:
        raise DoorstepError(f"{label}没有载入，请重新安装 Doorstep")

    return build


def _statistics(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.statistics.page import StatisticsPage

    return StatisticsPage(context, parent)


def _settings(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.settings.page import SettingsPage

    return SettingsPage(context, parent)


def _sync(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.sync.page import SyncPage

    return SyncPage(context, parent)


def _entrepreneurs(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.entrepreneurs.list_page import EntrepreneurListPage

    return EntrepreneurListPage(context, parent)


PAGES: list[PageSpec] = [
    PageSpec("workbench", "工作台", "mdi6.view-dashboard-outline", _area("工作台")),
    PageSpec(
        "entrepreneurs",
        "创业者档案",
        "mdi6.card-account-details-outline",
        _entrepreneurs,
        needs_areas=False,
    ),
    PageSpec("visits", "导师走访", "mdi6.account-tie-voice-outline", _area("导师走访")),
    PageSpec("training", "培训", "mdi6.school-outline", _area("培训")),
    PageSpec("policy", "政策与补贴", "mdi6.file-document-check-outline", _area("政策与补贴")),
    PageSpec(
        "statistics",
        "统计报表",
        "mdi6.chart-box-outline",
        _statistics,
    ),
    PageSpec(
        "sync",
        "数据同步",
        "mdi6.swap-horizontal-bold",
        _sync,
    ),
    PageSpec(
        "settings",
        "设置",
        "mdi6.cog-outline",
        _settings,
    ),
]

GLOBAL_ACTIONS: list[Callable[[MainWindow], None]] = []


def replace_page(spec: PageSpec) -> None:
    """Swap a planned page for the real one (used by each area's package)."""
    for index, existing in enumerate(PAGES):
        if existing.key == spec.key:
            PAGES[index] = spec
            return
    raise KeyError(spec.key)

"""The eight areas of the left navigation (UI.md), in order. Each area's package adds its page here.

A page is a QWidget built by ``factory(context, parent)``. It may define ``refresh()`` (called each time
it is shown) and ``status_text() -> str`` (shown in the status bar). Global actions (e.g. Ctrl+Shift+V
quick visit entry) are added by the functions in :data:`GLOBAL_ACTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop.context import AppContext

if TYPE_CHECKING:
    from ui.main_window import MainWindow


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str
    icon: str  # a Material Design icon name, e.g. "mdi6.account-box-multiple-outline" (ui/icons.py)
    factory: Callable[[AppContext, QWidget | None], QWidget]
    needs_services: bool = True
    """False only for a page that reads without the ORM (the entrepreneur list, shown at start-up
    before every area's services are loaded, see ui/app.py)."""


def _planned(title: str, text: str) -> Callable[[AppContext, QWidget | None], QWidget]:
    def build(_context: AppContext, parent: QWidget | None) -> QWidget:
        from ui.widgets.planned import PlannedPage

        return PlannedPage(title, text, parent)

    return build


def _statistics(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.statistics.page import StatisticsPage

    return StatisticsPage(context, parent)


def _entrepreneurs(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.entrepreneurs.list_page import EntrepreneurListPage

    return EntrepreneurListPage(context, parent)


PAGES: list[PageSpec] = [
    PageSpec(
        "workbench",
        "工作台",
        "mdi6.view-dashboard-outline",
        _planned(
            "工作台",
            "本月数字和今天要办的事（逾期跟进、本周走访、到期贷款、待办申请、今日课程）将随导师走访功能一起提供。",
        ),
    ),
    PageSpec(
        "entrepreneurs",
        "创业者档案",
        "mdi6.card-account-details-outline",
        _entrepreneurs,
        needs_services=False,
    ),
    PageSpec(
        "visits",
        "导师走访",
        "mdi6.account-tie-voice-outline",
        _planned(
            "导师走访", "导师库、走访记录和跟踪陪跑将在下一项功能中提供（5号文 (五)(十)，推进行动 计划3）。"
        ),
    ),
    PageSpec(
        "training",
        "培训",
        "mdi6.school-outline",
        _planned(
            "培训", "马兰花创业培训的班级、课次、考勤和结业将在后续功能中提供（5号文 (二)，推进行动 计划4）。"
        ),
    ),
    PageSpec(
        "policy",
        "政策与补贴",
        "mdi6.file-document-check-outline",
        _planned(
            "政策与补贴",
            "政策资格判断、补贴和创业担保贷款申请及打印将在后续功能中提供（5号文 (十五)(十六)(十七)）。",
        ),
    ),
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
        _planned("数据同步", "与总部交换数据包（导出、导入、签名和加密）将在后续功能中提供。"),
    ),
    PageSpec(
        "settings",
        "设置",
        "mdi6.cog-outline",
        _planned("设置", "用户与权限、服务站设置、备份与恢复将在后续功能中提供。"),
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

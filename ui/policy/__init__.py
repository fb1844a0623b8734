"""政策与补贴 area of the GUI: the applications page, the file's 政策与补贴 tab (eligibility panel and the
person's applications), the application form, print preview (QtPdf) and batch printing.

Importing the package registers the page (replacing the planned one in :mod:`ui.pages`) and the file tab
(:data:`ui.entrepreneurs.file_tabs.FILE_TABS`). Other areas open an application with
``window.show_page("policy").open_application(application_id)`` (the workbench's 贷款到期 / 申请待办,
``open_kind`` ``application``). Policy background: 5号文 (十)(十五)(十六)(十七)(十八), 推进行动 计划5/7/8.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.context import AppContext
from ui.entrepreneurs.file_tabs import FILE_TABS
from ui.pages import PAGES, PageSpec, replace_page


def _page(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.policy.page import PolicyPage

    return PolicyPage(context, parent)


def _file_tab(context: AppContext, entrepreneur_id: str, parent: QWidget | None) -> tuple[str, QWidget]:
    from ui.policy.eligibility import policy_tab

    return policy_tab(context, entrepreneur_id, parent)


def register() -> None:
    """Idempotent: put the real 政策与补贴 page and the file's 政策与补贴 tab in place."""
    spec = next(s for s in PAGES if s.key == "policy")
    if spec.factory is not _page:
        replace_page(PageSpec("policy", spec.label, spec.icon, _page))
    if _file_tab not in FILE_TABS:
        FILE_TABS.append(_file_tab)


register()

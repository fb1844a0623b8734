"""工作台 in the GUI: the page replaces the planned one when this package is imported (ui/areas.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.context import AppContext
from ui.pages import PAGES, PageSpec, replace_page


def _page(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.workbench.page import WorkbenchPage

    return WorkbenchPage(context, parent)


def register() -> None:
    spec = next(s for s in PAGES if s.key == "workbench")
    if spec.factory is not _page:
        replace_page(PageSpec(spec.key, spec.label, spec.icon, _page))


register()

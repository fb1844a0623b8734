"""培训 area of the GUI: classes, roster, schedule, attendance grid, completion; the 培训 tab of a file.

Importing the package registers the page (replacing the planned one in :mod:`ui.pages`) and the file tab
(:data:`ui.entrepreneurs.file_tabs.FILE_TABS`). Other areas open a class with
``window.show_page("training").open_class(class_id)`` (e.g. the workbench's 今日课程, ``open_kind``
``training_class``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.context import AppContext
from ui.entrepreneurs.file_tabs import FILE_TABS
from ui.pages import PAGES, PageSpec, replace_page


def _page(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.training.page import TrainingPage

    return TrainingPage(context, parent)


def _file_tab(context: AppContext, entrepreneur_id: str, parent: QWidget | None) -> tuple[str, QWidget]:
    from ui.training.file_tab import training_tab

    return training_tab(context, entrepreneur_id, parent)


def register() -> None:
    """Idempotent: put the real 培训 page and the file's 培训 tab in place."""
    spec = next(s for s in PAGES if s.key == "training")
    if spec.factory is not _page:
        replace_page(PageSpec("training", spec.label, spec.icon, _page))
    if _file_tab not in FILE_TABS:
        FILE_TABS.append(_file_tab)


register()

"""What a click on a workbench line opens, by the task's ``open_kind``.

Areas whose records are not a person's file add an opener to :data:`TASK_OPENERS` from their ui package
(e.g. ``TASK_OPENERS["training_class"] = open_class``). Without one, the task's area page is shown and,
if that page has ``open_record(kind, record_id)``, the record is opened on it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from desktop.context import AppContext
from desktop.services.workbench import Task

TaskOpener = Callable[[QWidget, AppContext, Task], None]
TASK_OPENERS: dict[str, TaskOpener] = {}

# Tasks whose open_id is a person's file.
FILE_KINDS = frozenset({"entrepreneur", "agreed_action", "key_project", "not_contacted"})
# The page that shows records of a kind no opener is registered for.
PAGE_OF_KIND = {"training_class": "training", "application": "policy", "loan": "policy", "visit": "visits"}


def _window_call(widget: QWidget, name: str, *args: object) -> object:
    method = getattr(widget.window(), name, None)
    return method(*args) if callable(method) else None


def open_task(parent: QWidget, context: AppContext, task: Task) -> None:
    if not task.open_id:
        if task.open_kind in FILE_KINDS or task.open_kind in PAGE_OF_KIND:
            _window_call(
                parent,
                "show_page",
                "visits" if task.open_kind in FILE_KINDS else PAGE_OF_KIND[task.open_kind],
            )
        return
    opener = TASK_OPENERS.get(task.open_kind)
    if opener is not None:
        opener(parent, context, task)
    elif task.open_kind in FILE_KINDS:
        _window_call(parent, "open_entrepreneur", task.open_id)
    elif task.open_kind == "visit":
        from ui.visits.detail import show_visit

        show_visit(context, parent, task.open_id)
    elif task.open_kind in PAGE_OF_KIND:
        page = _window_call(parent, "show_page", PAGE_OF_KIND[task.open_kind])
        open_record = getattr(page, "open_record", None)
        if callable(open_record):
            open_record(task.open_kind, task.open_id)

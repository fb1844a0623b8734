"""工作台: today's work from every area, most urgent first (UI.md).

Each area's :class:`~desktop.services.areas.Area` names its task sources — gated service functions
giving the tasks it knows of for a user and a day — and figure sources; the workbench page only calls
:func:`tasks_for` and :func:`month_figures`. A source whose permission the user lacks is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from desktop.services.areas import registry
from desktop.services.gate import permission_of, service
from models.actor import Actor
from models.database import Database
from models.permissions import Permission


class Urgency(IntEnum):
    OVERDUE = 0  # red 逾期
    TODAY = 1  # amber 今天
    THIS_WEEK = 2  # amber 本周
    UPCOMING = 3  # grey 即将


@dataclass(frozen=True)
class Task:
    """One line of today's work; ``open_kind``/``open_id`` say which record a click opens."""

    urgency: Urgency
    due: date | None
    kind_label: str  # 跟进事项 / 陪跑走访 / 贷款到期 / 申请待办 / 今日课程 …
    text: str
    open_kind: str  # entrepreneur | visit | tracking | training_class | application | loan …
    open_id: str
    subject_name: str = ""
    done_key: str = ""  # non-empty when the task can be marked done from the list


@dataclass(frozen=True)
class Figure:
    label: str  # 新增创业者 / 走访 / 培训结业 / 补贴发放
    value: str


# Sources are gated service functions: (db, actor, /, today) for tasks and figures, (db, actor, /, key)
# to mark a task done.
TaskSource = Callable[[Database, Actor, date], list[Task]]
FigureSource = Callable[[Database, Actor, date], list[Figure]]
TaskDone = Callable[[Database, Actor, str], None]


def _usable(actor: Actor, source: object) -> bool:
    permission = permission_of(source)
    return permission is None or actor.may(permission)


@service(Permission.VIEW_FILES)
def tasks_for(db: Database, actor: Actor, /, *, today: date) -> list[Task]:
    sources = [source for source in registry().task_sources if _usable(actor, source)]
    tasks = [task for source in sources for task in source(db, actor, today)]
    return sorted(tasks, key=lambda t: (t.urgency, t.due or date.max, t.kind_label, t.text))


@service(Permission.VIEW_FILES)
def month_figures(db: Database, actor: Actor, /, *, today: date) -> list[Figure]:
    sources = [source for source in registry().figure_sources if _usable(actor, source)]
    return [figure for source in sources for figure in source(db, actor, today)]


@service(Permission.VIEW_FILES)
def mark_done(db: Database, actor: Actor, /, *, task: Task) -> None:
    registry().done_handlers[task.open_kind](db, actor, task.done_key)

"""工作台: today's work from every area, most urgent first (UI.md).

Each area registers a task source — a function giving the tasks it knows of for a user and a day —
in :data:`TASK_SOURCES`; the workbench page only calls :func:`tasks_for` and :func:`month_figures`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from models.audit import Actor
from models.database import Database


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


TaskSource = Callable[[Database, Actor, date], list[Task]]
FigureSource = Callable[[Database, date], list[Figure]]
TaskDone = Callable[[Database, Actor, str], None]

TASK_SOURCES: list[TaskSource] = []
FIGURE_SOURCES: list[FigureSource] = []
# task kind -> function marking a task done by its done_key
DONE_HANDLERS: dict[str, TaskDone] = {}


def tasks_for(db: Database, *, actor: Actor, today: date) -> list[Task]:
    tasks = [task for source in TASK_SOURCES for task in source(db, actor, today)]
    return sorted(tasks, key=lambda t: (t.urgency, t.due or date.max, t.kind_label, t.text))


def month_figures(db: Database, *, today: date) -> list[Figure]:
    return [figure for source in FIGURE_SOURCES for figure in source(db, today)]


def mark_done(db: Database, *, actor: Actor, task: Task) -> None:
    DONE_HANDLERS[task.open_kind](db, actor, task.done_key)

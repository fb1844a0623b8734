"""How visits show elsewhere: the file's timeline, and this area's tasks on the workbench — agreed
actions due or overdue, tracking visits due or overdue, people not contacted for N days (推进行动 计划3:
定期走访) — and the month's figures.

Every source is a gated service function; the area's ``area()`` (the package's ``__init__``) names them
(with the change history's field labels) and the registry hands them to the workbench and the
timeline. Nothing registers itself on import.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from desktop.services.gate import service
from desktop.services.timeline import TimelineEntry
from desktop.services.visits.mentors import mentor_for_actor
from desktop.services.visits.queries import KIND, visits_of_in
from desktop.services.visits.records import mark_action_done_in
from desktop.services.workbench import Figure, Task, Urgency
from desktop.settings import Preferences
from models.audit import Actor
from models.base import CHINA_TZ, to_china
from models.database import Database
from models.entrepreneur import Venture
from models.enums import Stage
from models.permissions import Permission
from models.visits import (
    DUE_SOON_DAYS,
    KeyProject,
    Mentor,
    MentorAssignment,
    PoolOutcome,
    add_days,
    add_months,
    cadence_label,
)

# In the station-wide view a source lists at most this many tasks (most urgent first) and says how
# many more there are; a mentor's own view lists all of theirs.
STATION_TASK_LIMIT = 200

ACTION_TASK = "agreed_action"
TRACKING_TASK = "key_project"
NOT_CONTACTED_TASK = "not_contacted"


# ------------------------------------------------------------------------------------------------- timeline
def _moment(day: date, created: datetime) -> datetime:
    """A visit happened on a date; to sort it among timed changes, use the time it was logged."""
    logged = to_china(created)
    return datetime.combine(day, logged.time(), tzinfo=CHINA_TZ)


@service(Permission.VIEW_FILES)
def timeline_entries(db: Database, actor: Actor, /, entrepreneur_id: str) -> list[TimelineEntry]:
    """Visits, tracking and mentor assignments on a person's timeline (the change log shows the rest)."""
    with db.reading() as session:
        return _timeline_entries_in(session, entrepreneur_id)


def _timeline_entries_in(session: Session, entrepreneur_id: str) -> list[TimelineEntry]:
    entries = []
    for v in visits_of_in(session, entrepreneur_id):
        lines = []
        if v.problems:
            lines.append(f"问题：{v.problems}")
        if v.advice:
            lines.append(f"建议：{v.advice}")
        lines += [
            f"跟进：{a.text}（{a.due_date.isoformat()} 前{'，已完成' if a.done else ''}）" for a in v.actions
        ]
        lines += list(v.changes)
        if v.next_visit_date:
            lines.append(f"下次走访：{v.next_visit_date.isoformat()}")
        who = f" · {v.mentor_name}" if v.mentor_name else ""
        topics = f" · {v.topics_label}" if v.topics else ""
        entries.append(
            TimelineEntry(
                _moment(v.visit_date, v.created_at),
                "走访",
                f"{v.mode.label}{who}{topics}",
                "\n".join(lines),
                KIND,
                v.id,
            )
        )
    for p, venture_name in session.exec(
        select(KeyProject, Venture.name)
        .join(Venture, col(Venture.id) == col(KeyProject.venture_id))
        .where(KeyProject.entrepreneur_id == entrepreneur_id, col(KeyProject.deleted).is_(False))
    ).all():
        cadence = cadence_label(p.cadence_days, p.cadence_months)
        plan = f"陪跑期 {p.period_months} 个月（至 {p.planned_end.isoformat()}），{cadence}走访"
        entries.append(
            TimelineEntry(
                _moment(p.entered_on, p.created_at),
                "陪跑",
                f"{venture_name} 进入重点孵化项目库",
                f"理由：{p.reason}\n{plan}",
                "key_project",
                p.id,
            )
        )
        if p.left_on is not None:
            outcome = PoolOutcome(p.outcome).label if p.outcome else ""
            entries.append(
                TimelineEntry(
                    _moment(p.left_on, p.updated_at),
                    "陪跑",
                    f"{venture_name} 出库：{outcome}",
                    p.outcome_note,
                    "key_project",
                    p.id,
                )
            )
    for a, mentor_name in session.exec(
        select(MentorAssignment, Mentor.name)
        .join(Mentor, col(Mentor.id) == col(MentorAssignment.mentor_id))
        .where(MentorAssignment.entrepreneur_id == entrepreneur_id, col(MentorAssignment.deleted).is_(False))
    ).all():
        entries.append(TimelineEntry(_moment(a.assigned_on, a.created_at), "导师", f"分配导师 {mentor_name}"))
        if a.ended_on is not None:
            entries.append(
                TimelineEntry(_moment(a.ended_on, a.updated_at), "导师", f"结束与导师 {mentor_name} 的分配")
            )
    return entries


# ------------------------------------------------------------------------------------------ workbench tasks
def _urgency(due: date, today: date) -> Urgency:
    if due < today:
        return Urgency.OVERDUE
    if due == today:
        return Urgency.TODAY
    if due <= add_days(today, DUE_SOON_DAYS):
        return Urgency.THIS_WEEK
    return Urgency.UPCOMING


def _when(due: date, today: date) -> str:
    days = (today - due).days
    if days > 0:
        return f"已逾期 {days} 天"
    if days == 0:
        return "今天到期"
    return f"{-days} 天后到期"


# A mentor's own people: read the assignments first (CROSS JOIN keeps SQLite from starting elsewhere),
# then each person's rows by the per-person index. INDEXED BY: a station database has no ANALYZE
# statistics, and without them SQLite would scan the station-wide "open actions" index per person.
_ASSIGNED = (
    "mentor_assignment ma CROSS JOIN {table} "
    "ON {column} = ma.entrepreneur_id AND ma.mentor_id = :mentor AND ma.ended_on IS NULL AND ma.deleted = 0"
)


def _fetch(db: Database, sql: str, params: dict[str, Any]) -> list[Any]:
    with db.engine.connect() as connection:
        return list(connection.execute(text(sql), params).all())


def _more(listed: int, kind: str, what: str) -> list[Task]:
    """In the station view, a last line saying how many more there are than listed."""
    if listed <= STATION_TASK_LIMIT:
        return []
    words = f"另有 {listed - STATION_TASK_LIMIT:,} 项未列出，请到“导师走访”页查看"
    return [Task(Urgency.UPCOMING, None, what, words, kind, "")]


@service(Permission.VIEW_FILES)
def action_tasks(db: Database, actor: Actor, /, today: date) -> list[Task]:
    """Agreed actions (跟进事项) overdue or due within a week; done from the list."""
    mentor_id = mentor_for_actor(db, actor)
    source = (
        _ASSIGNED.format(
            table="agreed_action a INDEXED BY ix_agreed_action_entrepreneur", column="a.entrepreneur_id"
        )
        if mentor_id
        else "agreed_action a"
    )
    sql = (
        f"SELECT a.id, a.text, a.due_date, e.id, e.name FROM {source} "
        "CROSS JOIN entrepreneur e ON e.id = a.entrepreneur_id "
        "WHERE a.done_on IS NULL AND a.deleted = 0 AND a.due_date <= :horizon AND e.deleted = 0 "
        "ORDER BY a.due_date"
    )
    params = {"horizon": add_days(today, DUE_SOON_DAYS).isoformat(), "mentor": mentor_id}
    rows = _fetch(db, sql, params)
    shown = rows if mentor_id else rows[:STATION_TASK_LIMIT]
    tasks = []
    for action_id, action_text, due_text, person_id, name in shown:
        due = date.fromisoformat(due_text)
        tasks.append(
            Task(
                urgency=_urgency(due, today),
                due=due,
                kind_label="跟进事项",
                text=f"{action_text}（{_when(due, today)}）",
                open_kind=ACTION_TASK,
                open_id=person_id,
                subject_name=name,
                done_key=action_id,
            )
        )
    return tasks + ([] if mentor_id else _more(len(rows), ACTION_TASK, "跟进事项"))


@service(Permission.VIEW_FILES)
def tracking_tasks(db: Database, actor: Actor, /, today: date) -> list[Task]:
    """Key projects whose tracking visit is due within a week or overdue, or whose period has ended
    (5号文 (十) 跟踪陪跑)."""
    mentor_id = mentor_for_actor(db, actor)
    columns = "k.id, k.next_due, k.planned_end, k.cadence_days, k.cadence_months, v.name, e.id, e.name"
    where = (
        "k.left_on IS NULL AND k.deleted = 0 AND e.deleted = 0 "
        "AND (k.next_due <= :horizon OR k.planned_end < :today)"
    )
    joins = "JOIN venture v ON v.id = k.venture_id JOIN entrepreneur e ON e.id = k.entrepreneur_id"
    if mentor_id:  # their assigned people's projects, and the projects they are the contact of
        assigned = _ASSIGNED.format(
            table="key_project k INDEXED BY ix_key_project_entrepreneur", column="k.entrepreneur_id"
        )
        sql = (
            f"SELECT {columns} FROM {assigned} {joins} WHERE {where} "
            f"UNION SELECT {columns} FROM key_project k {joins} WHERE k.mentor_id = :mentor AND {where} "
            "ORDER BY 2"
        )
    else:
        sql = f"SELECT {columns} FROM key_project k {joins} WHERE {where} ORDER BY k.next_due"
    params = {
        "horizon": add_days(today, DUE_SOON_DAYS).isoformat(),
        "today": today.isoformat(),
        "mentor": mentor_id,
    }
    rows = _fetch(db, sql, params)
    tasks = []
    for _, due_text, end_text, days, months, venture, person_id, name in (
        rows if mentor_id else rows[:STATION_TASK_LIMIT]
    ):
        end = date.fromisoformat(end_text)
        if end < today:
            words = f"{venture}：陪跑期已于 {end_text} 结束，请记录出库结果"
            tasks.append(Task(Urgency.THIS_WEEK, end, "陪跑期满", words, TRACKING_TASK, person_id, name))
            continue
        due = date.fromisoformat(due_text)
        tasks.append(
            Task(
                urgency=_urgency(due, today),
                due=due,
                kind_label="陪跑走访",
                text=f"{venture}：{cadence_label(days, months)}走访，{_when(due, today)}",
                open_kind=TRACKING_TASK,
                open_id=person_id,
                subject_name=name,
            )
        )
    return tasks + ([] if mentor_id else _more(len(rows), TRACKING_TASK, "陪跑走访"))


@service(Permission.VIEW_FILES)
def not_contacted_tasks(db: Database, actor: Actor, /, today: date) -> list[Task]:
    """People not contacted for N days (设置: Preferences.not_contacted_days), longest first
    (推进行动 计划3: 定期走访). Files whose ventures are all closed are left out; a file never visited
    counts from the day it was opened."""
    days = max(Preferences.load().not_contacted_days, 1)
    mentor_id = mentor_for_actor(db, actor)
    cutoff = add_days(today, -days)
    source = _ASSIGNED.format(table="entrepreneur e", column="e.id") if mentor_id else "entrepreneur e"
    last = (
        "(SELECT max(v.visit_date) FROM visit v INDEXED BY ix_visit_entrepreneur "
        "WHERE v.entrepreneur_id = e.id AND v.deleted = 0)"
    )
    # MATERIALIZED: the last visit is looked up once per person, not once per use of it
    sql = (
        f"WITH people AS MATERIALIZED (SELECT e.id, e.name, e.created_at, {last} AS last_visit "
        f"FROM {source} WHERE e.deleted = 0 AND (e.current_stage IS NULL OR e.current_stage != :closed)) "
        "SELECT id, name, created_at, last_visit FROM people "
        "WHERE last_visit < :cutoff OR (last_visit IS NULL AND created_at < :created_cutoff) "
        "ORDER BY coalesce(last_visit, substr(created_at, 1, 10))"
    )
    params = {
        "cutoff": cutoff.isoformat(),
        "created_cutoff": _utc_text(add_days(cutoff, 1)),
        "closed": Stage.CLOSED.value,
        "mentor": mentor_id,
    }
    rows = _fetch(db, sql, params)
    tasks = []
    for person_id, name, created, last_visit in rows if mentor_id else rows[:STATION_TASK_LIMIT]:
        since = date.fromisoformat(last_visit) if last_visit else _created_day(str(created))
        words = f"上次走访 {last_visit}" if last_visit else "建档后还没有走访"
        tasks.append(
            Task(
                urgency=Urgency.THIS_WEEK,
                due=add_days(since, days),
                kind_label="久未联系",
                text=f"已 {(today - since).days} 天未联系（{words}）",
                open_kind=NOT_CONTACTED_TASK,
                open_id=person_id,
                subject_name=name,
            )
        )
    return tasks + ([] if mentor_id else _more(len(rows), NOT_CONTACTED_TASK, "久未联系"))


def _created_day(stored: str) -> date:
    """The station's date of a stored (naive UTC) creation time."""
    moment = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    return moment.astimezone(CHINA_TZ).date()


@service(Permission.VIEW_FILES)
def month_figures(db: Database, actor: Actor, /, today: date) -> list[Figure]:
    """This month's figures at the top of the workbench (UI.md 工作台)."""
    start = today.replace(day=1)
    end = add_months(start, 1)
    with db.engine.connect() as connection:
        new_people = connection.execute(
            text(
                "SELECT count(*) FROM entrepreneur WHERE deleted = 0 AND created_at >= :a AND created_at < :b"
            ),
            {"a": _utc_text(start), "b": _utc_text(end)},
        ).scalar_one()
        visits = connection.execute(
            text("SELECT count(*) FROM visit WHERE deleted = 0 AND visit_date >= :a AND visit_date < :b"),
            {"a": start.isoformat(), "b": end.isoformat()},
        ).scalar_one()
        tracked = connection.execute(
            text("SELECT count(*) FROM key_project WHERE deleted = 0 AND left_on IS NULL")
        ).scalar_one()
        overdue = connection.execute(
            text(
                "SELECT count(*) FROM key_project WHERE deleted = 0 AND left_on IS NULL AND next_due < :t "
                "AND planned_end >= :t"
            ),
            {"t": today.isoformat()},
        ).scalar_one()
    return [
        Figure("新增创业者", f"{new_people:,} 人"),
        Figure("走访", f"{visits:,} 次"),
        Figure("陪跑项目", f"{tracked:,} 个"),
        Figure("陪跑逾期", f"{overdue:,} 个"),
    ]


# UI.md 工作台: 新增创业者, 走访, 培训结业, 补贴发放 first, whatever order the areas registered in.
FIGURE_ORDER = ("新增创业者", "走访", "培训结业", "补贴发放")


def ordered_figures(figures: list[Figure]) -> list[Figure]:
    rank = {label: index for index, label in enumerate(FIGURE_ORDER)}
    return sorted(figures, key=lambda f: rank.get(f.label, len(FIGURE_ORDER)))


def _utc_text(day: date) -> str:
    """Midnight at the station on ``day``, as stored timestamps are written (naive UTC text)."""
    moment = datetime.combine(day, time(), tzinfo=CHINA_TZ).astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@service(Permission.RECORD_VISITS)
def action_done(db: Database, actor: Actor, /, key: str) -> None:
    """The workbench's done handler for agreed actions: ``key`` is the action's id."""
    with db.transaction() as session:
        mark_action_done_in(session, actor, key)

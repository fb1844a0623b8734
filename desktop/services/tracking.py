"""The key project pool and its follow-up (重点孵化项目库 / 跟踪陪跑, 5号文 (十)), and this area's tasks on
the workbench: agreed actions due or overdue, tracking visits due or overdue, people not contacted for
N days (推进行动 计划3: 定期走访).

The workbench sources are registered when this module is imported (desktop/services/areas.py does).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from desktop.services import workbench
from desktop.services.mentors import mentor_for_actor
from desktop.services.visits import mark_action_done
from desktop.services.workbench import Figure, Task, Urgency
from desktop.settings import Preferences
from models.audit import Actor, Operation
from models.base import CHINA_TZ, china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import Stage
from models.errors import Conflict, NotFound, ValidationError
from models.visits import (
    DUE_SOON_DAYS,
    KeyProject,
    KeyProjectData,
    Mentor,
    PoolOutcome,
    TrackingState,
    add_days,
    add_months,
    cadence_label,
    next_due_after,
    parse_choice,
    tracking_state,
    validate_key_project,
)

# In the station-wide view a source lists at most this many tasks (most urgent first) and says how
# many more there are; a mentor's own view lists all of theirs.
STATION_TASK_LIMIT = 200

ACTION_TASK = "agreed_action"
TRACKING_TASK = "key_project"
NOT_CONTACTED_TASK = "not_contacted"


@dataclass(frozen=True)
class KeyProjectRow:
    id: str
    venture_id: str
    venture_name: str
    entrepreneur_id: str
    entrepreneur_name: str
    case_number: str
    mentor_id: str | None
    mentor_name: str
    reason: str
    entered_on: date
    period_months: int
    planned_end: date
    cadence_days: int
    cadence_months: int
    last_visit_date: date | None
    next_due: date | None
    left_on: date | None
    outcome: PoolOutcome | None
    outcome_note: str
    state: TrackingState

    @property
    def cadence(self) -> str:
        return cadence_label(self.cadence_days, self.cadence_months)


# --------------------------------------------------------------------------------------------------- writes
def add_to_pool(
    db: Database, *, actor: Actor, project: KeyProjectData | Mapping[str, object], today: date | None = None
) -> str:
    """Put a venture into the pool with a reason, a tracking period and a visit cadence."""
    data = project if isinstance(project, KeyProjectData) else validate_key_project(project, today=today)
    with db.transaction() as session:
        venture = session.get(Venture, data.venture_id)
        if venture is None or venture.deleted:
            raise NotFound(f"找不到要入库的创业项目（{data.venture_id}）")
        if venture.stage == Stage.CLOSED.value:
            raise ValidationError(
                "创业项目", venture.name, f"{venture.name} 已歇业/注销，不能进入重点孵化项目库"
            )
        person = session.get(Entrepreneur, venture.entrepreneur_id)
        if person is None or person.deleted:
            raise NotFound("这个创业项目所属的档案已删除")
        existing = session.exec(
            select(KeyProject).where(
                KeyProject.venture_id == venture.id,
                col(KeyProject.left_on).is_(None),
                col(KeyProject.deleted).is_(False),
            )
        ).first()
        if existing is not None:
            raise Conflict(
                f"{venture.name} 已在重点孵化项目库中（{existing.entered_on.isoformat()} 入库）",
                existing_id=existing.id,
            )
        _check_mentor(session, data.mentor_id)
        record = KeyProject(
            station_code=actor.station_code,
            updated_by=actor.user_name,
            venture_id=venture.id,
            entrepreneur_id=person.id,
            mentor_id=data.mentor_id,
            reason=data.reason,
            entered_on=data.entered_on,
            period_months=data.period_months,
            cadence_days=data.cadence_days,
            cadence_months=data.cadence_months,
            planned_end=data.planned_end,
            next_due=next_due_after(
                data.entered_on, cadence_days=data.cadence_days, cadence_months=data.cadence_months
            ),
        )
        Operation(session, actor, f"{venture.name} 进入重点孵化项目库").create(record, subject_id=person.id)
        return record.id


def change_plan(
    db: Database,
    *,
    actor: Actor,
    project_id: str,
    period_months: int,
    cadence_days: int,
    cadence_months: int,
    mentor_id: str | None,
) -> None:
    """Change a project's tracking period, cadence or mentor; the next due date follows the new cadence."""
    with db.transaction() as session:
        record = _project(session, project_id)
        data = validate_key_project(
            {
                "venture_id": record.venture_id,
                "reason": record.reason,
                "entered_on": record.entered_on,
                "period_months": period_months,
                "cadence_days": cadence_days,
                "cadence_months": cadence_months,
                "mentor_id": mentor_id,
            },
            today=max(record.entered_on, china_today()),
        )
        _check_mentor(session, data.mentor_id)
        anchor = record.last_visit_date or record.entered_on
        Operation(session, actor, "调整陪跑计划").update(
            record,
            {
                "period_months": data.period_months,
                "cadence_days": data.cadence_days,
                "cadence_months": data.cadence_months,
                "planned_end": data.planned_end,
                "mentor_id": data.mentor_id,
                "next_due": next_due_after(
                    anchor, cadence_days=data.cadence_days, cadence_months=data.cadence_months
                ),
            },
            subject_id=record.entrepreneur_id,
        )


def leave_pool(
    db: Database,
    *,
    actor: Actor,
    project_id: str,
    outcome: PoolOutcome | str,
    note: str = "",
    on: date | None = None,
) -> None:
    """Take a project out of the pool, recording how it went (5号文 (十): 转化落地 …)."""
    result = parse_choice(PoolOutcome, outcome, "出库结果")
    day = on or china_today()
    with db.transaction() as session:
        record = _project(session, project_id)
        if day < record.entered_on:
            raise ValidationError(
                "出库日期", day, f"出库日期 {day.isoformat()} 早于入库日期 {record.entered_on.isoformat()}"
            )
        words = note.strip()
        if len(words) > 500:
            raise ValidationError("出库说明", note, f"出库说明过长：{len(words)} 个字，最多 500 个字")
        venture = session.get(Venture, record.venture_id)
        label = f"{venture.name if venture else '项目'} 出库：{result.label}"
        Operation(session, actor, label).update(
            record,
            {"left_on": day, "outcome": result.value, "outcome_note": words, "next_due": None},
            subject_id=record.entrepreneur_id,
        )


def _project(session: Session, project_id: str) -> KeyProject:
    record = session.get(KeyProject, project_id)
    if record is None or record.deleted:
        raise NotFound(f"找不到这个重点项目（{project_id}）")
    if record.left_on is not None:
        raise Conflict(f"这个项目已于 {record.left_on.isoformat()} 出库")
    return record


def _check_mentor(session: Session, mentor_id: str | None) -> None:
    if mentor_id is None:
        return
    mentor = session.get(Mentor, mentor_id)
    if mentor is None or mentor.deleted:
        raise NotFound(f"导师库中找不到所选导师（{mentor_id}）")


# ---------------------------------------------------------------------------------------------------- reads
def pool_rows(
    db: Database,
    *,
    today: date | None = None,
    state: TrackingState | None = None,
    include_left: bool = False,
    entrepreneur_id: str | None = None,
) -> list[KeyProjectRow]:
    """The pool, most urgent first (a pool is ~3% of ventures, so it is read whole)."""
    day = today or china_today()
    with db.reading() as session:
        query = (
            select(KeyProject, col(Venture.name), col(Entrepreneur.name), col(Entrepreneur.case_number))
            .join(Venture, col(Venture.id) == col(KeyProject.venture_id))
            .join(Entrepreneur, col(Entrepreneur.id) == col(KeyProject.entrepreneur_id))
            .where(col(KeyProject.deleted).is_(False), col(Entrepreneur.deleted).is_(False))
        )
        if not include_left and state is not TrackingState.LEFT:
            query = query.where(col(KeyProject.left_on).is_(None))
        if entrepreneur_id is not None:
            query = query.where(KeyProject.entrepreneur_id == entrepreneur_id)
        mentors = dict(session.exec(select(Mentor.id, Mentor.name)).all())
        rows = [
            _row(
                p,
                venture=venture,
                person=person,
                case_number=number,
                mentor=mentors.get(p.mentor_id or ""),
                day=day,
            )
            for p, venture, person, number in session.exec(query).all()
        ]
    if state is not None:
        rows = [r for r in rows if r.state is state]
    order = list(TrackingState)
    return sorted(rows, key=lambda r: (order.index(r.state), r.next_due or date.max, r.venture_name))


def _row(
    p: KeyProject, *, venture: str, person: str, case_number: str, mentor: str | None, day: date
) -> KeyProjectRow:
    return KeyProjectRow(
        id=p.id,
        venture_id=p.venture_id,
        venture_name=venture,
        entrepreneur_id=p.entrepreneur_id,
        entrepreneur_name=person,
        case_number=case_number,
        mentor_id=p.mentor_id,
        mentor_name=mentor or "",
        reason=p.reason,
        entered_on=p.entered_on,
        period_months=p.period_months,
        planned_end=p.planned_end,
        cadence_days=p.cadence_days,
        cadence_months=p.cadence_months,
        last_visit_date=p.last_visit_date,
        next_due=p.next_due,
        left_on=p.left_on,
        outcome=PoolOutcome(p.outcome) if p.outcome else None,
        outcome_note=p.outcome_note,
        state=tracking_state(today=day, next_due=p.next_due, planned_end=p.planned_end, left_on=p.left_on),
    )


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


def action_tasks(db: Database, actor: Actor, today: date) -> list[Task]:
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


def tracking_tasks(db: Database, actor: Actor, today: date) -> list[Task]:
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


def not_contacted_tasks(db: Database, actor: Actor, today: date) -> list[Task]:
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


def month_figures(db: Database, today: date) -> list[Figure]:
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


def _done_action(db: Database, actor: Actor, key: str) -> None:
    mark_action_done(db, actor=actor, action_id=key)


def register_workbench() -> None:
    """Add this area's sources to the workbench registries (once)."""
    if action_tasks not in workbench.TASK_SOURCES:
        workbench.TASK_SOURCES.extend([action_tasks, tracking_tasks, not_contacted_tasks])
        workbench.FIGURE_SOURCES.append(month_figures)
        workbench.DONE_HANDLERS[ACTION_TASK] = _done_action


register_workbench()

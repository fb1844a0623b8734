"""The sections of the 月报, one function per area, next to the queries that compute them: a gated
service ``(db, actor, /, month) -> rows`` (``month`` is the first day of the month). Each area's
``area()`` names its section; :func:`desktop.services.monthly.figures.monthly_figures` reads them from
the area registry in order.

At HQ, where one database holds every station, each section's ``_…_figures`` splits the same figures
by a :class:`~desktop.services.monthly.grouping.Grouping` (station, region) in the same queries
(``GROUP BY key, key_groups``): one definition, computed once for all groups (:data:`GROUPED_SECTIONS`);
the section itself is its figures unsplit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import case, func, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from desktop.services.gate import service
from desktop.services.monthly.applications import _applications_figures, applications_section
from desktop.services.monthly.grouping import (
    ALL,
    ZERO,
    Grouped,
    Grouping,
    group_keys,
    keyed,
    month_bounds_utc,
    split_by_group,
    split_keyed,
    with_key,
)
from models.actor import Actor
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import Stage
from models.ledger.months import next_month
from models.permissions import Permission
from models.training import CompletionResult, Enrolment, EnrolmentStatus, TrainingClass
from models.visits import KeyProject, Mentor, Visit, VisitMode, next_due_after
from reports.monthly_report import GROUP_COLUMNS, PERCENT, FigureRow

MENTOR_PREFIX = "visits.mentor."


# ------------------------------------------------------------------------------------- the sections
ENTREPRENEURS = "创业者与创业主体"


@service(Permission.VIEW_STATISTICS)
def entrepreneur_section(db: Database, actor: Actor, /, month: date) -> list[FigureRow]:
    """New entrepreneurs, new ventures registered and the jobs they created, and the month-end stock."""
    return _entrepreneur_figures(db, month, None)[ALL]


def _entrepreneur_figures(db: Database, month: date, by: Grouping | None) -> Grouped:
    start, end = month_bounds_utc(month)
    following = next_month(month)
    e, v = Entrepreneur, Venture
    live = col(e.deleted).is_(False)
    key = keyed(by)
    with db.reading() as session:
        new_people = _keyed_pairs(
            session,
            sa_select(*key, col(e.key_groups), func.count())
            .where(live, col(e.created_at) >= start, col(e.created_at) < end)
            .group_by(*key, col(e.key_groups)),
            by,
        )
        people_stock = _keyed_pairs(
            session,
            sa_select(*key, col(e.key_groups), func.count())
            .where(live, col(e.created_at) < end)
            .group_by(*key, col(e.key_groups)),
            by,
        )
        ventures_base = (
            sa_select(*key, col(e.key_groups), func.count(), func.coalesce(func.sum(v.jobs_created), 0))
            .select_from(v)
            .join(e, col(v.entrepreneur_id) == col(e.id))
            .where(live, col(v.deleted).is_(False))
        )
        new_ventures = with_key(
            session.execute(
                ventures_base.where(
                    col(v.registration_date) >= month, col(v.registration_date) < following
                ).group_by(*key, col(e.key_groups))
            ).all(),
            by,
        )
        operating = with_key(
            session.execute(
                ventures_base.where(
                    col(v.registration_date) < following, col(v.stage) != Stage.CLOSED.value
                ).group_by(*key, col(e.key_groups))
            ).all(),
            by,
        )
    new_split = split_keyed((k, int(bits or 0), int(count)) for k, bits, count, _jobs in new_ventures)
    new_jobs = split_keyed((k, int(bits or 0), int(jobs)) for k, bits, _count, jobs in new_ventures)
    operating_split = split_keyed((k, int(bits or 0), int(count)) for k, bits, count, _jobs in operating)
    operating_jobs = split_keyed((k, int(bits or 0), int(jobs)) for k, bits, _count, jobs in operating)
    return {
        group: _entrepreneur_rows(
            new_people=new_people.get(group, ZERO),
            people_stock=people_stock.get(group, ZERO),
            new_ventures=new_split.get(group, ZERO),
            new_jobs=new_jobs.get(group, ZERO),
            operating=operating_split.get(group, ZERO),
            operating_jobs=operating_jobs.get(group, ZERO),
        )
        for group in group_keys(by, new_people, people_stock, new_split, operating_split)
    }


def _entrepreneur_rows(
    *,
    new_people: tuple[int, ...],
    people_stock: tuple[int, ...],
    new_ventures: tuple[int, ...],
    new_jobs: tuple[int, ...],
    operating: tuple[int, ...],
    operating_jobs: tuple[int, ...],
) -> list[FigureRow]:
    return [
        FigureRow(
            ENTREPRENEURS,
            "entrepreneurs.new",
            "新增创业者",
            "人",
            new_people,
            definition="本月在本站建档的创业者（建档时间按北京时间落在本月），不含回收站中的档案；"
            "从台账导入的按导入当天建档计。",
        ),
        FigureRow(
            ENTREPRENEURS,
            "entrepreneurs.total",
            "累计建档创业者（月末）",
            "人",
            people_stock,
            definition="截至本月末在本站建档、且不在回收站中的创业者人数。",
        ),
        FigureRow(
            ENTREPRENEURS,
            "ventures.new",
            "新登记创业主体",
            "户",
            new_ventures,
            definition="登记注册日期（营业执照成立日期）在本月的创业主体，按其创业者的重点群体归类；"
            "未登记的意向、筹备项目不计。“新”以登记注册日期为准，与建档时间无关。",
        ),
        FigureRow(
            ENTREPRENEURS,
            "ventures.new_jobs",
            "新登记主体带动就业",
            "人",
            new_jobs,
            definition="本月新登记创业主体目前登记的带动就业人数之和：就业人数归属于主体登记注册的月份；"
            "以后修改带动就业人数，会作为与报送数的差异显示。",
        ),
        FigureRow(
            ENTREPRENEURS,
            "ventures.operating",
            "在营创业主体（月末）",
            "户",
            operating,
            definition="截至本月末已登记注册、当前阶段不是“歇业/注销”的创业主体。",
        ),
        FigureRow(
            ENTREPRENEURS,
            "ventures.operating_jobs",
            "在营主体带动就业（月末）",
            "人",
            operating_jobs,
            definition="上一项中各主体目前登记的带动就业人数之和。",
        ),
    ]


def _keyed_pairs(session: Session, query: Any, by: Grouping | None) -> dict[str, tuple[int, ...]]:
    rows = with_key(session.execute(query).all(), by)
    return split_keyed((key, int(bits or 0), int(count)) for key, bits, count in rows)


VISITS = "导师走访与跟踪陪跑"
VISITS_BY_MENTOR = "走访（按导师）"


def _last_day(month: date) -> date:
    return date.fromordinal(next_month(month).toordinal() - 1)


def _reference_day(month: date) -> date:
    """The day a month-end state is taken on: the last day, or today while the month runs."""
    return min(_last_day(month), china_today())


@service(Permission.VIEW_STATISTICS)
def visits_section(db: Database, actor: Actor, /, month: date) -> list[FigureRow]:
    """Visits by mode and by mentor, people visited, key projects under tracking and what is overdue."""
    return _visits_figures(db, month, None)[ALL]


def _visits_figures(db: Database, month: date, by: Grouping | None) -> Grouped:
    following = next_month(month)
    reference = _reference_day(month)
    e, v = Entrepreneur, Visit
    in_month = (col(v.visit_date) >= month, col(v.visit_date) < following)
    key = keyed(by)
    with db.reading() as session:
        # The month's visits through their date index, and each person's key groups from one scan of
        # the people on file: cheaper than joining tens of thousands of visits to their person by key.
        # The totals, the modes, the mentors and the number of people visited are sums over these rows.
        connection = session.connection()
        groups_of: dict[str, tuple[str, int]] = {
            person: (group, int(bits or 0))
            for group, person, bits in with_key(
                connection.execute(
                    sa_select(*key, col(e.id), col(e.key_groups)).where(col(e.deleted).is_(False))
                ).all(),
                by,
            )
        }
        tally: Counter[tuple[str, int, str, str | None]] = Counter()
        visited: dict[str, tuple[str, int]] = {}
        for mode, mentor, person in connection.execute(
            sa_select(col(v.mode), col(v.mentor_id), col(v.entrepreneur_id)).where(
                col(v.deleted).is_(False), *in_month
            )
        ).all():
            found = groups_of.get(person)
            if found is not None:  # not a person in the recycle bin
                tally[(found[0], found[1], mode, mentor)] += 1
                visited[person] = found
        counted = [(group, bits, mode, mentor, count) for (group, bits, mode, mentor), count in tally.items()]
        mentors = {
            row[0]: row[1] for row in session.execute(sa_select(col(Mentor.id), col(Mentor.name))).all()
        }
        projects = with_key(
            session.execute(
                sa_select(
                    *key,
                    col(KeyProject.id),
                    col(e.key_groups),
                    col(KeyProject.entered_on),
                    col(KeyProject.cadence_days),
                    col(KeyProject.cadence_months),
                    col(KeyProject.planned_end),
                )
                .select_from(KeyProject)
                .join(e, col(KeyProject.entrepreneur_id) == col(e.id))
                .where(
                    col(e.deleted).is_(False),
                    col(KeyProject.deleted).is_(False),
                    col(KeyProject.entered_on) <= reference,
                    or_(col(KeyProject.left_on).is_(None), col(KeyProject.left_on) > reference),
                )
            ).all(),
            by,
        )
        day = reference.isoformat()
        # CROSS JOIN keeps SQLite driving from the few projects / open actions through their indexes
        # instead of from every person; for other databases it is the same inner join.
        last_visits = {
            project: date.fromisoformat(str(last)[:10])
            for project, last in session.execute(
                text(
                    "SELECT v.key_project_id, max(v.visit_date) FROM key_project kp CROSS JOIN visit v "
                    "WHERE v.entrepreneur_id = kp.entrepreneur_id AND v.key_project_id = kp.id "
                    "AND v.deleted = :no AND v.visit_date <= :day AND kp.deleted = :no "
                    "AND kp.entered_on <= :day AND (kp.left_on IS NULL OR kp.left_on > :day) "
                    "GROUP BY v.key_project_id"
                ),
                {"day": day, "no": False},
            ).all()
        }
        group_sql = "" if by is None else by.person.format(t="e") + ", "
        actions = with_key(
            session.execute(
                text(
                    f"SELECT {group_sql}e.key_groups, count(*) "
                    "FROM agreed_action a CROSS JOIN entrepreneur e "
                    "WHERE e.id = a.entrepreneur_id AND e.deleted = :no AND a.deleted = :no "
                    "AND a.due_date < :day AND (a.done_on IS NULL OR a.done_on > :day) "
                    f"GROUP BY {group_sql}e.key_groups"
                ),
                {"day": day, "no": False},
            ).all(),
            by,
        )
    overdue: list[tuple[str, int, int]] = []
    for group, project_id, bits, entered, cadence_days, cadence_months, planned_end in projects:
        if planned_end < reference:
            continue  # the period is over: it waits to leave the pool, no visit is due
        base = last_visits.get(project_id) or entered
        due = next_due_after(base, cadence_days=cadence_days, cadence_months=cadence_months)
        if due < reference:
            overdue.append((group, int(bits or 0), 1))
    tracked = split_keyed((row[0], int(row[2] or 0), 1) for row in projects)
    late = split_keyed(overdue)
    open_actions = split_keyed((group, int(bits or 0), int(count)) for group, bits, count in actions)
    people = split_keyed((group, bits, 1) for group, bits in visited.values())
    by_group: dict[str, list[tuple[int, str, str | None, int]]] = {}
    for group, bits, mode, mentor, count in counted:
        by_group.setdefault(group, []).append((bits, mode, mentor, count))
    return {
        group: _visit_rows(
            counted=by_group.get(group, []),
            mentors=mentors,
            people=people.get(group, ZERO),
            tracked=tracked.get(group, ZERO),
            overdue=late.get(group, ZERO),
            actions=open_actions.get(group, ZERO),
        )
        for group in group_keys(by, by_group, tracked, open_actions)
    }


def _visit_rows(
    *,
    counted: list[tuple[int, str, str | None, int]],
    mentors: dict[str, str],
    people: tuple[int, ...],
    tracked: tuple[int, ...],
    overdue: tuple[int, ...],
    actions: tuple[int, ...],
) -> list[FigureRow]:
    rows = [
        FigureRow(
            VISITS,
            "visits.total",
            "走访次数",
            "次",
            split_by_group((bits, count) for bits, _mode, _mentor, count in counted),
            definition="走访日期在本月的走访记录（上门、电话、线上、集中服务、预约都计），按被走访创业者的重点群体归类；"
            "不含回收站中的记录。",
        ),
        *(
            FigureRow(
                VISITS,
                f"visits.mode.{mode.value}",
                f"其中：{mode.label}",
                "次",
                split_by_group((bits, count) for bits, kind, _mentor, count in counted if kind == mode.value),
                definition=f"上一项中走访方式为“{mode.label}”的次数。",
            )
            for mode in VisitMode
        ),
        FigureRow(
            VISITS,
            "visits.people",
            "走访创业者人数",
            "人",
            people,
            definition="本月至少被走访一次的创业者人数，一人多次只计一次。",
        ),
        FigureRow(
            VISITS,
            "tracking.active",
            "跟踪陪跑中的重点项目（月末）",
            "个",
            tracked,
            definition="月末（本月未结束时为今天）在重点孵化项目库中、尚未出库的项目（5号文 (十)）。",
        ),
        FigureRow(
            VISITS,
            "tracking.overdue",
            "陪跑走访逾期的重点项目（月末）",
            "个",
            overdue,
            definition="上一项中，按陪跑频次到月末应走访而未走访的项目：最近一次陪跑走访（没有则为入库日）"
            "加上频次，早于月末即为逾期；陪跑期已满的不计。",
        ),
        FigureRow(
            VISITS,
            "followups.overdue",
            "逾期未办的跟进事项（月末）",
            "项",
            actions,
            definition="走访中约定的跟进事项，约定完成日期早于月末、到月末仍未办结的项数。",
        ),
    ]
    by_mentor: dict[str | None, list[tuple[int, int]]] = {}
    for bits, _mode, mentor_id, count in counted:
        by_mentor.setdefault(mentor_id, []).append((bits, count))
    ordered = sorted(by_mentor, key=lambda m: (m is None, mentors.get(m, "") if m else ""))
    for mentor_id in ordered:
        name = mentors.get(mentor_id, "（已删除的导师）") if mentor_id else "（未指定导师）"
        rows.append(
            FigureRow(
                VISITS_BY_MENTOR,
                f"{MENTOR_PREFIX}{mentor_id or 'none'}",
                name,
                "次",
                split_by_group(by_mentor[mentor_id]),
                definition="本月由该导师完成的走访次数；只列出本月有走访的导师。",
            )
        )
    return rows


TRAINING = "创业培训"


@service(Permission.VIEW_STATISTICS)
def training_section(db: Database, actor: Actor, /, month: date) -> list[FigureRow]:
    """Classes that ended in the month, the people they trained, and how many of them completed.

    "Ended" means ended by the reference day: while the month runs, a class whose last day is still
    ahead (today or later this month) is running, not ended, and is counted in the month it really ends.
    """
    return _training_figures(db, month, None)[ALL]


def _training_figures(db: Database, month: date, by: Grouping | None) -> Grouped:
    """A grouping without a class column (the household region) leaves the classes held out: a class
    is not about one person."""
    e, c, n = Entrepreneur, TrainingClass, Enrolment
    ended_before = min(next_month(month), china_today())  # a class ending today still runs today
    ended = (col(c.deleted).is_(False), col(c.end_date) >= month, col(c.end_date) < ended_before)
    key = keyed(by)
    class_key = None if by is None else by.class_column()
    with db.reading() as session:
        if by is None:
            held: dict[str, int] | None = {
                ALL: int(session.execute(sa_select(func.count()).select_from(c).where(*ended)).scalar_one())
            }
        elif class_key is None:
            held = None
        else:
            held = {
                str(group or ""): int(count)
                for group, count in session.execute(
                    sa_select(class_key, func.count()).select_from(c).where(*ended).group_by(class_key)
                ).all()
            }
        cohort = with_key(
            session.execute(
                sa_select(
                    *key,
                    col(e.key_groups),
                    func.count(func.distinct(col(n.entrepreneur_id))),
                    func.count(
                        func.distinct(
                            case((col(n.result) == CompletionResult.COMPLETED.value, col(n.entrepreneur_id)))
                        )
                    ),
                )
                .select_from(n)
                .join(c, col(n.class_id) == col(c.id))
                .join(e, col(n.entrepreneur_id) == col(e.id))
                .where(
                    *ended,
                    col(e.deleted).is_(False),
                    col(n.deleted).is_(False),
                    col(n.status) == EnrolmentStatus.ENROLLED.value,
                )
                .group_by(*key, col(e.key_groups))
            ).all(),
            by,
        )
    trained = split_keyed((group, int(bits or 0), int(people)) for group, bits, people, _done in cohort)
    completed = split_keyed((group, int(bits or 0), int(done)) for group, bits, _people, done in cohort)
    return {
        group: _training_rows(
            None if held is None else held.get(group, 0), trained.get(group, ZERO), completed.get(group, ZERO)
        )
        for group in group_keys(by, held or {}, trained)
    }


def _training_rows(
    classes: int | None, trained: tuple[int, ...], completed: tuple[int, ...]
) -> list[FigureRow]:
    rate = tuple(
        round(done * 10000 / people) if people else 0 for done, people in zip(completed, trained, strict=True)
    )
    zeros = (0,) * (len(GROUP_COLUMNS) - 1)
    held = [
        FigureRow(
            TRAINING,
            "training.classes",
            "结束的培训班",
            "期",
            (classes or 0, *zeros),
            definition=(
                "本月已结束的培训班（结束日期在本月且已过去，仍在上课的不计入；马兰花 SYB、IYB、网创等，"
                "5号文 (二)）。培训班不分重点群体。"
            ),
            split=False,
        )
    ]
    return [
        *(held if classes is not None else []),
        FigureRow(
            TRAINING,
            "training.trained",
            "培训人数",
            "人",
            trained,
            definition="本月结束的培训班中在册（未退出）的学员人数，一人多班只计一次；培训人数归属于培训班结束的月份。",
        ),
        FigureRow(
            TRAINING,
            "training.completed",
            "其中：结业人数",
            "人",
            completed,
            definition="上一项中考勤和考核合格、结业的人数（结业评定晚于月末的，评定后会作为与报送数的差异显示）。",
        ),
        FigureRow(
            TRAINING,
            "training.completion_rate",
            "结业率",
            "%",
            rate,
            kind=PERCENT,
            definition="结业人数 ÷ 培训人数。",
        ),
    ]


GroupedFigures = Callable[[Database, date, Grouping | None], Grouped]

GROUPED_SECTIONS: dict[Any, GroupedFigures] = {
    entrepreneur_section: _entrepreneur_figures,
    visits_section: _visits_figures,
    training_section: _training_figures,
    applications_section: _applications_figures,
}
"""Each section's figures split by a grouping (``None``: the section itself), by the section the area
registry lists; HQ reads them through :func:`desktop.services.hq.statistics.figures.grouped_figures`."""

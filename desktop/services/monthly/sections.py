"""The sections of the 月报, one function per area, next to the queries that compute them: a gated
service ``(db, actor, /, month) -> rows`` (``month`` is the first day of the month). Each area's
``area()`` names its section; :func:`desktop.services.monthly.figures.monthly_figures` reads them from
the area registry in order.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import case, func, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from desktop.services.gate import service
from desktop.services.monthly.grouping import month_bounds_utc, split_by_group
from models.actor import Actor
from models.applications import Application, ApplicationStatus, ApplicationStep
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import Stage
from models.ledger.months import next_month
from models.permissions import Permission
from models.training import CompletionResult, Enrolment, EnrolmentStatus, TrainingClass
from models.visits import KeyProject, Mentor, Visit, VisitMode, next_due_after
from reports.monthly_report import GROUP_COLUMNS, MONEY, PERCENT, FigureRow

MENTOR_PREFIX = "visits.mentor."


# ------------------------------------------------------------------------------------- the sections
ENTREPRENEURS = "创业者与创业主体"


@service(Permission.VIEW_STATISTICS)
def entrepreneur_section(db: Database, actor: Actor, /, month: date) -> list[FigureRow]:
    """New entrepreneurs, new ventures registered and the jobs they created, and the month-end stock."""
    start, end = month_bounds_utc(month)
    following = next_month(month)
    e, v = Entrepreneur, Venture
    live = col(e.deleted).is_(False)
    with db.reading() as session:
        new_people = _pairs(
            session,
            select(e.key_groups, func.count())
            .where(live, col(e.created_at) >= start, col(e.created_at) < end)
            .group_by(col(e.key_groups)),
        )
        people_stock = _pairs(
            session,
            select(e.key_groups, func.count())
            .where(live, col(e.created_at) < end)
            .group_by(col(e.key_groups)),
        )
        ventures_base = (
            select(e.key_groups, func.count(), func.coalesce(func.sum(v.jobs_created), 0))
            .select_from(v)
            .join(e, col(v.entrepreneur_id) == col(e.id))
            .where(live, col(v.deleted).is_(False))
        )
        new_ventures = session.exec(
            ventures_base.where(
                col(v.registration_date) >= month, col(v.registration_date) < following
            ).group_by(col(e.key_groups))
        ).all()
        operating = session.exec(
            ventures_base.where(
                col(v.registration_date) < following, col(v.stage) != Stage.CLOSED.value
            ).group_by(col(e.key_groups))
        ).all()
    return [
        FigureRow(
            ENTREPRENEURS,
            "entrepreneurs.new",
            "新增创业者",
            "人",
            split_by_group(new_people),
            definition="本月在本站建档的创业者（建档时间按北京时间落在本月），不含回收站中的档案；"
            "从台账导入的按导入当天建档计。",
        ),
        FigureRow(
            ENTREPRENEURS,
            "entrepreneurs.total",
            "累计建档创业者（月末）",
            "人",
            split_by_group(people_stock),
            definition="截至本月末在本站建档、且不在回收站中的创业者人数。",
        ),
        FigureRow(
            ENTREPRENEURS,
            "ventures.new",
            "新登记创业主体",
            "户",
            split_by_group((bits, count) for bits, count, _jobs in new_ventures),
            definition="登记注册日期（营业执照成立日期）在本月的创业主体，按其创业者的重点群体归类；"
            "未登记的意向、筹备项目不计。“新”以登记注册日期为准，与建档时间无关。",
        ),
        FigureRow(
            ENTREPRENEURS,
            "ventures.new_jobs",
            "新登记主体带动就业",
            "人",
            split_by_group((bits, jobs) for bits, _count, jobs in new_ventures),
            definition="本月新登记创业主体目前登记的带动就业人数之和：就业人数归属于主体登记注册的月份；"
            "以后修改带动就业人数，会作为与报送数的差异显示。",
        ),
        FigureRow(
            ENTREPRENEURS,
            "ventures.operating",
            "在营创业主体（月末）",
            "户",
            split_by_group((bits, count) for bits, count, _jobs in operating),
            definition="截至本月末已登记注册、当前阶段不是“歇业/注销”的创业主体。",
        ),
        FigureRow(
            ENTREPRENEURS,
            "ventures.operating_jobs",
            "在营主体带动就业（月末）",
            "人",
            split_by_group((bits, jobs) for bits, _count, jobs in operating),
            definition="上一项中各主体目前登记的带动就业人数之和。",
        ),
    ]


def _pairs(session: Session, query: Any) -> list[tuple[int, int]]:
    return [(int(bits or 0), int(count)) for bits, count in session.exec(query).all()]


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
    following = next_month(month)
    reference = _reference_day(month)
    e, v = Entrepreneur, Visit
    in_month = (col(v.visit_date) >= month, col(v.visit_date) < following)
    with db.reading() as session:
        # The month's visits through their date index, and each person's key groups from one scan of
        # the people on file: cheaper than joining tens of thousands of visits to their person by key.
        # The totals, the modes, the mentors and the number of people visited are sums over these rows.
        connection = session.connection()
        groups_of: dict[str, int] = {
            person: int(bits or 0)
            for person, bits in connection.execute(
                sa_select(col(e.id), col(e.key_groups)).where(col(e.deleted).is_(False))
            ).all()
        }
        tally: Counter[tuple[int, str, str | None]] = Counter()
        visited: dict[str, int] = {}
        for mode, mentor, person in connection.execute(
            sa_select(col(v.mode), col(v.mentor_id), col(v.entrepreneur_id)).where(
                col(v.deleted).is_(False), *in_month
            )
        ).all():
            bits = groups_of.get(person)
            if bits is not None:  # not a person in the recycle bin
                tally[(bits, mode, mentor)] += 1
                visited[person] = bits
        counted = [(bits, mode, mentor, count) for (bits, mode, mentor), count in tally.items()]
        mentors = {
            row[0]: row[1] for row in session.execute(sa_select(col(Mentor.id), col(Mentor.name))).all()
        }
        projects = session.execute(
            sa_select(
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
        ).all()
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
        actions = session.execute(
            text(
                "SELECT e.key_groups, count(*) FROM agreed_action a CROSS JOIN entrepreneur e "
                "WHERE e.id = a.entrepreneur_id AND e.deleted = :no AND a.deleted = :no "
                "AND a.due_date < :day AND (a.done_on IS NULL OR a.done_on > :day) GROUP BY e.key_groups"
            ),
            {"day": day, "no": False},
        ).all()
    overdue = []
    for project_id, bits, entered, cadence_days, cadence_months, planned_end in projects:
        if planned_end < reference:
            continue  # the period is over: it waits to leave the pool, no visit is due
        base = last_visits.get(project_id) or entered
        due = next_due_after(base, cadence_days=cadence_days, cadence_months=cadence_months)
        if due < reference:
            overdue.append((bits, 1))
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
            split_by_group((bits, 1) for bits in visited.values()),
            definition="本月至少被走访一次的创业者人数，一人多次只计一次。",
        ),
        FigureRow(
            VISITS,
            "tracking.active",
            "跟踪陪跑中的重点项目（月末）",
            "个",
            split_by_group((row[1], 1) for row in projects),
            definition="月末（本月未结束时为今天）在重点孵化项目库中、尚未出库的项目（5号文 (十)）。",
        ),
        FigureRow(
            VISITS,
            "tracking.overdue",
            "陪跑走访逾期的重点项目（月末）",
            "个",
            split_by_group(overdue),
            definition="上一项中，按陪跑频次到月末应走访而未走访的项目：最近一次陪跑走访（没有则为入库日）"
            "加上频次，早于月末即为逾期；陪跑期已满的不计。",
        ),
        FigureRow(
            VISITS,
            "followups.overdue",
            "逾期未办的跟进事项（月末）",
            "项",
            split_by_group((int(bits or 0), int(count)) for bits, count in actions),
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
    e, c, n = Entrepreneur, TrainingClass, Enrolment
    ended_before = min(next_month(month), china_today())  # a class ending today still runs today
    ended = (col(c.deleted).is_(False), col(c.end_date) >= month, col(c.end_date) < ended_before)
    with db.reading() as session:
        classes = session.execute(sa_select(func.count()).select_from(c).where(*ended)).scalar_one()
        cohort = session.execute(
            sa_select(
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
            .group_by(col(e.key_groups))
        ).all()
    trained = split_by_group((bits, people) for bits, people, _done in cohort)
    completed = split_by_group((bits, done) for bits, _people, done in cohort)
    rate = tuple(
        round(done * 10000 / people) if people else 0 for done, people in zip(completed, trained, strict=True)
    )
    zeros = (0,) * (len(GROUP_COLUMNS) - 1)
    return [
        FigureRow(
            TRAINING,
            "training.classes",
            "结束的培训班",
            "期",
            (int(classes), *zeros),
            definition=(
                "本月已结束的培训班（结束日期在本月且已过去，仍在上课的不计入；马兰花 SYB、IYB、网创等，"
                "5号文 (二)）。培训班不分重点群体。"
            ),
            split=False,
        ),
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


APPLICATIONS = "补贴与贷款申请"
APPLICATION_FLOWS = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.RETURNED,
    ApplicationStatus.DISBURSED,
)


@service(Permission.VIEW_STATISTICS)
def applications_section(db: Database, actor: Actor, /, month: date) -> list[FigureRow]:
    """Subsidy and loan applications that reached each status in the month, with their amounts."""
    following = next_month(month)
    e, a, step = Entrepreneur, Application, ApplicationStep
    reached = (
        sa_select(col(step.application_id), col(step.to_status))
        .where(
            col(step.deleted).is_(False),
            col(step.on) >= month,
            col(step.on) < following,
            col(step.to_status).in_([status.value for status in APPLICATION_FLOWS]),
        )
        .distinct()
        .subquery()
    )
    with db.reading() as session:
        flows = session.execute(
            sa_select(
                col(e.key_groups),
                reached.c.to_status,
                func.count(),
                func.coalesce(func.sum(col(a.amount_fen)), 0),
            )
            .select_from(reached)
            .join(a, col(a.id) == reached.c.application_id)
            .join(e, col(a.entrepreneur_id) == col(e.id))
            .where(col(a.deleted).is_(False), col(e.deleted).is_(False))
            .group_by(col(e.key_groups), reached.c.to_status)
        ).all()
    rows = []
    verbs = {
        ApplicationStatus.SUBMITTED: "提交",
        ApplicationStatus.APPROVED: "批准",
        ApplicationStatus.RETURNED: "退回",
        ApplicationStatus.DISBURSED: "发放",
    }
    for status in APPLICATION_FLOWS:
        mine = [
            (int(bits or 0), int(count), int(amount))
            for bits, to, count, amount in flows
            if to == status.value
        ]
        verb = verbs[status]
        rows.append(
            FigureRow(
                APPLICATIONS,
                f"applications.{status.value}",
                f"本月{verb}的申请",
                "件",
                split_by_group((bits, count) for bits, count, _amount in mine),
                definition=f"本月内状态变为“{status.label}”的补贴和创业担保贷款申请件数（同一件本月多次变为该状态只计一次）。",
            )
        )
        rows.append(
            FigureRow(
                APPLICATIONS,
                f"applications.{status.value}_amount",
                f"本月{verb}的申请金额",
                "元",
                split_by_group((bits, amount) for bits, _count, amount in mine),
                kind=MONEY,
                definition="上一项各件申请的金额之和（申请表上的金额；贷款为贷款金额）。",
            )
        )
    return rows

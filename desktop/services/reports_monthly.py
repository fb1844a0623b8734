"""月报: the monthly figures per key group, frozen snapshots, the 月报 workbook, the dashboard's series.

Each area contributes its figures through :data:`MONTHLY_SECTIONS`: a function ``(db, month) -> rows``
(``month`` is the first day of the month; rows are :class:`reports.monthly_report.FigureRow`). The
report, the snapshot, the differences and the charts all read the same rows, so a figure has one
definition, written next to the query that computes it.

Freezing a month (报送) stores its rows as a :class:`models.ledger.MonthlySnapshot` through the change
log; afterwards the report prints the figures as sent and lists every later difference, so editing an
old record never silently rewrites what was reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from desktop.services.station import station_info
from models.applications import Application, ApplicationStatus, ApplicationStep
from models.audit import Actor, Operation
from models.base import CHINA_TZ, china_today, utcnow
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import KeyGroup, Stage
from models.errors import ValidationError
from models.ledger.months import month_start, months_back, next_month
from models.ledger.tables import MonthlySnapshot
from models.training import CompletionResult, Enrolment, EnrolmentStatus, TrainingClass
from models.visits import KeyProject, Mentor, Visit, VisitMode, next_due_after
from reports.monthly_report import (
    GROUP_COLUMNS,
    MONEY,
    PERCENT,
    FigureRow,
    MonthlyReport,
    Snapshot,
    compare,
    month_label,
    write_monthly_report,
)

MonthlySection = Callable[[Database, date], list[FigureRow]]
MENTOR_PREFIX = "visits.mentor."

_GROUP_BITS = tuple(group.bit for group in KeyGroup)


def split_by_group(pairs: Iterable[tuple[int, int]]) -> tuple[int, ...]:
    """Sum ``(key_groups bits, amount)`` pairs into 合计 and one value per key group: a person in two
    groups counts in both groups and once in the total."""
    by_bits: dict[int, int] = {}
    for bits, value in pairs:
        key = int(bits or 0)
        by_bits[key] = by_bits.get(key, 0) + int(value or 0)
    values = [0] * len(GROUP_COLUMNS)
    for bits, amount in by_bits.items():
        values[0] += amount
        for index, bit in enumerate(_GROUP_BITS, start=1):
            if bits & bit:
                values[index] += amount
    return tuple(values)


def month_bounds_utc(month: date) -> tuple[datetime, datetime]:
    """The month in Asia/Shanghai as an aware UTC interval [start, end)."""
    start = datetime(month.year, month.month, 1, tzinfo=CHINA_TZ)
    following = next_month(month)
    end = datetime(following.year, following.month, 1, tzinfo=CHINA_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


# ------------------------------------------------------------------------------------- the sections
ENTREPRENEURS = "创业者与创业主体"


def entrepreneur_section(db: Database, month: date) -> list[FigureRow]:
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


def visits_section(db: Database, month: date) -> list[FigureRow]:
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


def training_section(db: Database, month: date) -> list[FigureRow]:
    """Classes that ended in the month, the people they trained, and how many of them completed."""
    following = next_month(month)
    e, c, n = Entrepreneur, TrainingClass, Enrolment
    ended = (col(c.deleted).is_(False), col(c.end_date) >= month, col(c.end_date) < following)
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
            definition="结束日期在本月的培训班（马兰花 SYB、IYB、网创等，5号文 (二)）。培训班不分重点群体。",
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


def applications_section(db: Database, month: date) -> list[FigureRow]:
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


MONTHLY_SECTIONS: list[MonthlySection] = [
    entrepreneur_section,
    visits_section,
    training_section,
    applications_section,
]
"""The sections of the report, in order. An area appends its function here."""


# -------------------------------------------------------------------------------------- the report
def monthly_figures(db: Database, *, month: date) -> list[FigureRow]:
    first = month_start(month)
    return [row for section in MONTHLY_SECTIONS for row in section(db, first)]


def _snapshot(session: Session, station_code: str, month: date) -> MonthlySnapshot | None:
    return session.exec(
        select(MonthlySnapshot).where(
            MonthlySnapshot.station_code == station_code,
            MonthlySnapshot.month == month,
            col(MonthlySnapshot.deleted).is_(False),
        )
    ).first()


def _station(db: Database) -> tuple[str, str]:
    info = station_info(db)
    return (info.code, info.name) if info else ("", "")


def monthly_report(db: Database, *, month: date) -> MonthlyReport:
    """The month's figures now, and — once frozen — as reported and what differs since."""
    first = month_start(month)
    rows = tuple(monthly_figures(db, month=first))
    code, name = _station(db)
    with db.reading() as session:
        stored = _snapshot(session, code, first)
        snapshot = (
            Snapshot(
                frozen_at=stored.frozen_at,
                frozen_by=stored.frozen_by,
                rows=tuple(FigureRow.from_json(item) for item in stored.figures),
                note=stored.note,
            )
            if stored is not None
            else None
        )
    differences = compare(snapshot.rows, rows) if snapshot is not None else ()
    return MonthlyReport(code, name, first, rows, snapshot, differences)


def freeze_month(
    db: Database, *, actor: Actor, month: date, note: str = "", today: date | None = None
) -> MonthlyReport:
    """报送: keep the month's figures as they are now. Freezing again replaces them (the change log keeps
    every version). A month that has not ended yet cannot be frozen."""
    first = month_start(month)
    day = today or china_today()
    if next_month(first) > day:
        last = date.fromordinal(next_month(first).toordinal() - 1)
        raise ValidationError(
            "月份",
            first,
            f"{month_label(first)}还没有结束（到 {last.isoformat()}），月末之后才能冻结报送",
        )
    rows = monthly_figures(db, month=first)
    figures = [row.to_json() for row in rows]
    with db.transaction() as session:
        operation = Operation(session, actor, f"冻结 {month_label(first)} 月报")
        stored = _snapshot(session, actor.station_code, first)
        if stored is None:
            operation.create(
                MonthlySnapshot(
                    station_code=actor.station_code,
                    updated_by=actor.user_name,
                    month=first,
                    frozen_at=utcnow(),
                    frozen_by=actor.user_name,
                    figures=figures,
                    note=note[:500],
                )
            )
        else:
            operation.update(
                stored,
                {"figures": figures, "frozen_at": utcnow(), "frozen_by": actor.user_name, "note": note[:500]},
            )
    return monthly_report(db, month=first)


def frozen_months(db: Database) -> list[date]:
    code, _name = _station(db)
    with db.reading() as session:
        return list(
            session.exec(
                select(col(MonthlySnapshot.month))
                .where(MonthlySnapshot.station_code == code, col(MonthlySnapshot.deleted).is_(False))
                .order_by(col(MonthlySnapshot.month))
            ).all()
        )


def export_monthly(db: Database, *, actor: Actor, month: date, out: Path) -> int:
    """Write the 月报 workbook (figures as reported once frozen); logged as an export."""
    report = monthly_report(db, month=month)
    count = write_monthly_report(out, report, definitions=report.rows)
    with db.transaction() as session:
        Operation(session, actor, "导出月报").log_access(
            "export", "monthly_report", "", f"{out.name}：{month_label(report.month)}，{count} 项指标"
        )
    return count


# -------------------------------------------------------------------------------------- the charts
@dataclass(frozen=True)
class TrendPoint:
    month: date
    values: dict[str, int]  # figure key -> 合计


@dataclass(frozen=True)
class DashboardData:
    month: date
    report: MonthlyReport
    trend: tuple[TrendPoint, ...]
    trend_labels: dict[str, str]  # figure key -> label, for the series that exist
    by_mentor: tuple[tuple[str, int], ...]  # (mentor name, visits in the month), most first


TREND_KEYS = ("entrepreneurs.new", "ventures.new", "visits.total", "training.trained")


TrendSource = Callable[[Database, Sequence[date]], dict[str, int]]
"""(db, month starts) -> {"YYYY-MM": 合计}: one grouped query for all the months of a trend."""


def _by_month(session: Session, query: Any) -> dict[str, int]:
    return {str(month): int(count) for month, count in session.execute(query).all() if month}


def _trend_new_entrepreneurs(db: Database, firsts: Sequence[date]) -> dict[str, int]:
    e = Entrepreneur
    start, _ = month_bounds_utc(firsts[0])
    _, end = month_bounds_utc(firsts[-1])
    month = func.strftime("%Y-%m", col(e.created_at), "+8 hours")  # Beijing time, as the report counts
    with db.reading() as session:
        return _by_month(
            session,
            sa_select(month, func.count())
            .where(col(e.deleted).is_(False), col(e.created_at) >= start, col(e.created_at) < end)
            .group_by(month),
        )


def _trend_new_ventures(db: Database, firsts: Sequence[date]) -> dict[str, int]:
    e, v = Entrepreneur, Venture
    month = func.substr(col(v.registration_date), 1, 7)
    with db.reading() as session:
        return _by_month(
            session,
            sa_select(month, func.count())
            .select_from(v)
            .join(e, col(v.entrepreneur_id) == col(e.id))
            .where(
                col(e.deleted).is_(False),
                col(v.deleted).is_(False),
                col(v.registration_date) >= firsts[0],
                col(v.registration_date) < next_month(firsts[-1]),
            )
            .group_by(month),
        )


def _trend_visits(db: Database, firsts: Sequence[date]) -> dict[str, int]:
    e, v = Entrepreneur, Visit
    month = func.substr(col(v.visit_date), 1, 7)
    in_bin = sa_select(col(e.id)).where(col(e.deleted).is_(True))  # few: an anti-join, not a join
    with db.reading() as session:
        return _by_month(
            session,
            sa_select(month, func.count())
            .where(
                col(v.deleted).is_(False),
                col(v.visit_date) >= firsts[0],
                col(v.visit_date) < next_month(firsts[-1]),
                col(v.entrepreneur_id).not_in(in_bin),
            )
            .group_by(month),
        )


def _trend_trained(db: Database, firsts: Sequence[date]) -> dict[str, int]:
    e, c, n = Entrepreneur, TrainingClass, Enrolment
    month = func.substr(col(c.end_date), 1, 7)
    with db.reading() as session:
        return _by_month(
            session,
            sa_select(month, func.count(func.distinct(col(n.entrepreneur_id))))
            .select_from(n)
            .join(c, col(n.class_id) == col(c.id))
            .join(e, col(n.entrepreneur_id) == col(e.id))
            .where(
                col(c.deleted).is_(False),
                col(c.end_date) >= firsts[0],
                col(c.end_date) < next_month(firsts[-1]),
                col(e.deleted).is_(False),
                col(n.deleted).is_(False),
                col(n.status) == EnrolmentStatus.ENROLLED.value,
            )
            .group_by(month),
        )


TREND_SOURCES: dict[str, TrendSource] = {
    "entrepreneurs.new": _trend_new_entrepreneurs,
    "ventures.new": _trend_new_ventures,
    "visits.total": _trend_visits,
    "training.trained": _trend_trained,
}
"""Figures whose trend has a one-query form (same conditions as their section, grouped by month).
A figure without one is computed month by month from :data:`MONTHLY_SECTIONS`."""


def monthly_trend(
    db: Database, *, end: date, months: int = 12, keys: Sequence[str] = TREND_KEYS
) -> list[TrendPoint]:
    """The 合计 of some figures for each of the last ``months`` months (oldest first)."""
    firsts = months_back(month_start(end), months)
    fast = db.engine.dialect.name == "sqlite"  # the grouped queries use SQLite's date functions
    series = {key: TREND_SOURCES[key](db, firsts) for key in keys if fast and key in TREND_SOURCES}
    slow = [key for key in keys if key not in series]
    points = []
    for first in firsts:
        values = {key: by_month.get(f"{first:%Y-%m}", 0) for key, by_month in series.items()}
        if slow:
            rows = {row.key: row.total for row in monthly_figures(db, month=first)}
            values.update({key: rows[key] for key in slow if key in rows})
        points.append(TrendPoint(first, {key: values[key] for key in keys if key in values}))
    return points


def dashboard(db: Database, *, month: date, months: int = 12) -> DashboardData:
    """Everything the 统计报表 page shows, in one call (run it off the GUI thread)."""
    report = monthly_report(db, month=month)
    trend = monthly_trend(db, end=month, months=months)
    labels = {row.key: row.label for row in report.rows if row.key in TREND_KEYS}
    mentors = sorted(
        ((row.label, row.total) for row in report.rows if row.key.startswith(MENTOR_PREFIX)),
        key=lambda item: (-item[1], item[0]),
    )
    return DashboardData(month_start(month), report, tuple(trend), labels, tuple(mentors))

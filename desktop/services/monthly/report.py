"""The 月报 itself: the figures now and, once frozen (报送), as reported with every later difference;
freezing a month, and the 月报 workbook.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from desktop.services.gate import service
from desktop.services.monthly.figures import monthly_figures
from desktop.services.station import station_info
from models.actor import Actor
from models.audit import Operation
from models.base import china_today, utcnow
from models.database import Database
from models.errors import ValidationError
from models.ledger.months import month_start, next_month
from models.ledger.tables import MonthlySnapshot
from models.permissions import Permission
from reports.monthly_report import (
    FigureRow,
    MonthlyReport,
    Snapshot,
    compare,
    month_label,
    write_monthly_report,
)


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


@service(Permission.VIEW_STATISTICS)
def monthly_report(db: Database, actor: Actor, /, *, month: date) -> MonthlyReport:
    """The month's figures now, and — once frozen — as reported and what differs since."""
    first = month_start(month)
    rows = tuple(monthly_figures(db, actor, month=first))
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


@service(Permission.VIEW_STATISTICS)
def freeze_month(
    db: Database, actor: Actor, /, *, month: date, note: str = "", today: date | None = None
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
    rows = monthly_figures(db, actor, month=first)
    with db.transaction() as session:
        freeze_month_in(session, actor, month=first, rows=rows, note=note)
    return monthly_report(db, actor, month=first)


def freeze_month_in(
    session: Session, actor: Actor, *, month: date, rows: list[FigureRow], note: str = ""
) -> None:
    """The core of :func:`freeze_month`: store ``rows`` as the month's snapshot, or replace the one
    stored (one operation in the change log). Never commits."""
    first = month_start(month)
    figures = [row.to_json() for row in rows]
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


@service(Permission.VIEW_STATISTICS)
def frozen_months(db: Database, actor: Actor, /) -> list[date]:
    code, _name = _station(db)
    with db.reading() as session:
        return list(
            session.exec(
                select(col(MonthlySnapshot.month))
                .where(MonthlySnapshot.station_code == code, col(MonthlySnapshot.deleted).is_(False))
                .order_by(col(MonthlySnapshot.month))
            ).all()
        )


@service(Permission.EXPORT_DATA)
def export_monthly(db: Database, actor: Actor, /, *, month: date, out: Path) -> int:
    """Write the 月报 workbook (figures as reported once frozen); logged as an export. The figures are
    the report's, so the user also needs the statistics' permission."""
    report = monthly_report(db, actor, month=month)
    count = write_monthly_report(out, report, definitions=report.rows)
    with db.transaction() as session:
        Operation(session, actor, "导出月报").log_access(
            "export", "monthly_report", "", f"{out.name}：{month_label(report.month)}，{count} 项指标"
        )
    return count

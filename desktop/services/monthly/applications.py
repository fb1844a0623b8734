"""The 月报's section on subsidy and loan applications (:mod:`desktop.services.monthly.sections` has
the others and how a section is split by a grouping at HQ)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col

from desktop.services.gate import service
from desktop.services.monthly.grouping import (
    ALL,
    Grouped,
    Grouping,
    group_keys,
    keyed,
    split_by_group,
    with_key,
)
from models.actor import Actor
from models.applications import Application, ApplicationStatus, ApplicationStep
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.ledger.months import next_month
from models.permissions import Permission
from reports.monthly_report import MONEY, FigureRow

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
    return _applications_figures(db, month, None)[ALL]


def _applications_figures(db: Database, month: date, by: Grouping | None) -> Grouped:
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
    key = keyed(by)
    with db.reading() as session:
        flows = with_key(
            session.execute(
                sa_select(
                    *key,
                    col(e.key_groups),
                    reached.c.to_status,
                    func.count(),
                    func.coalesce(func.sum(col(a.amount_fen)), 0),
                )
                .select_from(reached)
                .join(a, col(a.id) == reached.c.application_id)
                .join(e, col(a.entrepreneur_id) == col(e.id))
                .where(col(a.deleted).is_(False), col(e.deleted).is_(False))
                .group_by(*key, col(e.key_groups), reached.c.to_status)
            ).all(),
            by,
        )
    by_group: dict[str, list[tuple[Any, ...]]] = {}
    for group, *row in flows:
        by_group.setdefault(group, []).append(tuple(row))
    return {group: _application_rows(by_group.get(group, [])) for group in group_keys(by, by_group)}


def _application_rows(flows: list[tuple[Any, ...]]) -> list[FigureRow]:
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

"""HQ's frozen versions of a month (:class:`models.hq.snapshots.HqSnapshot`): reading them, writing the
next one, and the packages that arrived after a freeze (what a revision names)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from models.actor import Actor
from models.audit import AccessLog
from models.base import to_china, utcnow
from models.hq.snapshots import HqSnapshot
from models.sync.tables import SyncPackage
from reports.hq_statistics import FrozenVersion
from reports.monthly_report import FigureRow, month_label

Scoped = dict[tuple[str, str], tuple[FigureRow, ...]]
"""Frozen rows by (scope, group key)."""


def versions(session: Session, month: date) -> list[FrozenVersion]:
    """Every version frozen for the month, oldest first (one row per version: the county's)."""
    rows = session.execute(
        select(
            col(HqSnapshot.version),
            col(HqSnapshot.frozen_at),
            col(HqSnapshot.frozen_by),
            col(HqSnapshot.note),
        )
        .where(
            col(HqSnapshot.month) == month, col(HqSnapshot.group_key) == "", col(HqSnapshot.scope) == "county"
        )
        .order_by(col(HqSnapshot.version))
    ).all()
    return [FrozenVersion(version, at, by, note) for version, at, by, note in rows]


def frozen_rows(session: Session, month: date, version: int) -> Scoped:
    """One version's figures, every scope."""
    found = session.execute(
        select(col(HqSnapshot.scope), col(HqSnapshot.group_key), col(HqSnapshot.figures)).where(
            col(HqSnapshot.month) == month, col(HqSnapshot.version) == version
        )
    ).all()
    return {
        (scope, key): tuple(FigureRow.from_json(item) for item in figures) for scope, key, figures in found
    }


def frozen_months(session: Session) -> list[tuple[date, int]]:
    """Every month HQ has frozen and its latest version, newest first."""
    rows = session.execute(
        select(col(HqSnapshot.month), func.max(col(HqSnapshot.version)))
        .group_by(col(HqSnapshot.month))
        .order_by(col(HqSnapshot.month).desc())
    ).all()
    return [(month, int(version)) for month, version in rows]


def write_version(
    session: Session,
    actor: Actor,
    *,
    month: date,
    version: int,
    scopes: Sequence[tuple[str, str, str, Sequence[FigureRow]]],
    note: str = "",
) -> None:
    """Store a new version: one row per (scope, key, name, rows); the freeze is audited. Never commits."""
    at = utcnow()
    for scope, key, name, rows in scopes:
        session.add(
            HqSnapshot(
                month=month,
                version=version,
                scope=scope,
                group_key=key,
                group_name=name[:100],
                frozen_at=at,
                frozen_by=actor.user_name,
                note=note[:500],
                figures=[row.to_json() for row in rows],
            )
        )
    what = "冻结" if version == 1 else "冻结修订"
    session.add(
        AccessLog(
            user_name=actor.user_name,
            action="freeze",
            record_kind=HqSnapshot.__tablename__,
            record_id=month.isoformat(),
            detail=f"{what} {month_label(month)} 全县统计（第 {version} 版，{len(scopes)} 个范围）",
        )
    )


def packages_since(session: Session, moment: datetime) -> dict[str, tuple[str, ...]]:
    """The packages applied after ``moment``, by station: ``330106002 第 5 号数据包（2026-12-03 收到）``."""
    found: dict[str, list[str]] = {}
    for peer, seq, at in session.execute(
        select(col(SyncPackage.peer), col(SyncPackage.seq), col(SyncPackage.at))
        .where(
            col(SyncPackage.direction) == "in",
            col(SyncPackage.status) == "applied",
            col(SyncPackage.at) > moment,
        )
        .order_by(col(SyncPackage.peer), col(SyncPackage.seq))
    ).all():
        found.setdefault(peer, []).append(f"{peer} 第 {seq} 号数据包（{to_china(at):%Y-%m-%d} 收到）")
    return {peer: tuple(texts) for peer, texts in found.items()}

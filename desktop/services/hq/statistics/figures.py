"""The station's monthly figures over the whole county, split by station and by district.

Every figure is the station's own definition (:mod:`desktop.services.monthly.sections`), computed in the
same grouped queries with the group key in front (``GROUP BY station_code, key_groups``): one pass over
the county for all stations at once, never one query per station.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlmodel import col

from desktop.services.gate import authorize, permission_of, service
from desktop.services.monthly.figures import monthly_sections
from desktop.services.monthly.grouping import (
    ALL,
    BY_HOUSEHOLD_REGION,
    BY_STATION,
    BY_STATION_REGION,
    ZERO,
    Grouping,
)
from desktop.services.monthly.sections import GROUPED_SECTIONS, MENTOR_PREFIX
from models.actor import Actor
from models.database import Database
from models.errors import ValidationError
from models.hq.snapshots import HOUSEHOLD_REGION, STATION, STATION_REGION
from models.ledger.months import month_start
from models.permissions import Permission
from models.regions import region_name
from models.sync.tables import HQ, SyncNode, SyncPeer
from models.sync.tables import STATION as STATION_ROLE
from reports.monthly_report import FigureRow

GROUPINGS: dict[str, Grouping] = {
    STATION: BY_STATION,
    STATION_REGION: BY_STATION_REGION,
    HOUSEHOLD_REGION: BY_HOUSEHOLD_REGION,
}
"""The scopes below the county, by snapshot scope name."""

NO_HOUSEHOLD_REGION = "（未填写户籍地）"


def _zeroed(rows: Sequence[FigureRow]) -> list[FigureRow]:
    """A section's rows for a group it found nothing for: every figure 0 (no per-mentor lines)."""
    return [replace(row, values=ZERO) for row in rows if not row.key.startswith(MENTOR_PREFIX)]


@service(Permission.VIEW_STATISTICS)
def grouped_figures(
    db: Database, actor: Actor, /, *, month: date, by: Grouping, include: Sequence[str] = ()
) -> dict[str, list[FigureRow]]:
    """Every section's rows for the month, for each group of ``by`` (and each of ``include``, with
    zeros where it has nothing), in the order of the area registry. A section the user may not read
    is refused as :func:`desktop.services.monthly.figures.monthly_figures` refuses it."""
    first = month_start(month)
    per_section: list[tuple[dict[str, list[FigureRow]], list[FigureRow]]] = []
    keys: set[str] = set(include)
    for section in monthly_sections():
        permission = permission_of(section)
        if permission is not None:
            authorize(db, actor, permission, f"{section.__module__}.{section.__qualname__}")
        split = GROUPED_SECTIONS.get(section)
        if split is None:
            raise LookupError(f"monthly section {section.__qualname__} cannot be split by {by.name}")
        grouped = split(db, first, by)
        template = next(iter(grouped.values()), None)
        if template is None:  # nothing anywhere: the section's unsplit rows give its figures
            template = split(db, first, None)[ALL]
            if by.klass is None:
                template = [row for row in template if row.key != "training.classes"]
        per_section.append((grouped, _zeroed(template)))
        keys.update(grouped)
    return {
        key: [row for grouped, zero in per_section for row in grouped.get(key, zero)] for key in sorted(keys)
    }


@service(Permission.VIEW_STATISTICS)
def require_hq(db: Database, actor: Actor, /) -> tuple[str, str]:
    """HQ's code and name; refused on a station's database (statistics of the county are HQ's)."""
    with db.reading() as session:
        node = session.execute(select(SyncNode)).scalars().first()
    if node is None or node.role != HQ:
        raise ValidationError(
            "数据库", "", "这是服务站的数据库，不是总部的：全县统计只在总部数据库（doorstep hq init）中可用"
        )
    return node.code, node.name or node.code


@service(Permission.VIEW_STATISTICS)
def station_names(db: Database, actor: Actor, /) -> dict[str, str]:
    """Every enrolled station (revoked ones too: their records still count), code -> name."""
    with db.reading() as session:
        return {
            code: name or code
            for code, name in session.execute(
                select(col(SyncPeer.code), col(SyncPeer.name))
                .where(col(SyncPeer.role) == STATION_ROLE)
                .order_by(col(SyncPeer.code))
            ).all()
        }


def group_name(scope: str, key: str, stations: dict[str, str]) -> str:
    """How the page names a group: the station's name, the region's GB/T 2260 name."""
    if scope == STATION:
        return stations.get(key, key)
    if not key:
        return NO_HOUSEHOLD_REGION
    return region_name(key) or f"区划 {key}"

"""The permission gate on the 月报, the statistics and the exports: who may freeze, read and export."""

from __future__ import annotations

import inspect
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import select

from desktop.jobs import UNWATCHED
from desktop.services import entrepreneurs as people
from desktop.services import exports, monthly
from desktop.services.gate import permission_of
from desktop.services.monthly import charts, figures, report, sections
from models.audit import AccessLog, Actor
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.errors import NotAllowed
from models.permissions import Permission
from tests.data import ledgers as fx

MARCH = date(2025, 3, 1)


def row_counts(db: Database) -> dict[str, int]:
    """How many rows every table holds."""
    with db.reading() as session:
        tables = [
            name
            for (name,) in session.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            ).all()
        ]
        return {name: session.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in tables}


def refusals(db: Database) -> list[AccessLog]:
    with db.reading() as session:
        return list(session.exec(select(AccessLog).where(AccessLog.action == "refused")).all())


def test_a_clerk_who_may_only_view_files_cannot_freeze_a_month(db: Database, actor: Actor) -> None:
    people.create_entrepreneur(db, actor, person={"name": "张三", "id_number": fx.ZHANG})
    clerk = actor.restricted_to(Permission.VIEW_FILES)
    before = row_counts(db)
    with pytest.raises(NotAllowed, match="查看统计报表"):
        monthly.freeze_month(db, clerk, month=MARCH, today=date(2025, 4, 2))
    after = row_counts(db)
    (refused,) = refusals(db)
    assert refused.user_name == clerk.user_name and "freeze_month" in refused.detail
    assert after == {**before, "access_log": before["access_log"] + 1}  # nothing else was written
    assert monthly.frozen_months(db, actor) == []


def test_exports_need_their_permission_and_write_nothing_when_refused(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    people.create_entrepreneur(db, actor, person={"name": "张三", "id_number": fx.ZHANG})
    viewer = actor.restricted_to(Permission.VIEW_FILES, Permission.VIEW_STATISTICS)
    out = tmp_path / "名单.xlsx"
    with pytest.raises(NotAllowed, match="导出名单和报表"):
        exports.export_entrepreneurs(db, viewer, out=out)
    with pytest.raises(NotAllowed, match="导出名单和报表"):
        monthly.export_monthly(db, viewer, month=MARCH, out=out)
    assert not out.exists()
    assert len(refusals(db)) == 2
    assert monthly.monthly_report(db, viewer, month=MARCH).month == MARCH  # reading the figures is allowed


def test_an_unmasked_export_needs_the_personal_data_permission(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    people.create_entrepreneur(
        db, actor, person={"name": "张三", "id_number": fx.ZHANG, "phone": "13812345678"}
    )
    exporter = actor.restricted_to(Permission.VIEW_FILES, Permission.EXPORT_DATA)  # what one sees, exported
    out = tmp_path / "名单.xlsx"
    result = exports.export_entrepreneurs(
        db, exporter, out=out, unmasked=True, columns=["id_number", "phone"]
    )
    sheet = load_workbook(out).active
    assert sheet is not None
    assert result.masked and (sheet["A3"].value, sheet["B3"].value) == ("330***********1236", "138****5678")
    with db.reading() as session:
        ids = list(session.exec(select(Entrepreneur.id)).all())
    masked = exports.export_rows(
        db, exporter, ids=ids, keys=["id_number"], reveal=True, today=MARCH, job=UNWATCHED
    )
    assert list(masked) == [["330***********1236"]]
    full = exports.export_rows(
        db, actor, ids=ids, keys=["id_number"], reveal=True, today=MARCH, job=UNWATCHED
    )
    assert list(full) == [[fx.ZHANG]]


EXPECTED = {
    "entrepreneur_section": Permission.VIEW_STATISTICS,
    "visits_section": Permission.VIEW_STATISTICS,
    "training_section": Permission.VIEW_STATISTICS,
    "applications_section": Permission.VIEW_STATISTICS,
    "monthly_figures": Permission.VIEW_STATISTICS,
    "monthly_report": Permission.VIEW_STATISTICS,
    "freeze_month": Permission.VIEW_STATISTICS,
    "frozen_months": Permission.VIEW_STATISTICS,
    "export_monthly": Permission.EXPORT_DATA,
    "monthly_trend": Permission.VIEW_STATISTICS,
    "dashboard": Permission.VIEW_STATISTICS,
    "suggested_name": Permission.EXPORT_DATA,
    "export_entrepreneurs": Permission.EXPORT_DATA,
    "export_rows": Permission.EXPORT_DATA,
}


@pytest.mark.parametrize("module", [sections, figures, report, charts, exports], ids=lambda m: m.__name__)
def test_every_public_service_taking_the_database_is_gated(module: ModuleType) -> None:
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or function.__module__ != module.__name__:
            continue
        first = next(iter(inspect.signature(function).parameters.values()), None)
        if first is None or first.annotation not in ("Database", Database):
            continue  # a pure helper
        assert permission_of(function) is EXPECTED[name], name


def test_the_monthly_area_brings_the_frozen_months_and_no_section_of_its_own() -> None:
    described = monthly.area()
    (kind,) = described.records
    assert kind.table == "monthly_snapshot" and kind.owner == "station" and not kind.personal_fields
    assert described.monthly_sections == () and described.name == "monthly"

"""The area registry: every area describes itself once, and every table is a record that travels, local
state or a derived projection — exactly one of them (DESIGN.md "Data conventions")."""

from __future__ import annotations

import importlib
from collections import Counter
from contextlib import closing
from datetime import date

from desktop.services import entrepreneurs as svc
from desktop.services.areas import AREA_MODULES, registry
from desktop.services.training import assess_class
from models.audit import Actor
from models.base import metadata
from models.database import Database, connect
from models.tables import travelling_tables
from tests.unit.test_entrepreneur_services import person
from tests.unit.test_training_services import completed_class


def test_every_area_module_describes_itself() -> None:
    missing = [
        name for name in AREA_MODULES if not callable(getattr(importlib.import_module(name), "area", None))
    ]
    assert missing == []
    assert len(registry().areas) == len(AREA_MODULES)


def test_every_table_is_exactly_one_of_record_local_or_derived() -> None:
    areas = registry()
    listed = Counter(
        [
            *areas.record_kinds,
            *(t for a in areas.areas for t in a.local_tables),
            *(t for a in areas.areas for t in a.derived_tables),
        ]
    )
    assert {table for table, times in listed.items() if times > 1} == set()
    assert set(listed) == set(metadata.tables)
    assert set(areas.record_kinds) == set(travelling_tables())


def test_every_derived_table_has_its_rebuild() -> None:
    areas = registry()
    assert set(areas.projections) == set(areas.derived_tables)


def test_personal_fields_name_real_columns() -> None:
    for table, kind in registry().record_kinds.items():
        assert kind.personal_fields <= set(metadata.tables[table].c.keys()), table


def snapshot(db: Database, table: str) -> list[tuple[object, ...]]:
    assert db.path is not None
    with closing(connect(db.path, query_only=True)) as raw:
        return raw.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def test_every_projection_rebuilds_what_the_services_wrote(db: Database, actor: Actor) -> None:
    svc.create_entrepreneur(db, actor, person=person())
    # a finished class assessed: a certificate number issued
    assess_class(db, actor, class_id=completed_class(db, actor, ["李四"])[0], today=date(2025, 3, 10))
    written = {table: snapshot(db, table) for table in registry().projections}
    assert all(written.values())
    with db.transaction() as session:
        for rebuild in registry().projections.values():
            rebuild(session)
    assert {table: snapshot(db, table) for table in registry().projections} == written

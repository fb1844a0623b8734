"""The visits area behind the permission gate: a restricted user is refused a write (audited, nothing
else changed), every public service declares its permission, and area() names every visits table."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

import desktop.services.visits as visits_package
from desktop.services import entrepreneurs as people
from desktop.services import visits as svc
from desktop.services.gate import permission_of
from desktop.services.visits import mentors as mentor_svc
from models.audit import AccessLog, Actor, Change
from models.base import TravellingRecord, china_today
from models.database import Database
from models.errors import NotAllowed
from models.permissions import Permission
from models.visits import AgreedAction, Mentor, Visit

TODAY = china_today()


def _count(db: Database, model: type[object]) -> int:
    with db.reading() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_a_viewer_may_not_record_a_visit_the_refusal_is_audited_and_nothing_else_changes(
    db: Database, actor: Actor
) -> None:
    person = people.create_entrepreneur(
        db, actor, person={"name": "张三", "id_number": "33010619900101123X", "phone": "13812345678"}
    )
    viewer = actor.restricted_to(Permission.VIEW_FILES)
    before = {model: _count(db, model) for model in (Change, Visit, AgreedAction, AccessLog)}
    with pytest.raises(NotAllowed, match="记录走访和跟踪陪跑"):
        svc.record_visit(
            db,
            viewer,
            visit={
                "entrepreneur_id": person,
                "visit_date": TODAY,
                "mode": "上门走访",
                "problems": "资金周转紧张",
                "actions": [("提交贷款申请材料", TODAY + timedelta(days=14))],
            },
        )
    with db.reading() as session:
        refused = session.exec(select(AccessLog).where(AccessLog.action == "refused")).all()
    assert len(refused) == 1
    assert refused[0].user_name == viewer.user_name
    assert "record_visit" in refused[0].detail and Permission.RECORD_VISITS.value in refused[0].detail
    after = {model: _count(db, model) for model in (Change, Visit, AgreedAction, AccessLog)}
    assert after == {**before, AccessLog: before[AccessLog] + 1}
    assert svc.visits_of(db, viewer, entrepreneur_id=person) == []  # reading is still allowed


def test_the_mentor_pool_needs_its_own_permission_and_a_masked_phone_without_personal_data(
    db: Database, actor: Actor
) -> None:
    recorder = actor.restricted_to(Permission.VIEW_FILES, Permission.RECORD_VISITS)
    with pytest.raises(NotAllowed, match="管理导师库"):
        mentor_svc.create_mentor(db, recorder, mentor={"name": "李明", "kind": "企业家"})
    assert _count(db, Mentor) == 0
    mentor_svc.create_mentor(db, actor, mentor={"name": "李明", "kind": "企业家", "phone": "13900001111"})
    assert [m.phone for m in mentor_svc.list_mentors(db, actor)] == ["13900001111"]
    assert [m.phone for m in mentor_svc.list_mentors(db, recorder)] == ["139****1111"]


def _public_services() -> list[tuple[str, Callable[..., object]]]:
    found: list[tuple[str, Callable[..., object]]] = []
    for info in pkgutil.iter_modules(visits_package.__path__):
        module = importlib.import_module(f"{visits_package.__name__}.{info.name}")
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(inspect.unwrap(function)).parameters.values())
            if parameters and parameters[0].name == "db":
                found.append((f"{module.__name__}.{name}", function))
    return found


def test_every_public_service_of_the_area_is_gated_with_db_and_actor_positional_only() -> None:
    services = _public_services()
    assert len(services) > 30
    ungated = [name for name, function in services if permission_of(function) is None]
    assert ungated == []
    for name, function in services:
        db, acting = list(inspect.signature(inspect.unwrap(function)).parameters.values())[:2]
        assert (db.kind, acting.name, acting.kind) == (
            inspect.Parameter.POSITIONAL_ONLY,
            "actor",
            inspect.Parameter.POSITIONAL_ONLY,
        ), name


def test_area_names_every_visits_table_and_its_sources() -> None:
    area = svc.area()
    visits_tables = {
        str(model.__tablename__)
        for model in TravellingRecord.__subclasses__()
        if model.__module__.startswith("models.visits") and hasattr(model, "__table__")
    }
    assert {kind.table for kind in area.records} == visits_tables
    assert {kind.table: kind.personal_fields for kind in area.records}["mentor"] == frozenset({"phone"})
    gated = [*area.task_sources, *area.figure_sources, *area.timeline_sources, *area.done_handlers.values()]
    assert all(permission_of(source) is not None for source in gated)
    assert permission_of(area.done_handlers["agreed_action"]) is Permission.RECORD_VISITS

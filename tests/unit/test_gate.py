"""The one permission gate (DESIGN.md): every service call states its permission; a refused call is
audited and changes nothing."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from contextlib import closing
from types import ModuleType

import pytest

import desktop.services
from desktop.services import entrepreneurs as svc
from desktop.services.gate import Services, permission_of
from models.audit import Actor
from models.database import Database, connect
from models.errors import NotAllowed
from models.permissions import EVERY_PERMISSION, Permission
from tests.unit.test_entrepreneur_services import person


def service_modules() -> list[ModuleType]:
    modules = [desktop.services]
    for found in pkgutil.walk_packages(desktop.services.__path__, "desktop.services."):
        modules.append(importlib.import_module(found.name))
    return modules


# Not service calls: the gate itself, and the reads that say who acts before anyone acts.
BOOTSTRAP = {
    "desktop.services.gate.authorize",
    "desktop.services.station.station_info",
    "desktop.services.station.default_actor",
    "desktop.services.station.acting_user",
    "desktop.services.hq.identity.hq_identity",
}


def service_functions() -> list[tuple[str, Callable[..., object]]]:
    """Every public function of desktop/services whose first parameter is the database."""
    found: list[tuple[str, Callable[..., object]]] = []
    for module in service_modules():
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value) or value.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(value).parameters)
            qualified = f"{module.__name__}.{name}"
            if parameters and parameters[0] == "db" and qualified not in BOOTSTRAP:
                found.append((qualified, value))
    return found


def test_every_service_function_states_its_permission() -> None:
    functions = service_functions()
    assert len(functions) > 100  # the walk found the areas' services, not an empty package
    ungated = [name for name, function in functions if permission_of(function) is None]
    assert ungated == []


def test_every_service_takes_the_database_and_the_actor_first_and_positionally() -> None:
    wrong = []
    for name, function in service_functions():
        parameters = list(inspect.signature(function).parameters.values())[:2]
        kinds = [p.kind for p in parameters]
        if [p.name for p in parameters] != ["db", "actor"] or kinds != [
            inspect.Parameter.POSITIONAL_ONLY
        ] * 2:
            wrong.append(name)
    assert wrong == []


def counts(db: Database) -> dict[str, int]:
    assert db.path is not None
    with closing(connect(db.path, query_only=True)) as raw:
        return {
            table: raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("entrepreneur", "venture", "change_log", "access_log")
        }


def refusals(db: Database) -> list[tuple[str, str]]:
    assert db.path is not None
    with closing(connect(db.path, query_only=True)) as raw:
        return raw.execute("SELECT user_name, detail FROM access_log WHERE action = 'refused'").fetchall()


def test_a_restricted_actor_is_refused_a_write_and_a_read_audited_and_nothing_else_changes(
    db: Database, actor: Actor
) -> None:
    zhang = svc.create_entrepreneur(db, actor, person=person())
    clerk = Actor("临时人员", actor.station_code).restricted_to(Permission.VIEW_STATISTICS)
    before = counts(db)
    with pytest.raises(NotAllowed, match="建档和修改档案"):
        svc.update_entrepreneur(db, clerk, entrepreneur_id=zhang, person=person(phone="13900001111"))
    with pytest.raises(NotAllowed, match="查看档案"):
        svc.get_file(db, clerk, entrepreneur_id=zhang)
    after = counts(db)
    assert after == {**before, "access_log": before["access_log"] + 2}  # the two refusals, nothing else
    assert [user for user, _ in refusals(db)] == ["临时人员", "临时人员"]
    assert "update_entrepreneur" in refusals(db)[0][1] and "edit_files" in refusals(db)[0][1]
    assert svc.get_file(db, actor, entrepreneur_id=zhang).phone == "13812345678"


def test_a_user_who_may_not_see_personal_data_gets_the_file_masked(db: Database, actor: Actor) -> None:
    zhang = svc.create_entrepreneur(db, actor, person=person())
    reader = actor.restricted_to(*(EVERY_PERMISSION - {Permission.VIEW_PERSONAL_DATA}))
    shown = svc.get_file(db, reader, entrepreneur_id=zhang)
    assert shown.masked and "*" in shown.id_number and "*" in shown.phone


def test_a_call_that_names_no_actor_is_a_bug_not_a_pass(db: Database) -> None:
    with pytest.raises(TypeError, match="acting user"):
        svc.file_history(db, None, entrepreneur_id="x")  # type: ignore[arg-type]


def test_the_services_object_binds_the_database_and_the_acting_user(db: Database, actor: Actor) -> None:
    services = Services(db, actor)
    zhang = services(svc.create_entrepreneur, person=person())
    assert services(svc.get_file, entrepreneur_id=zhang).name == "张三"
    clerk = services.acting_as(actor.restricted_to(Permission.VIEW_FILES))
    with pytest.raises(NotAllowed):
        clerk(svc.delete_entrepreneur, entrepreneur_id=zhang)

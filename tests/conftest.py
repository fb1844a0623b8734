"""Shared fixtures: every user directory goes to a temp dir; each test gets its own database file
copied from one migrated template (STYLE.md 14)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest


def _shift_clock_to_mid_morning() -> None:
    """Run the whole session at 10:00 on today's date in China, time still flowing: a run that starts
    just before midnight at the station must not see two different "todays". Set before the
    application's modules are imported; CLI subprocesses inherit it."""
    from datetime import UTC, datetime, timedelta, timezone

    now = datetime.now(UTC)
    china = now.astimezone(timezone(timedelta(hours=8)))
    morning = china.replace(hour=10, minute=0, second=0, microsecond=0)
    os.environ["DOORSTEP_CLOCK_SHIFT"] = str((morning - china).total_seconds())


_shift_clock_to_mid_morning()


def _load_hypothesis_profile() -> None:
    """Property tests (tests/unit/test_properties_*.py): no example database and no deadline (the machine
    is slow and shared; no test asserts on time), 100 examples a property; ``HYPOTHESIS_PROFILE=long``
    runs 5,000 by hand. Hypothesis's own cache goes to the temp dir, never into the source tree."""
    import tempfile

    os.environ.setdefault(
        "HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "doorstep-hypothesis")
    )
    from hypothesis import HealthCheck, settings

    for name, examples in (("doorstep", 100), ("long", 5_000)):
        settings.register_profile(
            name,
            max_examples=examples,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "doorstep"))


_load_hypothesis_profile()

from desktop.services.station import default_actor, init_station, operator  # noqa: E402
from models.audit import Actor  # noqa: E402
from models.database import Database, open_database  # noqa: E402

STATION_CODE = "330106001"
STATION_NAME = "文新街道家门口就业服务站"


@pytest.fixture(autouse=True)
def _home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DOORSTEP_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    db = open_database(path)
    init_station(db, operator(), code=STATION_CODE, name=STATION_NAME)
    db.close()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "station.sqlite"
    shutil.copyfile(template_db, target)
    return target


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def actor(db: Database) -> Actor:
    return default_actor(db)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)


# A throwaway PostgreSQL server for the HQ tests: pg_url (the session's server), pg_db_url (a fresh
# migrated database per test); skipped, saying why, only where PostgreSQL's binaries are absent.
from tests.postgres import pg_db_url, pg_server, pg_url  # noqa: E402, F401

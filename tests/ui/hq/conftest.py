"""Fixtures of the HQ page tests: a county on SQLite, or with its HQ on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.exchange import CODES, County, make_county
from ui.areas import load_areas

load_areas()  # the fields' labels come from every area's registry, as in the application


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    county = make_county(tmp_path, CODES)
    yield county
    county.close()


@pytest.fixture
def pg_county(tmp_path: Path, pg_db_url: str) -> Iterator[County]:
    county = make_county(tmp_path, CODES, hq_url=pg_db_url)
    yield county
    county.close()

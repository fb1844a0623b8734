"""跨站重复 with HQ on a real PostgreSQL server: the same detection query, merge and replies as on
SQLite (skipped where tests/postgres.py finds no server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services import entrepreneurs as files
from desktop.services.hq import duplicates as dupes
from desktop.sync_sim.merges import broken_links, merge_state
from tests.sync.exchange import County, make_county, record
from tests.sync.test_hq_duplicates import ONE, THREE, TWO, everyone_exchanges, file_twice


@pytest.fixture
def county(tmp_path: Path, pg_db_url: str) -> Iterator[County]:
    county = make_county(tmp_path, (ONE, TWO, THREE), hq_url=pg_db_url)
    yield county
    county.close()


def test_a_merge_on_an_hq_on_postgresql(county: County) -> None:
    kept, other = file_twice(county)
    [group] = dupes.duplicate_groups(county.hq.db, county.hq.actor)
    assert set(group.file_ids) == {kept, other}
    dupes.merge_files(
        county.hq.db, county.hq.actor, survivor_id=kept, merged_ids=(other,), choices={"phone": other}
    )
    everyone_exchanges(county)
    everyone_exchanges(county)
    for code in (ONE, TWO):
        node = county.station(code)
        assert record(node, "entrepreneur", other)["merged_into"] == kept
        assert files.get_file(node.db, node.actor, entrepreneur_id=other).id == kept
    for name, node in [("HQ", county.hq), *((c, county.station(c)) for c in county.stations)]:
        assert broken_links(name, node.db) == [] and merge_state(name, node.db) == []
    assert all(county.agree(code) for code in county.stations)

"""The same exchange with HQ on a real PostgreSQL server (issue 13, "PostgreSQL for real"): files
arrive, concurrent edits merge by the same rule, a conflict is listed, a transfer moves a file, and
both sides' agreement digests are equal — the HQ code is the same code as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services import sync
from models.errors import Conflict
from tests.sync.exchange import CODES, County, hq_record, make_county, record
from tests.sync.test_exchange import edit


@pytest.fixture
def county(tmp_path: Path, pg_db_url: str) -> Iterator[County]:
    county = make_county(tmp_path, hq_url=pg_db_url)
    yield county
    county.close()


def test_files_edits_and_a_conflict_travel_through_an_hq_on_postgresql(county: County) -> None:
    file_id = county.new_file()
    county.exchange()
    assert (
        hq_record(county, "entrepreneur", file_id)["name"]
        == record(county.station(), "entrepreneur", file_id)["name"]
    )
    edit(county, CODES[0], file_id, phone="13900001111", address="文三路 2 号")
    edit(county, "hq", file_id, phone="13900002222")
    county.exchange()
    station_row = record(county.station(), "entrepreneur", file_id)
    hq_row = hq_record(county, "entrepreneur", file_id)
    assert (station_row["phone"], station_row["address"]) == (hq_row["phone"], hq_row["address"])
    assert station_row["address"] == "文三路 2 号"
    assert len(sync.list_conflicts(county.hq.db, county.hq.actor)) == 1
    assert county.agree()


def test_a_transfer_and_a_duplicate_notice_on_postgresql(county: County) -> None:
    from tests.unit.test_backup import id_number

    number = id_number(901)
    twin = county.new_file(CODES[0], id_number=number)
    county.new_file(CODES[1], id_number=number)
    one = county.new_file(CODES[0])
    county.to_hq(county.export(CODES[0]))
    county.to_hq(county.export(CODES[1]))
    with pytest.raises(Conflict, match="身份证号码相同"):  # the same person there: settle it first
        sync.transfer_file(county.hq.db, county.hq.actor, entrepreneur_id=twin, to_station=CODES[1])
    sync.transfer_file(county.hq.db, county.hq.actor, entrepreneur_id=one, to_station=CODES[1])
    for code in CODES:
        county.to_station(county.reply(code), code)
    assert record(county.station(CODES[1]), "entrepreneur", one)["station_code"] == CODES[1]
    kinds = {n.kind for n in sync.list_notices(county.station(CODES[1]).db, county.station(CODES[1]).actor)}
    assert {"duplicate", "transfer_in"} <= kinds
    assert county.agree(CODES[0]) and county.agree(CODES[1])

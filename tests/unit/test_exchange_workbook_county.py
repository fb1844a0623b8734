"""The exchange workbook at HQ: a county of two stations (tests/sync/exchange.py, real package files)
exported whole or for one station, imported into a fresh HQ database; a correction made through the
workbook is an ordinary HQ change that HQ's next reply carries to the station."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.hq.exchange import export_exchange, import_exchange
from models.errors import ValidationError
from tests.sync.exchange import CODES, County, content, make_county, record
from tests.unit.test_exchange_workbook_support import cell_of, edit_workbook, fresh_hq, records


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    county = make_county(tmp_path / "county")
    for code in CODES:
        county.new_file(code)
        county.new_file(code, notes="=危险公式")
        county.exchange(code)
    yield county
    county.close()


def test_a_county_exported_at_hq_comes_back_the_same_in_a_fresh_hq(county: County, tmp_path: Path) -> None:
    out = tmp_path / "全县.xlsx"
    summary = export_exchange(county.hq.db, county.hq.actor, out=out)
    assert summary.counts["创业者"] == 4 and not summary.masked
    hq, actor = fresh_hq(tmp_path / "new-hq.sqlite")
    try:
        import_exchange(hq, actor, path=out)
        assert records(hq) == records(county.hq.db)
    finally:
        hq.close()


def test_chosen_stations_only(county: County, tmp_path: Path) -> None:
    out = tmp_path / "一个站.xlsx"
    summary = export_exchange(county.hq.db, county.hq.actor, out=out, stations=[CODES[1]])
    assert summary.counts["创业者"] == 2
    _where, station = cell_of(out, "创业者", "station_code", row=3)
    assert station == CODES[1]
    hq, actor = fresh_hq(tmp_path / "new-hq.sqlite")
    try:
        import_exchange(hq, actor, path=out)
        assert records(hq)["entrepreneur"] == records(county.hq.db, stations=(CODES[1],))["entrepreneur"]
    finally:
        hq.close()
    with pytest.raises(ValidationError, match="服务站编码"):
        export_exchange(county.hq.db, county.hq.actor, out=tmp_path / "x.xlsx", stations=["12"])


def test_a_correction_through_the_workbook_travels_to_its_station(county: County, tmp_path: Path) -> None:
    out = tmp_path / "全县.xlsx"
    export_exchange(county.hq.db, county.hq.actor, out=out)
    hq_path = county.hq.db.path
    assert hq_path is not None
    before = content(hq_path)
    import_exchange(county.hq.db, county.hq.actor, path=out)  # HQ already holds every record
    assert content(hq_path) == before
    _where, person_id = cell_of(out, "创业者", "id", row=3)
    _where, station = cell_of(out, "创业者", "station_code", row=3)
    address, _old = cell_of(out, "创业者", "address", row=3)
    fixed = edit_workbook(out, tmp_path / "更正.xlsx", {("创业者", address): "总部更正的地址"})
    summary = import_exchange(county.hq.db, county.hq.actor, path=fixed)
    assert summary.changed == 1
    code = str(station)
    county.to_station(county.reply(code), code)
    assert record(county.station(code), "entrepreneur", str(person_id))["address"] == "总部更正的地址"

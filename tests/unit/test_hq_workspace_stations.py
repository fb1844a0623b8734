"""总部 → 服务站's figures on a county of real stations exchanging real packages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.services import sync
from desktop.services.hq.identity import hq_identity
from desktop.services.hq.stations import AGREED, NOT_YET, hq_summary, station_overview
from models.base import china_today
from models.errors import DoorstepError
from tests.sync.exchange import CODES, HQ_CODE, County, make_county


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    county = make_county(tmp_path, (*CODES, "330106003"))
    yield county
    county.close()


def test_every_station_with_its_last_package_gaps_and_agreement(county: County) -> None:
    county.new_file(CODES[0])
    county.export(CODES[0])  # package 2 never reaches HQ: package 3 carries its changes
    county.new_file(CODES[0])
    county.to_hq(county.export(CODES[0]))
    county.to_hq(county.export(CODES[1]))  # its package after HQ's reply: it compared and agreed
    rows = {row.code: row for row in station_overview(county.hq.db, county.hq.actor)}
    assert list(rows) == [*CODES, "330106003"]
    first = rows[CODES[0]]
    assert (first.last_seq, first.gaps, first.lag_days, first.quiet) == (3, (2,), 0, False)
    assert rows[CODES[1]].digest == AGREED and rows[CODES[1]].last_seq == 2
    assert rows["330106003"].digest == NOT_YET  # HQ's reply not yet acknowledged
    later = china_today() + timedelta(days=20)
    quiet = station_overview(county.hq.db, county.hq.actor, today=later, quiet_days=14)
    assert all(row.quiet for row in quiet)
    assert not any(
        r.quiet for r in station_overview(county.hq.db, county.hq.actor, today=later, quiet_days=30)
    )
    sync.revoke_station(county.hq.db, county.hq.actor, code="330106003")
    rows = {row.code: row for row in station_overview(county.hq.db, county.hq.actor, today=later)}
    assert rows["330106003"].revoked and not rows["330106003"].quiet
    assert hq_summary(county.hq.db, county.hq.actor).stations == 3


def test_a_station_enrolled_but_never_heard_from_is_not_yet_compared(county: County) -> None:
    sync.enroll_station(county.hq.db, county.hq.actor, code="330106009", name="新站", out=county.root / "n.e")
    row = next(r for r in station_overview(county.hq.db, county.hq.actor) if r.code == "330106009")
    assert (row.status, row.last_seq, row.lag_days, row.digest, row.quiet) == (
        "enrolled",
        0,
        None,
        NOT_YET,
        False,
    )


def test_the_identity_tells_hq_from_a_station(county: County) -> None:
    identity = hq_identity(county.hq.db)
    assert identity is not None and identity.code == HQ_CODE and identity.name == "测试县总部"
    assert hq_identity(county.station().db) is None
    with pytest.raises(DoorstepError):
        station_overview(county.station().db, county.station().actor)

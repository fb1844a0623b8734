"""跨站重复 at HQ over real package files (docs/hq-duplicates.md): the same person filed at two stations
is found, merged with the values HQ chose, the replies carry the merge, every station ends with the
survivor and no link to the merged-away file; a likely duplicate is kept apart and brought back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.services import entrepreneurs as files
from desktop.services import file_removal as removal
from desktop.services import sync
from desktop.services.hq import duplicates as dupes
from desktop.services.visits.records import record_visit
from desktop.sync_sim.merges import broken_links, merge_state
from models.base import china_today
from models.errors import Conflict, NotAllowed
from models.permissions import Permission
from tests.sync.exchange import County, hq_record, make_county, record
from tests.unit.test_backup import id_number

ONE, TWO, THREE = "330106001", "330106002", "330106003"


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    county = make_county(tmp_path, (ONE, TWO, THREE))
    yield county
    county.close()


def visit(county: County, code: str, person: str, advice: str) -> str:
    node = county.station(code)
    today = china_today()
    data = {
        "entrepreneur_id": person,
        "visit_date": today,
        "mode": "电话",
        "advice": advice,
        "actions": [(f"跟进{advice}", today + timedelta(days=7))],
    }
    return record_visit(node.db, node.actor, visit=data, today=today)


def everyone_exchanges(county: County) -> None:
    for code in county.stations:
        county.to_hq(county.export(code))
    for code in county.stations:
        county.to_station(county.reply(code), code)


def venture(name: str) -> dict[str, object]:
    return {"name": name, "entity_type": "个体工商户", "stage": "意向"}


def file_twice(county: County) -> tuple[str, str]:
    number = id_number(700)
    kept = files.create_entrepreneur(
        county.station(ONE).db,
        county.station(ONE).actor,
        person={"name": "周同一", "id_number": number, "phone": "13900000001", "address": "文一路 1 号"},
        ventures=[venture("周记面馆")],
    )
    other = files.create_entrepreneur(
        county.station(TWO).db,
        county.station(TWO).actor,
        person={"name": "周同一", "id_number": number, "phone": "13900000002", "address": "文二路 2 号"},
        ventures=[venture("周记小吃")],
    )
    visit(county, ONE, kept, "一站的走访")
    visit(county, TWO, other, "二站的走访")
    everyone_exchanges(county)
    return kept, other


def test_the_same_number_at_two_stations_is_one_group_side_by_side(county: County) -> None:
    kept, other = file_twice(county)
    groups = dupes.duplicate_groups(county.hq.db, county.hq.actor)
    [group] = [g for g in groups if g.reason == "同一身份证号码"]
    assert set(group.file_ids) == {kept, other} and group.stations == (ONE, TWO)
    compared = dupes.compare_files(county.hq.db, county.hq.actor, file_ids=group.file_ids)
    differing = {row.key for row in compared.differing}
    assert differing == {"phone", "address"}
    assert [side.counts["ventures"] for side in compared.files] == [1, 1]
    assert [side.counts["visits"] for side in compared.files] == [1, 1]
    clerk = county.hq.actor.restricted_to(Permission.VIEW_FILES)
    masked = dupes.duplicate_groups(county.hq.db, clerk)[0]
    assert "*" in masked.id_number  # a clerk who may not see personal data sees the number masked


def test_a_merge_travels_and_every_station_ends_with_the_survivor(county: County) -> None:
    kept, other = file_twice(county)
    with pytest.raises(NotAllowed):
        dupes.merge_files(
            county.hq.db,
            county.hq.actor.restricted_to(Permission.VIEW_FILES),
            survivor_id=kept,
            merged_ids=(other,),
        )
    result = dupes.merge_files(
        county.hq.db,
        county.hq.actor,
        survivor_id=kept,
        merged_ids=(other,),
        choices={"phone": other, "address": kept},
    )
    assert "并入档案" in result.text and result.moved >= 3  # venture, visit, its follow-up
    # station TWO made a visit on its file before it heard of the merge: it follows the merge at HQ
    late = visit(county, TWO, other, "合并前不知情的走访")
    everyone_exchanges(county)
    everyone_exchanges(county)
    survivor = hq_record(county, "entrepreneur", kept)
    assert survivor["phone"] == "13900000002" and survivor["address"] == "文一路 1 号"
    merged = hq_record(county, "entrepreneur", other)
    assert (merged["merged_into"], merged["deleted"], merged["station_code"]) == (kept, True, ONE)
    assert hq_record(county, "visit", late)["entrepreneur_id"] == kept
    for code in (ONE, TWO):
        node = county.station(code)
        assert record(node, "entrepreneur", other)["merged_into"] == kept
        assert record(node, "entrepreneur", kept)["phone"] == "13900000002"
        assert record(node, "visit", late)["entrepreneur_id"] == kept
        # opening the merged-away id lands on the survivor
        opened = files.get_file(node.db, node.actor, entrepreneur_id=other)
        assert opened.id == kept
        assert files.current_file_id(node.db, node.actor, entrepreneur_id=other) == kept
    one = county.station(ONE)
    assert len(files.get_file(one.db, one.actor, entrepreneur_id=kept).ventures) == 2
    for node_name, node in [("HQ", county.hq), *((c, county.station(c)) for c in county.stations)]:
        assert broken_links(node_name, node.db) == []
        assert merge_state(node_name, node.db) == []
    for code in county.stations:
        assert county.agree(code)
    kinds = {n.kind for n in sync.list_notices(county.station(TWO).db, county.station(TWO).actor)}
    assert "merged" in kinds
    assert not [g for g in dupes.duplicate_groups(county.hq.db, county.hq.actor) if kept in g.file_ids]
    with pytest.raises(Conflict, match="已合并"):
        dupes.merge_files(county.hq.db, county.hq.actor, survivor_id=kept, merged_ids=(other,))


def test_search_finds_the_survivor_and_the_merged_file_leaves_every_list(county: County) -> None:
    from desktop.services.entrepreneur_list import ListQuery, search_ids

    kept, other = file_twice(county)
    dupes.merge_files(county.hq.db, county.hq.actor, survivor_id=kept, merged_ids=(other,))
    everyone_exchanges(county)  # the old file gives up its number at TWO …
    everyone_exchanges(county)  # … then the survivor comes, with what now points to it
    node = county.station(TWO)
    assert search_ids(node.db, node.actor, ListQuery(text="周同一")) == [kept]
    assert search_ids(node.db, node.actor, ListQuery(text="13900000002")) == [kept]  # the old phone
    assert other not in search_ids(node.db, node.actor, ListQuery(text="周同一", recycle_bin=True))
    assert files.current_file_id(node.db, node.actor, entrepreneur_id=other) == kept
    with pytest.raises(NotAllowed, match="已由总部合并至“周同一”"):  # nor brought back from the recycle bin
        removal.restore_entrepreneur(node.db, node.actor, entrepreneur_id=other)
    assert files.get_file(node.db, node.actor, entrepreneur_id=other).id == kept


def test_a_likely_duplicate_is_kept_apart_remembered_and_brought_back(county: County) -> None:
    station = county.station(ONE)
    first = files.create_entrepreneur(
        station.db, station.actor, person={"name": "吴相似", "id_number": id_number(711)}
    )
    number = id_number(712)  # born the same day (the helper's numbers all are)
    second = files.create_entrepreneur(
        county.station(TWO).db, county.station(TWO).actor, person={"name": "吴相似", "id_number": number}
    )
    everyone_exchanges(county)
    [group] = [
        g for g in dupes.duplicate_groups(county.hq.db, county.hq.actor) if g.reason == "同名同出生日期"
    ]
    assert set(group.file_ids) == {first, second}
    dupes.keep_apart(county.hq.db, county.hq.actor, file_ids=group.file_ids)
    assert not dupes.duplicate_groups(county.hq.db, county.hq.actor)
    assert dupes.kept_apart(county.hq.db, county.hq.actor) == [tuple(sorted(group.file_ids))]
    dupes.undo_keep_apart(county.hq.db, county.hq.actor, file_ids=group.file_ids)
    assert [g.key for g in dupes.duplicate_groups(county.hq.db, county.hq.actor)] == [group.key]
    # merged the other way round, within the survivor's number: the merged file gives up its own
    dupes.merge_files(
        county.hq.db, county.hq.actor, survivor_id=second, merged_ids=(first,), choices={"id_number": first}
    )
    everyone_exchanges(county)
    everyone_exchanges(county)
    assert record(county.station(TWO), "entrepreneur", second)["id_number"] == id_number(711)
    assert record(county.station(ONE), "entrepreneur", first)["merged_into"] == second
    for code in county.stations:
        assert county.agree(code)
        assert broken_links(code, county.station(code).db) == []


def test_a_transfer_from_the_page_moves_one_file(county: County) -> None:
    _kept, other = file_twice(county)
    with pytest.raises(Conflict, match="身份证号码相同"):
        dupes.transfer_duplicate(county.hq.db, county.hq.actor, entrepreneur_id=other, to_station=ONE)
    dupes.transfer_duplicate(county.hq.db, county.hq.actor, entrepreneur_id=other, to_station=THREE)
    everyone_exchanges(county)
    assert record(county.station(THREE), "entrepreneur", other)["station_code"] == THREE

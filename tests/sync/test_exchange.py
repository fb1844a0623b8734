"""Sync between stations and HQ through real package files: merging, the conflict list, lost and
repeated packages, old backups, duplicates, transfers (issue 13; docs/sync.md)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.services import entrepreneurs as files
from desktop.services import sync
from desktop.services.backup import back_up, restore_backup
from desktop.services.file_removal import delete_entrepreneur
from desktop.sync_package import PackageRefused
from models.database import copy_sqlite, open_database
from models.errors import Conflict
from tests.sync.exchange import CODES, County, content, county_fixture, make_county, record
from tests.unit.test_backup import id_number


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    yield from county_fixture(tmp_path)


def edit(county: County, node_name: str, file_id: str, **values: object) -> None:
    node = county.hq if node_name == "hq" else county.station(node_name)
    current = files.get_file(node.db, node.actor, entrepreneur_id=file_id)
    data = {
        "name": current.name,
        "id_number": current.id_number,
        "phone": current.phone,
        "address": current.address,
        "sex": current.sex,
        "birth_date": current.birth_date,
        **values,
    }
    files.update_entrepreneur(node.db, node.actor, entrepreneur_id=file_id, person=data)


def test_a_station_s_files_reach_hq_and_both_sides_agree(county: County) -> None:
    ids = [county.new_file() for _ in range(3)]
    county.exchange()
    for file_id in ids:
        assert record(county.hq, "entrepreneur", file_id) == record(county.station(), "entrepreneur", file_id)
    assert county.agree()
    status = sync.sync_status(county.station().db, county.station().actor)
    assert status.peers[0].pending == 0


def test_concurrent_edits_of_different_fields_both_land(county: County) -> None:
    file_id = county.new_file()
    county.exchange()
    edit(county, CODES[0], file_id, phone="13900001111")
    edit(county, "hq", file_id, address="西湖区文三路 1 号")
    county.to_hq(county.export())
    county.to_station(county.reply())
    for node in (county.hq, county.station()):
        row = record(node, "entrepreneur", file_id)
        assert (row["phone"], row["address"]) == ("13900001111", "西湖区文三路 1 号")
    assert county.agree()
    assert sync.list_conflicts(county.hq.db, county.hq.actor) == []


def test_concurrent_edits_of_one_field_get_one_winner_and_the_loser_is_listed(county: County) -> None:
    file_id = county.new_file()
    county.exchange()
    edit(county, CODES[0], file_id, phone="13900001111")
    edit(county, "hq", file_id, phone="13900002222")
    county.to_hq(county.export())
    county.to_station(county.reply())
    phones = {record(node, "entrepreneur", file_id)["phone"] for node in (county.hq, county.station())}
    assert len(phones) == 1  # the same winner on both sides, by the one rule
    winner = phones.pop()
    loser = "13900001111" if winner == "13900002222" else "13900002222"
    listed = sync.list_conflicts(county.hq.db, county.hq.actor)
    assert [(c.field, c.winner_value, c.loser_value) for c in listed] == [("phone", winner, loser)]
    # a person reinstates the other value: a new change that travels and wins everywhere
    sync.reinstate_other(county.hq.db, county.hq.actor, conflict_id=listed[0].id)
    county.to_hq(county.export())
    county.to_station(county.reply())
    assert {record(node, "entrepreneur", file_id)["phone"] for node in (county.hq, county.station())} == {
        loser
    }
    assert sync.list_conflicts(county.hq.db, county.hq.actor) == []
    assert county.agree()


def test_an_edit_concurrent_with_a_delete_stays_visible(county: County) -> None:
    file_id = county.new_file()
    county.exchange()
    station = county.station()
    delete_entrepreneur(station.db, station.actor, entrepreneur_id=file_id)
    edit(county, "hq", file_id, phone="13900003333")
    county.to_hq(county.export())
    county.to_station(county.reply())
    row = record(county.hq, "entrepreneur", file_id)
    assert row["deleted"] == 1 and row["phone"] == "13900003333"
    hidden = [c for c in sync.list_conflicts(county.hq.db, county.hq.actor) if c.kind == "deleted"]
    assert len(hidden) == 1 and hidden[0].record_id == file_id
    sync.reinstate_other(county.hq.db, county.hq.actor, conflict_id=hidden[0].id)  # bring the file back
    county.to_station(county.reply())
    assert record(station, "entrepreneur", file_id)["deleted"] == 0
    assert county.agree()


def test_a_lost_package_costs_nothing_and_the_gap_is_shown(county: County) -> None:
    first = county.new_file()
    county.export()  # lost on the way
    second = county.new_file()
    receipt = county.to_hq(county.export())
    assert receipt.report.applied == 2
    assert any("第 2 号包尚未收到" in line for line in receipt.lines())
    assert record(county.hq, "entrepreneur", first) and record(county.hq, "entrepreneur", second)
    status = sync.sync_status(county.hq.db, county.hq.actor)
    assert status.peers[0].gaps == (2,)


def test_the_same_package_twice_changes_nothing_and_an_older_one_is_refused(county: County) -> None:
    county.new_file()
    one = county.export()
    county.new_file()
    two = county.export()
    county.to_hq(two)
    hq_path = county.hq.db.path
    assert hq_path is not None
    before = content(hq_path)
    assert county.to_hq(two).already_applied
    with pytest.raises(PackageRefused, match="第 2 号包比已导入的第 3 号包旧"):
        county.to_hq(one)
    assert content(hq_path) == before


def test_an_older_or_expired_reply_is_refused(county: County) -> None:
    county.new_file()
    county.to_hq(county.export())
    old = county.reply()
    new = county.reply()
    county.to_station(new)
    station_path = county.station().db.path
    assert station_path is not None
    before = content(station_path)
    with pytest.raises(PackageRefused, match="不比已导入的"):
        county.to_station(old)
    assert content(station_path) == before


def test_an_expired_reply_is_refused(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.services.sync import common

    county.new_file()
    county.to_hq(county.export())
    monkeypatch.setattr(common, "REPLY_LIFETIME", timedelta(days=-1))  # written a month ago, say
    stale = county.reply()
    station_path = county.station().db.path
    assert station_path is not None
    before = content(station_path)
    with pytest.raises(PackageRefused, match=r"已于 .* 过期"):
        county.to_station(stale)
    assert content(station_path) == before


def test_a_package_for_another_receiver_or_from_an_unknown_station_is_refused(
    county: County, tmp_path: Path
) -> None:
    (tmp_path / "other").mkdir()
    elsewhere = make_county(tmp_path / "other", codes=())  # another county's HQ
    try:
        county.new_file()
        package = county.export()
        with pytest.raises(PackageRefused, match="未登记的服务站"):
            sync.import_package(elsewhere.hq.db, elsewhere.hq.actor, path=package)
        county.to_hq(package)
        with pytest.raises(PackageRefused, match="不是本站"):
            county.to_station(county.reply(CODES[0]), CODES[1])
    finally:
        elsewhere.hq.close()


def test_a_revoked_station_is_refused(county: County) -> None:
    county.new_file()
    package = county.export()
    sync.revoke_station(county.hq.db, county.hq.actor, code=CODES[0])
    with pytest.raises(PackageRefused, match="吊销"):
        county.to_hq(package)


def _restore(county: County, backup: Path, *, by_hand: bool) -> None:
    station = county.station()
    assert station.db.path is not None
    station.db.close()
    if by_hand:  # a file copied back over the database, as someone might
        shutil.copyfile(backup, station.db.path)
        for suffix in ("-wal", "-shm"):
            Path(f"{station.db.path}{suffix}").unlink(missing_ok=True)
    else:
        restore_backup(backup, target=station.db.path, safety_folder=county.root / "safety")
    station.db = open_database(station.db.path)


def test_a_station_restored_from_an_old_backup_gets_back_what_the_restore_lost(county: County) -> None:
    kept = county.new_file()
    county.exchange()
    station = county.station()
    backup = back_up(station.db, station.actor, out=county.root / "old.sqlite").path
    lost = county.new_file()
    county.to_hq(county.export())  # HQ has the file the restore will lose
    _restore(county, backup, by_hand=False)
    assert record(station, "entrepreneur", lost) == {}
    after = county.new_file()  # made after the restore: a new epoch, numbered past the lost ones
    assert (
        record(station, "entrepreneur", after)["case_number"]
        != record(county.hq, "entrepreneur", lost)["case_number"]
    )
    county.to_hq(county.export())
    county.to_station(county.reply())  # carries back what the restore lost
    for file_id in (kept, lost, after):
        assert record(station, "entrepreneur", file_id) == record(county.hq, "entrepreneur", file_id)
    assert county.agree()
    assert sync.sync_status(station.db, station.actor).epoch == 2
    assert sync.list_quarantine(county.hq.db, county.hq.actor) == []


def test_a_database_copied_back_by_hand_is_noticed_at_the_next_reply(county: County) -> None:
    file_id = county.new_file()
    county.exchange()
    station = county.station()
    assert station.db.path is not None
    backup = county.root / "copy.sqlite"
    copy_sqlite(station.db.path, backup)
    edit(county, CODES[0], file_id, phone="13900007777")
    county.to_hq(county.export())
    _restore(county, backup, by_hand=True)
    receipt = county.to_station(county.reply())
    assert any("旧备份" in line for line in receipt.lines())
    county.exchange()  # the new epoch tells HQ of the fork: its reply carries back what was lost
    assert record(station, "entrepreneur", file_id)["phone"] == "13900007777"
    assert county.agree()
    assert sync.sync_status(station.db, station.actor).epoch == 2


def test_the_same_id_number_at_two_stations_is_a_notice_to_both_never_a_merge(county: County) -> None:
    number = id_number(900)
    one = county.new_file(CODES[0], id_number=number)
    two = county.new_file(CODES[1], id_number=number)
    county.to_hq(county.export(CODES[0]))
    county.to_hq(county.export(CODES[1]))
    assert record(county.hq, "entrepreneur", one) and record(county.hq, "entrepreneur", two)
    for code in CODES:
        county.to_station(county.reply(code), code)
        node = county.station(code)
        notices = sync.list_notices(node.db, node.actor)
        assert [n.kind for n in notices] == ["duplicate"]
        assert notices[0].other_station == (CODES[1] if code == CODES[0] else CODES[0])


def test_a_transferred_file_moves_with_its_history_and_stays_read_only_behind(county: County) -> None:
    file_id = county.new_file(CODES[0])
    edit(county, CODES[0], file_id, phone="13900004444")
    county.to_hq(county.export(CODES[0]))
    sync.transfer_file(county.hq.db, county.hq.actor, entrepreneur_id=file_id, to_station=CODES[1])
    county.to_station(county.reply(CODES[1]), CODES[1])
    county.to_station(county.reply(CODES[0]), CODES[0])
    new_home = county.station(CODES[1])
    moved = record(new_home, "entrepreneur", file_id)
    assert moved["station_code"] == CODES[1] and moved["phone"] == "13900004444"
    history = files.file_history(new_home.db, new_home.actor, entrepreneur_id=file_id)
    assert len(history) >= 2  # the create and the edit made at the old station
    old_home = county.station(CODES[0])
    assert record(old_home, "entrepreneur", file_id)["station_code"] == CODES[1]
    assert any(n.kind == "transfer_out" for n in sync.list_notices(old_home.db, old_home.actor))
    with pytest.raises(Conflict, match="只读"):
        edit(county, CODES[0], file_id, phone="13900005555")
    edit(county, CODES[1], file_id, phone="13900006666")  # the new station may edit it
    county.exchange(CODES[1])
    assert county.agree(CODES[0]) and county.agree(CODES[1])


def test_a_tampered_package_is_refused_and_nothing_changes(county: County) -> None:
    county.new_file()
    package = county.export()
    data = bytearray(package.read_bytes())
    data[len(data) // 3] ^= 0x01
    package.write_bytes(bytes(data))
    hq_path = county.hq.db.path
    assert hq_path is not None
    before = content(hq_path)
    with pytest.raises(PackageRefused):
        county.to_hq(package)
    assert content(hq_path) == before


def test_reference_data_hq_publishes_reaches_every_station_and_a_new_one_s_enrolment(county: County) -> None:
    from desktop.services.policy import install_policy_set, list_policy_sets
    from tests.unit.test_policy_sets import dumped, local_set

    install_policy_set(county.hq.db, county.hq.actor, content=dumped(local_set()), origin="hangzhou.json")
    for code in CODES:
        county.to_station(county.reply(code), code)
        node = county.station(code)
        assert "zj-hangzhou-2026" in {s.id for s in list_policy_sets(node.db, node.actor)}
    late = county.add_station("330106003")
    assert "zj-hangzhou-2026" in {s.id for s in list_policy_sets(late.db, late.actor)}


def test_a_record_that_fails_hq_s_checks_is_quarantined_reported_and_never_blocks_the_rest(
    county: County,
) -> None:
    """A file whose ID number fails its checksum (written by an older program, or a damaged database)
    does not stop its package: HQ quarantines it with the reason, the other file lands, and the station
    is told in HQ's reply."""
    from sqlalchemy import text

    from models.journal import journal_writing

    bad, good = county.new_file(), county.new_file()
    station = county.station()
    with station.db.transaction() as session, journal_writing(session.connection()):
        # the ID number as an older program might have stored it: wrong check digit, record and log alike
        number = str(record(station, "entrepreneur", bad)["id_number"])
        wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
        session.execute(text("UPDATE entrepreneur SET id_number = :n WHERE id = :i"), {"n": wrong, "i": bad})
        session.execute(
            text("UPDATE change_log SET changes = replace(changes, :old, :new) WHERE record_id = :i"),
            {"old": number, "new": wrong, "i": bad},
        )
    receipt = county.to_hq(county.export())
    assert receipt.report.quarantined == 1 and record(county.hq, "entrepreneur", good)
    assert record(county.hq, "entrepreneur", bad) == {}
    held = sync.list_quarantine(county.hq.db, county.hq.actor)
    assert [q.record_id for q in held] == [bad] and "身份证号码未通过校验" in held[0].reason
    assert wrong not in held[0].reason  # the reason never shows the number itself
    county.to_station(county.reply())
    told = sync.list_notices(station.db, station.actor)
    assert [n.record_id for n in told if n.kind == "quarantine"] == [bad]
    assert county.agree()  # both sides leave the quarantined file out of their digests

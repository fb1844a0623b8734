"""The list's ids read a page at a time (ListIds) agree with the whole list read at once."""

from __future__ import annotations

import pytest

from desktop.demo import generate_demo
from desktop.services import entrepreneurs as svc
from desktop.services.entrepreneur_list import ListIds, ListQuery, list_ids, search_ids
from desktop.services.station import default_actor
from models.audit import Actor
from models.database import Database

PEOPLE = 40


@pytest.fixture
def station(db: Database) -> Database:
    generate_demo(db, entrepreneurs=PEOPLE, seed=3)
    return db


@pytest.mark.parametrize(
    ("sort", "descending"),
    [("created_at", True), ("case_number", False), ("name", False), ("household_region", True)],
)
def test_pages_of_ids_are_the_whole_list_cut_up(station: Database, sort: str, descending: bool) -> None:
    query = ListQuery(sort=sort, descending=descending)
    whole = search_ids(station, default_actor(station), query)
    ids = list_ids(station, default_actor(station), query)
    assert isinstance(ids, ListIds)
    assert len(ids) == len(whole) == PEOPLE
    assert [ids[i] for i in (0, 7, -1)] == [whole[0], whole[7], whole[-1]]
    assert list(ids[10:25]) == whole[10:25]
    assert list(ids[35:60]) == whole[35:]  # a page past the end is cut short, as a list's would be
    assert ids.index(whole[33]) == 33
    assert list(ids) == whole
    with pytest.raises(IndexError):
        ids[PEOPLE]


def test_a_filtered_list_is_read_whole(station: Database) -> None:
    query = ListQuery(text="a")
    assert list_ids(station, default_actor(station), query) == search_ids(
        station, default_actor(station), query
    )


def test_files_deleted_after_the_count_leave_the_page_short(station: Database, actor: Actor) -> None:
    ids = list_ids(station, default_actor(station), ListQuery())
    for entrepreneur_id in search_ids(station, default_actor(station), ListQuery())[:5]:
        svc.delete_entrepreneur(station, actor, entrepreneur_id=entrepreneur_id)
    assert len(ids) == PEOPLE  # the count it was made with
    assert len(ids[30:PEOPLE]) == PEOPLE - 30 - 5

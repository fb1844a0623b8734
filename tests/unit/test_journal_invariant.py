"""The journal's invariant on a whole station (DESIGN.md "The journal"): for a station built by the demo,
a ledger import and a random sequence of service calls, replaying the change log from an empty schema
rebuilds exactly the same rows and versions in every table that travels, and every derived table
equals its rebuild from the records.

A Hypothesis state machine drives the service calls: create, edit, delete, restore and undo files,
import a ledger. CI runs a bounded number of sequences; ``HYPOTHESIS_PROFILE=long`` runs many more.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import closing, suppress
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from stdnum.cn import ric

from desktop.demo import generate_demo
from desktop.services import entrepreneurs as svc
from desktop.services.areas import registry
from desktop.services.entrepreneur_list import ListQuery, search_ids
from desktop.services.ledger.importing import import_ledger
from desktop.services.station import default_actor
from models.database import Database, connect, open_database
from models.errors import DoorstepError
from tests.data import ledgers as fx
from tests.unit.test_journal import assert_replay_rebuilds

NAMES = ("张伟", "王芳", "李娜", "曾敏", "单静", "欧阳丽", "解强", "查磊")
REGIONS = ("330106", "330102", "360426", "410105")


def make_id(region: str, birth: str, sequence: int) -> str:
    body = f"{region}{birth}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


id_numbers = st.builds(
    make_id,
    st.sampled_from(REGIONS),
    st.dates().map(lambda d: f"{1960 + d.toordinal() % 45}{d.month:02d}{min(d.day, 28):02d}"),
    st.integers(min_value=0, max_value=999),
)


@pytest.fixture(scope="module")
def demo_station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo station with a ledger imported into it, made once and copied for each sequence."""
    folder = tmp_path_factory.mktemp("invariant")
    path = folder / "station.sqlite"
    db = open_database(path)
    generate_demo(db, entrepreneurs=25, seed=7)
    import_ledger(db, default_actor(db), path=fx.station_ledger(folder / "台账.xlsx"))
    db.close()
    return path


def derived_equal_their_rebuild(db: Database) -> None:
    assert db.path is not None
    projections = registry().projections

    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        with closing(connect(db.path or "", query_only=True)) as raw:
            return {t: raw.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in projections}

    stored = snapshot()
    with db.transaction() as session:
        for rebuild in projections.values():
            rebuild(session)
    assert snapshot() == stored


class StationInUse(RuleBasedStateMachine):
    """A worker's day at the station, in random order."""

    template: Path

    @initialize()
    def open_station(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="doorstep-invariant-"))
        path = self.folder / "station.sqlite"
        shutil.copyfile(self.template, path)
        self.db = open_database(path)
        self.actor = default_actor(self.db)
        self.people = [row for row in search_ids(self.db, self.actor, ListQuery())][:10]
        self.imports = 0

    @rule(name=st.sampled_from(NAMES), id_number=id_numbers)
    def file_a_person(self, name: str, id_number: str) -> None:
        person = {"name": name, "id_number": id_number, "phone": "13812345678", "key_groups": "农民工"}
        with suppress(DoorstepError):  # the same ID number drawn twice: refused by name, nothing written
            self.people.append(
                svc.create_entrepreneur(self.db, self.actor, person=person, confirm_possible_duplicate=True)
            )

    @precondition(lambda self: bool(self.people))
    @rule(data=st.data(), phone=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), notes=st.text(max_size=20))
    def edit_a_file(self, data: st.DataObject, phone: str, notes: str) -> None:
        person_id = data.draw(st.sampled_from(self.people))
        shown = svc.get_file(self.db, self.actor, entrepreneur_id=person_id)
        values = {**shown.form_values(), "phone": phone, "notes": notes}
        with suppress(DoorstepError):  # notes the form refuses (control characters …): refused by name
            svc.update_entrepreneur(self.db, self.actor, entrepreneur_id=person_id, person=values)

    @precondition(lambda self: bool(self.people))
    @rule(data=st.data())
    def send_to_the_recycle_bin(self, data: st.DataObject) -> None:
        svc.delete_entrepreneur(self.db, self.actor, entrepreneur_id=data.draw(st.sampled_from(self.people)))

    @precondition(lambda self: bool(self.people))
    @rule(data=st.data())
    def restore(self, data: st.DataObject) -> None:
        person_id = data.draw(st.sampled_from(self.people))
        with suppress(DoorstepError):  # its ID number is on another live file: refused by name
            svc.restore_entrepreneur(self.db, self.actor, entrepreneur_id=person_id)

    @precondition(lambda self: bool(self.people))
    @rule(data=st.data())
    def undo(self, data: st.DataObject) -> None:
        person_id = data.draw(st.sampled_from(self.people))
        with suppress(DoorstepError):  # the record moved on since: refused by name, nothing written
            svc.undo_last_change(self.db, self.actor, entrepreneur_id=person_id)

    @precondition(lambda self: self.imports < 2)
    @rule(rows=st.lists(st.tuples(st.sampled_from(NAMES), id_numbers), min_size=1, max_size=4))
    def import_a_ledger(self, rows: list[tuple[str, str]]) -> None:
        self.imports += 1
        path = fx.simple_ledger(
            self.folder / f"台账{self.imports}.xlsx",
            [[n, i, "13712345678", "农民工", None, None, None] for n, i in rows],
        )
        import_ledger(self.db, self.actor, path=path)

    @invariant()
    def versions_match_the_log(self) -> None:
        assert self.db.path is not None
        with closing(connect(self.db.path, query_only=True)) as raw:
            behind = raw.execute(
                "SELECT count(*) FROM entrepreneur e WHERE e.version != "
                "(SELECT max(c.version) FROM change_log c WHERE c.record_id = e.id)"
            ).fetchone()[0]
        assert behind == 0

    def teardown(self) -> None:
        try:
            assert_replay_rebuilds(self.db, self.folder / "replayed.sqlite")
            derived_equal_their_rebuild(self.db)
        finally:
            self.db.close()
            shutil.rmtree(self.folder, ignore_errors=True)


def test_replaying_the_log_rebuilds_a_station_in_use(demo_station: Path) -> None:
    StationInUse.template = demo_station
    machine = StationInUse.TestCase
    machine.settings = settings(max_examples=8, stateful_step_count=12)
    machine("runTest").runTest()

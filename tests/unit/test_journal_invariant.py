"""The journal's invariant on a whole station (DESIGN.md "The journal"): for a station built by the demo,
a ledger import and a random sequence of service calls, replaying the change log from an empty schema
rebuilds exactly the same rows and versions in every table that travels, and every derived table
equals its rebuild from the records.

A Hypothesis state machine drives the service calls: create, edit, delete, restore and undo files,
import a ledger, enrol people in classes, record attendance by hand and by importing a sign-in
workbook, and advance applications. CI runs a bounded number of sequences;
``HYPOTHESIS_PROFILE=long`` runs many more.
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
from openpyxl import load_workbook
from stdnum.cn import ric

from desktop.demo import generate_demo
from desktop.services import applications, training
from desktop.services import entrepreneurs as svc
from desktop.services.areas import registry
from desktop.services.entrepreneur_list import ListQuery, search_ids
from desktop.services.ledger.importing import import_ledger
from desktop.services.station import default_actor
from models.applications import ApplicationStatus
from models.database import Database, connect, open_database
from models.errors import DoorstepError
from models.training import AttendanceMark
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
    generate_demo(db, entrepreneurs=40, seed=7)
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
        self.classes = [row.id for row in training.list_classes(self.db, self.actor)]
        self.applications = applications.search_application_ids(self.db, self.actor)[:10]

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

    @precondition(lambda self: bool(self.classes) and bool(self.people))
    @rule(data=st.data())
    def enrol(self, data: st.DataObject) -> None:
        class_id, person_id = (
            data.draw(st.sampled_from(self.classes)),
            data.draw(st.sampled_from(self.people)),
        )
        with suppress(DoorstepError):  # full, already on the roster, in the recycle bin: refused by name
            training.enrol(
                self.db, self.actor, class_id=class_id, entrepreneur_id=person_id, confirm_repeat=True
            )

    @precondition(lambda self: bool(self.classes))
    @rule(data=st.data())
    def record_attendance(self, data: st.DataObject) -> None:
        class_id = data.draw(st.sampled_from(self.classes))
        grid = training.attendance_grid(self.db, self.actor, class_id=class_id)
        if not grid.people or not grid.sessions:
            return
        cells = data.draw(
            st.lists(
                st.tuples(
                    st.sampled_from([p.enrolment_id for p in grid.people]),
                    st.sampled_from([s.id for s in grid.sessions]),
                    st.sampled_from([*AttendanceMark, None]),
                ),
                min_size=1,
                max_size=6,
                unique_by=lambda cell: cell[:2],
            )
        )
        with suppress(DoorstepError):  # a session in the future, a withdrawn person: refused by name
            training.mark_attendance(self.db, self.actor, class_id=class_id, marks=cells)

    @precondition(lambda self: bool(self.classes))
    @rule(data=st.data())
    def import_a_sign_in_sheet(self, data: st.DataObject) -> None:
        class_id = data.draw(st.sampled_from(self.classes))
        sheet = self.folder / "签到表.xlsx"
        if not training.write_sign_in_workbook(self.db, self.actor, class_id=class_id, out=sheet):
            return
        book = load_workbook(sheet)
        for row in book.worksheets[0].iter_rows(min_row=3):
            for cell in row[3:]:
                cell.value = data.draw(st.sampled_from(("出", "迟", "缺", "假", None)))
        book.save(sheet)
        with suppress(DoorstepError):
            training.import_attendance(self.db, self.actor, class_id=class_id, path=sheet)

    @precondition(lambda self: bool(self.applications))
    @rule(data=st.data(), to=st.sampled_from(list(ApplicationStatus)))
    def advance_an_application(self, data: st.DataObject, to: ApplicationStatus) -> None:
        application_id = data.draw(st.sampled_from(self.applications))
        with suppress(DoorstepError):  # a step the workflow does not allow: refused, naming what is missing
            applications.advance_application(self.db, self.actor, application_id=application_id, to=to)

    @invariant()
    def versions_match_the_log(self) -> None:
        assert self.db.path is not None
        with closing(connect(self.db.path, query_only=True)) as raw:
            for table in ("entrepreneur", "training_attendance", "training_enrolment", "application"):
                behind = raw.execute(
                    f"SELECT count(*) FROM {table} r WHERE r.version != "
                    "(SELECT max(c.version) FROM change_log c WHERE c.record_id = r.id)"
                ).fetchone()[0]
                assert behind == 0, table

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
    machine.settings = settings(max_examples=8, stateful_step_count=15)
    machine("runTest").runTest()

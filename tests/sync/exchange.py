"""A county in a temp dir for the sync tests: an HQ and enrolled stations, each a real SQLite file, and
the exchange of real package files between them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.services import entrepreneurs as files
from desktop.services import sync
from desktop.services.station import default_actor, operator
from desktop.services.sync.hq_side import hq_actor
from models.actor import Actor
from models.database import Database, connect, open_database
from models.tables import travelling_tables
from tests.unit.test_backup import chinese_name, id_number
from tests.unit.test_entrepreneur_services import person

HQ_CODE = "HQ"
CODES = ("330106001", "330106002")


@dataclass
class Node:
    db: Database
    actor: Actor
    code: str

    def close(self) -> None:
        self.db.close()


@dataclass
class County:
    root: Path
    hq: Node
    stations: dict[str, Node] = field(default_factory=dict)
    serial: int = 0

    @property
    def usb(self) -> Path:
        folder = self.root / "usb"
        folder.mkdir(exist_ok=True)
        return folder

    def station(self, code: str = CODES[0]) -> Node:
        return self.stations[code]

    def add_station(self, code: str) -> Node:
        enrolment = sync.enroll_station(
            self.hq.db, self.hq.actor, code=code, name=f"服务站{code[-3:]}", out=self.root / f"{code}.enrol"
        )
        db = open_database(self.root / f"{code}.sqlite")
        sync.enrol_station(db, operator(), path=enrolment)
        node = Node(db, default_actor(db), code)
        self.stations[code] = node
        self.exchange(code)  # its first package pins its keys at HQ; HQ can answer from then on
        return node

    def new_file(self, code: str = CODES[0], **values: Any) -> str:
        self.serial += 1
        node = self.station(code)
        data = person(name=chinese_name(self.serial), id_number=id_number(self.serial))
        data.update(values)
        return files.create_entrepreneur(node.db, node.actor, person=data)

    def export(self, code: str = CODES[0]) -> Path:
        node = self.station(code)
        return sync.export_package(node.db, node.actor, out_dir=self.usb).path

    def to_hq(self, package: Path) -> sync.Receipt:
        return sync.import_package(self.hq.db, self.hq.actor, path=package)

    def reply(self, code: str = CODES[0]) -> Path:
        return sync.write_hq_reply(self.hq.db, self.hq.actor, code=code, out_dir=self.usb).path

    def to_station(self, package: Path, code: str = CODES[0]) -> sync.Receipt:
        node = self.station(code)
        return sync.import_package(node.db, node.actor, path=package)

    def exchange(self, code: str = CODES[0]) -> None:
        """One clean round: the station's package to HQ, HQ's reply back."""
        self.to_hq(self.export(code))
        self.to_station(self.reply(code), code)

    def agree(self, code: str = CODES[0]) -> bool:
        node = self.station(code)
        ours = sync.agreement_digests(node.db, node.actor)
        theirs = sync.agreement_digests(self.hq.db, self.hq.actor, station=code)
        return ours == theirs

    def close(self) -> None:
        for node in [self.hq, *self.stations.values()]:
            node.close()


def make_county(root: Path, codes: tuple[str, ...] = CODES) -> County:
    hq_db = open_database(root / "hq.sqlite")
    actor = hq_actor(HQ_CODE)
    sync.init_hq(hq_db, actor, code=HQ_CODE, name="测试县总部")
    county = County(root, Node(hq_db, actor, HQ_CODE))
    for code in codes:
        county.add_station(code)
    return county


def county_fixture(tmp_path: Path) -> Iterator[County]:
    county = make_county(tmp_path)
    yield county
    county.close()


def content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (travelling, the log and sync's own): what "unchanged" compares."""
    names = [*travelling_tables(), "change_log", "sync_peer", "sync_package", "sync_node", "sync_conflict",
             "sync_waiting", "sync_quarantine", "sync_notice"]
    connection = connect(path, query_only=True)
    try:
        return {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}
    finally:
        connection.close()


def record(node: Node, kind: str, record_id: str) -> dict[str, Any]:
    connection = connect(node.db.path or "", query_only=True)
    try:
        connection.row_factory = __import__("sqlite3").Row
        row = connection.execute(f'SELECT * FROM "{kind}" WHERE id = ?', (record_id,)).fetchone()
        return dict(row) if row is not None else {}
    finally:
        connection.close()

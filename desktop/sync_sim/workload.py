"""The simulation's workload: what people do at a station and at HQ between exchanges, through the
program's own services (the same calls the GUI makes), every choice drawn from the run's seeded random
source. Records are picked by their content (case number, names this workload gave them), never by
their random ids, so the same seed makes the same choices.

A refused action (a file moved to another station is read-only, an undo out of reach, a duplicate ID
number) is what a person would see as a message: it is counted, not an error. Anything else raised is a
bug the run reports."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from sqlmodel import col, select
from stdnum.cn import ric

from desktop.services import entrepreneurs as people
from desktop.services import file_removal
from desktop.services.hq import duplicates as dupes
from desktop.services.sync import transfer_file
from desktop.services.visits.records import delete_visit, record_visit
from models.actor import Actor
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, PersonData, Venture, VentureData
from models.enums import EntityType, Sex, Stage
from models.errors import DoorstepError
from models.visits import Visit

EDITABLE = ("phone", "address", "notes")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
DIGITS = "零一二三四五六七八九"
T = TypeVar("T")


@dataclass
class Tally:
    """What the workload did (by action) and what was refused (by action), for the report."""

    done: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)

    def attempt(self, action: str, run: Callable[[], object]) -> bool:
        try:
            result = run()
        except DoorstepError:
            self.refused[action] += 1
            return False
        if result is None and action == "undo":
            self.refused[action] += 1  # nothing of the user's own in reach today
            return False
        self.done[action] += 1
        return True


@dataclass
class Names:
    """Unique names, ID numbers and texts for the run (a counter, so the same seed gives the same)."""

    serial: int = 0
    numbers: list[str] = field(default_factory=list)
    reused: set[str] = field(default_factory=set)  # ID numbers filed twice (the duplicate case)
    owners: dict[str, str] = field(default_factory=dict)  # ID number -> the name filed with it
    merged: set[str] = field(default_factory=set)  # ID numbers of files HQ merged
    moved: set[str] = field(default_factory=set)  # ID numbers of files HQ transferred

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def person_name(self, serial: int) -> str:
        return SURNAMES[serial % len(SURNAMES)] + "".join(DIGITS[int(d)] for d in str(serial))

    def id_number(self, serial: int) -> str:
        birth = date(1975, 1, 1) + timedelta(days=serial * 37 % 9000)
        body = f"330106{birth:%Y%m%d}{serial % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        self.numbers.append(number)
        return number


def phone(rng: random.Random) -> str:
    return f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def field_value(rng: random.Random, name: str, tag: str) -> str:
    if name == "phone":
        return phone(rng)
    if name == "address":
        return f"西湖区文三路{rng.randint(1, 999)}号（{tag}）"
    return f"备注{rng.randint(1, 99_999)}（{tag}）"


# ------------------------------------------------------------------------------------------- reading
def live_people(db: Database, station: str | None) -> list[Entrepreneur]:
    """The live files (of ``station``, or all at HQ), by case number."""
    with db.reading() as session:
        query = select(Entrepreneur).where(
            col(Entrepreneur.deleted).is_(False), col(Entrepreneur.merged_into).is_(None)
        )
        if station is not None:
            query = query.where(Entrepreneur.station_code == station)
        return list(session.exec(query.order_by(col(Entrepreneur.case_number))).all())


def deleted_people(db: Database, station: str) -> list[Entrepreneur]:
    with db.reading() as session:
        query = select(Entrepreneur).where(  # a merged-away file is in no recycle bin a person sees
            col(Entrepreneur.deleted).is_(True),
            Entrepreneur.station_code == station,
            col(Entrepreneur.merged_into).is_(None),
        )
        return list(session.exec(query.order_by(col(Entrepreneur.case_number))).all())


def ventures_of(db: Database, person_id: str) -> list[Venture]:
    with db.reading() as session:
        query = select(Venture).where(Venture.entrepreneur_id == person_id, col(Venture.deleted).is_(False))
        return list(session.exec(query.order_by(col(Venture.name))).all())


def visits_of(db: Database, station: str) -> list[Visit]:
    with db.reading() as session:
        query = select(Visit).where(Visit.station_code == station, col(Visit.deleted).is_(False))
        return list(session.exec(query.order_by(col(Visit.advice))).all())


def person_data(record: Entrepreneur, **changed: str) -> PersonData:
    """The file as stored, with ``changed`` fields: what the form saves."""
    values = {
        "phone": record.phone,
        "address": record.address,
        "notes": record.notes,
        **changed,
    }
    return PersonData(
        name=record.name,
        id_number=record.id_number,
        birth_date=record.birth_date,
        sex=Sex(record.sex),
        phone=values["phone"],
        graduation_date=record.graduation_date,
        household_region=record.household_region,
        address=values["address"],
        notes=values["notes"],
    )


def venture_data(record: Venture, **changed: object) -> VentureData:
    jobs = changed.get("jobs_created", record.jobs_created)
    return VentureData(
        name=record.name,
        entity_type=EntityType(record.entity_type),
        stage=Stage(str(changed.get("stage", record.stage))),
        credit_code=record.credit_code,
        registration_date=record.registration_date,
        industry=record.industry,
        address=record.address,
        jobs_created=int(jobs) if isinstance(jobs, int) else record.jobs_created,
        id=record.id,
    )


def new_venture(names: Names, rng: random.Random) -> VentureData:
    serial = names.next()
    return VentureData(
        name=f"创业项目{serial}号",
        entity_type=rng.choice(list(EntityType)),
        stage=Stage.STARTUP,
        registration_date=date(2024, 1, 1) + timedelta(days=serial % 300),
        jobs_created=rng.randint(0, 5),
    )


# ------------------------------------------------------------------------------------------- actions
class Workload:
    """One node's hands: ``db`` and the person acting there (a station's user, or HQ's)."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        station: str | None,
        *,
        rng: random.Random,
        names: Names,
        tally: Tally,
    ) -> None:
        self.db, self.actor, self.station = db, actor, station
        self.rng, self.names, self.tally = rng, names, tally
        self.files_allowed = True  # False: a restored station waits for its lost files before new ones

    def pick(self, items: list[T]) -> T | None:
        return self.rng.choice(items) if items else None

    # ----------------------------------------------------------------------------------- a station
    def station_step(self) -> None:
        """One random action at a station (weights: creating and editing most, the rest now and then)."""
        actions: list[tuple[int, Callable[[], None]]] = [
            (5, self.create),
            (5, self.edit),
            (2, self.venture_step),
            (2, self.visit),
            (1, self.delete_visit),
            (1, self.delete),
            (1, self.restore),
            (2, self.undo),
        ]
        weights = [w for w, _ in actions]
        self.rng.choices([a for _, a in actions], weights)[0]()

    def create(self) -> None:
        if not self.files_allowed:
            self.tally.refused["create_after_restore"] += 1
            return
        serial = self.names.next()
        draw = self.rng.random()
        # never the number of a file HQ moved or merged: a station filing it again meanwhile is the known
        # limit (docs/simulation.md "A transfer meeting a duplicate")
        known = [n for n in self.names.numbers if n not in self.names.merged and n not in self.names.moved]
        reuse = bool(known) and draw < 0.1  # the same person filed at two stations
        retyped = bool(known) and 0.1 <= draw < 0.2  # the same person, the number mistyped
        name = self.names.person_name(serial)
        if reuse:
            number = self.rng.choice(known)
            self.names.reused.add(number)
        elif retyped:
            original = self.rng.choice(known)
            body = original[:14] + f"{(int(original[14:17]) + 500) % 1000:03d}"  # born the same day
            number, name = body + ric.calc_check_digit(body + "0"), self.names.owners[original]
        else:
            number = self.names.id_number(serial)
        self.names.owners.setdefault(number, name)
        person = {
            "name": name,
            "id_number": number,
            "phone": phone(self.rng),
            "household_region": "330106",
            "address": f"西湖区文二路{serial}号",
        }
        ventures = [new_venture(self.names, self.rng)] if self.rng.random() < 0.5 else []
        self.tally.attempt(
            "create",
            lambda: people.create_entrepreneur(
                self.db, self.actor, person=person, ventures=ventures, confirm_possible_duplicate=True
            ),
        )

    def edit(self, record: Entrepreneur | None = None, name: str | None = None) -> None:
        record = record or self.pick(live_people(self.db, self.station))
        if record is None:
            return
        name = name or self.rng.choice(EDITABLE)
        value = field_value(self.rng, name, self.actor.station_code)
        data = person_data(record, **{name: value})
        action = "hq_correction" if self.station is None else "edit"
        self.tally.attempt(
            action,
            lambda: people.update_entrepreneur(self.db, self.actor, entrepreneur_id=record.id, person=data),
        )

    def venture_step(self) -> None:
        record = self.pick(live_people(self.db, self.station))
        if record is None:
            return
        current = ventures_of(self.db, record.id)
        kept = [venture_data(v) for v in current]
        choice = self.rng.random()
        if not current or choice < 0.4:
            kept.append(new_venture(self.names, self.rng))
            action = "venture_add"
        elif choice < 0.8:
            index = self.rng.randrange(len(current))
            stage = self.rng.choice([Stage.STARTUP, Stage.GROWTH, Stage.CLOSED])
            kept[index] = venture_data(current[index], jobs_created=self.rng.randint(0, 9), stage=stage)
            action = "venture_edit"
        else:
            del kept[self.rng.randrange(len(current))]
            action = "venture_remove"
        data = person_data(record)
        self.tally.attempt(
            action,
            lambda: people.update_entrepreneur(
                self.db, self.actor, entrepreneur_id=record.id, person=data, ventures=kept
            ),
        )

    def visit(self) -> None:
        record = self.pick(live_people(self.db, self.station))
        if record is None:
            return
        serial = self.names.next()
        today = china_today()
        visit: dict[str, object] = {
            "entrepreneur_id": record.id,
            "visit_date": today,
            "mode": self.rng.choice(["上门走访", "电话", "线上"]),
            "advice": f"走访建议{serial:06d}",
        }
        if self.rng.random() < 0.5:
            visit["actions"] = [(f"跟进事项{serial}", today + timedelta(days=7))]
        self.tally.attempt("visit", lambda: record_visit(self.db, self.actor, visit=visit, today=today))

    def delete_visit(self) -> None:
        assert self.station is not None
        found = self.pick(visits_of(self.db, self.station))
        if found is not None:
            self.tally.attempt("visit_delete", lambda: delete_visit(self.db, self.actor, visit_id=found.id))

    def delete(self) -> None:
        record = self.pick(live_people(self.db, self.station))
        if record is not None:
            self.tally.attempt(
                "delete",
                lambda: file_removal.delete_entrepreneur(self.db, self.actor, entrepreneur_id=record.id),
            )

    def restore(self) -> None:
        assert self.station is not None
        record = self.pick(deleted_people(self.db, self.station))
        if record is not None:
            self.tally.attempt(
                "restore",
                lambda: file_removal.restore_entrepreneur(self.db, self.actor, entrepreneur_id=record.id),
            )

    def undo(self) -> None:
        """Ctrl+Z on a file, as the GUI does it: the preview first, then the undo of what it showed."""
        record = self.pick(live_people(self.db, self.station) + deleted_people(self.db, self.station or ""))
        if record is None:
            return

        def press() -> str | None:
            preview = file_removal.undo_preview(self.db, self.actor, entrepreneur_id=record.id)
            if preview is None:
                return None
            return file_removal.undo_last_change(
                self.db, self.actor, entrepreneur_id=record.id, operation_id=preview.operation_id
            )

        self.tally.attempt("undo", press)

    # ---------------------------------------------------------------------------------------- HQ
    def hq_step(self, stations: list[str]) -> None:
        draw = self.rng.random()
        if draw < 0.25 and len(stations) > 1:
            self.transfer(stations)
        elif draw < 0.65:
            self.settle_duplicate()
        else:
            self.edit()

    def settle_duplicate(self) -> None:
        """跨站重复 at HQ: a group merged into one of its files (each field's value from any of them),
        or, now and then, kept apart (不是同一人)."""
        group = self.pick(dupes.duplicate_groups(self.db, self.actor))
        if group is None:
            return
        if self.rng.random() < 0.2:
            self.tally.attempt(
                "keep_apart", lambda: dupes.keep_apart(self.db, self.actor, file_ids=group.file_ids)
            )
            return
        survivor = self.rng.choice(group.file_ids)
        choices = {name: self.rng.choice(group.file_ids) for name in EDITABLE}
        with self.db.reading() as session:
            numbers = {
                str(p.id_number)
                for p in session.exec(select(Entrepreneur).where(col(Entrepreneur.id).in_(group.file_ids)))
            }

        def merge() -> object:
            return dupes.merge_files(
                self.db, self.actor, survivor_id=survivor, merged_ids=group.file_ids, choices=choices
            )

        if self.tally.attempt("merge", merge):
            self.names.merged |= numbers

    def transfer(self, stations: list[str]) -> None:
        """A file moved to another station; never one whose ID number is filed twice (a known limit:
        docs/simulation.md "A transfer meeting a duplicate")."""
        record = self.pick([p for p in live_people(self.db, None) if p.id_number not in self.names.reused])
        if record is None:
            return
        target = self.rng.choice([s for s in stations if s != record.station_code])
        if self.tally.attempt(
            "transfer",
            lambda: transfer_file(self.db, self.actor, entrepreneur_id=record.id, to_station=target),
        ):
            self.names.moved.add(record.id_number)

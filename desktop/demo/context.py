"""What every demo step gets: the session, the seeded random source, the journal's operation, and what
earlier steps made."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from models.audit import Actor, Operation
from models.base import CHINA_TZ, TravellingRecord, new_ids, uuid_text

DEMO_STATION = ("330106001", "西湖区文新街道家门口就业服务站（演示）")
DEMO_USER = "演示数据"


@dataclass
class DemoContext:
    """What every demo step gets: the session, the seeded random source, and what earlier steps made."""

    session: Session
    rng: random.Random
    station_code: str
    today: date
    operation: Operation
    size: int = 0  # how many people the demo files
    entrepreneur_ids: list[str] = field(default_factory=list)
    venture_ids: list[str] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    def new_id(self, moment: datetime) -> str:
        """A UUIDv7 for ``moment`` whose random bits come from the seed, so ids repeat with the seed."""
        millis = int(moment.timestamp() * 1000) & ((1 << 48) - 1)
        rand_a = self.rng.getrandbits(12)
        rand_b = self.rng.getrandbits(62)
        value = (millis << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
        return uuid_text(value)

    def moment_between(self, start: date, end: date) -> datetime:
        days = max((end - start).days, 0)
        day = start + timedelta(days=self.rng.randint(0, days))
        local = datetime(day.year, day.month, day.day, 8, 30, tzinfo=CHINA_TZ) + timedelta(
            minutes=self.rng.randint(0, 9 * 60)
        )
        return local.astimezone(UTC)

    @classmethod
    def start(
        cls, session: Session, *, station_code: str, seed: int, today: date, size: int = 0
    ) -> DemoContext:
        """A demo run inside ``session``'s transaction, writing as the demo user."""
        return cls(
            session=session,
            rng=random.Random(seed),
            station_code=station_code,
            today=today,
            operation=Operation(session, Actor(DEMO_USER, station_code), "生成演示数据"),
            size=size,
        )

    def bulk(
        self, model: type[TravellingRecord], rows: list[dict[str, Any]], subjects: list[str | None]
    ) -> None:
        """Write ``rows`` through the journal's bulk path, each record its own undo step (as a file
        made by hand is), in id order: time-ordered ids append to the primary-key index."""
        pairs = sorted(zip(rows, subjects, strict=True), key=lambda pair: str(pair[0]["id"]))
        self.operation.create_many(
            model,
            [row for row, _ in pairs],
            subject_ids=[subject for _, subject in pairs],
            operation_ids=new_ids(len(pairs)),
        )

    def draw_change_ids(self) -> None:
        """Draw the two ids a demo change row once took from the seed: every seed's station (names,
        numbers, dates) stays as it was now that the journal writes the change rows itself."""
        getrandbits = self.rng.getrandbits
        for _ in range(2):  # what new_id draws, without making the ids nobody keeps
            getrandbits(12)
            getrandbits(62)

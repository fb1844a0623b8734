"""The simulation's post: package files carried between nodes by a channel that loses, duplicates,
delays and reorders them, every choice drawn from the run's seeded random source.

A package sent is copied into the channel's own folder at once (the sender may write the next one
under the same name later); it is delivered in a later round, twice, out of order, or never."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Faults:
    """Per package: the chance it is lost, delivered twice, or held back a round or two (reordered)."""

    loss: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0

    @property
    def clean(self) -> bool:
        return self.loss == self.duplicate == self.reorder == 0.0


@dataclass
class ChannelCounts:
    sent: int = 0
    lost: int = 0
    duplicated: int = 0
    delayed: int = 0
    delivered: int = 0


@dataclass(order=True)
class _Parcel:
    due: int
    order: int
    receiver: str = field(compare=False)
    path: Path = field(compare=False)


class Channel:
    """Parcels in flight, by the round they are due."""

    def __init__(self, folder: Path, rng: random.Random, faults: Faults) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.rng = rng
        self.faults = faults
        self.counts = ChannelCounts()
        self._flight: list[_Parcel] = []
        self._order = 0

    def send(self, path: Path, receiver: str, now: int, *, clean: bool = False) -> None:
        """Hand a package to the post in round ``now`` (``clean``: delivered once, this round)."""
        self.counts.sent += 1
        copy = self.folder / f"{self.counts.sent:06d}-{path.name}"
        shutil.copyfile(path, copy)
        faults = Faults() if clean else self.faults
        if self.rng.random() < faults.loss:
            self.counts.lost += 1
            return
        copies = 1
        if self.rng.random() < faults.duplicate:
            copies = 2
            self.counts.duplicated += 1
        for _ in range(copies):
            due = now
            if self.rng.random() < faults.reorder:
                due += self.rng.randint(1, 2)
                self.counts.delayed += 1
            self._order += 1
            self._flight.append(_Parcel(due, self._order, receiver, copy))

    def deliver(self, receiver: str, now: int, *, shuffle: bool = True) -> list[Path]:
        """The parcels for ``receiver`` due by round ``now``, in the order they reach it (shuffled when
        the channel reorders)."""
        due = sorted(p for p in self._flight if p.receiver == receiver and p.due <= now)
        self._flight = [p for p in self._flight if not (p.receiver == receiver and p.due <= now)]
        if shuffle and self.faults.reorder > 0 and len(due) > 1:
            self.rng.shuffle(due)
        self.counts.delivered += len(due)
        return [p.path for p in due]

    def in_flight(self) -> int:
        return len(self._flight)

    def flush(self, receiver: str) -> list[Path]:
        """Every parcel still in flight for ``receiver`` (late arrivals before the final exchange)."""
        return self.deliver(receiver, 1 << 30, shuffle=False)

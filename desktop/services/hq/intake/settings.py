"""What HQ's intake server is told: its database, its folder, its origin, its caps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024


@dataclass(frozen=True)
class Rate:
    """A token bucket's shape: at most ``burst`` at once, refilled at ``burst`` per ``per_seconds``."""

    burst: int
    per_seconds: float

    @property
    def refill(self) -> float:
        return self.burst / self.per_seconds


@dataclass(frozen=True)
class IntakeSettings:
    db: str
    folder: Path  # uploads being received, the replies offered, the access log
    origin: str  # what a station's signature is bound to: scheme://host[:port] as stations reach it
    max_upload_bytes: int = 512 * MIB
    challenge_seconds: float = 300.0  # a challenge is good for one sign-in within this time
    session_seconds: float = 1800.0
    per_address: Rate = Rate(60, 60.0)  # every request from one client address
    failures: Rate = Rate(10, 600.0)  # refused sign-ins from one client address
    per_station: Rate = Rate(12, 3600.0)  # a station's sign-ins and uploads

    @property
    def uploads(self) -> Path:
        return self.folder / "uploads"

    @property
    def replies(self) -> Path:
        return self.folder / "replies"

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    @property
    def secure(self) -> bool:
        return self.origin.startswith("https://")


def default_folder(database: str) -> Path:
    """Beside a SQLite file (``hq.sqlite`` → ``hq-intake/``); for a server, in the data folder."""
    from desktop.paths import data_dir

    if "://" in database:
        return data_dir() / "intake"
    path = Path(database).expanduser()
    return path.with_name(f"{path.stem}-intake")

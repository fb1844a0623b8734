"""The application context built once at start-up and handed to the windows (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.services.station import StationInfo
from desktop.settings import Preferences
from models.actor import Actor

if TYPE_CHECKING:
    from models.database import Database


@dataclass
class AppContext:
    db: Database
    actor: Actor
    station: StationInfo
    preferences: Preferences

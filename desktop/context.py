"""The application context built once at start-up and handed to the windows (no globals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.services.station import StationInfo
from models.actor import Actor

if TYPE_CHECKING:
    from desktop.services.areas import AreaRegistry
    from desktop.services.gate import Services
    from desktop.settings import Preferences
    from models.database import Database


class AppContext:
    """The database, who acts, the station, and the user's preferences, read when first asked for:
    the window paints its list before they are needed.

    ``hq`` is true on a headquarters database: ``station`` is then HQ's own code and name, the actor
    HQ's user, and the window shows HQ's workspace (ui/hq/pages.py) instead of the station's pages."""

    def __init__(
        self,
        *,
        db: Database,
        actor: Actor,
        station: StationInfo,
        preferences: Preferences | None = None,
        hq: bool = False,
    ) -> None:
        self.db = db
        self.actor = actor
        self.station = station
        self.hq = hq
        self._preferences = preferences
        self._services: Services | None = None

    @property
    def areas(self) -> AreaRegistry:
        """What every area brings (built once, right after the first paint: ``ui.areas.load_areas``)."""
        from desktop.services.areas import registry

        return registry()

    @property
    def services(self) -> Services:
        """The one services object the windows call every service through: it binds the database and
        the acting user (the UI never passes who acts by hand)."""
        if self._services is None:
            from desktop.services.gate import Services

            self._services = Services(self.db, self.actor)
        return self._services

    @property
    def preferences(self) -> Preferences:
        if self._preferences is None:
            from desktop.settings import Preferences

            self._preferences = Preferences.load()
        return self._preferences

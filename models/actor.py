"""Who acts: every service call takes one (DESIGN.md). Standard library only, so the window can know
its user before the ORM is loaded."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who acts. Login and roles come later; until then the default station user acts."""

    user_name: str
    station_code: str
    role: str = "worker"
    can_see_personal_data: bool = True

"""Who acts: every service call names one, and the permission gate checks it (DESIGN.md). Standard
library only, so the window can know its user before the ORM is loaded.

The records that the first screen needs (this, ``StationInfo``, ``ListQuery``, ``EntrepreneurRow``, the
list's columns and the pages) are named tuples: a dataclass writes and compiles its methods when its
class is made, about 2.5 million instructions each, before the list could paint."""

from __future__ import annotations

from typing import NamedTuple

from models.permissions import EVERY_PERMISSION, Permission


class Actor(NamedTuple):
    """Who acts, and what they may do. Login and roles come later; until then the station user acts
    and holds every permission. ``can_see_personal_data`` is false for an actor who may not see
    unmasked ID numbers and phones (it follows ``permissions`` unless given)."""

    user_name: str
    station_code: str
    role: str = "worker"
    can_see_personal_data: bool = True
    permissions: frozenset[Permission] = EVERY_PERMISSION

    def may(self, permission: Permission) -> bool:
        if permission is Permission.VIEW_PERSONAL_DATA and not self.can_see_personal_data:
            return False
        return permission in self.permissions

    def restricted_to(self, *permissions: Permission) -> Actor:
        """The same user holding only ``permissions`` (a read-only clerk, a test's restricted actor)."""
        held = frozenset(permissions)
        return self._replace(permissions=held, can_see_personal_data=Permission.VIEW_PERSONAL_DATA in held)

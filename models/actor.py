"""Who acts: every service call takes one (DESIGN.md). Standard library only, so the window can know
its user before the ORM is loaded.

The records that the first screen needs (this, ``StationInfo``, ``ListQuery``, ``EntrepreneurRow``, the
list's columns and the pages) are named tuples: a dataclass writes and compiles its methods when its
class is made, about 2.5 million instructions each, before the list could paint."""

from __future__ import annotations

from typing import NamedTuple


class Actor(NamedTuple):
    """Who acts. Login and roles come later; until then the default station user acts."""

    user_name: str
    station_code: str
    role: str = "worker"
    can_see_personal_data: bool = True

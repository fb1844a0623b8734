"""The schema this program writes: the heads of its Alembic migration branches (one per area).

Kept as data so that opening a current station file needs no Alembic; ``tests/unit/test_database.py``
checks it against the migration scripts, so adding a migration without updating it fails the tests.
"""

from __future__ import annotations

from typing import Final

HEADS: Final[tuple[str, ...]] = ("0012",)

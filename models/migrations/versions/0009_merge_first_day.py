"""merge the first day's branches (drafts 0008k, application form fields 0008p) into one head

Nothing changes in the schema: a station file carries one revision again, as after 0007.

Revision ID: 0009
Revises: 0008k, 0008p
Create Date: 2026-12-03 12:45:00
"""

from collections.abc import Sequence

revision: str = "0009"
down_revision: str | Sequence[str] | None = ("0008k", "0008p")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

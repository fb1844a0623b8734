"""hq statistics: HQ's frozen monthly figures of the county, its stations and districts, in versions
(a local table: it never travels).

Only a new table: nothing stored is changed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hq_snapshot",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("group_key", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("group_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("frozen_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("frozen_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_snapshot")),
    )
    with op.batch_alter_table("hq_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hq_snapshot_month_version_scope", ["month", "version", "scope", "group_key"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("hq_snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_hq_snapshot_month_version_scope")
    op.drop_table("hq_snapshot")

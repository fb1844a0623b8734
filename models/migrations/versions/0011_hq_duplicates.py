"""HQ duplicates: a merged-away file names its survivor (``entrepreneur.merged_into``, it travels);
HQ's decisions (merges, the copies they send, files kept apart) in local tables; the indexes the
跨站重复 page's one query over the whole county reads from (docs/hq-duplicates.md).

Only new tables, a new nullable column and new indexes: nothing stored is changed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entrepreneur", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("merged_into", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True)
        )
        batch_op.create_index(
            "ix_entrepreneur_dupe_number",
            ["id_number", "deleted", "merged_into", "station_code"],
            unique=False,
        )
        batch_op.create_index(
            "ix_entrepreneur_dupe_name",
            ["name", "birth_date", "deleted", "merged_into", "id_number"],
            unique=False,
        )
        batch_op.create_index(
            "ix_entrepreneur_merged_into",
            ["merged_into"],
            unique=False,
            sqlite_where=sa.text("merged_into IS NOT NULL"),
            postgresql_where=sa.text("merged_into IS NOT NULL"),
        )
    op.create_table(
        "hq_merge",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("survivor_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("merged_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("survivor_station", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("merged_station", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("operation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_merge")),
    )
    with op.batch_alter_table("hq_merge", schema=None) as batch_op:
        batch_op.create_index("ix_hq_merge_merged", ["merged_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hq_merge_survivor_id"), ["survivor_id"], unique=False)
    op.create_table(
        "hq_merge_copy",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("merge_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.Column("after_seq", sa.Integer(), nullable=False),
        sa.Column("sent_in", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_merge_copy")),
    )
    with op.batch_alter_table("hq_merge_copy", schema=None) as batch_op:
        batch_op.create_index("ix_hq_merge_copy_station", ["station", "sent_in"], unique=False)
    op.create_table(
        "hq_kept_apart",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("first_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("second_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_kept_apart")),
        sa.UniqueConstraint("first_id", "second_id", name=op.f("uq_hq_kept_apart_first_id_second_id")),
    )
    with op.batch_alter_table("hq_kept_apart", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hq_kept_apart_second_id"), ["second_id"], unique=False)


def downgrade() -> None:
    for table in ("hq_kept_apart", "hq_merge_copy", "hq_merge"):
        op.drop_table(table)
    with op.batch_alter_table("entrepreneur", schema=None) as batch_op:
        batch_op.drop_index("ix_entrepreneur_merged_into")
        batch_op.drop_index("ix_entrepreneur_dupe_name")
        batch_op.drop_index("ix_entrepreneur_dupe_number")
        batch_op.drop_column("merged_into")

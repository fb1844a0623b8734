"""sync: this node's identity and keys, its peers, the packages sent and received, conflicts, the
waiting queue, notices, quarantine and transfers (all local tables); the change log learns where a
received change came from (package, origin seq and epoch) and, at HQ, which station it travels to.

Only new tables and new nullable columns: nothing stored is changed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 13:21:56
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_conflict",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("record_kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station_code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("winner_value", sa.JSON(), nullable=True),
        sa.Column("winner_change", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("winner_user", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("winner_station", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("winner_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("loser_value", sa.JSON(), nullable=True),
        sa.Column("loser_change", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("loser_user", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("loser_station", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("loser_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("found_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("settled_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("settled_at", models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index("ix_sync_conflict_record", ["record_kind", "record_id"], unique=False)

    op.create_table(
        "sync_node",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("sign_private", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("box_identity", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("epochs", sa.JSON(), nullable=False),
        sa.Column("reply_version", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_sync_node")),
    )
    op.create_table(
        "sync_notice",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("peer", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("record_kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("other_station", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("other_record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.Column("hq_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_notice")),
    )
    op.create_table(
        "sync_package",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("peer", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_package")),
    )
    with op.batch_alter_table("sync_package", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sync_package_peer_direction_seq", ["peer", "direction", "seq"], unique=False
        )

    op.create_table(
        "sync_peer",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("sign", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("box", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("enrol_secret", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("sent_seq", sa.Integer(), nullable=False),
        sa.Column("sent_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("received_seq", sa.Integer(), nullable=False),
        sa.Column("received_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("received_epoch", sa.BigInteger(), nullable=False),
        sa.Column("received_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("peer_epoch", sa.BigInteger(), nullable=False),
        sa.Column("peer_through", sa.Integer(), nullable=False),
        sa.Column("acked_epoch", sa.BigInteger(), nullable=False),
        sa.Column("acked_seq", sa.Integer(), nullable=False),
        sa.Column("hq_acked", sa.Integer(), nullable=False),
        sa.Column("peer_digests", sa.JSON(), nullable=False),
        sa.Column("resend_buckets", sa.JSON(), nullable=False),
        sa.Column("restore_from", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_sync_peer")),
    )
    op.create_table(
        "sync_quarantine",
        sa.Column("change_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("peer", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("record_kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("change", sa.JSON(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_sync_quarantine")),
    )
    op.create_table(
        "sync_transfer",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("entrepreneur_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("from_station", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("to_station", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.Column("hq_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_transfer")),
    )
    op.create_table(
        "sync_waiting",
        sa.Column("change_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("change", sa.JSON(), nullable=False),
        sa.Column("peer", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("since", models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_sync_waiting")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("received_in", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("origin_seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("origin_epoch", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("home", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=True))
        batch_op.create_index(
            "ix_change_log_home_seq",
            ["home", "seq"],
            unique=False,
            sqlite_where=sa.text("home IS NOT NULL"),
            postgresql_where=sa.text("home IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_home_seq")
        for column in ("home", "origin_epoch", "origin_seq", "received_in"):
            batch_op.drop_column(column)
    for table in (
        "sync_waiting",
        "sync_transfer",
        "sync_quarantine",
        "sync_peer",
        "sync_package",
        "sync_notice",
        "sync_node",
        "sync_conflict",
    ):
        op.drop_table(table)

"""visits: mentor pool, assignments, visits with agreed actions, key project pool, visit templates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:59:52.982898
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("visits",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mentor",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station_code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("name_pinyin", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("instructor_level", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("expertise", sa.Integer(), nullable=False),
        sa.Column("service_regions", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("user_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor")),
    )
    op.create_table(
        "visit_template",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station_code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("topics", sa.Integer(), nullable=False),
        sa.Column("problems", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("advice", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_template")),
    )
    op.create_table(
        "mentor_assignment",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station_code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("mentor_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("entrepreneur_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entrepreneur_id"],
            ["entrepreneur.id"],
            name=op.f("fk_mentor_assignment_entrepreneur_id_entrepreneur"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["mentor.id"], name=op.f("fk_mentor_assignment_mentor_id_mentor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_assignment")),
    )
    with op.batch_alter_table("mentor_assignment", schema=None) as batch_op:
        batch_op.create_index("ix_mentor_assignment_entrepreneur", ["entrepreneur_id"], unique=False)
        batch_op.create_index(
            "ix_mentor_assignment_mentor", ["mentor_id", "ended_on", "entrepreneur_id"], unique=False
        )

    op.create_table(
        "key_project",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station_code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("venture_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("entrepreneur_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("mentor_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("period_months", sa.Integer(), nullable=False),
        sa.Column("cadence_days", sa.Integer(), nullable=False),
        sa.Column("cadence_months", sa.Integer(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("last_visit_date", sa.Date(), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("outcome_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["entrepreneur_id"], ["entrepreneur.id"], name=op.f("fk_key_project_entrepreneur_id_entrepreneur")
        ),
        sa.ForeignKeyConstraint(["mentor_id"], ["mentor.id"], name=op.f("fk_key_project_mentor_id_mentor")),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_key_project_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_project")),
    )
    with op.batch_alter_table("key_project", schema=None) as batch_op:
        batch_op.create_index("ix_key_project_due", ["left_on", "next_due"], unique=False)
        batch_op.create_index("ix_key_project_entrepreneur", ["entrepreneur_id"], unique=False)
        batch_op.create_index("ix_key_project_venture", ["venture_id"], unique=False)

    op.create_table(
        "visit",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station_code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("entrepreneur_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("mentor_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("venture_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("key_project_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("topics", sa.Integer(), nullable=False),
        sa.Column("problems", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("advice", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("next_visit_date", sa.Date(), nullable=True),
        sa.Column("stage_before", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("stage_after", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("jobs_before", sa.Integer(), nullable=True),
        sa.Column("jobs_after", sa.Integer(), nullable=True),
        sa.Column("new_venture_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["entrepreneur_id"], ["entrepreneur.id"], name=op.f("fk_visit_entrepreneur_id_entrepreneur")
        ),
        sa.ForeignKeyConstraint(["mentor_id"], ["mentor.id"], name=op.f("fk_visit_mentor_id_mentor")),
        sa.ForeignKeyConstraint(["venture_id"], ["venture.id"], name=op.f("fk_visit_venture_id_venture")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index("ix_visit_date", ["deleted", "visit_date", "entrepreneur_id"], unique=False)
        batch_op.create_index(
            "ix_visit_entrepreneur", ["entrepreneur_id", "deleted", "visit_date"], unique=False
        )
        batch_op.create_index("ix_visit_mentor", ["mentor_id", "visit_date"], unique=False)

    op.create_table(
        "agreed_action",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("station_code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("visit_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("entrepreneur_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["entrepreneur_id"],
            ["entrepreneur.id"],
            name=op.f("fk_agreed_action_entrepreneur_id_entrepreneur"),
        ),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_agreed_action_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreed_action")),
    )
    with op.batch_alter_table("agreed_action", schema=None) as batch_op:
        batch_op.create_index("ix_agreed_action_entrepreneur", ["entrepreneur_id", "done_on"], unique=False)
        batch_op.create_index("ix_agreed_action_open", ["done_on", "deleted", "due_date"], unique=False)
        batch_op.create_index("ix_agreed_action_visit", ["visit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("agreed_action", schema=None) as batch_op:
        batch_op.drop_index("ix_agreed_action_visit")
        batch_op.drop_index("ix_agreed_action_open")
        batch_op.drop_index("ix_agreed_action_entrepreneur")

    op.drop_table("agreed_action")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_mentor")
        batch_op.drop_index("ix_visit_entrepreneur")
        batch_op.drop_index("ix_visit_date")

    op.drop_table("visit")
    with op.batch_alter_table("key_project", schema=None) as batch_op:
        batch_op.drop_index("ix_key_project_venture")
        batch_op.drop_index("ix_key_project_entrepreneur")
        batch_op.drop_index("ix_key_project_due")

    op.drop_table("key_project")
    with op.batch_alter_table("mentor_assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_mentor_assignment_mentor")
        batch_op.drop_index("ix_mentor_assignment_entrepreneur")

    op.drop_table("mentor_assignment")
    op.drop_table("visit_template")
    op.drop_table("mentor")

"""journal: an append-only log with a local sequence, and a baseline change row for every record

The change log becomes the journal sync sends (DESIGN.md "The journal"):
- ``seq``, the station's own monotone order of its changes; existing rows keep the order they were
  written in (their rowid).
- ``undone_by`` goes: an old row was edited to mark it undone. Undo is now told by the compensating
  rows alone (``undoes``, now indexed), so no row is ever edited again.
- A ``baseline`` change row for every record of every travelling table, holding every column as it
  stands: rows written before this release had no change row at all (the course catalogue,
  application steps, loans, the demo's attendance), an empty one (every demo "create") or versions
  their log never reached. Replaying the log from an empty schema now rebuilds every table exactly,
  and the first package a station sends carries its whole state. Nothing else is changed.

This merges the areas' migration branches into one head.

Revision ID: 0007
Revises: 0002, 0003, 0004, 0005, 0006
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
import uuid6
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = ("0002", "0003", "0004", "0005", "0006")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables whose rows travel, as of this revision.
TRAVELLING = (
    "entrepreneur",
    "venture",
    "mentor",
    "mentor_assignment",
    "visit",
    "agreed_action",
    "key_project",
    "visit_template",
    "course_type",
    "training_class",
    "training_session",
    "training_enrolment",
    "training_attendance",
    "application",
    "application_step",
    "loan",
    "policy_set",
    "monthly_snapshot",
)
OWN_BOOKKEEPING = ("id", "updated_at", "updated_by", "version")  # kept in the change row's own columns
CHUNK = 5000


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("change_log", sa.Column("seq", sa.Integer(), nullable=True))
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("UPDATE change_log SET seq = rowid")
    else:  # PostgreSQL has no rowid: rows from before (none, as a rule: HQ databases are new) by time
        bind.exec_driver_sql(
            "UPDATE change_log SET seq = numbered.n FROM (SELECT id, row_number() OVER (ORDER BY at, id) AS n"
            " FROM change_log) AS numbered WHERE change_log.id = numbered.id"
        )
    last = bind.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM change_log").scalar_one()
    station = bind.exec_driver_sql("SELECT code FROM station LIMIT 1").scalar()
    change_log = sa.table(
        "change_log",
        *(sa.column(name) for name in ("id", "operation_id", "operation_label", "user_name", "station_code")),
        *(sa.column(name) for name in ("record_kind", "record_id", "subject_id", "action", "undoes")),
        *(sa.column(name, sa.Integer()) for name in ("seq", "base_version", "version")),
        sa.column("at", sa.DateTime()),
        sa.column("changes", sa.JSON()),
    )
    operation_id = str(uuid6.uuid7())
    existing = set(sa.inspect(bind).get_table_names())
    for name in TRAVELLING:
        if name not in existing:
            continue
        table = sa.Table(name, sa.MetaData(), autoload_with=bind)
        for chunk in _chunks(bind.execute(sa.select(table).order_by(table.c.id)).mappings()):
            rows = []
            for record in chunk:
                last += 1
                rows.append(_baseline(record, name, last, operation_id, station or record["station_code"]))
            bind.execute(sa.insert(change_log), rows)
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("undone_by")
        batch_op.create_unique_constraint(batch_op.f("uq_change_log_seq"), ["seq"])
        batch_op.create_index(
            "ix_change_log_undoes",
            ["undoes"],
            unique=False,
            sqlite_where=sa.text("undoes IS NOT NULL"),
            postgresql_where=sa.text("undoes IS NOT NULL"),
        )


def _chunks(rows: Any) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _jsonable(value: object) -> object:
    """As ``models.base.jsonable`` writes a value: times as aware UTC ISO text, dates as ISO text."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value  # JSON columns come back parsed, booleans as bool


def _baseline(record: Any, name: str, seq: int, operation_id: str, station: str) -> dict[str, Any]:
    updated_at = record["updated_at"]
    values = {key: [None, _jsonable(value)] for key, value in record.items() if key not in OWN_BOOKKEEPING}
    return {
        "id": str(uuid6.uuid7()),
        "seq": seq,
        "operation_id": operation_id,
        "operation_label": "变更日志基线（升级）",
        "at": updated_at if isinstance(updated_at, datetime) else datetime.fromisoformat(str(updated_at)),
        "user_name": record["updated_by"],
        "station_code": station,
        "record_kind": name,
        "record_id": record["id"],
        "subject_id": None,  # not an edit of the file: no history line, nothing to undo
        "action": "baseline",
        "changes": values,
        "base_version": record["version"],
        "version": record["version"],
        "undoes": None,
    }


def downgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_undoes")
        batch_op.drop_constraint(batch_op.f("uq_change_log_seq"), type_="unique")
        batch_op.add_column(
            sa.Column("undone_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True)
        )
    bind = op.get_bind()
    bind.exec_driver_sql("DELETE FROM change_log WHERE action = 'baseline'")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("seq")

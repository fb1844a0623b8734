"""application: the fields the printed forms ask for that the file does not hold

创业担保贷款申请表 (5号文 (十六), 推进行动 计划5): the borrower's marital status and spouse (name, ID number),
household address, loan purpose (用途), repayment method and source (还款方式/来源) and business income;
一次性创业补贴申请表 (5号文 (十五)): the bank account the subsidy is paid into (开户银行、账号、户名).
Existing applications get empty values (the form prints blank lines to fill by hand).

Revision ID: 0008p
Revises: 0007
Create Date: 2026-12-03 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008p"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("marital_status", 4),
    ("spouse_name", 50),
    ("spouse_id_number", 18),
    ("household_address", 200),
    ("loan_purpose", 200),
    ("repayment_method", 30),
    ("repayment_source", 200),
    ("bank_name", 100),
    ("bank_account", 32),
    ("account_name", 50),
)


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        for name, length in _TEXT_COLUMNS:
            batch_op.add_column(
                sa.Column(
                    name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False, server_default=""
                )
            )
        batch_op.add_column(sa.Column("business_income_fen", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("business_income_fen")
        for name, _length in reversed(_TEXT_COLUMNS):
            batch_op.drop_column(name)

"""payouts: how each day off was paid, how she is paid, and number moves

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "payouts",
        sa.Column("id", ID, nullable=False),
        sa.Column("transfer_id", ID, nullable=False),
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("amount_cents", ID, nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=True),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("provider_ref", sa.String(length=80), nullable=True),
        sa.Column("failure", sa.String(length=200), nullable=True),
        sa.Column("paid_by", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('sending', 'sent', 'paid', 'failed')",
            name=op.f("ck_payouts_status_is_known"),
        ),
        sa.CheckConstraint(
            "method IS NULL OR method IN ('cash', 'check', 'bank', 'card')",
            name=op.f("ck_payouts_method_is_known"),
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["ledger_transfers.id"],
            name=op.f("fk_payouts_transfer_id_ledger_transfers"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_payouts_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payouts")),
        sa.UniqueConstraint("transfer_id", name=op.f("uq_payouts_transfer_id")),
    )
    with op.batch_alter_table("payouts") as batch:
        batch.create_index(batch.f("ix_payouts_worker_id"), ["worker_id"], unique=False)
    op.create_table(
        "number_moves",
        sa.Column("id", ID, nullable=False),
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("old_phone", sa.String(length=16), nullable=False),
        sa.Column("new_phone", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("identity_check", sa.String(length=200), nullable=False),
        sa.Column("staff_email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payouts_held_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_number_moves_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_number_moves")),
    )
    with op.batch_alter_table("number_moves") as batch:
        batch.create_index(batch.f("ix_number_moves_worker_id"), ["worker_id"], unique=False)
    with op.batch_alter_table("workers") as batch:
        batch.add_column(sa.Column("payout_method", sa.String(length=8), nullable=True))
        batch.add_column(
            sa.Column("payouts_held_until", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("payouts_held_until")
        batch.drop_column("payout_method")
    with op.batch_alter_table("number_moves") as batch:
        batch.drop_index(batch.f("ix_number_moves_worker_id"))
    op.drop_table("number_moves")
    with op.batch_alter_table("payouts") as batch:
        batch.drop_index(batch.f("ix_payouts_worker_id"))
    op.drop_table("payouts")

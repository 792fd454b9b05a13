"""stripe connect accounts and payout approvals: where a worker is paid through Stripe
Connect, and who approved sending a day off

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "stripe_connect_accounts",
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("link_token", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=255), nullable=True),
        sa.Column("payouts_enabled", sa.Boolean(), nullable=False),
        sa.Column("instant", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.String(length=80), nullable=True),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("last4", sa.String(length=4), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_stripe_connect_accounts_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_stripe_connect_accounts")),
        sa.UniqueConstraint("account_id", name=op.f("uq_stripe_connect_accounts_account_id")),
        sa.UniqueConstraint("link_token", name=op.f("uq_stripe_connect_accounts_link_token")),
    )
    op.create_table(
        "payout_approvals",
        sa.Column("transfer_id", ID, nullable=False),
        sa.Column("staff_email", sa.String(length=254), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["ledger_transfers.id"],
            name=op.f("fk_payout_approvals_transfer_id_ledger_transfers"),
        ),
        sa.PrimaryKeyConstraint("transfer_id", name=op.f("pk_payout_approvals")),
    )


def downgrade() -> None:
    op.drop_table("payout_approvals")
    op.drop_table("stripe_connect_accounts")

"""payout method changes: each change she asks for by text, its hashed one-time code, its
wrong tries, and when it was confirmed and takes effect

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payout_method_changes",
        sa.Column("id", ID, nullable=False),
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("old_method", sa.String(length=8), nullable=True),
        sa.Column("new_method", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("code_salt", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("code_expires_at", MOMENT, nullable=False),
        sa.Column("wrong_codes", ID, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("request_sid", sa.String(length=64), nullable=False),
        sa.Column("requested_at", MOMENT, nullable=False),
        sa.Column("confirm_channel", sa.String(length=16), nullable=True),
        sa.Column("confirm_sid", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", MOMENT, nullable=True),
        sa.Column("effective_at", MOMENT, nullable=True),
        sa.Column("closed_at", MOMENT, nullable=True),
        sa.Column("locked_until", MOMENT, nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'cancelled', 'expired', 'locked', 'replaced')",
            name=op.f("ck_payout_method_changes_status_is_known"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_payout_method_changes_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout_method_changes")),
    )
    with op.batch_alter_table("payout_method_changes") as batch:
        batch.create_index(
            "ix_payout_method_changes_worker_id_id", ["worker_id", "id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("payout_method_changes")

"""partner consents

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "partner_consents",
        sa.Column("partner_id", ID, nullable=False),
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_consents_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_partner_consents_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("partner_id", "worker_id", name=op.f("pk_partner_consents")),
    )
    with op.batch_alter_table("partner_consents") as batch:
        batch.create_index(batch.f("ix_partner_consents_worker_id"), ["worker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("partner_consents") as batch:
        batch.drop_index(batch.f("ix_partner_consents_worker_id"))
    op.drop_table("partner_consents")

"""insurance by consent: her yes per product, and open offers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 07:40:00

Every existing worker is left without consent: the table starts empty, so no premium is
taken from anyone until she says YES to a product by text.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "insurance_consents",
        sa.Column("id", ID, nullable=False),
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("product", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_message_sid", sa.String(length=64), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_message_sid", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_insurance_consents_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_consents")),
        sa.UniqueConstraint(
            "worker_id", "product", name=op.f("uq_insurance_consents_worker_id_product")
        ),
    )
    with op.batch_alter_table("insurance_consents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_insurance_consents_worker_id"), ["worker_id"], unique=False
        )
    op.create_table(
        "insurance_offers",
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_insurance_offers_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_insurance_offers")),
    )


def downgrade() -> None:
    op.drop_table("insurance_offers")
    with op.batch_alter_table("insurance_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_consents_worker_id"))
    op.drop_table("insurance_consents")

"""money in: pledges count toward never-below-zero; payments, charges and Stripe's events

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 07:40:00

Contributions confirmed before this migration stay posted: the fund treated them as received.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_RULE = "NOT debits_must_not_exceed_credits OR debits_pending + debits_posted <= credits_posted"
NEW_RULE = (
    "NOT debits_must_not_exceed_credits "
    "OR debits_pending + debits_posted <= credits_posted + credits_pending"
)


def upgrade() -> None:
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.drop_constraint("debits_within_credits", type_="check")
        batch_op.create_check_constraint("debits_within_credits", NEW_RULE)
    op.create_table(
        "collection_charges",
        sa.Column("id", ID, nullable=False),
        sa.Column("household_id", ID, nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=False),
        sa.Column("amount_cents", ID, nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", ID, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure_code", sa.String(length=64), nullable=True),
        sa.Column("fee_cents", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["contributors.id"],
            name=op.f("fk_collection_charges_household_id_contributors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_charges")),
        sa.UniqueConstraint(
            "household_id", "batch", name=op.f("uq_collection_charges_household_id_batch")
        ),
        sa.UniqueConstraint("reference", name=op.f("uq_collection_charges_reference")),
    )
    op.create_index(
        "ix_collection_charges_status_next_attempt_at",
        "collection_charges",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "stripe_customers",
        sa.Column("household_id", ID, nullable=False),
        sa.Column("link_token", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=True),
        sa.Column("payment_method_id", sa.String(length=255), nullable=True),
        sa.Column("method_type", sa.String(length=32), nullable=True),
        sa.Column("link_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["contributors.id"],
            name=op.f("fk_stripe_customers_household_id_contributors"),
        ),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_stripe_customers")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_stripe_customers_customer_id")),
        sa.UniqueConstraint("link_token", name=op.f("uq_stripe_customers_link_token")),
    )
    op.create_table(
        "stripe_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=255), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_events")),
    )


def downgrade() -> None:
    op.drop_table("stripe_events")
    op.drop_table("stripe_customers")
    op.drop_index("ix_collection_charges_status_next_attempt_at", table_name="collection_charges")
    op.drop_table("collection_charges")
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.drop_constraint("debits_within_credits", type_="check")
        batch_op.create_check_constraint("debits_within_credits", OLD_RULE)

"""money in: pledges count toward never-below-zero; payments, charges and Stripe's events

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 07:40:00

Contributions confirmed before this migration stay posted: the fund treated them as received.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
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


def downgrade() -> None:
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.drop_constraint("debits_within_credits", type_="check")
        batch_op.create_check_constraint("debits_within_credits", OLD_RULE)

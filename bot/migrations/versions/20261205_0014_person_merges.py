"""person merges

A woman first known by her WhatsApp user id alone, whose number already had a row of its
own, is one person once a message brings both: the two rows are merged, or kept apart for
staff when both hold money. Each such event is recorded here. Nothing is rewritten.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_merges",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("merged_person_id", ID, nullable=False),
        sa.Column("whatsapp_user_id", sa.String(140), nullable=False),
        sa.Column("phone", sa.String(140), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_merges_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merges")),
    )
    op.create_index(op.f("ix_person_merges_person_id"), "person_merges", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_person_merges_person_id"), table_name="person_merges")
    op.drop_table("person_merges")

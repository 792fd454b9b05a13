"""whatsapp user ids and media types

A person may be known by her WhatsApp business-scoped user id (up to 135 characters) as well
as, or instead of, her number: the address column widens (every stored number still fits and
stays as it is) and the id gets its own unique column. An inbound message keeps the content
type of what she attached, for staff; a notice the buttons it carries on WhatsApp; and the
Content API resources made for those buttons are kept (whatsapp_contents). Nothing is
rewritten.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.alter_column(
            "phone", existing_type=sa.String(16), type_=sa.String(140), existing_nullable=False
        )
        batch.add_column(sa.Column("whatsapp_user_id", sa.String(140), nullable=True))
        batch.create_unique_constraint(batch.f("uq_people_whatsapp_user_id"), ["whatsapp_user_id"])
    with op.batch_alter_table("inbound_messages") as batch:
        batch.add_column(sa.Column("media_type", sa.String(100), nullable=True))
    with op.batch_alter_table("outbound_messages") as batch:
        batch.add_column(sa.Column("choices", sa.JSON(), nullable=True))
    op.create_table(
        "whatsapp_contents",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("content_sid", sa.String(34), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "language", name=op.f("pk_whatsapp_contents")),
    )


def downgrade() -> None:
    # A person known only by her user id has no number to keep in 16 characters: going back
    # would lose her, so the downgrade refuses while any such person exists.
    bind = op.get_bind()
    by_id_only = bind.scalar(sa.text("SELECT count(*) FROM people WHERE phone NOT LIKE '+%'"))
    if by_id_only:
        raise RuntimeError(f"{by_id_only} people are known only by a WhatsApp user id")
    op.drop_table("whatsapp_contents")
    with op.batch_alter_table("outbound_messages") as batch:
        batch.drop_column("choices")
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_column("media_type")
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint(batch.f("uq_people_whatsapp_user_id"), type_="unique")
        batch.drop_column("whatsapp_user_id")
        batch.alter_column(
            "phone", existing_type=sa.String(140), type_=sa.String(16), existing_nullable=False
        )

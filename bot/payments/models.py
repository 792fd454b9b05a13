"""What the fund asked a payment provider to collect: one charge per household and batch."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.infra.orm import Base, utcnow


class ChargeStatus(StrEnum):
    """Where a charge stands; the provider's events move it on."""

    PROCESSING = "processing"  # asked of the provider, its answer not in yet
    SUCCEEDED = "succeeded"  # money in: the household's pledges it covers are collected
    RETRYING = "retrying"  # declined; tried again at next_attempt_at
    GAVE_UP = "gave_up"  # declined after the last retry: the pledges stay owed, staff see them


class CollectionCharge(Base):
    """One charge of a household's confirmed contributions, batched."""

    __tablename__ = "collection_charges"
    __table_args__ = (
        UniqueConstraint("household_id", "batch"),
        Index("ix_collection_charges_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("contributors.id"))
    # The newest pledge the batch covers: with the household, the idempotency key's root.
    batch: Mapped[str] = mapped_column(String(40))
    amount_cents: Mapped[int]
    provider: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(255), unique=True)  # a PaymentIntent
    status: Mapped[ChargeStatus] = mapped_column(String(16), default=ChargeStatus.PROCESSING)
    attempts: Mapped[int] = mapped_column(default=1)
    next_attempt_at: Mapped[datetime | None]
    failure_code: Mapped[str | None] = mapped_column(String(64))
    fee_cents: Mapped[int] = mapped_column(
        default=0
    )  # what the household pays on top (FEES_PAID_BY)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def idempotency_key(self) -> str:
        """The key the provider sees for this attempt: a retry of one attempt charges once."""
        return f"charge:{self.household_id}:{self.batch}:{self.attempts}"

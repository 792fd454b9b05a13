"""A payout: how a reserved day off left the fund, through which rail, and what became of it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.infra.orm import Base, utcnow


class PayoutStatus(StrEnum):
    """Where a payout stands. SENDING is written before the provider is called, so a lost
    answer leaves a row to ask about instead of a second payment."""

    SENDING = "sending"
    SENT = "sent"
    PAID = "paid"
    FAILED = "failed"


PAYOUT_METHODS = ("cash", "check", "bank", "card")


class PayoutRecord(Base):
    """One day off's payout: at most one per reserved day off (its ledger transfer)."""

    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint("status IN ('sending', 'sent', 'paid', 'failed')", name="status_is_known"),
        CheckConstraint(
            "method IS NULL OR method IN ('cash', 'check', 'bank', 'card')", name="method_is_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), unique=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    amount_cents: Mapped[int]
    provider: Mapped[str] = mapped_column(String(16))
    status: Mapped[PayoutStatus] = mapped_column(String(8))
    method: Mapped[str | None] = mapped_column(String(8))  # how she was paid
    reference: Mapped[str | None] = mapped_column(String(80))  # where: check number, receipt
    provider_ref: Mapped[str | None] = mapped_column(String(80))  # the rail's own id
    failure: Mapped[str | None] = mapped_column(String(200))
    paid_by: Mapped[str | None] = mapped_column(String(254))  # staff email, or "cli"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]


class PayoutApproval(Base):
    """A staff member approved sending a day off through the rail (PAYOUT_APPROVAL=staff):
    who and when. It stands until the payout is sent, however long her account takes."""

    __tablename__ = "payout_approvals"

    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), primary_key=True)
    staff_email: Mapped[str] = mapped_column(String(254))
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)


class NumberMove(Base):
    """A worker moved to a new phone number by staff, after checking who she is."""

    __tablename__ = "number_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    old_phone: Mapped[str] = mapped_column(String(16))
    new_phone: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200))
    identity_check: Mapped[str] = mapped_column(String(200))  # how staff checked who she is
    staff_email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    payouts_held_until: Mapped[datetime]

"""A change of how a worker is paid, asked for by text and confirmed with a one-time code.

The code is kept only as an HMAC-SHA256 of it, keyed with a salt of the change's own (and the
app's SECRET_KEY when set); wrong tries are counted on the change, and the change that reaches
the limit locks changes until `locked_until`. Every change stays, whatever became of it, for
staff: when, from which channel and message, and when it takes effect."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.infra.orm import Base, utcnow


class PayoutChangeState(StrEnum):
    """Where a change stands."""

    PENDING = "pending"  # waiting for its code
    CONFIRMED = "confirmed"  # the right code came in time: made, effective after the hold
    CANCELLED = "cancelled"  # she said NO
    EXPIRED = "expired"  # the code came too late
    LOCKED = "locked"  # too many wrong codes: nothing changed, changes locked for a while
    REPLACED = "replaced"  # she chose another method before entering the code


class PayoutMethodChange(Base):
    """One change of payout method she asked for."""

    __tablename__ = "payout_method_changes"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'confirmed', 'cancelled', 'expired', 'locked', 'replaced')",
            name="status_is_known",
        ),
        Index("ix_payout_method_changes_worker_id_id", "worker_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    old_method: Mapped[str | None] = mapped_column(String(8))
    new_method: Mapped[str] = mapped_column(String(8))
    status: Mapped[PayoutChangeState] = mapped_column(String(10))
    code_salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    code_expires_at: Mapped[datetime]
    wrong_codes: Mapped[int] = mapped_column(default=0)
    channel: Mapped[str] = mapped_column(String(16))  # where she asked: sms, whatsapp
    request_sid: Mapped[str] = mapped_column(String(64))  # the MessageSid that asked
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirm_channel: Mapped[str | None] = mapped_column(String(16))
    confirm_sid: Mapped[str | None] = mapped_column(String(64))  # the message with the code
    confirmed_at: Mapped[datetime | None]
    effective_at: Mapped[datetime | None]  # when the hold ends and the new method is used
    closed_at: Mapped[datetime | None]  # confirmed, cancelled, expired, locked or replaced
    locked_until: Mapped[datetime | None]  # set on the change whose wrong code locked them

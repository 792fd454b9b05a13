"""What Stripe Connect told us about a worker's payout account."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.infra.orm import Base, utcnow


class ConnectAccount(Base):
    """A worker's Stripe Connect (Express) account, where a paid day off lands.

    The row exists from the first setup link (its token); the Stripe account is created when
    she first opens the link. `payouts_enabled` and `summary` are what Stripe's latest
    `account.updated` said: whether it can take payouts, and her card or bank account as staff
    may read it (the last four digits, never the number)."""

    __tablename__ = "stripe_connect_accounts"

    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    # The link she is texted (/payout/<token>) opens a fresh Account Link each time: Stripe's
    # own links are long, single-use and expire within minutes.
    link_token: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    payouts_enabled: Mapped[bool] = mapped_column(default=False)
    instant: Mapped[bool] = mapped_column(default=False)  # her card takes instant payouts
    summary: Mapped[str | None] = mapped_column(String(80))
    # Stripe's id of the card or bank account payouts go to, and its last four digits: a new
    # one (changed in Stripe's Express dashboard) holds her payouts and is announced to her.
    external_id: Mapped[str | None] = mapped_column(String(255))
    last4: Mapped[str | None] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def ready(self) -> bool:
        """Whether a payout can be sent to it now."""
        return self.account_id is not None and self.payouts_enabled

"""What Stripe told us: a household's customer and saved payment method, and events applied."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.infra.orm import Base, utcnow


class StripeCustomer(Base):
    """A household's Stripe customer and the payment method it saved for later charges."""

    __tablename__ = "stripe_customers"

    household_id: Mapped[int] = mapped_column(ForeignKey("contributors.id"), primary_key=True)
    # The short link a household is texted (/pay/<token>) opens a new Checkout session each
    # time: a Checkout URL is too long for a text and expires in a day.
    link_token: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    payment_method_id: Mapped[str | None] = mapped_column(String(255))
    method_type: Mapped[str | None] = mapped_column(String(32))  # card, us_bank_account
    link_sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StripeEvent(Base):
    """An event applied once: Stripe retries for days, and may send one twice."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

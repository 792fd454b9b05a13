"""Insurance a worker chose: her consent per product, open offers, and cover month by month."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.infra.orm import Base, utcnow


class CoverStatus(StrEnum):
    """Whether a month's premium was paid."""

    COVERED = "covered"
    LAPSED = "lapsed"  # her available balance could not pay the premium


class InsuranceCover(Base):
    """One product for one worker for one month (a period such as 2026-12)."""

    __tablename__ = "insurance_covers"
    __table_args__ = (UniqueConstraint("worker_id", "product", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    product: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[CoverStatus] = mapped_column(String(16))
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsentStatus(StrEnum):
    """Where her yes to a product stands."""

    GIVEN = "given"  # premiums may be taken, from the month after it was given
    STOPPED = "stopped"  # she stopped it by text; nothing more is taken


class InsuranceConsent(Base):
    """A worker's yes to one product, with the inbound message that gave it (and the one
    that stopped it): no premium is ever charged without a row here in GIVEN."""

    __tablename__ = "insurance_consents"
    __table_args__ = (UniqueConstraint("worker_id", "product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    product: Mapped[str] = mapped_column(String(32))
    status: Mapped[ConsentStatus] = mapped_column(String(16))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    given_message_sid: Mapped[str] = mapped_column(String(64))
    stopped_at: Mapped[datetime | None]
    stopped_message_sid: Mapped[str | None] = mapped_column(String(64))


class InsuranceOffer(Base):
    """The last time she was offered insurance by text; a YES answers it while it is open."""

    __tablename__ = "insurance_offers"

    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]  # she said NO, or took every product offered

"""Insurance cover month by month: paid from the worker's benefits, or lapsed for lack of it."""

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

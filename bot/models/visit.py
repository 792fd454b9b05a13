"""A visit a worker made to a household, and the contribution it brought (or not)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.infra.orm import Base, utcnow
from bot.models.employment import Employment


class VisitStatus(StrEnum):
    """Where a visit's contribution stands."""

    REPORTED = "reported"  # the household has been asked to confirm
    CONFIRMED = "confirmed"  # the household confirmed: the contribution is in the ledger
    DECLINED = "declined"
    EXPIRED = "expired"  # nobody answered in time


class VisitReporter(StrEnum):
    """Who started the visit's confirmation."""

    WORKER = "worker"  # she texted DONE
    SCHEDULE = "schedule"  # the household's regular schedule prompted it


class Visit(Base):
    """One visit (a cleaning, a shift) and the contribution confirmed for it."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint("amount_cents IS NULL OR amount_cents > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"), index=True)
    visit_date: Mapped[date]
    reported_by: Mapped[VisitReporter] = mapped_column(String(16))
    status: Mapped[VisitStatus] = mapped_column(String(16), default=VisitStatus.REPORTED)
    amount_cents: Mapped[int | None]
    # Tells the household's open visits apart ("YES 2"); the smallest number free when asked.
    prompt_number: Mapped[int] = mapped_column(default=1, server_default="1")
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    employment: Mapped[Employment] = relationship()

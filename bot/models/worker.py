"""A worker: a person with a benefit account in the ledger."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.infra.orm import Base, utcnow
from bot.models.person import Person


class WorkerStatus(StrEnum):
    """Where a worker is in joining the fund."""

    JOINING = "joining"  # texted us, has not agreed to the terms yet
    ACTIVE = "active"
    LEFT = "left"


class Worker(Base):
    """A house cleaner, nanny or home-care worker whose benefits the fund holds."""

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)
    status: Mapped[WorkerStatus] = mapped_column(String(16), default=WorkerStatus.JOINING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # How she is paid (a label the manual rail records: cash, check, bank, card), and until
    # when payouts wait after a change to her payout method or phone number.
    payout_method: Mapped[str | None] = mapped_column(String(8))
    payouts_held_until: Mapped[datetime | None]

    person: Mapped[Person] = relationship()

"""The relationship between a worker and a household she works for."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.infra.orm import Base, utcnow
from bot.models.contributor import Contributor
from bot.models.worker import Worker


class EmploymentStatus(StrEnum):
    """Where the worker-household relationship stands."""

    INVITED = "invited"  # the worker added the household; it has not answered yet
    ACTIVE = "active"  # the household accepted: visits are confirmed and paid in
    DECLINED = "declined"
    ENDED = "ended"


class Employment(Base):
    """A worker's household, and what it adds to her benefits per visit."""

    __tablename__ = "employments"
    __table_args__ = (
        UniqueConstraint("worker_id", "household_id"),
        CheckConstraint("amount_per_visit_cents > 0", name="amount_positive"),
        CheckConstraint("schedule_weekday BETWEEN 0 AND 6", name="weekday_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("contributors.id"))
    status: Mapped[EmploymentStatus] = mapped_column(String(16), default=EmploymentStatus.INVITED)
    amount_per_visit_cents: Mapped[int]
    label: Mapped[str | None] = mapped_column(String(40))  # the worker's name for the household
    # The household's regular day (0 is Monday): it is asked about a visit every week then.
    schedule_weekday: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    worker: Mapped[Worker] = relationship()
    household: Mapped[Contributor] = relationship()

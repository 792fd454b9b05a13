"""Contributors: households, gig platforms and public or sectoral programs."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.infra.orm import Base, utcnow
from bot.ledger.models import AccountKind
from bot.models.person import Person


class Contributor(Base):
    """Someone who pays into workers' accounts. A household is also a person who texts."""

    __tablename__ = "contributors"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AccountKind] = mapped_column(String(16))  # household, platform or program
    name: Mapped[str] = mapped_column(String(120))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person | None] = relationship()

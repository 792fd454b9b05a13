"""Two rows found to be one woman (her number's and her WhatsApp id's): what was done, for staff."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.infra.orm import Base, utcnow


class MergeOutcome(StrEnum):
    """What became of the two rows."""

    MERGED = "merged"  # one person now: the id's row is gone, its history is the number's
    NEEDS_STAFF = "needs_staff"  # kept apart: both hold money (or records) only staff may join


class PersonMerge(Base):
    """One merge of the row her WhatsApp id made into her number's row, or why it waits.

    Kept for staff: when, the number's row kept, the id's row (its id stays a plain number:
    a merged row no longer exists), the WhatsApp user id and the number that came together."""

    __tablename__ = "person_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)  # kept
    merged_person_id: Mapped[int]  # the id's row: deleted once merged
    whatsapp_user_id: Mapped[str] = mapped_column(String(140))
    phone: Mapped[str] = mapped_column(String(140))  # the number that came with the id
    outcome: Mapped[MergeOutcome] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""The insurance a worker chose, as staff see it: each product, and the texts that gave and
stopped her consent."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import InboundMessage, InsuranceConsent


@dataclass(frozen=True)
class ConsentRow:
    """Her consent to one product."""

    product: str
    status: str  # given or stopped
    given_at: datetime
    given_text: str | None  # her text that said YES (None: not kept, e.g. before a restore)
    stopped_at: datetime | None
    stopped_text: str | None


def consents(session: Session, worker_id: int) -> list[ConsentRow]:
    """Every product she said YES to, oldest first, with her own words."""
    rows = session.scalars(
        select(InsuranceConsent)
        .where(InsuranceConsent.worker_id == worker_id)
        .order_by(InsuranceConsent.id)
    ).all()
    sids = {row.given_message_sid for row in rows} | {
        row.stopped_message_sid for row in rows if row.stopped_message_sid
    }
    texts = dict(
        session.execute(
            select(InboundMessage.message_sid, InboundMessage.body).where(
                InboundMessage.message_sid.in_(sids)
            )
        ).all()
    )
    return [
        ConsentRow(
            product=row.product,
            status=row.status,
            given_at=row.given_at,
            given_text=texts.get(row.given_message_sid),
            stopped_at=row.stopped_at,
            stopped_text=texts.get(row.stopped_message_sid or ""),
        )
        for row in rows
    ]

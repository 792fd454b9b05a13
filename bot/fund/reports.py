"""Read-only views for operators: recent notices."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.fund.payout_changes import shown_body
from bot.models import OutboundMessage, Person


def recent_notices(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """The newest notices first, as plain data."""
    rows = session.execute(
        select(OutboundMessage, Person.phone)
        .join(Person, Person.id == OutboundMessage.person_id)
        .order_by(OutboundMessage.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "id": row.id,
            "to": phone,
            "channel": row.channel,
            "kind": row.kind,
            "language": row.language,
            "status": row.status,
            "error_code": row.error_code,
            "attempts": row.attempts,
            "twilio_sid": row.twilio_sid,
            "created_at": row.created_at.isoformat(),
            "text": shown_body(row.kind, row.body),
        }
        for row, phone in rows
    ]

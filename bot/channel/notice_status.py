"""Notice statuses: what Twilio reports moves a notice forward, never back."""

from sqlalchemy.orm import Session

from bot.models import (
    STATUS_RANK,
    Channel,
    DeliveryEvent,
    OutboundMessage,
    OutboundStatus,
)
from bot.texting import consent

OPTED_OUT = 21610  # the recipient texted STOP: never retry
TWILIO_STATUSES = {
    "accepted": OutboundStatus.QUEUED,
    "scheduled": OutboundStatus.QUEUED,
    "sending": OutboundStatus.QUEUED,
}


def record_status(
    session: Session, row: OutboundMessage, status: str, error_code: int | None
) -> None:
    """A status callback: keep the event; move the notice forward, never back."""
    set_status(session, row, status_of(status), error_code)
    if error_code == OPTED_OUT:
        mark_opted_out(session, row)


def set_status(
    session: Session, row: OutboundMessage, status: OutboundStatus, code: int | None = None
) -> None:
    """Record the event; the notice takes the status unless it already has a later one."""
    session.add(DeliveryEvent(outbound_id=row.id, status=status.value, error_code=code))
    if STATUS_RANK[status] >= STATUS_RANK[OutboundStatus(row.status)]:
        row.status = status
        if code is not None:
            row.error_code = code


def status_of(twilio_status: str | None) -> OutboundStatus:
    """Our status for one of Twilio's."""
    try:
        return TWILIO_STATUSES.get(twilio_status or "") or OutboundStatus(twilio_status or "queued")
    except ValueError:
        return OutboundStatus.QUEUED


def mark_opted_out(session: Session, row: OutboundMessage) -> None:
    """Twilio says the recipient opted out: record it for that channel."""
    consent.record(session, row.person_id, Channel(row.channel), opted_out=True)

"""Who said STOP, per person and channel: read before every send, written in one place."""

from sqlalchemy.orm import Session

from bot.infra.orm import utcnow
from bot.models import Channel, ChannelConsent


def opted_out(session: Session, person_id: int, channel: Channel) -> bool:
    """Whether the person said STOP on the channel (and has not said START since)."""
    consent = session.get(ChannelConsent, (person_id, channel))
    return bool(consent and consent.opted_out)


def record(session: Session, person_id: int, channel: Channel, opted_out: bool) -> None:
    """Record STOP (True) or START (False) on the channel."""
    consent = session.get(ChannelConsent, (person_id, channel))
    if consent is None:
        consent = ChannelConsent(person_id=person_id, channel=channel)
        session.add(consent)
    consent.opted_out = opted_out
    consent.changed_at = utcnow()

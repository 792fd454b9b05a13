"""Writing a notice to the outbox, in the recipient's language, in the caller's transaction."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Channel, OutboundMessage, OutboundStatus, Person
from bot.texting import texts
from bot.texting.consent import opted_out
from conversations.talk import Notice


def write_notice(
    session: Session, notice: Notice, dedupe_key: str | None = None
) -> OutboundMessage:
    """An outbox row for the notice, on the channel it names or else the one the person last
    used; never sent if she opted out there. Hand it over (bot.channel.outbox.hand_over) after
    the transaction commits."""
    person = session.get(Person, notice.person_id)
    if person is None:
        raise LookupError(f"notice for unknown person {notice.person_id}")
    channel = Channel(notice.channel or person.last_channel)
    # A WhatsApp notice sent by SMS after all (outside her window) is fitted by the sender.
    body = texts.render(notice.says, person.language, sms=channel is Channel.SMS)
    return _outbox_row(
        session, person, channel=channel, kind=notice.kind, body=body, dedupe_key=dedupe_key
    )


def _outbox_row(
    session: Session,
    person: Person,
    *,
    channel: Channel,
    kind: str,
    body: str,
    dedupe_key: str | None,
) -> OutboundMessage:
    """The row itself: pending, or suppressed if she opted out on that channel."""
    row = OutboundMessage(
        person_id=person.id,
        channel=channel,
        kind=kind,
        language=person.language,
        body=body,
        dedupe_key=dedupe_key,
        status=OutboundStatus.SUPPRESSED
        if opted_out(session, person.id, channel)
        else OutboundStatus.PENDING,
    )
    session.add(row)
    return row


def _written(session: Session, dedupe_key: str) -> bool:
    return (
        session.scalar(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == dedupe_key))
        is not None
    )


def write_notice_once(session: Session, notice: Notice, dedupe_key: str) -> OutboundMessage | None:
    """The same, once per key (a person and a period): None if it was written before.

    The key is unique in the database too, so two runs at the same moment cannot both write
    it: the second fails, is retried, and finds the first's row."""
    if _written(session, dedupe_key):
        return None
    return write_notice(session, notice, dedupe_key)


def write_reply_once(
    session: Session, person: Person, channel: Channel, body: str, message_sid: str
) -> OutboundMessage | None:
    """The reply to a message answered late (it waited in the spool), as an outbox row, once
    per message: None if it was written before."""
    key = f"reply:{message_sid}"
    if _written(session, key):
        return None
    return _outbox_row(session, person, channel=channel, kind="reply", body=body, dedupe_key=key)

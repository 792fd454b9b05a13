"""Writing a notice to the outbox, in the recipient's language, in the caller's transaction."""

from sqlalchemy.orm import Session

from bot import texts
from bot.models import Channel, OutboundMessage, OutboundStatus, Person
from bot.notice_status import opted_out
from conversations.talk import Notice


def write_notice(session: Session, notice: Notice) -> OutboundMessage:
    """An outbox row for the notice, on the channel the person last used; never sent if she
    opted out there. Hand it over (bot.outbox.hand_over) after the transaction commits."""
    person = session.get(Person, notice.person_id)
    if person is None:
        raise LookupError(f"notice for unknown person {notice.person_id}")
    channel = Channel(person.last_channel)
    row = OutboundMessage(
        person_id=person.id,
        channel=channel,
        kind=notice.kind,
        language=person.language,
        body=texts.render(notice.says, person.language),
        status=OutboundStatus.SUPPRESSED
        if opted_out(session, person.id, channel)
        else OutboundStatus.PENDING,
    )
    session.add(row)
    return row

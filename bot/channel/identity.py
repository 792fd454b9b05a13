"""Who a WhatsApp message is from when WhatsApp names her by her business-scoped user id.

WhatsApp lets people hide their number behind a username; Twilio then sends her user id
(`ExternalUserId`, and `From=whatsapp:US.…` when the number is withheld). She stays one
person: the id is remembered on her row the first time it comes with her number, and a
message that brings only the id finds that row. Someone first known only by her id has the id
as her address until her number comes too; if her number had a row of its own by then, the
two rows are merged (bot.fund.person_merge).
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.fund import person_merge
from bot.infra.phone import is_phone_number
from bot.models import Channel, Person


def lock_by_user_id(
    session: Session, user_id: str, address: str, channel: Channel
) -> Person | None:
    """The person already known by this user id, locked and brought up to date; None if
    nobody is yet (the caller then finds or creates her by her address)."""
    person = session.scalars(
        select(Person).where(Person.whatsapp_user_id == user_id).with_for_update(),
        execution_options={"populate_existing": True},
    ).one_or_none()
    if person is None:
        return None
    if is_phone_number(address) and person.phone != address:
        person = _learn_number(session, person, address, user_id)
    if person.last_channel != channel:
        person.last_channel = channel
    return person


def _learn_number(session: Session, person: Person, number: str, user_id: str) -> Person:
    """She was known by her id alone, and now her number came: it becomes her address. When
    her number already has a row of its own (she texted by SMS, or was invited), the two rows
    are one woman: they are merged into the number's row (bot.fund.person_merge), or, when
    only staff may join them, the number's row answers her meanwhile."""
    if is_phone_number(person.phone):
        return person  # a number she already has stays; WhatsApp gives a new id with a new number
    other = session.scalars(
        select(Person).where(Person.phone == number).with_for_update(),
        execution_options={"populate_existing": True},
    ).one_or_none()
    if other is None:
        person.phone = number
        return person
    person_merge.merge(session, other, person, user_id)
    return other

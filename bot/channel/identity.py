"""Who a WhatsApp message is from when WhatsApp names her by her business-scoped user id.

WhatsApp lets people hide their number behind a username; Twilio then sends her user id
(`ExternalUserId`, and `From=whatsapp:US.…` when the number is withheld). She stays one
person: the id is remembered on her row the first time it comes with her number, and a
message that brings only the id finds that row. Someone first known only by her id has the id
as her address until her number comes too.
"""

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.infra.phone import is_phone_number, mask_phone
from bot.models import Channel, Person

log = logging.getLogger(__name__)


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
        _learn_number(session, person, address)
    if person.last_channel != channel:
        person.last_channel = channel
    return person


def _learn_number(session: Session, person: Person, number: str) -> None:
    """She was known by her id alone, and now her number came: it becomes her address,
    unless someone else already has that number (then staff must look: never merge here)."""
    if is_phone_number(person.phone):
        return  # a number she already has stays; WhatsApp gives a new id with a new number
    taken = session.scalar(select(Person.id).where(Person.phone == number))
    if taken is not None:
        log.warning(
            "WhatsApp id %s came with %s, which person %s already has; kept apart",
            mask_phone(person.phone),
            mask_phone(number),
            taken,
        )
        return
    person.phone = number

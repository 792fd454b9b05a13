"""One inbound message, one transaction: claim it, run the conversation, write the outbox.

A second delivery of the same MessageSid (a Twilio retry, or the same request twice at the
same instant) gets the reply stored with the first and changes nothing. Messages from one
person are serialized by locking her row, so her conversation never forks.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot import texts
from bot.db import run_in_transaction
from bot.fund_port import DatabaseFund
from bot.models import (
    Channel,
    ChannelConsent,
    ConversationRecord,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
    Person,
)
from bot.orm import utcnow
from bot.phone import mask_phone
from bot.runtime import Runtime
from conversations.engine import Conversation, Engine, Inbound
from conversations.flows.table import build_engine
from conversations.keywords import Intent, read
from conversations.states import State
from conversations.talk import Notice

log = logging.getLogger(__name__)
ENGINE: Engine = build_engine()


@dataclass(frozen=True)
class InboundText:
    """A message from Twilio, already validated: who, on which channel, what."""

    message_sid: str
    channel: Channel
    phone: str  # E.164
    body: str
    num_media: int = 0


@dataclass(frozen=True)
class Handled:
    """What the webhook answers, and which notices to hand over after commit."""

    reply: str | None  # None: say nothing (the person opted out)
    outbox_ids: tuple[int, ...]
    replayed: bool = False


def handle(runtime: Runtime, message: InboundText) -> Handled:
    """Process the message exactly once and return the reply to give."""
    return run_in_transaction(runtime.sessions, lambda session: _handle(session, runtime, message))


def _handle(session: Session, runtime: Runtime, message: InboundText) -> Handled:
    earlier = session.scalar(
        select(InboundMessage).where(InboundMessage.message_sid == message.message_sid)
    )
    if earlier is not None:
        return Handled(earlier.reply, (), replayed=True)
    # Claim the MessageSid first: a concurrent duplicate waits here, then fails on the
    # unique key and is retried, finding this row and its reply.
    claim = InboundMessage(
        message_sid=message.message_sid,
        channel=message.channel,
        body=message.body,
        num_media=message.num_media,
    )
    session.add(claim)
    session.flush()
    person = _lock_person(session, runtime, message.phone)
    person.last_channel = message.channel
    claim.person_id = person.id
    reply, outbox = _converse(session, runtime, person, message)
    claim.reply = reply
    return Handled(reply, tuple(outbox))


def _converse(
    session: Session, runtime: Runtime, person: Person, message: InboundText
) -> tuple[str | None, list[int]]:
    opted_out = _opted_out(session, person.id, message.channel)
    reading = read(message.body)
    if opted_out and reading.text == "yes":
        # Twilio re-subscribes a number that texts YES; keep our record the same.
        opted_out = False
        _set_consent(session, person.id, message.channel, opted_out=False)
    record = session.get(ConversationRecord, person.id) or ConversationRecord(
        person_id=person.id, data={}
    )
    if record not in session:
        session.add(record)
    tz = ZoneInfo(person.time_zone)
    now = utcnow()
    conversation = Conversation(
        state=State(record.state or State.NEW),
        language=person.language,
        data=record.data or {},
        asked_at=_aware(record.asked_at),
    )
    fund = DatabaseFund(session, runtime.settings, person, message.channel, message.message_sid)
    inbound = Inbound(message.body, now, now.astimezone(tz).date(), has_media=message.num_media > 0)
    turn = ENGINE.run(conversation, inbound, fund)
    record.state = turn.conversation.state.value
    record.data = dict(turn.conversation.data)
    record.asked_at = turn.conversation.asked_at
    person.language = turn.conversation.language
    outbox = [_write_notice(session, notice) for notice in turn.notices]
    session.flush()
    reply = texts.render(turn.replies, person.language) if turn.replies else None
    stopped_now = reading.intent is Intent.STOP
    if (opted_out and not stopped_now) or (
        _opted_out(session, person.id, message.channel) and not stopped_now
    ):
        reply = None
    return reply, [row.id for row in outbox]


def _write_notice(session: Session, notice: Notice) -> OutboundMessage:
    person = session.get(Person, notice.person_id)
    if person is None:
        raise LookupError(f"notice for unknown person {notice.person_id}")
    channel = Channel(person.last_channel)
    suppressed = _opted_out(session, person.id, channel)
    row = OutboundMessage(
        person_id=person.id,
        channel=channel,
        kind=notice.kind,
        language=person.language,
        body=texts.render(notice.says, person.language),
        status=OutboundStatus.SUPPRESSED if suppressed else OutboundStatus.PENDING,
    )
    session.add(row)
    return row


def _lock_person(session: Session, runtime: Runtime, phone: str) -> Person:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(Person)
        .values(
            phone=phone,
            language="en",
            time_zone=runtime.settings.default_time_zone,
            last_channel=Channel.SMS,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[Person.phone])
    )
    return session.scalars(
        select(Person)
        .where(Person.phone == phone)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _opted_out(session: Session, person_id: int, channel: Channel) -> bool:
    consent = session.get(ChannelConsent, (person_id, channel))
    return bool(consent and consent.opted_out)


def _set_consent(session: Session, person_id: int, channel: Channel, opted_out: bool) -> None:
    consent = session.get(ChannelConsent, (person_id, channel))
    if consent is None:
        consent = ChannelConsent(person_id=person_id, channel=channel)
        session.add(consent)
    consent.opted_out = opted_out
    consent.changed_at = utcnow()


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment


def describe(message: InboundText) -> str:
    """A log-safe description: masked number, channel, length; never the body."""
    return f"{message.channel} from {mask_phone(message.phone)}, {len(message.body)} chars"

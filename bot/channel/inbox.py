"""One inbound message, one transaction: claim it, run the conversation, write the outbox.

A second delivery of the same MessageSid (a Twilio retry, or the same request twice at the
same instant) gets the reply stored with the first and changes nothing; from another number
it is refused (SenderMismatch), since it would read someone else's reply. Messages from one
person are serialized by locking her row, so her conversation never forks.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, and_, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.channel import buttons, choices, identity, media
from bot.channel.twilio_api import twilio_client
from bot.fund.database_fund import DatabaseFund, cover_period, with_roles
from bot.infra.db import run_in_transaction
from bot.infra.orm import as_utc, upsert_insert, utcnow
from bot.infra.phone import mask_phone
from bot.infra.runtime import Runtime
from bot.models import (
    Channel,
    ChannelConsent,
    ConversationRecord,
    InboundMessage,
    Person,
    known_as,
)
from bot.payouts_rail.services import payout_provider
from bot.texting import consent, texts
from bot.texting.notices import write_notice, write_reply_once
from conversations import messages as m
from conversations.engine import Conversation, Engine, Inbound
from conversations.flows.table import build_engine
from conversations.keywords import normalize
from conversations.states import State
from conversations.talk import Say

log = logging.getLogger(__name__)
ENGINE: Engine = build_engine()


def _upsert_person(dialect_insert: Callable[..., Any]) -> Any:
    statement = dialect_insert(Person).values(
        phone=bindparam("phone"),
        language="en",
        time_zone=bindparam("time_zone"),
        last_channel=bindparam("last_channel"),
        created_at=bindparam("created_at"),
    )
    statement = statement.on_conflict_do_update(
        index_elements=[Person.phone], set_={"last_channel": statement.excluded.last_channel}
    ).returning(Person)
    return select(Person).from_statement(statement)


# Built once (building a statement per message costs more Python than PostgreSQL spends on it).
# Keyed by the dialect INSERT that bot.infra.orm.upsert_insert picks, so both choose alike.
LOCK_PERSON = {insert: _upsert_person(insert) for insert in (postgresql.insert, sqlite.insert)}
# What the turn needs, read in one statement once she is locked: an earlier delivery of this
# MessageSid, her stored conversation, her opt-out on this channel, and who she is for the fund
# (a row per insurance product she has this month; one round trip less than reading it apart).
AFTER_LOCK = with_roles(
    select(
        InboundMessage.person_id,
        InboundMessage.reply,
        ChannelConsent.opted_out,
        ConversationRecord,
    )
    .select_from(Person)
    .outerjoin(InboundMessage, InboundMessage.message_sid == bindparam("message_sid"))
    .outerjoin(
        ChannelConsent,
        and_(ChannelConsent.person_id == Person.id, ChannelConsent.channel == bindparam("channel")),
    )
    .outerjoin(ConversationRecord, ConversationRecord.person_id == Person.id)
    .where(Person.id == bindparam("person_id"))
)
CLAIM = insert(InboundMessage.__table__)


class SenderMismatch(Exception):
    """The MessageSid was claimed by a message from another number: not a retry of this one."""


@dataclass(frozen=True)
class InboundText:
    """A message from Twilio, already validated: who, on which channel, what."""

    message_sid: str
    channel: Channel
    phone: str  # her address: E.164, or her WhatsApp user id when no number came
    body: str
    num_media: int = 0
    user_id: str | None = None  # her WhatsApp business-scoped user id, when Twilio sent it
    button: str | None = None  # the payload of a button of ours she tapped (bot.channel.buttons)
    media_type: str | None = None  # the first attachment's content type, when one came


@dataclass(frozen=True)
class Handled:
    """What the webhook answers, and which notices to hand over after commit."""

    reply: str | None  # None: say nothing (the person opted out)
    outbox_ids: tuple[int, ...]
    replayed: bool = False
    language: str = "en"  # hers, as the conversation left it


@dataclass
class Progress:
    """How far `handle` got: `ran` once a conversation ran to the commit, so that a failure
    after it leaves the message's fate unknown (it may have committed)."""

    ran: bool = False


def handle(
    runtime: Runtime,
    message: InboundText,
    spooled: bool = False,
    uncertain: bool = False,
    progress: Progress | None = None,
) -> Handled:
    """Process the message exactly once and return the reply to give.

    A message that waited in the spool is answered by a notice instead (the webhook request
    that brought it is long gone), once. When it turns out to have been processed already,
    the answer went out then, in the webhook's reply, unless that first commit was
    `uncertain` (the webhook lost the database while committing and said "got it" instead):
    then the stored answer is sent, still once."""

    def work(session: Session) -> Handled:
        person, handled = _handle(session, runtime, message)
        if spooled:
            late = uncertain or not handled.replayed
            handled = _as_notice(session, person, message, handled, late)
        if progress is not None:
            progress.ran = True
        return handled

    return run_in_transaction(runtime.sessions, work)


def _as_notice(
    session: Session, person: Person, message: InboundText, handled: Handled, late: bool
) -> Handled:
    if handled.reply is None or not late:
        return replace(handled, reply=None)
    row = write_reply_once(session, person, message.channel, handled.reply, message.message_sid)
    if row is not None:
        session.flush()
    extra = (row.id,) if row is not None else ()
    return replace(handled, reply=None, outbox_ids=handled.outbox_ids + extra)


def _handle(session: Session, runtime: Runtime, message: InboundText) -> tuple[Person, Handled]:
    # Lock the person first (one upsert): her messages queue here, one at a time, and a
    # second delivery of this MessageSid waits here until the first commits, then finds it.
    person = _lock_person(session, runtime, message)
    # Read after the lock: this statement sees whatever the one who held it before committed.
    rows = session.execute(
        AFTER_LOCK,
        {
            "message_sid": message.message_sid,
            "channel": message.channel,
            "person_id": person.id,
            "period": cover_period(person.time_zone),
        },
    ).all()
    claimed, earlier_reply, opted_out, record = rows[0][:4]
    if claimed is not None:
        if claimed != person.id:
            # Twilio's retry comes from the same number; this one would read her reply.
            # Raising rolls back the upsert above: nothing of this request is kept.
            raise SenderMismatch(message.message_sid)
        if earlier_reply and choices.sent_with_buttons(session, message.message_sid):
            earlier_reply = None  # it went out with its buttons, not in the TwiML
        return person, Handled(earlier_reply, (), replayed=True, language=person.language)
    reply, outbox, with_buttons = _converse(
        session, runtime, person, message, record=record, opted_out=bool(opted_out), roles=rows
    )
    session.execute(
        CLAIM,
        {
            "message_sid": message.message_sid,
            "person_id": person.id,
            "channel": message.channel,
            "body": message.body,
            "num_media": message.num_media,
            "media_type": message.media_type,
            "reply": reply,
        },
    )
    # A reply with buttons goes by the outbox: the TwiML says nothing (the text is kept above).
    said = None if with_buttons else reply
    return person, Handled(said, tuple(outbox), language=person.language)


def _converse(
    session: Session,
    runtime: Runtime,
    person: Person,
    message: InboundText,
    *,
    record: ConversationRecord | None,
    opted_out: bool,
    roles: Sequence[Row[Any]],
) -> tuple[str | None, list[int], bool]:
    """Run her conversation: the reply, the outbox rows written, and whether the reply is
    one of them (a WhatsApp question with its buttons, bot.channel.choices)."""
    said = buttons.words_for(message.button, person.language) or message.body
    if opted_out and normalize(said) == "yes":
        # Twilio re-subscribes a number that texts YES; keep our record the same.
        opted_out = False
        consent.record(session, person.id, message.channel, opted_out=False)
    if record is None:
        record = ConversationRecord(person_id=person.id, state=State.NEW.value, data={})
        session.add(record)
    now = utcnow()
    conversation = Conversation(
        state=State(record.state or State.NEW),
        language=person.language,
        data=record.data or {},
        asked_at=as_utc(record.asked_at) if record.asked_at else None,
    )
    fund = DatabaseFund(
        session,
        runtime.settings,
        person,
        message.channel,
        message.message_sid,
        payout_rail=partial(payout_provider, runtime.settings, runtime.sessions),
    )
    fund.take_roles(roles)
    today = now.astimezone(ZoneInfo(person.time_zone)).date()
    inbound = Inbound(
        said,
        now,
        today,
        message.num_media > 0,
        media.kind_of(message.media_type),
        opt_out_words=runtime.settings.opt_out_words,
    )
    turn = ENGINE.run(conversation, inbound, fund)
    _store(record, turn.conversation)
    if person.language != turn.conversation.language:  # else no flush has anything to do
        person.language = turn.conversation.language
    outbox = [write_notice(session, notice) for notice in turn.notices]
    session.flush()
    sms = message.channel is Channel.SMS
    reply = texts.render(turn.replies, person.language, sms=sms) if turn.replies else None
    # Only STOP and START change the opt-out: no need to read it back.
    ids = [row.id for row in outbox]
    if turn.opted_out is True:
        return reply, ids, False  # the one acknowledgement of STOP
    if opted_out and turn.opted_out is not False:
        reply = None  # nothing to an opted-out number
    if reply and message.channel is Channel.WHATSAPP and twilio_client(runtime) is not None:
        row_id = choices.reply_with_buttons(
            session, person, turn.replies, reply, message.message_sid
        )
        if row_id is not None:
            return reply, [*ids, row_id], True
    return reply, ids, False


def _store(record: ConversationRecord, conversation: Conversation) -> None:
    """Write the next conversation, touching only what changed (no UPDATE when nothing did)."""
    data = dict(conversation.data)
    if record.state != conversation.state.value:
        record.state = conversation.state.value
    if record.data != data:
        record.data = data
    stored = as_utc(record.asked_at) if record.asked_at else None
    if stored != conversation.asked_at:
        record.asked_at = conversation.asked_at


def _lock_person(session: Session, runtime: Runtime, message: InboundText) -> Person:
    """Create or find the sender and lock her row, in one statement (one more when WhatsApp
    names her by her user id: bot.channel.identity)."""
    if message.user_id is not None:
        known = identity.lock_by_user_id(session, message.user_id, message.phone, message.channel)
        if known is not None:
            return known
    statement = LOCK_PERSON[upsert_insert(session)]
    values = {
        "phone": message.phone,
        "time_zone": runtime.settings.default_time_zone,
        "last_channel": message.channel,
        "created_at": utcnow(),
    }
    person = session.scalars(statement, values, execution_options={"populate_existing": True}).one()
    if message.user_id is not None and person.whatsapp_user_id != message.user_id:
        person.whatsapp_user_id = message.user_id  # remembered: the id alone finds her next
    return person


def describe(message: InboundText) -> str:
    """A log-safe description: masked number, channel, length; never the body."""
    return f"{message.channel} from {mask_phone(message.phone)}, {len(message.body)} chars"


def apology(runtime: Runtime, message: InboundText) -> str | None:
    """What to say when processing failed: sorry, in her language; nothing if she opted out.

    Best effort: with the database down, English."""
    language, silenced = "en", False
    try:
        with runtime.sessions() as session:
            person = session.scalar(select(Person).where(known_as(message.phone)))
            if person is not None:
                language = person.language
                silenced = consent.opted_out(session, person.id, message.channel)
    except Exception:
        log.warning("could not read the language of %s", describe(message))
    sms = message.channel is Channel.SMS
    return None if silenced else texts.render([Say(m.TRY_LATER)], language, sms=sms)

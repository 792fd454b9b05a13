"""One inbound message, one transaction: claim it, run the conversation, write the outbox.

A second delivery of the same MessageSid (a Twilio retry, or the same request twice at the
same instant) gets the reply stored with the first and changes nothing; from another number
it is refused (SenderMismatch), since it would read someone else's reply. Messages from one
person are serialized by locking her row, so her conversation never forks.
"""

import logging
from dataclasses import dataclass, replace
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channel import buttons, choices, identity, inbox_sql, media
from bot.channel.twilio_api import twilio_client
from bot.fund.database_fund import DatabaseFund, cover_period
from bot.infra.db import run_on_connection
from bot.infra.orm import used_as_orm, utcnow
from bot.infra.phone import mask_phone
from bot.infra.runtime import Runtime
from bot.ledger import known_counters
from bot.models import Channel, Person, known_as
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

    # A spooled message is answered by a drain's short-lived thread: from the pool.
    return run_on_connection(runtime.engine, work, keep=not spooled)


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
    person, found = _lock_and_read(session, runtime, message)
    if found.claimed_by is not None:
        if found.claimed_by != person.id:
            # Twilio's retry comes from the same number; this one would read her reply.
            # Raising rolls back the upsert above: nothing of this request is kept.
            raise SenderMismatch(message.message_sid)
        earlier_reply = found.earlier_reply
        if earlier_reply and choices.sent_with_buttons(session, message.message_sid):
            earlier_reply = None  # it went out with its buttons, not in the TwiML
        return person, Handled(earlier_reply, (), replayed=True, language=person.language)
    reply, outbox, with_buttons = _converse(session, runtime, person, message, found)
    inbox_sql.claim(
        session,
        {
            "message_sid": message.message_sid,
            "person_id": person.id,
            "channel": message.channel,
            "body": message.body,
            "num_media": message.num_media,
            "media_type": message.media_type,
            "reply": reply,
            "received_at": utcnow(),
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
    found: inbox_sql.AfterLock,
) -> tuple[str | None, list[int], bool]:
    """Run her conversation: the reply, the outbox rows written, and whether the reply is
    one of them (a WhatsApp question with its buttons, bot.channel.choices)."""
    said = buttons.words_for(message.button, person.language) or message.body
    opted_out = found.opted_out
    if opted_out and normalize(said) == "yes":
        # Twilio re-subscribes a number that texts YES; keep our record the same.
        opted_out = False
        consent.record(session, person.id, message.channel, opted_out=False)
    stored = found.stored
    now = utcnow()
    conversation = Conversation(
        state=State(stored.state or State.NEW) if stored else State.NEW,
        language=person.language,
        data=stored.data if stored else {},
        asked_at=stored.asked_at if stored else None,
    )
    fund = DatabaseFund(
        session,
        runtime.settings,
        person,
        message.channel,
        message.message_sid,
        payout_rail=partial(payout_provider, runtime.settings, runtime.sessions),
    )
    worker, _ = fund.take_roles(found.roles)
    if worker is not None and found.counters is not None:
        known_counters.remember(session, worker.account_id, found.counters)  # her balance
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
    after = turn.conversation
    inbox_sql.store(
        session,
        person.id,
        stored,
        state=after.state.value,
        data=dict(after.data),
        asked_at=after.asked_at,
        now=now,
    )
    if person.language != after.language:  # else no flush has anything to do
        person.language = after.language
    outbox = [write_notice(session, notice) for notice in turn.notices]
    if used_as_orm(session):
        session.flush()  # the notices' ids, and whatever the turn changed
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


def _lock_and_read(
    session: Session, runtime: Runtime, message: InboundText
) -> tuple[Person, inbox_sql.AfterLock]:
    """Lock the person first: her messages queue here, one at a time, and a second delivery
    of this MessageSid waits here until the first commits, then finds it. Then read, in a
    statement of its own, so that it sees whatever the one who held the lock committed. On
    PostgreSQL both go in one round trip for a number already known."""
    if message.user_id is None:
        zone = runtime.settings.default_time_zone  # hers, nearly always
        both = inbox_sql.lock_and_read(
            session, message.phone, message.message_sid, message.channel, zone
        )
        if both is not None:
            return both
    person = _lock_person(session, runtime, message)
    found = inbox_sql.read(
        session, person.id, message.message_sid, message.channel, cover_period(person.time_zone)
    )
    return person, found


def _lock_person(session: Session, runtime: Runtime, message: InboundText) -> Person:
    """Create or find the sender and lock her row, in one statement (one more when WhatsApp
    names her by her user id: bot.channel.identity)."""
    if message.user_id is not None:
        known = identity.lock_by_user_id(session, message.user_id, message.phone, message.channel)
        if known is not None:
            return known
    person = inbox_sql.lock(
        session, message.phone, message.channel, runtime.settings.default_time_zone, utcnow()
    )
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

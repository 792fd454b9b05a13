"""Handing an outbox notice to Twilio: once, by the right route, never to an opted-out number.

A notice is claimed in one transaction (status `sending`), sent outside any transaction, and
settled in another. A job that runs twice finds it no longer pending and does nothing; one
that died mid-send leaves it `sending`, and the retry first asks Twilio whether the text went
out before sending it again.
"""

import json
import logging
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from requests.exceptions import ConnectionError as NetworkError
from requests.exceptions import Timeout
from sqlalchemy import Row, bindparam, case, func, select, update
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot import limits, metrics
from bot.consent import opted_out
from bot.db import run_in_transaction
from bot.models import (
    Channel,
    ChannelConsent,
    DeliveryEvent,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
    Person,
)
from bot.notice_status import OPTED_OUT, mark_opted_out, set_status, status_of
from bot.orm import as_utc, utcnow
from bot.phone import mask_phone
from bot.runtime import Runtime

log = logging.getLogger(__name__)

OUTSIDE_WHATSAPP_WINDOW = 63016  # free-form WhatsApp more than 24 h after her last message
WHATSAPP_WINDOW = timedelta(hours=24)
STUCK_AFTER = timedelta(minutes=2)  # a `sending` row older than this lost its worker
LOOKUP_SLACK = timedelta(minutes=2)
OUTBOUND = OutboundMessage.__table__

# Built once: this runs for every notice, and building a statement costs more than running it.
CLAIM = (  # the notice (locked), her number, and whether she opted out on its channel
    select(*OUTBOUND.c, Person.phone, ChannelConsent.opted_out.label("stopped"))
    .join(Person, Person.id == OUTBOUND.c.person_id)
    .outerjoin(
        ChannelConsent,
        (ChannelConsent.person_id == OUTBOUND.c.person_id)
        & (ChannelConsent.channel == OUTBOUND.c.channel),
    )
    .where(OUTBOUND.c.id == bindparam("notice_id"))
    .with_for_update(of=OUTBOUND)
)
MARK_SENDING = (
    update(OUTBOUND)
    .where(OUTBOUND.c.id == bindparam("notice_id"))
    .values(
        status=OutboundStatus.SENDING,
        sending_at=bindparam("claimed_at"),
        attempts=OUTBOUND.c.attempts + 1,
        channel=bindparam("route"),
        via_template=bindparam("template"),
        next_attempt_at=None,
    )
)
MARK_SENT = (  # a status a callback set first (delivered...) is kept
    update(OUTBOUND)
    .where(OUTBOUND.c.id == bindparam("notice_id"))
    .values(
        twilio_sid=bindparam("sid"),
        sent_at=bindparam("accepted_at"),
        next_attempt_at=None,
        status=case(
            (
                OUTBOUND.c.status.in_((OutboundStatus.PENDING, OutboundStatus.SENDING)),
                bindparam("new_status"),
            ),
            else_=OUTBOUND.c.status,
        ),
    )
)  # clocks differ: look a little before our attempt


@dataclass(frozen=True)
class Attempt:
    """Everything needed to call Twilio for one notice, read in the claim transaction."""

    outbox_id: int
    to: str
    sender: str
    body: str
    content_sid: str | None
    status_callback: str | None
    resuming: bool  # a previous attempt may have reached Twilio
    since: datetime | None


@dataclass(frozen=True)
class Outcome:
    """What Twilio answered."""

    sid: str | None = None
    status: str | None = None
    error_code: int | None = None
    transient: bool = False
    # Twilio may have taken the text (a timeout, a 5xx): look it up before sending again.
    uncertain: bool = False


def twilio_client(runtime: Runtime) -> Client | None:
    """The REST client, or None without credentials (notices are then recorded, not sent).

    One per runtime, so its HTTP connection to Twilio is kept alive between notices."""
    if "twilio" not in runtime.clients:
        runtime.clients["twilio"] = _new_client(runtime)
    return runtime.clients["twilio"]


def _new_client(runtime: Runtime) -> Client | None:
    settings = runtime.settings
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return None
    client = Client(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        http_client=TwilioHttpClient(timeout=15, max_retries=0),
    )
    if settings.twilio_api_base_url:
        client.api.base_url = settings.twilio_api_base_url
    return client


def deliver(runtime: Runtime, outbox_id: int) -> OutboundStatus | None:
    """Send one notice if it is due; return its status afterwards (None: nothing to do)."""
    client = twilio_client(runtime)
    attempt = run_in_transaction(runtime.sessions, lambda s: _claim(s, runtime, client, outbox_id))
    if attempt is None or client is None:
        return _status(runtime, outbox_id)
    outcome = _already_sent(client, attempt) if attempt.resuming else None
    if outcome is None:
        outcome = _send(client, attempt)
    status = run_in_transaction(runtime.sessions, lambda s: _settle(s, runtime, attempt, outcome))
    metrics.count_notice(_settled_as(outcome, status))
    return status


def _settled_as(outcome: Outcome, status: OutboundStatus) -> str:
    """How an attempt ended, for the metrics: sent (Twilio has it), retry, or failed."""
    if status in (OutboundStatus.PENDING, OutboundStatus.SENDING):
        return "retry"
    if outcome.sid is None and status in (OutboundStatus.FAILED, OutboundStatus.UNDELIVERED):
        return status.value
    return "sent"


def _cap(session: Session, outbox_id: int) -> None:
    """Never send this one: her number reached a cap on texts (a loop, or too many today)."""
    notice = session.get(OutboundMessage, outbox_id)  # already locked
    assert notice is not None
    session.add(DeliveryEvent(outbound_id=outbox_id, status="capped"))
    notice.status = OutboundStatus.SUPPRESSED
    log.warning("notice #%d not sent: a cap on texts to that number is reached", outbox_id)
    metrics.count_notice("capped")


def _claim(
    session: Session, runtime: Runtime, client: Client | None, outbox_id: int
) -> Attempt | None:
    # One statement: the notice (locked), her number, and whether she opted out on its channel.
    found = session.execute(CLAIM, {"notice_id": outbox_id}).first()
    now = utcnow()
    if found is None or not _due(found, now):
        return None
    row, phone, stopped = found, found.phone, found.stopped
    resuming = row.status == OutboundStatus.SENDING
    channel, content_sid = _route(session, runtime, row, row.person_id, now)
    if channel != row.channel:  # rerouted (WhatsApp by SMS): her consent there counts
        stopped = opted_out(session, row.person_id, channel)
    sending_now = client is not None and not stopped and not resuming
    if sending_now and not limits.outbound(runtime, phone, row.body):
        _cap(session, row.id)
        return None
    if stopped or client is None:
        notice = session.get(OutboundMessage, row.id)  # already locked
        assert notice is not None
        settled = OutboundStatus.SUPPRESSED if stopped else OutboundStatus.RECORDED
        set_status(session, notice, settled)
        metrics.count_notice(settled.value)
        if stopped:
            return None
        notice.sent_at = now
        if runtime.print_notices:
            print(
                f"[outbox #{row.id} -> {mask_phone(phone)} ({channel})] {row.body}",
                file=sys.stdout,
                flush=True,
            )
        return None
    since = row.sending_at
    # Core, not the ORM: this runs once per notice, and the ORM's flush cost more than the SQL.
    session.execute(
        MARK_SENDING,
        {
            "notice_id": row.id,
            "claimed_at": now,
            "route": channel,
            "template": row.via_template or content_sid is not None,
        },
    )
    sender = (
        runtime.settings.twilio_whatsapp_from
        if channel is Channel.WHATSAPP
        else runtime.settings.twilio_sms_from
    )
    prefix = "whatsapp:" if channel is Channel.WHATSAPP else ""
    callback = (
        f"{runtime.settings.public_base_url}/webhooks/twilio/status?outbox={row.id}"
        if runtime.settings.public_base_url
        else None
    )
    return Attempt(
        outbox_id=row.id,
        to=prefix + phone,
        sender=(prefix + sender.removeprefix("whatsapp:")) if sender else "",
        body=row.body,
        content_sid=content_sid,
        status_callback=callback,
        resuming=resuming,
        since=since,
    )


def _due(row: Row[Any], now: datetime) -> bool:
    if row.status == OutboundStatus.SENDING:  # a worker died, or the last answer was unclear
        if row.next_attempt_at is not None:
            return as_utc(row.next_attempt_at) <= now
        return row.sending_at is not None and as_utc(row.sending_at) < now - STUCK_AFTER
    if row.status != OutboundStatus.PENDING:
        return False
    return row.next_attempt_at is None or as_utc(row.next_attempt_at) <= now


def _route(
    session: Session, runtime: Runtime, row: Row[Any], person_id: int, now: datetime
) -> tuple[Channel, str | None]:
    """WhatsApp inside her 24-hour window; outside it a template if one is set, else SMS."""
    if Channel(row.channel) is not Channel.WHATSAPP:
        return Channel.SMS, None
    last = session.scalar(
        select(func.max(InboundMessage.received_at)).where(
            InboundMessage.person_id == person_id, InboundMessage.channel == Channel.WHATSAPP
        )
    )
    if last is not None and as_utc(last) > now - WHATSAPP_WINDOW and not row.via_template:
        return Channel.WHATSAPP, None
    template = runtime.settings.whatsapp_templates.get(f"{row.kind}:{row.language}")
    if template:
        return Channel.WHATSAPP, template
    return Channel.SMS, None


def _send(client: Client, attempt: Attempt) -> Outcome:
    arguments: dict[str, object] = {"to": attempt.to, "from_": attempt.sender}
    if attempt.content_sid:
        arguments |= {
            "content_sid": attempt.content_sid,
            "content_variables": json.dumps({"1": attempt.body}),
        }
    else:
        arguments["body"] = attempt.body
    if attempt.status_callback:
        arguments["status_callback"] = attempt.status_callback
    try:
        message = client.messages.create(**arguments)  # type: ignore[arg-type]
    except TwilioRestException as error:
        server_error = error.status >= 500  # it may have been accepted before the error
        transient = error.status == 429 or server_error
        return Outcome(
            error_code=error.code or error.status, transient=transient, uncertain=server_error
        )
    except (NetworkError, Timeout):
        return Outcome(transient=True, uncertain=True)
    return Outcome(sid=message.sid, status=message.status)


def _already_sent(client: Client, attempt: Attempt) -> Outcome | None:
    """After an attempt that may have reached Twilio: did it take the text? Then do not send
    it twice. Recent messages to her, by creation time (a queued one has no DateSent yet)."""
    try:
        recent = client.messages.list(to=attempt.to, limit=50)
    except (TwilioRestException, NetworkError, Timeout):
        # Cannot tell: stay uncertain and look again later, rather than risk a double.
        return Outcome(transient=True, uncertain=True)
    since = (attempt.since or utcnow()) - LOOKUP_SLACK
    for message in recent:
        created = message.date_created
        if created is not None and as_utc(created) < since:
            continue
        if message.body == attempt.body or (
            attempt.content_sid and attempt.body in (message.body or "")
        ):
            return Outcome(sid=message.sid, status=message.status)
    return None


def _settle(
    session: Session, runtime: Runtime, attempt: Attempt, outcome: Outcome
) -> OutboundStatus:
    now = utcnow()
    if outcome.sid is not None:
        # Twilio took it: one UPDATE. A callback that arrived first keeps its later status.
        new = status_of(outcome.status)
        session.execute(
            MARK_SENT,
            {
                "notice_id": attempt.outbox_id,
                "sid": outcome.sid,
                "accepted_at": now,
                "new_status": new,
            },
        )
        return new
    row = session.scalars(
        select(OutboundMessage).where(OutboundMessage.id == attempt.outbox_id).with_for_update()
    ).one()
    retries = runtime.settings.notice_retry_seconds
    if row.twilio_sid is not None or row.status != OutboundStatus.SENDING:
        # A status callback got here first: Twilio has the text, whatever this call said.
        row.next_attempt_at = None
    elif outcome.error_code == OPTED_OUT:
        mark_opted_out(session, row)
        set_status(session, row, OutboundStatus.FAILED, OPTED_OUT)
    elif outcome.error_code == OUTSIDE_WHATSAPP_WINDOW and not row.via_template:
        row.via_template = True  # the next claim picks the template, or SMS
        _retry(session, row, now, delay=0)
    elif outcome.transient and row.attempts <= len(retries):
        delay = retries[row.attempts - 1]
        _retry(session, row, now, delay=delay, code=outcome.error_code, uncertain=outcome.uncertain)
    else:
        set_status(session, row, OutboundStatus.FAILED, outcome.error_code)
        log.warning("notice %s failed for good (error %s)", row.id, outcome.error_code)
    return OutboundStatus(row.status)


def _retry(
    session: Session,
    row: OutboundMessage,
    now: datetime,
    *,
    delay: int,
    code: int | None = None,
    uncertain: bool = False,
) -> None:
    # Uncertain: stay `sending`, so that the next attempt first asks Twilio whether it went out.
    row.status = OutboundStatus.SENDING if uncertain else OutboundStatus.PENDING
    row.next_attempt_at = now + timedelta(seconds=delay)
    row.error_code = code
    session.add(DeliveryEvent(outbound_id=row.id, status="retry", error_code=code))


def _status(runtime: Runtime, outbox_id: int) -> OutboundStatus | None:
    with runtime.sessions() as session:
        status = session.scalar(
            select(OutboundMessage.status).where(OutboundMessage.id == outbox_id)
        )
    return OutboundStatus(status) if status else None

"""Handing an outbox notice to Twilio: once, by the right route, never to an opted-out number.

A notice is claimed in one transaction (status `sending`), sent outside any transaction, and
settled in another. A job that runs twice finds it no longer pending and does nothing; one
that died mid-send leaves it `sending`, and the retry first asks Twilio whether the text went
out before sending it again. The usual notice takes two statements of its own
(`bot.channel.usual_notice`); anything else (WhatsApp, a retry, a notice already claimed, an
opted-out number, an error from Twilio) takes the general path here, in ordinary
transactions. Which way it goes is `bot.channel.routes`; the calls to Twilio are
`bot.channel.twilio_api`.
"""

import logging
import sys
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session
from twilio.rest import Client

from bot.channel import limits
from bot.channel.notice_status import OPTED_OUT, mark_opted_out, set_status, status_of
from bot.channel.routes import OUTSIDE_WHATSAPP_WINDOW, route
from bot.channel.twilio_api import Attempt, Outcome, already_sent, send, twilio_client
from bot.channel.usual_notice import usual_notice
from bot.infra import metrics
from bot.infra.db import run_in_transaction
from bot.infra.orm import as_utc, utcnow
from bot.infra.phone import mask_phone
from bot.infra.runtime import Runtime
from bot.models import (
    Channel,
    ChannelConsent,
    DeliveryEvent,
    OutboundMessage,
    OutboundStatus,
    Person,
)
from bot.texting.consent import opted_out
from bot.texting.texts import fit_sms

__all__ = ["STUCK_AFTER", "Attempt", "Outcome", "after_fork", "deliver", "twilio_client", "warm_up"]

log = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=2)  # a `sending` row older than this lost its worker
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
def warm_up(runtime: Runtime) -> None:
    """What processes forked from this one would otherwise each do again: build the Twilio
    client and load its Messages API (twilio imports it on first use), and build the usual
    notice's engines, connecting once so that they know the server."""
    client = twilio_client(runtime)
    if client is not None:
        _ = client.messages
    usual_notice(runtime).warm_up()


def after_fork(runtime: Runtime) -> None:
    """In a process forked from the one that built them: leave the parent its connections
    (pools of our own, the parent's dropped unclosed) and its HTTP session."""
    usual = runtime.clients.get("sender.usual")
    if usual is not None:
        usual.dispose(close=False)
    runtime.clients.pop("twilio", None)


def deliver(runtime: Runtime, outbox_id: int) -> OutboundStatus | None:
    """Send one notice if it is due; return its status afterwards (None: nothing to do)."""
    client = twilio_client(runtime)
    claimed = _claim_sms(runtime, outbox_id) if client is not None else None
    if claimed is None:  # not the usual case: the general path decides
        claimed = run_in_transaction(
            runtime.sessions, lambda s: _claim(s, runtime, client, outbox_id)
        )
    if isinstance(claimed, OutboundStatus):  # claimed, then capped
        return claimed
    if not isinstance(claimed, Attempt) or client is None:
        return _status(runtime, outbox_id)
    attempt = claimed
    outcome = already_sent(client, attempt) if attempt.resuming else None
    if outcome is None:
        outcome = send(client, attempt)
    if outcome.sid is not None:  # Twilio took it: one UPDATE, its own transaction
        status = status_of(outcome.status)
        usual_notice(runtime).record(attempt.outbox_id, outcome, status)
    else:
        status = run_in_transaction(
            runtime.sessions, lambda s: _settle(s, runtime, attempt, outcome)
        )
    metrics.count_notice(_settled_as(outcome, status))
    return status


def _claim_sms(runtime: Runtime, outbox_id: int) -> Attempt | OutboundStatus | None:
    """Claim the usual notice (`bot.channel.usual_notice`) in one statement. None: it is not
    one (or no longer pending), and the general path looks at it under lock; a status: it was
    claimed, then capped, and is settled."""
    found = usual_notice(runtime).claim(outbox_id, utcnow())
    if found is None:
        return None
    body, phone = found
    if not limits.outbound(runtime, phone, body):
        run_in_transaction(runtime.sessions, lambda s: _cap(s, outbox_id, claimed=True))
        return OutboundStatus.SUPPRESSED
    return Attempt(
        outbox_id=outbox_id,
        to=phone,
        sender=(runtime.settings.twilio_sms_from or "").removeprefix("whatsapp:"),
        body=body,
        content_sid=None,
        status_callback=_callback(runtime, outbox_id),
        resuming=False,
        since=None,
    )


def _callback(runtime: Runtime, outbox_id: int) -> str | None:
    base = runtime.settings.public_base_url
    return f"{base}/webhooks/twilio/status?outbox={outbox_id}" if base else None


def _settled_as(outcome: Outcome, status: OutboundStatus) -> str:
    """How an attempt ended, for the metrics: sent (Twilio has it), retry, or failed."""
    if status in (OutboundStatus.PENDING, OutboundStatus.SENDING):
        return "retry"
    if outcome.sid is None and status in (OutboundStatus.FAILED, OutboundStatus.UNDELIVERED):
        return status.value
    return "sent"


def _cap(session: Session, outbox_id: int, claimed: bool = False) -> None:
    """Never send this one: her number reached a cap on texts (a loop, or too many today).

    `claimed`: `_claim_sms` marked it sending (and counted an attempt) before it could count
    the text against her caps; it was never tried."""
    notice = session.get(OutboundMessage, outbox_id, with_for_update=claimed)  # else locked
    assert notice is not None
    session.add(DeliveryEvent(outbound_id=outbox_id, status="capped"))
    notice.status = OutboundStatus.SUPPRESSED
    if claimed:
        notice.attempts -= 1
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
    channel, content_sid, template = route(session, runtime, row, row.person_id, now, client=client)
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
    since, approved = row.sending_at, runtime.settings.whatsapp_templates.values()
    # Core, not the ORM: this runs once per notice, and the ORM's flush cost more than the SQL.
    session.execute(
        MARK_SENDING,
        {
            "notice_id": row.id,
            "claimed_at": now,
            "route": channel,
            "template": row.via_template or content_sid in approved,  # not a session content
        },
    )
    sender = (
        runtime.settings.twilio_whatsapp_from
        if channel is Channel.WHATSAPP
        else runtime.settings.twilio_sms_from
    )
    prefix = "whatsapp:" if channel is Channel.WHATSAPP else ""
    if template:
        body = template[1]  # what WhatsApp shows: the approved text around the notice's values
    elif channel is Channel.WHATSAPP:
        body = row.body  # written for WhatsApp, as is
    else:
        body = fit_sms(row.body)  # by SMS after all: without the accents GSM-7 lacks
    return Attempt(
        outbox_id=row.id,
        to=prefix + phone,
        sender=(prefix + sender.removeprefix("whatsapp:")) if sender else "",
        body=body,
        content_sid=content_sid,
        content_variables=template[0] if template else None,
        status_callback=_callback(runtime, row.id),
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


def _settle(
    session: Session, runtime: Runtime, attempt: Attempt, outcome: Outcome
) -> OutboundStatus:
    """An attempt Twilio did not take (one it took is recorded by `UsualNotice.record`)."""
    now = utcnow()
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

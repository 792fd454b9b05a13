"""Handing an outbox notice to Twilio: once, by the right route, never to an opted-out number.

A notice is claimed in one transaction (status `sending`), sent outside any transaction, and
settled in another. A job that runs twice finds it no longer pending and does nothing; one
that died mid-send leaves it `sending`, and the retry first asks Twilio whether the text went
out before sending it again.

The usual notice (a pending SMS, due, to someone who has not said STOP) takes two statements,
each a transaction of its own that PostgreSQL commits as it runs it (autocommit: one round
trip each, no BEGIN, no COMMIT): an UPDATE ... RETURNING that claims it (and reads her number
and her consent), and once Twilio took it an UPDATE that records the sid. The claim's commit
waits for the WAL to reach the disk, like every other commit: a claim lost to a crash could
let a text go out twice. The record's does not (its session runs with synchronous_commit off):
it is committed and visible at once, and on disk a fraction of a second later, or with the
next claim's commit. A crash of PostgreSQL in that moment loses the record and nothing else:
the notice is still `sending`, and the sweeper's retry asks Twilio before sending, as after a
worker that died mid-send. Anything else (WhatsApp, a retry, a notice already claimed, an
opted-out number, an error from Twilio) takes the general path, in ordinary transactions.
"""

import json
import logging
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import (
    Engine,
    Executable,
    Row,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from bot import limits, metrics
from bot.consent import opted_out
from bot.db import make_engine, run_in_transaction
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
from bot.texts import fit_sms
from bot.twilio_http import NETWORK_ERRORS, Urllib3HttpClient

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
CLAIM_SMS = (  # the usual notice, claimed in one statement (see the module's docstring)
    update(OUTBOUND)
    .where(
        OUTBOUND.c.id == bindparam("notice_id"),
        OUTBOUND.c.status == OutboundStatus.PENDING,
        OUTBOUND.c.channel == Channel.SMS,
        or_(
            OUTBOUND.c.next_attempt_at.is_(None),
            OUTBOUND.c.next_attempt_at <= bindparam("claimed_at"),
        ),
        ~exists().where(  # she has not said STOP on SMS
            ChannelConsent.person_id == OUTBOUND.c.person_id,
            ChannelConsent.channel == Channel.SMS,
            ChannelConsent.opted_out,
        ),
    )
    .values(
        status=OutboundStatus.SENDING,
        sending_at=bindparam("claimed_at"),
        attempts=OUTBOUND.c.attempts + 1,
        next_attempt_at=None,
    )
    .returning(
        OUTBOUND.c.body,
        select(Person.phone).where(Person.id == OUTBOUND.c.person_id).scalar_subquery(),
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
                (OUTBOUND.c.status == OutboundStatus.PENDING)
                | (OUTBOUND.c.status == OutboundStatus.SENDING),
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
    base_url = settings.twilio_api_base_url or "https://api.twilio.com"
    http = Urllib3HttpClient(base_url, timeout=15)
    client = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http)
    if settings.twilio_api_base_url:
        client.api.base_url = settings.twilio_api_base_url
    return client


def warm_up(runtime: Runtime) -> None:
    """What processes forked from this one would otherwise each do again: build the Twilio
    client and load its Messages API (twilio imports it on first use), and build the usual
    notice's engines, connecting once so that they know the server."""
    client = twilio_client(runtime)
    if client is not None:
        _ = client.messages
    _usual(runtime).warm_up()


def after_fork(runtime: Runtime) -> None:
    """In a process forked from the one that built them: leave the parent its connections
    (pools of our own, the parent's dropped unclosed) and its HTTP session."""
    usual = runtime.clients.get("sender.usual")
    if usual is not None:
        usual.dispose(close=False)
    runtime.clients.pop("twilio", None)


class _Usual:
    """The usual notice's two statements, each a transaction of its own (see the module's
    docstring), on engines of their own: claims commit durably, records without waiting for
    the WAL flush. On PostgreSQL each statement runs in autocommit, compiled once and handed
    straight to psycopg on a pooled connection: twice a notice, SQLAlchemy's execution layer
    cost more than the round trip. On SQLite (a laptop) it is an ordinary transaction."""

    def __init__(self, runtime: Runtime) -> None:
        self.postgres = runtime.engine.dialect.name == "postgresql"
        self.claims = self.records = runtime.engine
        self.compiled: dict[int, tuple[str, dict[str, Any]]] = {}
        if self.postgres:
            url = runtime.engine.url.render_as_string(hide_password=False)
            self.claims = make_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
            self.records = make_engine(
                url,
                isolation_level="AUTOCOMMIT",
                connect_args={"options": "-c synchronous_commit=off"},
                pool_size=1,
            )
            runtime.on_close(self.dispose)

    def claim(self, outbox_id: int, now: datetime) -> tuple[Any, ...] | None:
        """CLAIM_SMS: the notice's body and her number if it was the usual one, else None."""
        return self._run(self.claims, CLAIM_SMS, {"notice_id": outbox_id, "claimed_at": now})

    def record(self, outbox_id: int, outcome: Outcome, status: OutboundStatus) -> None:
        """MARK_SENT: Twilio took it."""
        self._run(self.records, MARK_SENT, _sent_values(outbox_id, outcome, status))

    def warm_up(self) -> None:
        """Before forking: each engine learns the server (version, settings), each statement
        is compiled."""
        if self.postgres:
            for engine in (self.claims, self.records):
                with engine.connect():
                    pass
            self._compile(self.claims, CLAIM_SMS, dict.fromkeys(("notice_id", "claimed_at")))
            recorded = _sent_values(0, Outcome(), OutboundStatus.QUEUED)
            self._compile(self.records, MARK_SENT, dict.fromkeys(recorded))

    def dispose(self, close: bool = True) -> None:
        """Close the pools (`close=False`: drop them, in a process forked from their owner)."""
        if self.postgres:
            self.claims.dispose(close=close)
            self.records.dispose(close=close)

    def _run(
        self, engine: Engine, statement: Executable, values: dict[str, Any]
    ) -> tuple[Any, ...] | None:
        if not self.postgres:
            with engine.begin() as connection:  # SQLite: BEGIN IMMEDIATE ... COMMIT
                result = connection.execute(statement, values)
                row = result.first() if result.returns_rows else None
                return tuple(row) if row is not None else None
        sql, fixed = self._compile(engine, statement, values)
        parameters = fixed | values
        # A connection found dead (the database restarted since it was pooled) is replaced
        # and the statement run again: both statements may run twice.
        for attempt in range(1, 4):
            connection = engine.raw_connection()
            try:
                cursor = connection.driver_connection.execute(sql, parameters)
                return cursor.fetchone() if cursor.description else None
            except psycopg.OperationalError:
                if connection.driver_connection.broken:
                    connection.invalidate()
                if attempt == 3:
                    raise
            finally:
                connection.close()
        raise AssertionError("unreachable")

    def _compile(
        self, engine: Engine, statement: Executable, values: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """The statement's SQL for this dialect, and the values it binds itself."""
        found = self.compiled.get(id(statement))
        if found is None:
            compiled = statement.compile(dialect=engine.dialect)
            # Nothing SQLAlchemy would do at execution: no expanding IN, no bind processors.
            assert "POSTCOMPILE" not in compiled.string and not compiled._bind_processors
            fixed = compiled.construct_params(dict.fromkeys(values))
            found = compiled.string, {k: v for k, v in fixed.items() if k not in values}
            self.compiled[id(statement)] = found
        return found


def _usual(runtime: Runtime) -> _Usual:
    usual = runtime.clients.get("sender.usual")
    if usual is None:
        usual = runtime.clients["sender.usual"] = _Usual(runtime)
    return usual


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
    outcome = _already_sent(client, attempt) if attempt.resuming else None
    if outcome is None:
        outcome = _send(client, attempt)
    if outcome.sid is not None:  # Twilio took it: one UPDATE, its own transaction
        status = status_of(outcome.status)
        _usual(runtime).record(attempt.outbox_id, outcome, status)
    else:
        status = run_in_transaction(
            runtime.sessions, lambda s: _settle(s, runtime, attempt, outcome)
        )
    metrics.count_notice(_settled_as(outcome, status))
    return status


def _claim_sms(runtime: Runtime, outbox_id: int) -> Attempt | OutboundStatus | None:
    """Claim the usual notice (see the module's docstring) in one statement. None: it is not
    one (or no longer pending), and the general path looks at it under lock; a status: it was
    claimed, then capped, and is settled."""
    found = _usual(runtime).claim(outbox_id, utcnow())
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


def _sent_values(outbox_id: int, outcome: Outcome, status: OutboundStatus) -> dict[str, Any]:
    return {
        "notice_id": outbox_id,
        "sid": outcome.sid,
        "accepted_at": utcnow(),
        "new_status": status,
    }


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
    return Attempt(
        outbox_id=row.id,
        to=prefix + phone,
        sender=(prefix + sender.removeprefix("whatsapp:")) if sender else "",
        # written for WhatsApp as is; by SMS after all, it drops accents if that saves a segment
        body=row.body if channel is Channel.WHATSAPP else fit_sms(row.body),
        content_sid=content_sid,
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
    except NETWORK_ERRORS:
        return Outcome(transient=True, uncertain=True)
    return Outcome(sid=message.sid, status=message.status)


def _already_sent(client: Client, attempt: Attempt) -> Outcome | None:
    """After an attempt that may have reached Twilio: did it take the text? Then do not send
    it twice. Recent messages to her, by creation time (a queued one has no DateSent yet)."""
    try:
        recent = client.messages.list(to=attempt.to, limit=50)
    except (TwilioRestException, *NETWORK_ERRORS):
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
    """An attempt Twilio did not take (one it took is recorded by `_Usual.record`)."""
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

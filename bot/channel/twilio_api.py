"""Twilio's Messages API as the sender uses it: the client, one send, and the look-up that
keeps a resend from doubling a text."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from bot.channel.twilio_http import NETWORK_ERRORS, Urllib3HttpClient
from bot.infra.orm import as_utc, utcnow
from bot.infra.runtime import Runtime

LOOKUP_SLACK = timedelta(minutes=2)  # clocks differ: look a little before our attempt


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
    content_variables: str | None = None  # a template's values, JSON: {"1": "Ana", ...}


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


def send(client: Client, attempt: Attempt) -> Outcome:
    arguments: dict[str, object] = {"to": attempt.to, "from_": attempt.sender}
    if attempt.content_sid:
        arguments |= {
            "content_sid": attempt.content_sid,
            "content_variables": attempt.content_variables,
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


def already_sent(client: Client, attempt: Attempt) -> Outcome | None:
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

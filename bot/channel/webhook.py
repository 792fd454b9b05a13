"""Twilio's inbound webhook: POST /webhooks/twilio/messages, SMS and WhatsApp on one URL."""

import hmac
import logging
import re
from collections.abc import Iterator, Mapping
from functools import cache
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from flask import Blueprint, Request, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from bot.channel import buttons, inbox, limits, outbox, spool
from bot.channel.inbox import InboundText
from bot.channel.limits import Verdict
from bot.channel.media import content_type_of
from bot.infra import metrics
from bot.infra.phone import InvalidPhoneNumber, is_whatsapp_user_id, normalize_phone
from bot.infra.runtime import Runtime
from bot.models import Channel
from bot.texting import texts
from conversations import messages as m
from conversations.talk import Say

log = logging.getLogger(__name__)
blueprint = Blueprint("webhook", __name__)

# Used when TWILIO_AUTH_TOKEN is unset, so that signatures are checked even on a laptop;
# `serve` says so loudly and the chat simulator signs with it.
DEV_AUTH_TOKEN = "local-development-token-not-secret"  # noqa: S105
MESSAGE_SID = re.compile(r"[A-Z]{2}[0-9a-f]{32}")  # the whole field: fullmatch
MAX_BODY = 1600
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
_FORM = "bot.posted_form"  # in the WSGI environ: the form, parsed once
# What werkzeug builds `Request.url` from (a trusted-hosts check, if set, gives the same
# answer for the same host).
_URL_PARTS = (
    "wsgi.url_scheme",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
)
_URLS: dict[tuple[object, ...], str] = {}
_URLS_KEPT = 64


def auth_token(runtime: Runtime) -> str:
    """The token signatures are checked against."""
    return runtime.settings.twilio_auth_token or DEV_AUTH_TOKEN


def signed_url(runtime: Runtime, req: Request) -> str:
    """The URL Twilio signed: the public base URL behind a proxy, else what Flask saw."""
    base = runtime.settings.public_base_url
    if base is None:
        return _url_as_seen(req)
    query = req.query_string.decode()
    return f"{base}{req.path}" + (f"?{query}" if query else "")


def posted_form(req: Request) -> MultiDict[str, str]:
    """The posted fields. Twilio posts them urlencoded: read here as werkzeug reads them
    (`parse_qsl`, blank values kept, a malformed escape kept as it came), without werkzeug's
    form-parser machinery, which cost every message more than the parsing itself; any other
    body, or one that is not UTF-8, goes to werkzeug (`req.form`). Parsed once per request."""
    form = req.environ.get(_FORM)
    if form is None:
        form = req.environ[_FORM] = _parse_form(req)
    return form  # type: ignore[no-any-return]


def _parse_form(req: Request) -> MultiDict[str, str]:
    if req.mimetype != "application/x-www-form-urlencoded":
        return req.form
    try:
        text = req.get_data(cache=True).decode()
        return ImmutableMultiDict(
            parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
        )
    except ValueError:
        return req.form  # werkzeug's answer for a body it cannot read: an empty form


def _url_as_seen(req: Request) -> str:
    """`req.url`, worked out once per scheme, host, path and query: werkzeug rebuilds it on
    every request from the same few values."""
    environ = req.environ
    key = tuple(environ.get(name) for name in _URL_PARTS)
    url = _URLS.get(key)
    if url is None:
        url = req.url
        if len(_URLS) >= _URLS_KEPT:  # hosts are the client's to choose: keep a few
            _URLS.clear()
        _URLS[key] = url
    return url


class _Fields:
    """The form as twilio's validator reads it fastest: by `getall` (on werkzeug's MultiDict
    it tries `getall`, fails, then uses `getlist`, once per field)."""

    __slots__ = ("form",)

    def __init__(self, form: MultiDict[str, str]) -> None:
        self.form = form

    def __iter__(self) -> Iterator[str]:
        return iter(self.form)

    def getall(self, name: str) -> list[str]:
        return self.form.getlist(name)


def signature_ok(runtime: Runtime, req: Request) -> bool:
    """Check X-Twilio-Signature over the URL and every posted field, unknown ones included.

    twilio's `validate` accepts a signature made over the URL with its port or without it,
    and computes both every time. Twilio signs the URL it requested, so the signature over the
    URL exactly as it came is tried first (one HMAC for nearly every request); only when that
    fails does `validate` try both forms (the URL as it came is one of them)."""
    signature = req.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = _validator(auth_token(runtime))
    url, fields = signed_url(runtime, req), _Fields(posted_form(req))
    if hmac.compare_digest(validator.compute_signature(url, fields).encode(), signature.encode()):
        return True
    return bool(validator.validate(url, fields, signature))


@cache
def _validator(token: str) -> RequestValidator:
    return RequestValidator(token)


@blueprint.post("/webhooks/twilio/messages")
def inbound() -> Response:
    """Answer one inbound message with TwiML on the channel it came from."""
    runtime: Runtime = current_app.extensions["runtime"]
    if not signature_ok(runtime, request):
        log.warning("inbound webhook: missing or bad signature, refused")
        metrics.count_inbound("unknown", "refused")
        abort(403, "missing or invalid X-Twilio-Signature")
    message = _parse(request)
    verdict = (
        Verdict.ALLOW
        if runtime.terminal_chat
        else limits.inbound(runtime, message.phone, message.message_sid)
    )
    if verdict is not Verdict.ALLOW:
        outcome = "rate_limited" if verdict is Verdict.WARN else "silenced"
        metrics.count_inbound(message.channel, outcome)
        if verdict is Verdict.SILENT:
            return _twiml(None)
        return _reply(runtime, message, _say(m.SLOW_DOWN, message))
    if spool.waiting(runtime, message.phone):
        return _keep(runtime, message)  # behind her earlier messages, in order
    return _process(runtime, message)


def _process(runtime: Runtime, message: InboundText) -> Response:
    """Run the message through its conversation (once) and answer with the reply."""
    progress = inbox.Progress()
    try:
        handled = inbox.handle(runtime, message, progress=progress)
    except inbox.SenderMismatch:
        log.warning(
            "inbound webhook: MessageSid %s... came earlier from another number; refused %s",
            message.message_sid[:6],
            inbox.describe(message),
        )
        metrics.count_inbound(message.channel, "refused")
        abort(409, "this MessageSid came from another sender")
    except Exception as error:
        if spool.database_down(error):
            log.warning("inbound webhook: database unavailable for %s", inbox.describe(message))
            return _keep(runtime, message, uncertain=progress.ran)
        log.exception("inbound webhook: could not process %s", inbox.describe(message))
        metrics.count_inbound(message.channel, "failed")
        return _reply(runtime, message, inbox.apology(runtime, message))
    spool.remember_language(message.phone, handled.language)
    metrics.count_inbound(message.channel, "replayed" if handled.replayed else "handled")
    if not handled.replayed:
        outbox.hand_over(runtime, handled.outbox_ids)
    return _reply(runtime, message, handled.reply)


def _keep(runtime: Runtime, message: InboundText, uncertain: bool = False) -> Response:
    """Keep the message for when the database is back, and say so."""
    try:
        where = spool.keep(runtime, message, uncertain)
    except OSError:
        log.exception("inbound webhook: could not spool %s anywhere", inbox.describe(message))
        metrics.count_inbound(message.channel, "failed")
        return _reply(runtime, message, _say(m.TRY_LATER, message))
    log.info("inbound webhook: %s kept in the %s spool", inbox.describe(message), where)
    metrics.count_inbound(message.channel, "spooled")
    return _reply(runtime, message, _say(m.KEPT_FOR_LATER, message))


def _say(msgid: str, message: InboundText) -> str:
    """A short answer in her language when this process knows it, else in English."""
    language = spool.known_language(message.phone) or "en"
    return texts.render([Say(msgid)], language, sms=message.channel is Channel.SMS)


def _reply(runtime: Runtime, message: InboundText, reply: str | None) -> Response:
    """The TwiML answer, unless it would break a cap on texts to her number."""
    if reply and not runtime.terminal_chat and not limits.outbound(runtime, message.phone, reply):
        metrics.count_reply("capped")
        reply = None
    metrics.count_reply("sent" if reply else "none")
    return _twiml(reply)


def _parse(req: Request) -> InboundText:
    form = posted_form(req)
    sid = form.get("MessageSid", "")
    if not MESSAGE_SID.fullmatch(sid):
        abort(400, "MessageSid is missing or malformed")
    sender = form.get("From", "")
    channel = Channel.WHATSAPP if sender.startswith("whatsapp:") else Channel.SMS
    address, user_id = _sender(form, sender.removeprefix("whatsapp:"), channel)
    body = _clean(buttons.text_of(form))
    try:
        media = max(0, min(int(form.get("NumMedia", "0") or 0), 10))
    except ValueError:
        media = 0
    button = buttons.payload_of(form)
    media_type = content_type_of(form, media)
    return InboundText(sid, channel, address, body, media, user_id, button, media_type)


def _sender(form: Mapping[str, str], sender: str, channel: Channel) -> tuple[str, str | None]:
    """Her address (E.164, else her WhatsApp user id) and her WhatsApp user id if it came.

    From a user id, her number may still come as `WaId`: then it is her address."""
    user_id = None
    if channel is Channel.WHATSAPP:
        candidates = (sender, form.get("ExternalUserId", "").strip())
        user_id = next((text for text in candidates if is_whatsapp_user_id(text)), None)
    if user_id is not None and is_whatsapp_user_id(sender):
        return _number_of(form.get("WaId", "")) or user_id, user_id
    try:
        return normalize_phone(sender, runtime_region()), user_id
    except InvalidPhoneNumber:
        abort(400, "From is neither a phone number nor a WhatsApp user id")


def _number_of(wa_id: str) -> str | None:
    """Her number from `WaId` (its digits, with the country code) beside a user id: her address
    once it is a valid number, so that her id and her number are one person."""
    digits = wa_id.strip().lstrip("+")
    if not digits.isdigit():
        return None  # absent, or the user id again
    try:
        return normalize_phone(f"+{digits}")
    except InvalidPhoneNumber:
        return None


def runtime_region() -> str:
    """The region national numbers are read in."""
    runtime: Runtime = current_app.extensions["runtime"]
    return runtime.settings.default_region


def _clean(body: str) -> str:
    """Drop control characters (keep line breaks) and cap at Twilio's 1,600 characters."""
    kept = body[:MAX_BODY]
    if not kept.isprintable():  # else nothing to drop (the usual message: one C call)
        kept = "".join(c for c in kept if c.isprintable() or c in "\n\t")
    return kept.strip()


def twiml(reply: str | None) -> str:
    """The TwiML answer, byte for byte what twilio's MessagingResponse writes, without
    building an XML tree for one element on every message."""
    if not reply:
        return f"{XML_DECLARATION}<Response />"
    return f"{XML_DECLARATION}<Response><Message>{escape(reply)}</Message></Response>"


def _twiml(reply: str | None) -> Response:
    return Response(twiml(reply), mimetype="text/xml")

"""Twilio's delivery status callbacks: POST /webhooks/twilio/status (signed).

A number that is not one (an `outbox` id past PostgreSQL's bigint, an ErrorCode of "²") is
a 400 with the field's name, not a 500: Twilio does not retry a 4xx status callback, and
its debugger shows the refusal (error 11200), where ignoring it with a 204 would hide it.
"""

import logging
import re

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channel.notice_status import record_status
from bot.channel.webhook import posted_form, signature_ok
from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime
from bot.models import OutboundMessage

log = logging.getLogger(__name__)
blueprint = Blueprint("status", __name__)
ASCII_NUMBER = re.compile(r"[0-9]{1,19}")  # str.isdigit() also takes "²" and "٣"
LARGEST_ID = 2**63 - 1  # PostgreSQL's bigint
LARGEST_ERROR_CODE = 999_999  # Twilio's are five digits


@blueprint.post("/webhooks/twilio/status")
def status() -> Response:
    """Record a notice's status and error code; an undelivered payout notice stays visible."""
    runtime: Runtime = current_app.extensions["runtime"]
    if not signature_ok(runtime, request):
        abort(403, "missing or invalid X-Twilio-Signature")
    form = posted_form(request)
    message_sid = form.get("MessageSid", "")
    message_status = form.get("MessageStatus", "")
    if not message_sid or not message_status:
        abort(400, "MessageSid and MessageStatus are required")
    error_code = _number(form.get("ErrorCode", ""), LARGEST_ERROR_CODE, "ErrorCode")
    outbox_id = _number(request.args.get("outbox", ""), LARGEST_ID, "outbox")
    if outbox_id == 0:
        abort(400, "outbox is not a notice id")
    found = run_in_transaction(
        runtime.sessions,
        lambda session: _record(session, outbox_id, message_sid, message_status, error_code),
    )
    if not found:
        log.info("status callback for a message we did not send: %s", message_sid[:6])
    return Response(status=204)


def _number(raw: str, largest: int, name: str) -> int | None:
    """The field as a plain decimal number up to `largest`; None when empty; else 400."""
    if not raw:
        return None
    if not ASCII_NUMBER.fullmatch(raw) or int(raw) > largest:
        abort(400, f"{name} is not a number up to {largest}")
    return int(raw)


def _record(
    session: Session, outbox_id: int | None, message_sid: str, status: str, error_code: int | None
) -> bool:
    query = select(OutboundMessage).with_for_update()
    if outbox_id is not None:
        query = query.where(OutboundMessage.id == outbox_id)
    else:
        query = query.where(OutboundMessage.twilio_sid == message_sid)
    row = session.scalars(query).one_or_none()
    if row is None:
        return False
    if row.twilio_sid is None:
        row.twilio_sid = message_sid  # the callback can beat the send call's return
    record_status(session, row, status.lower()[:16], error_code)
    return True

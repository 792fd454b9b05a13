"""Twilio's delivery status callbacks: POST /webhooks/twilio/status (signed)."""

import logging

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channel.notice_status import record_status
from bot.channel.webhook import signature_ok
from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime
from bot.models import OutboundMessage

log = logging.getLogger(__name__)
blueprint = Blueprint("status", __name__)


@blueprint.post("/webhooks/twilio/status")
def status() -> Response:
    """Record a notice's status and error code; an undelivered payout notice stays visible."""
    runtime: Runtime = current_app.extensions["runtime"]
    if not signature_ok(runtime, request):
        abort(403, "missing or invalid X-Twilio-Signature")
    message_sid = request.form.get("MessageSid", "")
    message_status = request.form.get("MessageStatus", "")
    if not message_sid or not message_status:
        abort(400, "MessageSid and MessageStatus are required")
    raw_code = request.form.get("ErrorCode", "")
    error_code = int(raw_code) if raw_code.isdigit() else None
    outbox_id = request.args.get("outbox", "")
    found = run_in_transaction(
        runtime.sessions,
        lambda session: _record(session, outbox_id, message_sid, message_status, error_code),
    )
    if not found:
        log.info("status callback for a message we did not send: %s", message_sid[:6])
    return Response(status=204)


def _record(
    session: Session, outbox_id: str, message_sid: str, status: str, error_code: int | None
) -> bool:
    query = select(OutboundMessage).with_for_update()
    if outbox_id.isdigit():
        query = query.where(OutboundMessage.id == int(outbox_id))
    else:
        query = query.where(OutboundMessage.twilio_sid == message_sid)
    row = session.scalars(query).one_or_none()
    if row is None:
        return False
    if row.twilio_sid is None:
        row.twilio_sid = message_sid  # the callback can beat the send call's return
    record_status(session, row, status.lower()[:16], error_code)
    return True

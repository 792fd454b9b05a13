"""Which way a notice goes: SMS; WhatsApp inside her 24-hour window; outside it, the approved
template for its kind and language, or SMS."""

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session
from twilio.rest import Client

from bot.channel import button_sets, contents, offer_template, whatsapp_templates
from bot.channel.whatsapp_templates import MAX_VARIABLE_LENGTH
from bot.infra.orm import as_utc
from bot.infra.phone import is_phone_number
from bot.infra.runtime import Runtime
from bot.models import Channel, InboundMessage

log = logging.getLogger(__name__)
OUTSIDE_WHATSAPP_WINDOW = 63016  # free-form WhatsApp more than 24 h after her last message
WHATSAPP_WINDOW = timedelta(hours=24)


def route(
    session: Session,
    runtime: Runtime,
    row: Row[Any],
    person_id: int,
    now: datetime,
    *,
    client: Client | None = None,
) -> tuple[Channel, str | None, tuple[str, str] | None]:
    """WhatsApp inside her 24-hour window; outside it the template set for the notice's kind
    and language if the notice reads as it (its variables and the text shown), else SMS (when
    she has a number). `row` carries her address as `phone`."""
    if Channel(row.channel) is not Channel.WHATSAPP:
        return Channel.SMS, None, None
    last = session.scalar(
        select(func.max(InboundMessage.received_at)).where(
            InboundMessage.person_id == person_id, InboundMessage.channel == Channel.WHATSAPP
        )
    )
    if last is not None and as_utc(last) > now - WHATSAPP_WINDOW and not row.via_template:
        return Channel.WHATSAPP, *_with_buttons(session, runtime, row, client)
    found = _template(runtime, row)
    if found is not None:
        return Channel.WHATSAPP, *found
    if not is_phone_number(row.phone):
        # Known only by her WhatsApp user id: SMS cannot reach her. A free-form try is
        # refused (63016) outside her window and shows as undelivered for staff.
        return Channel.WHATSAPP, None, None
    return Channel.SMS, None, None


def _with_buttons(
    session: Session, runtime: Runtime, row: Row[Any], client: Client | None
) -> tuple[str | None, tuple[str, str] | None]:
    """Inside her window: a question goes as a session message with its buttons (the
    content's SID, its variables and the text shown); anything else, or a question whose
    content cannot be had, as plain text."""
    buttons = row.choices or _notice_buttons(row)
    if not buttons or client is None or len(row.body) > MAX_VARIABLE_LENGTH:
        return None, None
    try:
        sid = contents.content_sid(session, runtime, client, buttons["key"], row.language)
    except contents.ContentUnavailable as error:
        log.warning("notice %s goes without buttons: %s", row.id, error)
        return None, None
    return sid, (json.dumps(button_sets.variables(buttons, row.body)), row.body)


def _template(runtime: Runtime, row: Row[Any]) -> tuple[str, tuple[str, str]] | None:
    """The approved template the notice reads as (in its shape), its variables and text."""
    configured = runtime.settings.whatsapp_templates
    if row.kind == offer_template.KIND:
        count = len(runtime.settings.insurance_premiums)
        variables = offer_template.content_variables(row.language, row.body, count)
        template = configured.get(f"{row.kind}:{row.language}")
        if template is None or variables is None:
            return None
        return template, (json.dumps(variables), row.body)
    shape = whatsapp_templates.shape_of(row.kind, row.language, row.body)
    template = shape and configured.get(f"{shape}:{row.language}")
    message = template and whatsapp_templates.template_message(shape, row.language, row.body)
    return (template, message) if template and message else None


def _notice_buttons(row: Row[Any]) -> dict[str, Any] | None:
    """The buttons of a notice that asks in its usual words (an invitation, a visit)."""
    shape = whatsapp_templates.shape_of(row.kind, row.language, row.body)
    if shape in whatsapp_templates.YES_NO_NOTICES:
        return {"key": button_sets.YES_NO}
    if shape == "visit_prompt":
        return {"key": button_sets.VISIT}
    if shape == "visit_prompt_numbered":
        variables = whatsapp_templates.content_variables(shape, row.language, row.body) or {}
        return {"key": button_sets.VISIT_NUMBERED, "labels": [variables.get("1", "")]}
    return None

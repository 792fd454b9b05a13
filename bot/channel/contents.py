"""The Content API resources our buttons are sent with: created once per set and language.

The first question of a kind in a language creates its content (POST /v1/Content on
content.twilio.com, or TWILIO_API_BASE_URL) and keeps its SID in `whatsapp_contents`; every
later one reuses it. Two workers creating the same one at once both succeed at Twilio; the
first SID stored is the one used (an unused content costs nothing).
"""

import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.rest import Client

from bot.channel import button_sets
from bot.channel.whatsapp_templates import WHATSAPP_LANGUAGES
from bot.infra.orm import upsert_insert, utcnow
from bot.infra.runtime import Runtime
from bot.models import WhatsAppContent

log = logging.getLogger(__name__)
CONTENT_API = "https://content.twilio.com"


class ContentUnavailable(Exception):
    """The Content API did not create the content: send the question as plain text."""


def content_sid(session: Session, runtime: Runtime, client: Client, key: str, language: str) -> str:
    """The SID of the content for this set of buttons in this language, created if new."""
    found = session.scalar(
        select(WhatsAppContent.content_sid).where(
            WhatsAppContent.key == key, WhatsAppContent.language == language
        )
    )
    if found is not None:
        return found
    created = _create(runtime, client, definition(key, language))
    statement = upsert_insert(session)(WhatsAppContent).values(
        key=key, language=language, content_sid=created, created_at=utcnow()
    )
    session.execute(statement.on_conflict_do_nothing())
    stored = session.scalar(
        select(WhatsAppContent.content_sid).where(
            WhatsAppContent.key == key, WhatsAppContent.language == language
        )
    )
    log.info("WhatsApp content %s for %s:%s", stored, key, language)
    return stored or created


def definition(key: str, language: str) -> dict[str, Any]:
    """The content as the Content API takes it."""
    return {
        "friendly_name": f"benefits_buttons_{key.replace(':', '_')}_{language.lower()}",
        "language": WHATSAPP_LANGUAGES[language],
        "variables": button_sets.sample_variables(key),
        "types": button_sets.content_types(key, language),
    }


def _create(runtime: Runtime, client: Client, content: dict[str, Any]) -> str:
    base = runtime.settings.twilio_api_base_url or CONTENT_API
    try:
        answer = client.request(
            "POST",
            f"{base}/v1/Content",
            data=content,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
    except Exception as error:
        raise ContentUnavailable(str(error)) from error
    try:
        sid = json.loads(answer.text).get("sid") if answer.status_code == 201 else None
    except ValueError:
        sid = None
    if not isinstance(sid, str) or not sid.startswith("HX"):
        raise ContentUnavailable(f"Content API answered {answer.status_code}")
    return sid

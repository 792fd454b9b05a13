"""`benefits-bot chat`: talk to the bot in a terminal through the same signed webhook."""

import secrets
from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.channel.webhook import auth_token
from bot.infra.phone import mask_phone
from bot.infra.runtime import Runtime
from bot.models import OutboundMessage, Person

PATH = "/webhooks/twilio/messages"


class ChatSession:
    """A simulated phone: each line typed becomes a signed Twilio request to the app."""

    def __init__(self, app: Flask, phone: str, whatsapp: bool) -> None:
        self.client = app.test_client()
        self.runtime: Runtime = app.extensions["runtime"]
        self.sender = f"whatsapp:{phone}" if whatsapp else phone
        base = self.runtime.settings.public_base_url or "http://localhost"
        self.url = f"{base}{PATH}"
        self.validator = RequestValidator(auth_token(self.runtime))
        self.seen_outbox = self._last_outbox_id()

    def send(self, text: str) -> tuple[str, list[tuple[OutboundMessage, str]]]:
        """Text the bot; return its reply and any notices the message caused."""
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": "AC" + "0" * 32,
            "From": self.sender,
            "To": "+15005550006",
            "Body": text,
            "NumMedia": "0",
        }
        signature = self.validator.compute_signature(self.url, form)
        response = self.client.post(
            PATH,
            data=form,
            headers={"X-Twilio-Signature": signature},
            base_url=self.url.removesuffix(PATH),
        )
        return _reply_text(response.get_data(as_text=True)), self._new_notices()

    def _last_outbox_id(self) -> int:
        with self.runtime.sessions() as session:
            return session.scalar(select(func.max(OutboundMessage.id))) or 0

    def _new_notices(self) -> list[tuple[OutboundMessage, str]]:
        # Without Redis the notices are delivered in a thread of this process: wait for it, so
        # each shows how it settled rather than a status caught halfway.
        self.runtime.drain()
        with self.runtime.sessions() as session:
            rows = [
                (notice, phone)
                for notice, phone in session.execute(
                    select(OutboundMessage, Person.phone)
                    .join(Person, Person.id == OutboundMessage.person_id)
                    .where(OutboundMessage.id > self.seen_outbox)
                    .order_by(OutboundMessage.id)
                ).tuples()
            ]
        if rows:
            self.seen_outbox = rows[-1][0].id
        return rows


def _reply_text(twiml: str) -> str:
    from xml.etree import ElementTree  # noqa: PLC0415 (TwiML is ours, not untrusted XML)

    root = ElementTree.fromstring(twiml)  # noqa: S314
    return "\n".join(element.text or "" for element in root.iter("Message"))


def run(session: ChatSession, read_line: Callable[[], str], write: Callable[[str], None]) -> None:
    """Read lines until end of input, printing replies and notices."""
    while True:
        try:
            line = read_line()
        except (EOFError, KeyboardInterrupt):
            return
        reply, notices = session.send(line)
        write(f"bot> {reply}" if reply else "bot> (no reply)")
        for notice, to in notices:
            write(
                f"  [{notice.kind} to {mask_phone(to)} by {notice.channel}, {notice.status}]"
                f" {notice.body}"
            )

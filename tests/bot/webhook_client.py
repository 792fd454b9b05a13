"""A Twilio stand-in for tests: signs each request with the twilio library, like Twilio does."""

import secrets
from xml.etree import ElementTree

from flask import Flask
from twilio.request_validator import RequestValidator

from bot.channel.webhook import auth_token

PATH = "/webhooks/twilio/messages"


def new_sid() -> str:
    return "SM" + secrets.token_hex(16)


class Twilio:
    """Posts signed inbound messages to the app and reads the TwiML back."""

    def __init__(self, app: Flask, base_url: str = "http://localhost") -> None:
        self.app = app
        self.client = app.test_client()
        self.base_url = base_url
        self.validator = RequestValidator(auth_token(app.extensions["runtime"]))

    def form(self, sender: str, body: str, sid: str | None = None, **extra: str) -> dict[str, str]:
        return {
            "MessageSid": sid or new_sid(),
            "AccountSid": "AC" + "1" * 32,
            "From": sender,
            "To": "+15005550006",
            "Body": body,
            "NumMedia": "0",
            **extra,
        }

    def post(self, form: dict[str, str], signature: str | None = None, url: str | None = None):
        url = url or self.base_url + PATH
        signature = self.validator.compute_signature(url, form) if signature is None else signature
        return self.client.post(
            PATH, data=form, headers={"X-Twilio-Signature": signature}, base_url=self.base_url
        )

    def text(self, sender: str, body: str, sid: str | None = None) -> str:
        response = self.post(self.form(sender, body, sid))
        assert response.status_code == 200, response.get_data(as_text=True)
        return reply_of(response.get_data(as_text=True))


def reply_of(twiml: str) -> str:
    root = ElementTree.fromstring(twiml)
    assert root.tag == "Response"
    return "\n".join(element.text or "" for element in root.iter("Message"))

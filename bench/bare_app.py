"""The baseline for bench/webhook_throughput.py: Flask answering a constant TwiML reply."""

from flask import Flask, Response

REPLY = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    "<Response><Message>Your balance: $5.00.</Message></Response>"
)


def create_app() -> Flask:
    """A bare app on the same path, doing nothing but answering."""
    app = Flask(__name__)

    @app.post("/webhooks/twilio/messages")
    def inbound() -> Response:
        return Response(REPLY, mimetype="text/xml")

    return app

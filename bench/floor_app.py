"""The floor for bench/webhook_throughput.py: the least honest work a signed BALANCE needs.

Hand-written, with none of the service's machinery: the twilio library checks the signature,
then one transaction on the same PostgreSQL claims the MessageSid, locks the sender's row
(FOR UPDATE), reads her balance and stores her conversation state, and the answer is TwiML
built by hand. A repeated MessageSid gets the balance again and changes nothing. One psycopg
connection per gunicorn thread, kept for the thread's life (no pool, no ORM).
"""

import os
import threading
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import psycopg
from flask import Flask, Response, abort, request
from twilio.request_validator import RequestValidator

from bot.channel.webhook import DEV_AUTH_TOKEN

CLAIM = """
INSERT INTO inbound_messages (message_sid, channel, body, num_media, received_at)
VALUES (%(sid)s, 'sms', %(body)s, 0, %(now)s)
ON CONFLICT (message_sid) DO NOTHING
RETURNING id
"""
LOCK = """
SELECT people.id, ledger_accounts.credits_posted - ledger_accounts.debits_posted
FROM people
JOIN workers ON workers.person_id = people.id
JOIN ledger_accounts ON ledger_accounts.id = workers.account_id
WHERE people.phone = %(phone)s
FOR UPDATE OF people
"""
STATE = """
INSERT INTO conversations (person_id, state, data, updated_at)
VALUES (%(person_id)s, 'idle', '{}', %(now)s)
ON CONFLICT (person_id) DO UPDATE SET state = 'idle', updated_at = excluded.updated_at
"""


def create_app() -> Flask:
    """The floor app, on the same path and database as the service."""
    app = Flask(__name__)
    validator = RequestValidator(os.environ.get("TWILIO_AUTH_TOKEN") or DEV_AUTH_TOKEN)
    url = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    local = threading.local()

    def connection() -> psycopg.Connection:
        if getattr(local, "connection", None) is None:
            local.connection = psycopg.connect(url, autocommit=True)
        return local.connection

    @app.post("/webhooks/twilio/messages")
    def inbound() -> Response:
        form = request.form.to_dict()
        signature = request.headers.get("X-Twilio-Signature", "")
        if not validator.validate(request.url, form, signature):
            abort(403)
        now = datetime.now(UTC)
        with connection().transaction(), connection().cursor() as cursor:
            cursor.execute(CLAIM, {"sid": form["MessageSid"], "body": form["Body"], "now": now})
            claimed = cursor.fetchone() is not None
            cursor.execute(LOCK, {"phone": form["From"]})
            person_id, cents = cursor.fetchone() or (None, 0)
            if claimed and person_id is not None:
                cursor.execute(STATE, {"person_id": person_id, "now": now})
        reply = f"Your balance: ${cents // 100:,}.{cents % 100:02d}."
        return Response(
            f"<?xml version='1.0' encoding='UTF-8'?><Response><Message>{escape(reply)}"
            "</Message></Response>",
            mimetype="text/xml",
        )

    return app

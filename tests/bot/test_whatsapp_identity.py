"""WhatsApp people known by their business-scoped user id, and buttons they tap.

Every request carries the fields Twilio really posts for WhatsApp, signed as Twilio signs.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.channel.inbox import InboundText
from bot.channel.spool import entry
from bot.infra.config import Settings
from bot.infra.logs import mask_phone_numbers
from bot.infra.phone import mask_phone
from bot.models import Channel, InboundMessage, Person, Worker
from tests.bot.webhook_client import Twilio, new_sid, reply_of

USER_ID = "US.13491208655302741918"
NUMBER = "+12125550123"
HOUSEHOLD = "+12125550199"
FUND = "+15005550006"


def whatsapp_fields(
    body: str,
    *,
    number: str | None = None,
    user_id: str | None = None,
    button: tuple[str, str] | None = None,
    media: str | None = None,
    wa_id: str | None = None,
) -> dict[str, str]:
    """The whole form Twilio posts for an inbound WhatsApp message."""
    sid = new_sid() if media is None else "MM" + new_sid()[2:]
    form = {
        "SmsMessageSid": sid,
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "1" * 32,
        "MessagingServiceSid": "MG" + "2" * 32,
        "From": f"whatsapp:{number or user_id}",
        "To": f"whatsapp:{FUND}",
        "Body": body,
        "NumMedia": "1" if media else "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
        "ProfileName": "Maria",
        "ToCountry": "US",
        "ToState": "",
        "ToCity": "",
        "ToZip": "",
        "FromCountry": "US",
        "FromState": "",
        "FromCity": "",
        "FromZip": "",
        "MessageType": "text",
        "ChannelMetadata": "{}",
        "ReferralNumMedia": "0",
    }
    if number is not None or wa_id is not None:
        form["WaId"] = (number or wa_id or "").lstrip("+")
    if user_id is not None:
        form["ExternalUserId"] = user_id
    if button is not None:
        form["ButtonText"], form["ButtonPayload"] = button
        form["MessageType"] = "button"
    if media is not None:
        form["MediaUrl0"] = (
            f"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/{sid}/Media/ME1"
        )
        form["MediaContentType0"] = media
        form["MessageType"] = "image" if media.startswith("image/") else "audio"
    return form


def send(twilio: Twilio, body: str, **fields) -> str:
    response = twilio.post(whatsapp_fields(body, **fields))
    assert response.status_code == 200, response.get_data(as_text=True)
    return reply_of(response.get_data(as_text=True))


@pytest.fixture
def app(engine):
    url = engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url, day_off_cents=500, half_day_off_cents=250))
    app.extensions["runtime"].print_notices = False
    yield app
    app.extensions["runtime"].close()


@pytest.fixture
def twilio(app):
    return Twilio(app)


def people(app) -> list[tuple[str, str | None]]:
    with app.extensions["runtime"].sessions() as session:
        rows = session.execute(select(Person.phone, Person.whatsapp_user_id).order_by(Person.id))
        return [tuple(row) for row in rows]


def test_a_user_id_only_sender_joins_is_paid_checks_her_balance_and_books_a_day_off(app, twilio):
    assert "Benefits Fund" in send(twilio, "hi", user_id=USER_ID)
    for answer in ("1", "yes", "Maria"):
        send(twilio, answer, user_id=USER_ID)
    send(twilio, f"ADD {HOUSEHOLD} Ana", user_id=USER_ID)
    assert "Maria" in twilio.text(HOUSEHOLD, "yes")
    assert "asked Ana" in send(twilio, "done", user_id=USER_ID)
    assert "$5.00" in twilio.text(HOUSEHOLD, "YES")
    assert "$5.00" in send(twilio, "balance", user_id=USER_ID)
    assert "Reply YES" in send(twilio, "day off friday", user_id=USER_ID)
    assert "Booked" in send(twilio, "Yes", user_id=USER_ID, button=("Yes", "yes"))
    with app.extensions["runtime"].sessions() as session:
        worker = session.scalars(select(Worker).join(Worker.person)).one()
        assert worker.person.phone == USER_ID
        assert worker.person.whatsapp_user_id == USER_ID
    assert people(app) == [(USER_ID, USER_ID), (HOUSEHOLD, None)]


def test_the_same_person_by_number_then_by_id_is_one_person(app, twilio):
    send(twilio, "hi", number=NUMBER, user_id=USER_ID)
    send(twilio, "2", number=NUMBER, user_id=USER_ID)  # Español
    reply = send(twilio, "hola", user_id=USER_ID)  # the number withheld now
    assert "Responda SÍ" in reply  # her language, her conversation where she left it
    assert people(app) == [(NUMBER, USER_ID)]
    with app.extensions["runtime"].sessions() as session:
        senders = set(session.scalars(select(InboundMessage.person_id)))
    assert len(senders) == 1


def test_someone_first_known_by_her_id_keeps_her_history_when_her_number_comes(app, twilio):
    send(twilio, "hi", user_id=USER_ID)
    send(twilio, "2", user_id=USER_ID)
    send(twilio, "hola", number=NUMBER, user_id=USER_ID)
    assert people(app) == [(NUMBER, USER_ID)]


def test_replies_to_a_user_id_go_back_on_whatsapp_to_that_id(app, twilio):
    response = twilio.post(whatsapp_fields("hi", user_id=USER_ID))
    assert response.status_code == 200
    assert "Benefits Fund" in reply_of(response.get_data(as_text=True))


@pytest.mark.parametrize("sender", ["US.", "whatsapp:US.", "whatsapp:hello", "US.1234"])
def test_an_id_that_is_not_one_gets_a_clean_400(app, twilio, sender):
    form = whatsapp_fields("hi", number=NUMBER)
    form["From"] = sender
    form.pop("WaId")
    response = twilio.post(form)
    assert response.status_code == 400
    assert people(app) == []


def test_a_tapped_yes_confirms_whatever_the_button_says(app, twilio):
    for text in ("hi", "1", "yes", "Maria"):
        twilio.text(NUMBER, text)
    twilio.text(NUMBER, f"ADD {HOUSEHOLD} Ana")
    send(twilio, "yes", number=HOUSEHOLD)
    twilio.text(NUMBER, "done")
    # The button's text is not a word the bot knows; its payload is.
    reply = send(twilio, "👌 Claro que sí, Maria", number=HOUSEHOLD, button=("Dale 👌", "yes"))
    assert "$5.00" in reply
    assert "$5.00" in twilio.text(NUMBER, "balance")


def test_a_tapped_no_declines_though_its_text_reads_yes(app, twilio):
    for text in ("hi", "1", "yes", "Maria"):
        twilio.text(NUMBER, text)
    twilio.text(NUMBER, f"ADD {HOUSEHOLD} Ana")
    send(twilio, "yes", number=HOUSEHOLD)
    twilio.text(NUMBER, "done")
    send(twilio, "YES", number=HOUSEHOLD, button=("YES", "no"))
    assert "$0.00" in twilio.text(NUMBER, "balance")


def test_a_tapped_language_is_set_from_its_payload(app, twilio):
    send(twilio, "hi", number=NUMBER)
    reply = send(twilio, "Idioma", number=NUMBER, button=("🇪🇸", "lang:es"))
    assert "español" in reply.lower() or "espanol" in reply.lower()
    with app.extensions["runtime"].sessions() as session:
        assert session.scalar(select(Person.language)) == "es"


def test_the_cli_finds_her_balance_by_her_user_id(app, twilio, engine):
    for answer in ("hi", "1", "yes", "Maria"):
        send(twilio, answer, user_id=USER_ID)
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    command = [str(Path(sys.executable).with_name("benefits-bot")), "balance", "--json"]
    done = subprocess.run([*command, USER_ID], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["balance_cents"] == 0
    unknown = subprocess.run(
        [*command, "US.99999999"], env=env, capture_output=True, text=True, check=False
    )
    assert unknown.returncode != 0
    assert "US.****9999" in unknown.stderr
    assert "99999999" not in unknown.stderr


def test_user_ids_are_masked_like_numbers():
    assert mask_phone(USER_ID) == "US.****************1918"
    assert mask_phone("US.ENT.11815799212886844830") == "US.ENT.****************4830"
    line = mask_phone_numbers(f"from whatsapp:{USER_ID} at bot.channel.inbox, OK.done")
    assert "13491208655302741918" not in line
    assert "bot.channel.inbox, OK.done" in line


def test_a_spooled_message_keeps_her_id_and_the_tapped_button():
    message = InboundText(new_sid(), Channel.WHATSAPP, USER_ID, "Sí", 0, USER_ID, "yes")
    assert entry.loads(entry.dumps(entry.Entry(message, 1.0))).message == message


def test_stop_by_her_user_id_silences_her_until_start(app, twilio):
    for answer in ("hi", "1", "yes", "Maria"):
        send(twilio, answer, user_id=USER_ID)
    assert "no more texts" in send(twilio, "STOP", user_id=USER_ID)
    assert send(twilio, "balance", user_id=USER_ID) == ""
    assert "Welcome back" in send(twilio, "START", user_id=USER_ID)
    assert "$0.00" in send(twilio, "balance", user_id=USER_ID)

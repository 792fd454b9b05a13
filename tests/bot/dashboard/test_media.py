"""Photos and voice notes she sends: a kind answer in her language, and staff see they came."""

import html
import re

import pytest
from sqlalchemy import select

from bot.models import InboundMessage, Worker
from bot.texting import texts
from conversations import messages as m
from conversations.talk import Say
from tests.bot.test_whatsapp_identity import USER_ID, send
from tests.bot.webhook_client import Twilio


def text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def twilio(app):
    app.extensions["runtime"].print_notices = False
    return Twilio(app)


def join_in_spanish(twilio: Twilio) -> None:
    for answer in ("hola", "2", "sí", "Maria"):
        send(twilio, answer, user_id=USER_ID)


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("image/jpeg", m.MEDIA_PHOTO),
        ("audio/ogg", m.MEDIA_VOICE),
        ("video/mp4", m.MEDIA_FILE),
        ("application/pdf", m.MEDIA_FILE),
    ],
)
def test_media_with_no_words_gets_a_kind_answer_in_her_language(twilio, content_type, message):
    join_in_spanish(twilio)
    reply = send(twilio, "", user_id=USER_ID, media=content_type)
    assert reply == texts.render([Say(message)], "es", sms=False)
    assert "MENÚ" in reply


def test_a_photo_with_words_is_read_for_its_words(twilio):
    join_in_spanish(twilio)
    assert "$0.00" in send(twilio, "saldo", user_id=USER_ID, media="image/png")


def test_staff_see_that_a_photo_and_a_voice_note_arrived(twilio, client, sessions):
    join_in_spanish(twilio)
    send(twilio, "", user_id=USER_ID, media="image/jpeg")
    send(twilio, "mire", user_id=USER_ID, media="audio/ogg; codecs=opus")
    with sessions() as session:
        worker_id = session.scalar(select(Worker.id))
        kept = set(session.scalars(select(InboundMessage.media_type)))
    assert {"image/jpeg", "audio/ogg; codecs=opus"} <= kept
    page = text(client.get(f"/staff/workers/{worker_id}"))
    assert "She sent a photo" in page
    assert "She sent a voice note" in page
    assert "mire" in page


def test_staff_find_a_worker_by_her_whatsapp_user_id(twilio, client):
    join_in_spanish(twilio)
    page = text(client.get("/staff/workers", query_string={"q": USER_ID}))
    assert "Maria" in page
    assert "US.****" in page and "13491208655302741918" not in page

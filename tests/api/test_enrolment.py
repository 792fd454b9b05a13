"""Enrolling a worker: an invitation in her language, and her YES by text makes her a member."""

from sqlalchemy import select

from bot.models import OutboundMessage, OutboundStatus, Worker, WorkerStatus
from bot.texting import texts
from conversations import messages as m
from conversations.talk import Say
from tests.api.conftest import WORKER, count
from tests.bot.webhook_client import Twilio


def notices(sessions):
    with sessions() as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def test_a_new_worker_is_invited_in_her_language_and_joins_by_text(app, platform, sessions):
    response = platform.post("/workers", {"phone": "(212) 555-0123", "language": "es"})
    assert response.status_code == 201
    assert response.get_json()["worker"] | {"enrolled_at": None} == {
        "phone": WORKER,
        "language": "es",
        "joined": False,
        "enrolled_at": None,
    }
    (invitation,) = notices(sessions)
    assert invitation.kind == "partner_invitation"
    assert invitation.language == "es"
    assert invitation.status in (OutboundStatus.PENDING, OutboundStatus.RECORDED)
    assert invitation.body == texts.render(
        [Say(m.PARTNER_INVITATION, {"partner": "Sparkle Cleaning"})], "es"
    )

    twilio = Twilio(app)
    asked = twilio.text(WORKER, "si")
    assert asked == texts.render([Say(m.ASK_NAME)], "es")
    joined = twilio.text(WORKER, "Maria")
    assert joined == texts.render([Say(m.JOINED, {"name": "Maria"})], "es")
    with sessions() as session:
        worker = session.scalar(select(Worker))
        assert worker.status == WorkerStatus.ACTIVE

    again = platform.post("/workers", {"phone": WORKER, "language": "en"})
    assert again.status_code == 200
    assert again.get_json()["worker"]["joined"] is True
    assert again.get_json()["worker"]["language"] == "es"  # hers, not the partner's guess
    assert count(sessions, OutboundMessage) == 1  # no second invitation


def test_an_invited_worker_who_writes_something_else_reads_the_terms(app, platform):
    platform.enrol(WORKER, "en")
    reply = Twilio(app).text(WORKER, "what is this?")
    assert "Reply YES to join" in reply


def test_a_member_is_asked_whether_the_partner_may_pay_in(app, platform, sessions):
    twilio = Twilio(app)
    for text in ("hi", "1", "yes", "Maria"):
        twilio.text(WORKER, text)
    assert platform.enrol(WORKER, "ht")["joined"] is False  # until her YES: test_consent.py
    (asked,) = notices(sessions)
    assert asked.kind == "partner_consent"
    says = [Say(m.PARTNER_CONSENT, {"partner": "Sparkle Cleaning"})]
    assert asked.body == texts.render(says, "en")


def test_two_partners_enrol_the_same_worker_once_each(make_partner, sessions):
    sparkle = make_partner("Sparkle Cleaning", "platform")
    city = make_partner("City Care Fund", "program")
    sparkle.enrol(WORKER, "tl")
    city.enrol(WORKER, "es")
    assert count(sessions, Worker) == 1
    assert [n.language for n in notices(sessions)] == ["tl", "tl"]


def test_enrolment_fields_are_checked(platform, sessions):
    response = platform.post("/workers", {"phone": "555", "language": "fr", "name": "Ana"})
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "validation_failed",
        "message": "Some fields are not valid.",
        "fields": {
            "phone": "is not a valid phone number",
            "language": "must be one of 'en', 'es', 'pt_BR', 'ht' or 'tl'",
            "name": "is not a field of this request",
        },
    }
    for body in ([], "x", 7, {"phone": WORKER}):
        assert platform.post("/workers", body).status_code == 422
    empty = platform.client.post("/api/v1/workers", headers=platform.headers("empty"))
    assert empty.status_code == 400
    assert empty.get_json()["error"]["code"] == "malformed_json"
    assert count(sessions, Worker) == 0

"""Enrolling someone who is already a member: the partner learns nothing, she decides by text.

A partner could otherwise probe any number: the answer told it whether she was a member and
her language, and linked her to it without asking her.
"""

from sqlalchemy import select

from bot.models import OutboundMessage, PartnerWorker
from bot.texting import texts
from conversations import messages as m
from conversations.talk import Money, Say
from tests.api.conftest import OTHER_WORKER, WORKER, count
from tests.bot.webhook_client import Twilio

PARTNER = {"partner": "Sparkle Cleaning"}


def member_in_spanish(app):
    """Maria joins the fund herself, in Spanish (the second language of the menu)."""
    twilio = Twilio(app)
    for text in ("hola", "2", "si", "Maria"):
        twilio.text(WORKER, text)
    return twilio


def notices(sessions):
    with sessions() as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def shown(response):
    """The answer without what differs by nature: the number asked about and the time."""
    return response.status_code, response.get_json()["worker"] | {"phone": "", "enrolled_at": ""}


def test_a_member_and_a_stranger_get_the_same_answer(app, platform):
    member_in_spanish(app)
    member = platform.post("/workers", {"phone": WORKER, "language": "tl"})
    stranger = platform.post("/workers", {"phone": OTHER_WORKER, "language": "tl"})
    assert (
        shown(member)
        == shown(stranger)
        == (
            201,
            {"phone": "", "language": "tl", "joined": False, "enrolled_at": ""},
        )
    )
    assert member.get_json()["worker"]["phone"] == WORKER
    member_again = platform.post("/workers", {"phone": WORKER, "language": "tl"})
    stranger_again = platform.post("/workers", {"phone": OTHER_WORKER, "language": "tl"})
    assert (
        shown(member_again)
        == shown(stranger_again)
        == (
            200,
            {"phone": "", "language": "tl", "joined": False, "enrolled_at": ""},
        )
    )


def test_a_member_is_asked_in_her_language_and_linked_on_her_yes(app, platform, sessions):
    twilio = member_in_spanish(app)
    platform.enrol(WORKER, "en")
    platform.enrol(WORKER, "en")  # a repeat asks her once
    asked = [n for n in notices(sessions) if n.kind == "partner_consent"]
    assert [(n.language, n.body) for n in asked] == [
        ("es", texts.render([Say(m.PARTNER_CONSENT, PARTNER)], "es"))
    ]
    assert count(sessions, PartnerWorker) == 0
    refused = platform.contribute((WORKER, 500, "before-her-yes"))
    assert refused.status_code == 422  # not hers to pay into until she agrees

    assert twilio.text(WORKER, "si") == texts.render([Say(m.PARTNER_LINKED, PARTNER)], "es")
    assert count(sessions, PartnerWorker) == 1
    assert platform.enrol(WORKER, "en") | {"enrolled_at": None} == {
        "phone": WORKER,
        "language": "es",  # hers, now that she agreed to this partner
        "joined": True,
        "enrolled_at": None,
    }
    assert platform.contribute((WORKER, 500, "after-her-yes")).status_code == 201


def test_her_no_links_nothing_and_she_is_not_asked_again(app, platform, sessions):
    twilio = member_in_spanish(app)
    platform.enrol(WORKER, "en")
    assert twilio.text(WORKER, "no") == texts.render([Say(m.PARTNER_DECLINED, PARTNER)], "es")
    assert count(sessions, PartnerWorker) == 0
    assert platform.enrol(WORKER, "en")["joined"] is False
    assert [n.kind for n in notices(sessions)].count("partner_consent") == 1
    nothing = {"balance": Money(0), "available": Money(0)}
    balance = twilio.text(WORKER, "saldo")  # and her conversation goes on as before
    assert balance.startswith(texts.render([Say(m.BALANCE, nothing)], "es"))

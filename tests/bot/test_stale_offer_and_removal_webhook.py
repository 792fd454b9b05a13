"""Through the signed webhook, on the database: an old insurance offer no longer takes a bare
YES once she has texted something else, and a household removed while it still owes for
visits is told so, asked first, and treated as a household afterwards."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channel import choices
from bot.channel.button_sets import YES_NO
from bot.infra.orm import as_utc
from bot.models import InboundMessage, InsuranceOffer
from conversations import messages as m
from conversations.talk import Money, Say
from tests.bot.test_insurance_webhook import (
    HOUSEHOLD,
    WORKER,
    first_contribution,
    worker_with_a_household,
)


def hours_pass(app, hours: int) -> None:
    """Move the offer and every text received back in time, as if hours had passed."""
    back = timedelta(hours=hours)
    with app.extensions["runtime"].sessions() as session:
        for offer in session.scalars(select(InsuranceOffer)):
            offer.offered_at = as_utc(offer.offered_at) - back
        for inbound in session.scalars(select(InboundMessage)):
            inbound.received_at = as_utc(inbound.received_at) - back
        session.commit()


def test_a_bare_yes_answers_an_old_offer_only_if_nothing_came_since(app, twilio):
    worker_with_a_household(twilio)
    first_contribution(twilio)
    hours_pass(app, 3)
    assert "Which one? Reply YES and its number" in twilio.text(WORKER, "yes")  # her last question
    assert "Your balance" in twilio.text(WORKER, "balance")
    hours_pass(app, 2)
    assert "no question waiting for a YES" in twilio.text(WORKER, "yes")
    assert "Happy to help" in twilio.text(WORKER, "haha ok")
    assert "no question waiting for a NO" in twilio.text(WORKER, "no")
    assert "You chose life insurance" in twilio.text(WORKER, "yes 1")  # a number still does


def test_removing_a_household_that_owes_asks_first_and_it_is_still_a_household(twilio):
    worker_with_a_household(twilio)
    twilio.text(WORKER, "done")
    twilio.text(HOUSEHOLD, "yes")  # confirmed: a pledge it has not paid yet
    asked = twilio.text(WORKER, "remove 1")
    assert asked == (
        "Remove Ana from your list? It still has $5.00 to pay for your visits and will still "
        "be asked. Reply YES or NO."
    )
    assert twilio.text(WORKER, "no") == "OK, Ana stays on your list."
    twilio.text(WORKER, "remove 1")
    removed = twilio.text(WORKER, "yes")
    assert "Ana is off your list." in removed and "text ADD and its number" in removed
    assert "1 English" not in twilio.text(HOUSEHOLD, "hello")  # not the newcomer's menu


@pytest.mark.parametrize("message", [m.REMOVE_CONFIRM, m.REMOVE_CONFIRM_OWES])
def test_on_whatsapp_removing_is_asked_with_yes_and_no_buttons(message):
    asked = Say(message, {"household": "Ana", "amount": Money(17_500)})
    assert choices.of_replies((asked,), "es") == {"key": YES_NO}

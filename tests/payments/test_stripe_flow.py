"""Households pay what they confirm, through Stripe (the fake one), end to end: texts in,
`benefits-bot collections run`, Stripe's signed events, the worker's balance."""

from tests.payments.conftest import HOUSEHOLD, WORKER


def test_accept_link_save_three_visits_one_charge_collected(fund_with_stripe):
    fund = fund_with_stripe(DAY_OFF_CENTS="1400", HALF_DAY_OFF_CENTS="700")
    fund.join_and_accept()
    assert "1 payment link(s) texted" in fund.command("collections", "run").stdout
    [setup] = fund.notices(HOUSEHOLD, "payment_setup")
    assert "save a card or bank account" in setup and "The fund pays the payment fees." in setup
    fund.save_method()
    fund.visits()
    before = fund.balance()
    assert (before["balance_cents"], before["uncollected_cents"]) == (1500, 1500)
    assert before["available_cents"] == 0  # no advance in this fund: she waits for the money
    assert "A day off needs $14.00 and you have $0.00" in fund.twilio.text(WORKER, "day off friday")
    told = fund.twilio.text(WORKER, "balance")
    assert "Your balance: $15.00, $0.00 available. Not paid by households yet: $15.00." in told

    assert "1 charge(s) asked for" in fund.command("collections", "run").stdout
    [intent] = fund.stripe.calls("POST", "/v1/payment_intents")
    assert intent["amount"] == "1500" and intent["off_session"] == "true"
    assert intent["confirm"] == "true" and intent["_idempotency_key"].startswith("charge:")
    [paid] = fund.stripe.paid()
    _, response = fund.deliver("payment_intent.succeeded", paid)
    assert response.status_code == 200 and response.json["applied"]

    after = fund.balance()
    assert (after["uncollected_cents"], after["available_cents"]) == (0, 1500)
    assert fund.notices(HOUSEHOLD, "charge_receipt") == [
        "Benefits Fund: $15.00 received for the visits you confirmed. Thank you!"
    ]
    assert "Not paid by households" not in fund.twilio.text(WORKER, "balance")
    assert "0 charge(s) asked for" in fund.command("collections", "run").stdout
    assert len(fund.stripe.calls("POST", "/v1/payment_intents")) == 1  # nothing more due
    assert "pays you $14.00" in fund.twilio.text(WORKER, "day off friday")
    assert fund.twilio.text(WORKER, "yes").startswith("Booked:")
    fund.ledger_is_sound()

"""Fees: what the provider keeps, and a household that pays them on a bank account."""

import json

import pytest

from bot.payments.fees import fee_cents, surcharge_cents
from tests.payments.conftest import HOUSEHOLD


@pytest.mark.parametrize("method", ["card", "us_bank_account"])
@pytest.mark.parametrize("amount", [500, 1500, 4000, 99_999, 1_000_000])
def test_the_surcharge_leaves_the_fund_the_whole_amount(amount, method):
    extra = surcharge_cents(amount, method)
    assert amount + extra - fee_cents(amount + extra, method) >= amount
    assert amount + extra - 1 - fee_cents(amount + extra - 1, method) < amount or extra == 0


def test_card_and_bank_fees_at_public_prices():
    assert fee_cents(500, "card") == 45  # 14.5c rounded up, plus 30c: about 9 %
    assert fee_cents(4000, "card") == 146
    assert fee_cents(4000, "us_bank_account") == 32
    assert fee_cents(1_000_000, "us_bank_account") == 500  # capped at $5


def test_a_household_that_pays_fees_by_bank_account(fund_with_stripe):
    fund = fund_with_stripe(FEES_PAID_BY="household")
    fund.join_and_accept()
    fund.command("collections", "run")
    [setup] = fund.notices(HOUSEHOLD, "payment_setup")
    assert "Payment fees are added to each charge; a bank account costs less." in setup
    fund.save_method("us_bank_account")
    fund.visits()
    fund.command("collections", "run")
    [intent] = fund.stripe.intents.values()
    assert intent["status"] == "processing"  # a bank debit settles in days
    assert intent["amount"] == 1500 + surcharge_cents(1500, "us_bank_account") == 1513
    assert fund.balance()["uncollected_cents"] == 1500
    intent["status"], intent["amount_received"] = "succeeded", intent["amount"]
    fund.deliver("payment_intent.succeeded", intent)
    assert fund.balance()["uncollected_cents"] == 0
    assert fund.notices(HOUSEHOLD, "charge_receipt") == [
        "Benefits Fund: $15.13 received for the visits you confirmed. Thank you!"
    ]
    clean = json.loads(fund.command("collections", "reconcile", "--json").stdout)
    assert (clean["matched"], clean["differences"], clean["fees_cents"]) == (1, [], 13)
    fund.ledger_is_sound()

"""Declines and retries, events twice and out of order, refunds, cash, reconciliation."""

import json
import threading

import pytest

from tests.fake_stripe import _transaction, new_id
from tests.payments.conftest import HOUSEHOLD, WORKER


@pytest.fixture
def charged(fund_with_stripe):
    """Three visits confirmed and charged: the PaymentIntent Stripe made, and the fund."""

    def build(**overrides: str):
        fund = fund_with_stripe(**overrides)
        fund.join_and_accept()
        fund.command("collections", "run")
        fund.save_method()
        fund.visits()
        fund.command("collections", "run")
        return fund

    return build


def test_a_declined_card_is_retried_then_left_owed_and_nothing_is_taken_from_her(
    fund_with_stripe,
):
    fund = fund_with_stripe(
        COLLECT_RETRY_DAYS="0,0",
        ADVANCE_UNCOLLECTED_CENTS="1000",
        DAY_OFF_CENTS="1400",
        HALF_DAY_OFF_CENTS="700",
    )
    fund.join_and_accept()
    fund.command("collections", "run")
    fund.save_method()
    fund.visits()
    # She takes a half day off on the fund's advance before the household's card fails.
    assert "pays you $7.00" in fund.twilio.text(WORKER, "half day friday")
    assert fund.twilio.text(WORKER, "yes").startswith("Booked:")
    fund.stripe.decline_next("insufficient_funds", times=3)
    run = fund.command("collections", "run").stdout
    assert "1 charge(s) asked for" in run and "1 declined at once" in run
    [failed] = fund.notices(HOUSEHOLD, "charge_retrying")
    assert "could not charge $15.00" in failed and "http://localhost/pay/" in failed
    [late] = fund.notices(WORKER, "payment_late")
    assert "Ana has not paid $15.00 yet" in late and "stays yours" in late
    # Stripe's own news of the same decline changes nothing more.
    [declined] = fund.stripe.intents.values()
    _, response = fund.deliver("payment_intent.payment_failed", declined)
    assert response.status_code == 200
    assert len(fund.notices(HOUSEHOLD, "charge_retrying")) == 1
    assert "1 retried, 1 declined" in fund.command("collections", "run").stdout
    assert "1 retried, 1 declined" in fund.command("collections", "run").stdout
    [gave_up] = fund.notices(HOUSEHOLD, "charge_gave_up")
    assert "after several tries" in gave_up
    assert "0 retried" in fund.command("collections", "run").stdout  # no more tries
    assert len(fund.stripe.intents) == 3
    [owing] = json.loads(fund.command("collections", "list", "--json").stdout)
    assert (owing["owed_cents"], owing["pledges"], owing["charge"]) == (1500, 3, "gave_up")
    money = fund.balance()
    assert (money["balance_cents"], money["pending_cents"]) == (1500, 700)  # her day off stands
    assert money["uncollected_cents"] == 1500
    assert len(fund.notices(WORKER, "payment_late")) == 1  # told once per charge
    # Saving another card tries once more, and it goes through.
    fund.save_method()
    assert "1 retried, 0 declined" in fund.command("collections", "run").stdout
    fund.deliver("payment_intent.succeeded", fund.stripe.paid()[0])
    assert fund.balance()["uncollected_cents"] == 0
    fund.ledger_is_sound()


def test_the_same_event_twice_and_out_of_order(charged):
    fund = charged()
    [paid] = fund.stripe.paid()
    refunded = fund.stripe.refund(paid["id"], 500)
    # The refund's news arrives first: the payment it refunds is recorded with it.
    _, first = fund.deliver("charge.refunded", refunded)
    assert first.status_code == 200 and first.json["applied"]
    event, response = fund.deliver("payment_intent.succeeded", paid)
    assert response.json["applied"]
    _, again = fund.deliver("payment_intent.succeeded", paid, event=event)
    assert again.status_code == 200 and again.json == {
        "applied": False,
        "reason": "already applied",
    }
    assert len(fund.notices(HOUSEHOLD, "charge_receipt")) == 1
    money = fund.balance()
    assert (money["balance_cents"], money["uncollected_cents"]) == (1500, 0)
    [owing] = json.loads(fund.command("collections", "list", "--json").stdout)
    assert owing["owed_cents"] == 500  # refunded: owed again; her money stays hers
    fund.ledger_is_sound()


def test_bad_signatures_and_unknown_events_change_nothing(charged):
    fund = charged()
    [paid] = fund.stripe.paid()
    _, forged = fund.deliver("payment_intent.succeeded", paid, secret="whsec_not_the_fund_s")
    assert forged.status_code == 400
    _, unknown = fund.deliver("customer.updated", {"id": "cus_1", "object": "customer"})
    assert unknown.status_code == 200 and not unknown.json["applied"]
    assert fund.balance()["uncollected_cents"] == 1500
    assert fund.notices(HOUSEHOLD, "charge_receipt") == []
    fund.ledger_is_sound()


def test_a_refund_leaves_her_money_and_reconcile_lists_differences(charged):
    fund = charged()
    [paid] = fund.stripe.paid()
    fund.deliver("payment_intent.succeeded", paid)
    fund.deliver("charge.refunded", fund.stripe.refund(paid["id"]))
    money = fund.balance()
    assert (money["balance_cents"], money["available_cents"], money["uncollected_cents"]) == (
        1500,
        1500,
        0,
    )
    [owing] = json.loads(fund.command("collections", "list", "--json").stdout)
    assert owing["owed_cents"] == 1500
    clean = json.loads(fund.command("collections", "reconcile", "--json").stdout)
    assert (clean["matched"], clean["differences"]) == (2, [])
    assert clean["fees_cents"] == 74  # 2.9 % of $15.00 + 30c
    stray = _transaction("charge", 900, 56, {"id": new_id("ch"), "object": "charge"})
    fund.stripe.balance.append(stray)
    off = fund.command("collections", "reconcile", ok=False)
    assert off.returncode == 1 and "not in the ledger (provider 900, ledger None)" in off.stdout
    fund.ledger_is_sound()


def test_a_cash_payment_settles_the_oldest_pledges_first(fund_with_stripe):
    fund = fund_with_stripe(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="")
    fund.join_and_accept()
    fund.visits()
    assert "0 payment link(s)" in fund.command("collections", "run").stdout  # manual only
    done = fund.command("collections", "record", HOUSEHOLD, "1200", "--reference", "cash 7")
    assert "recorded: 12.00" in done.stdout and "2 pledge(s) collected" in done.stdout
    again = fund.command("collections", "record", HOUSEHOLD, "1200", "--reference", "cash 7")
    assert "already recorded" in again.stdout
    money = fund.balance()
    assert (money["uncollected_cents"], money["available_cents"]) == (500, 1000)
    [owing] = json.loads(fund.command("collections", "list", "--json").stdout)
    assert owing["owed_cents"] == 300  # $2 paid ahead toward the third visit
    assert fund.notices(HOUSEHOLD, "charge_receipt") == [
        "Benefits Fund: $12.00 received for the visits you confirmed. Thank you!"
    ]
    unknown = fund.command("collections", "record", WORKER, "100", "--reference", "x", ok=False)
    assert unknown.returncode == 1 and "no household" in unknown.stderr
    for cents in ("0", "-5", "12.50", "five"):  # "-5" is an amount, not an unknown option
        bad = fund.command("collections", "record", HOUSEHOLD, cents, "--reference", "x", ok=False)
        assert bad.returncode == 2 and not bad.stdout, cents
        assert "amount must be a positive number of cents" in bad.stderr, bad.stderr
    assert json.loads(fund.command("collections", "list", "--json").stdout)[0]["owed_cents"] == 300
    fund.ledger_is_sound()


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_success_races_a_new_visit_and_a_day_off(charged):
    fund = charged(ADVANCE_UNCOLLECTED_CENTS="700", DAY_OFF_CENTS="1400", HALF_DAY_OFF_CENTS="700")
    [paid] = fund.stripe.paid()
    fund.twilio.text(WORKER, "done tuesday")  # a fourth visit, asked of the household
    assert "pays you $7.00" in fund.twilio.text(WORKER, "half day friday")
    start = threading.Barrier(3)
    answers: dict[str, object] = {}

    def succeed():
        start.wait()
        answers["stripe"] = fund.deliver("payment_intent.succeeded", paid)[1].status_code

    def confirm():
        start.wait()
        answers["household"] = fund.twilio.text(HOUSEHOLD, "yes")

    def book():
        start.wait()
        answers["worker"] = fund.twilio.text(WORKER, "yes")

    threads = [threading.Thread(target=work) for work in (succeed, confirm, book)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers["stripe"] == 200 and "$5.00" in str(answers["household"])
    # Booked either way: the advance on what was pledged covers $7, collected or not.
    assert str(answers["worker"]).startswith("Booked:")
    money = fund.balance()
    assert (money["balance_cents"], money["pending_cents"]) == (2000, 700)
    assert money["uncollected_cents"] == 500 and money["available_cents"] == 1300
    fund.ledger_is_sound()


def test_households_owing_more_than_her_balance_is_explained_not_contradicted(fund_with_stripe):
    fund = fund_with_stripe(
        ADVANCE_UNCOLLECTED_CENTS="1000", DAY_OFF_CENTS="1400", HALF_DAY_OFF_CENTS="700"
    )
    fund.join_and_accept()
    fund.command("collections", "run")
    fund.save_method()
    fund.visits()  # $15.00 confirmed, not charged yet
    assert "pays you $7.00. Left to spend after: $3.00" in fund.twilio.text(
        WORKER, "half day friday"
    )
    assert fund.twilio.text(WORKER, "yes").startswith("Booked:")
    [payout] = json.loads(fund.command("payouts", "list", "--json").stdout)
    fund.command("payouts", "pay", str(payout["id"]), "--method", "cash", "--reference", "r 1")
    money = fund.balance()
    assert (money["balance_cents"], money["uncollected_cents"]) == (800, 1500)
    told = fund.twilio.text(WORKER, "balance")
    assert "Your balance: $8.00" in told and "Not paid by households yet" not in told
    assert "Households still owe $15.00 for your visits; the fund advanced you $7.00" in told
    fund.ledger_is_sound()

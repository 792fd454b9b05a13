"""A paid day off reaches her through Stripe Connect (the fake Stripe, driven by the real
`stripe` library), end to end: her texted setup link, Stripe's `account.updated`, the day
off she books by text, a Transfer to her Express account and a Payout to her card, Stripe's
signed `payout.paid`, and her notices; a payout failing after it was sent; every event once,
in any order. `ledger check` is clean after each."""

import json
import logging
import re

from tests.payments.conftest import WORKER
from tests.payments.connect import (
    SETUP_LINK,
    STRIPE_PAYOUTS,
    book_day_off,
    connected_account,
    day_today,
    deliver,
    join_with_money,
    money,
    open_setup_link,
    record,
    run_payouts,
    set_up_account,
    staff_page,
)


def test_setup_link_account_ready_day_off_sent_to_her_card_and_landed_once(fund_with_stripe):
    fund = fund_with_stripe(**STRIPE_PAYOUTS)
    join_with_money(fund)
    texted = fund.command("payouts", "setup-link", WORKER)
    assert texted.stdout.splitlines()[-1] == "payout setup link texted to +1******0123"
    [setup] = fund.notices(WORKER, "payout_setup")
    assert setup.startswith("Benefits Fund: to get your paid days off on your debit card or bank")
    link = SETUP_LINK.search(setup).group(0)
    onboarding = open_setup_link(fund, link)
    again = open_setup_link(fund, link)  # opened twice: a fresh Stripe link, the same account
    account = connected_account(fund)
    assert onboarding != again and account in again and len(fund.stripe.accounts) == 1
    [created, *_] = fund.stripe.calls("POST", "/v1/accounts")
    assert created["type"] == "express" and created["_idempotency_key"].startswith("connect-acc")
    assert created["settings"] == {"payouts": {"schedule": {"interval": "manual"}}}
    [link_call, _] = fund.stripe.calls("POST", "/v1/account_links")
    assert link_call["refresh_url"] == link and link_call["return_url"] == f"{link}/done"
    back = fund.app.test_client().get(f"{link.removeprefix('http://localhost')}/done")
    assert back.status_code == 200 and "We will text you" in back.get_data(as_text=True)

    not_yet = fund.stripe.account_state(account)  # Stripe's first news: not ready yet
    ready = fund.stripe.onboard(account, "card", instant=True)
    deliver(fund, "account.updated", ready, account)
    _, late = deliver(fund, "account.updated", not_yet, account)  # an older event, late
    assert late.status_code == 200
    shown = fund.app.test_client().get(link.removeprefix("http://localhost"))
    assert shown.status_code == 200  # Stripe's state now, not the late event's: it is ready
    assert "Your payout account is already set up." in shown.get_data(as_text=True)

    payout = book_day_off(fund)
    assert run_payouts(fund) == 1
    [transfer] = fund.stripe.transfers
    assert (transfer["amount"], transfer["destination"]) == (12_000, account)
    assert transfer["transfer_group"] == f"payout:{payout}"
    [sent] = fund.stripe.payouts_of(account)
    assert (sent["amount"], sent["method"], sent["metadata"]["key"]) == (
        12_000,
        "instant",
        f"payout:{payout}",
    )
    assert fund.notices(WORKER, "day_off_sent") == [
        f"The fund sent $120.00 for your day off {day_today()}. We will text you when it arrives."
    ]
    assert run_payouts(fund) == 0 and len(fund.stripe.transfers) == 1  # sent once

    landed = fund.stripe.settle_payout(sent["id"], "paid")
    event, response = deliver(fund, "payout.paid", landed, account)
    assert response.status_code == 200 and response.json == {"applied": True}
    _, twice = deliver(fund, "payout.paid", landed, account, event=event)
    assert twice.json == {"applied": False, "reason": "already applied"}
    [paid] = fund.notices(WORKER, "day_off_paid")
    assert "is paid: $120.00. Your balance: $30.00." in paid
    assert money(fund) == (3_000, 3_000)
    [row] = json.loads(fund.command("payouts", "list", "--all", "--json").stdout)
    assert (row["provider"], row["status"], row["method"], row["reference"]) == (
        "stripe",
        "paid",
        "card",
        sent["id"],
    )
    assert "agree" in fund.command("payouts", "reconcile").stdout
    fund.ledger_is_sound()


def test_a_payout_that_fails_after_it_was_sent_returns_her_money_and_tells_her(
    fund_with_stripe, caplog
):
    fund = fund_with_stripe(**STRIPE_PAYOUTS)
    join_with_money(fund)
    account = set_up_account(fund, "bank")
    payout = book_day_off(fund)
    assert run_payouts(fund) == 1
    [sent] = fund.stripe.payouts_of(account)
    assert sent["method"] == "standard" and sent["type"] == "bank_account"
    assert money(fund) == (15_000, 3_000)

    failed = fund.stripe.settle_payout(sent["id"], "failed", "account_closed")
    with caplog.at_level(logging.WARNING):
        _, response = deliver(fund, "payout.failed", failed, account)
    assert response.status_code == 200 and response.json["applied"]
    assert f"payout #{payout} failed (account_closed)" in caplog.text  # staff's log
    assert record(fund, payout).status == "failed"
    [transfer] = fund.stripe.transfers  # its money is back at the fund's Stripe balance
    assert transfer["reversed"] and fund.stripe.balances[account] == 0
    [voided] = fund.notices(WORKER, "day_off_voided")
    assert "could not pay your day off" in voided and "$120.00 is back in your balance" in voided
    assert money(fund) == (15_000, 15_000)
    _, reversed_news = deliver(fund, "transfer.reversed", dict(transfer))  # Stripe's own news
    assert reversed_news.status_code == 200
    assert len(fund.notices(WORKER, "day_off_voided")) == 1  # told once
    page = staff_page(fund, "/staff/payouts")
    assert "Failed" in page
    assert "agree" in fund.command("payouts", "reconcile").stdout
    fund.ledger_is_sound()


def test_choosing_a_card_by_text_sends_her_the_setup_link_once_the_code_is_right(
    fund_with_stripe,
):
    """PAYMENT, card, the code: with Stripe Connect the card is set up in Stripe, so the right
    code also texts her the link (not before: a stranger with her phone gets no link); once
    her account is ready, a change back to it needs no link."""
    fund = fund_with_stripe(**STRIPE_PAYOUTS, SECRET_KEY="a-secret-key-of-the-fund-for-tests")
    join_with_money(fund)
    assert "1 cash" in fund.twilio.text(WORKER, "how do i get paid")
    assert "code" in fund.twilio.text(WORKER, "card")
    assert fund.notices(WORKER, "payout_setup") == []
    [code_text] = fund.notices(WORKER, "payout_code")
    code = re.search(r"\d{6}", code_text).group(0)
    assert fund.twilio.text(WORKER, f"my code is {code}").startswith("Benefits Fund: you will be")
    [setup] = fund.notices(WORKER, "payout_setup")
    open_setup_link(fund, SETUP_LINK.search(setup).group(0))

    account = connected_account(fund)
    deliver(fund, "account.updated", fund.stripe.onboard(account, "card", instant=True), account)
    fund.twilio.text(WORKER, "PAYMENT bank")
    code = re.search(r"\d{6}", fund.notices(WORKER, "payout_code")[-1]).group(0)
    fund.twilio.text(WORKER, code)
    assert len(fund.notices(WORKER, "payout_setup")) == 1  # her account is ready: no new link
    fund.ledger_is_sound()

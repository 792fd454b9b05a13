"""`benefits-bot payouts reconcile` with the Stripe Connect rail compares what Stripe holds
(its transfers for days off and their payouts) with the payout records and the ledger, and
lists every difference; the dashboard's reconcile page shows the same."""

import json

from bot import ledger
from bot.fund import payout_sending
from bot.infra.db import run_in_transaction
from bot.payouts_rail.services import payout_provider
from tests.payments.connect import (
    STRIPE_PAYOUTS,
    book_day_off,
    deliver,
    join_with_money,
    run_payouts,
    set_up_account,
    staff_page,
)


def problems(fund) -> set[tuple[int, str]]:
    found = fund.command("payouts", "reconcile", "--json", ok=False)
    assert found.returncode == (1 if json.loads(found.stdout) else 0), found.stderr
    return {(d["transfer_id"], d["problem"]) for d in json.loads(found.stdout)}


def test_every_difference_between_stripe_and_the_ledger_is_listed(fund_with_stripe):
    fund = fund_with_stripe(**STRIPE_PAYOUTS)
    join_with_money(fund, cents=30_000)
    account = set_up_account(fund, "card")
    today = book_day_off(fund)
    tomorrow = book_day_off(fund, "day off tomorrow")
    assert run_payouts(fund) == 1  # today's; tomorrow's waits for its day
    [sent] = fund.stripe.payouts_of(account)
    assert problems(fund) == set()

    landed = fund.stripe.settle_payout(sent["id"], "paid")  # Stripe's event is still to come
    fund.stripe.connect_route(  # someone pays from the fund's Stripe account by hand
        "POST",
        "/v1/transfers",
        {"amount": "500", "currency": "usd", "destination": account, "transfer_group": "payout:9"},
        None,
    )
    provider = payout_provider(fund.runtime.settings, fund.runtime.sessions)
    payout_sending.send(fund.runtime.sessions, provider, tomorrow, "USD")  # sent early...
    run_in_transaction(  # ...and given back in the ledger behind the rail's back
        fund.runtime.sessions,
        lambda session: ledger.void_day_off(
            session, key="behind", pending_transfer_id=tomorrow, reason="by hand"
        ),
    )
    assert problems(fund) == {
        (today, "rail_disagrees"),
        (9, "rail_unknown_payout"),
        (tomorrow, "settled_while_sending"),
        (tomorrow, "voided_but_sent"),
    }
    page = staff_page(fund, "/staff/payouts/reconcile")
    assert "The payout rail sent money for no day off" in page
    assert "Voided in the ledger, sent by the payout rail" in page

    deliver(fund, "payout.paid", landed, account)
    assert (today, "rail_disagrees") not in problems(fund)
    fund.ledger_is_sound()

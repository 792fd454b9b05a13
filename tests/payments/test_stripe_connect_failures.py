"""Stripe Connect when things go wrong: an answer lost on the way back (the payout stays
"sending", is asked about before any retry and is never sent twice), an event that arrives
before the answer or twice, an event about no payout of ours, a worker with no payout
account yet (the day off waits and she is texted her link once, in her language), a fund
whose Stripe balance is too low, a new card given at Stripe (her payouts wait, she is told),
a payout whose news never came (asked about a day later).
`ledger check` is clean after each."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.infra.db import run_in_transaction
from bot.infra.orm import utcnow
from bot.models import PayoutRecord, Person, Worker
from tests.payments.conftest import WORKER
from tests.payments.connect import (
    SETUP_LINK,
    STRIPE_PAYOUTS,
    book_day_off,
    connected_account,
    deliver,
    join_with_money,
    money,
    open_setup_link,
    record,
    run_payouts,
    set_up_account,
)


def test_a_lost_answer_stays_sending_is_asked_about_first_and_never_sent_twice(
    fund_with_stripe,
):
    fund = fund_with_stripe(**STRIPE_PAYOUTS)
    join_with_money(fund)
    account = set_up_account(fund, "card")
    payout = book_day_off(fund)
    fund.stripe.lose_answers("POST", "/v1/transfers", times=3)  # every retry's answer too
    assert run_payouts(fund) == 0
    assert record(fund, payout).status == "sending"
    asked = fund.stripe.calls("POST", "/v1/transfers")
    assert len(asked) == 3 and {a["_idempotency_key"] for a in asked} == {f"payout:{payout}"}
    assert len(fund.stripe.transfers) == 1 and fund.stripe.payouts_of(account) == []
    assert fund.notices(WORKER, "day_off_sent") == []
    stuck = fund.command("payouts", "reconcile", ok=False)
    assert stuck.returncode == 1
    assert f"day off #{payout} still_sending: its answer was lost; stripe says unknown" in (
        stuck.stdout
    )
    refused = fund.command(
        "payouts", "pay", str(payout), "--method", "cash", "--reference", "r1", ok=False
    )
    assert refused.returncode == 1 and "sending through the payout rail" in refused.stderr

    fund.stripe.lose_answers("POST", "/v1/payouts", times=1)  # the library's retry replays it
    assert run_payouts(fund) == 1
    assert len(fund.stripe.calls("POST", "/v1/transfers")) == 3  # asked about, not sent again
    assert len(fund.stripe.transfers) == 1
    [sent] = fund.stripe.payouts_of(account)
    assert len(fund.stripe.calls("POST", "/v1/payouts")) == 2  # one payout, one key
    assert record(fund, payout).status == "sent"
    assert len(fund.notices(WORKER, "day_off_sent")) == 1
    assert run_payouts(fund) == 0 and len(fund.stripe.payouts_of(account)) == 1

    deliver(fund, "payout.paid", fund.stripe.settle_payout(sent["id"], "paid"), account)
    assert record(fund, payout).status == "paid" and money(fund) == (3_000, 3_000)
    assert "agree" in fund.command("payouts", "reconcile").stdout
    fund.ledger_is_sound()


def test_stripe_news_before_the_answer_twice_and_about_no_payout_of_ours(
    fund_with_stripe, caplog
):
    fund = fund_with_stripe(**STRIPE_PAYOUTS)
    join_with_money(fund)
    account = set_up_account(fund, "card")
    payout = book_day_off(fund)
    fund.stripe.lose_answers("POST", "/v1/payouts", times=3)
    assert run_payouts(fund) == 0 and record(fund, payout).status == "sending"
    [sent] = fund.stripe.payouts_of(account)

    landed = fund.stripe.settle_payout(sent["id"], "paid")
    event, response = deliver(fund, "payout.paid", landed, account)  # before the lost answer
    assert response.json == {"applied": True}
    assert record(fund, payout).status == "paid"
    assert len(fund.notices(WORKER, "day_off_paid")) == 1
    _, again = deliver(fund, "payout.paid", landed, account, event=event)
    assert again.json == {"applied": False, "reason": "already applied"}
    assert run_payouts(fund) == 0  # the run finds it paid: nothing is asked or sent again
    assert len(fund.stripe.calls("POST", "/v1/payouts")) == 3
    assert fund.notices(WORKER, "day_off_sent") == []  # it landed before it was known sent

    with caplog.at_level(logging.INFO):
        stranger = {**landed, "id": "po_stranger0001", "metadata": {"key": "payout:999999"}}
        _, unknown = deliver(fund, "payout.paid", stranger, account)
        _, elsewhere = deliver(fund, "payout.failed", landed, "acct_someoneelse")
        _, no_key = deliver(fund, "payout.paid", {**landed, "metadata": {}}, account)
    assert [r.status_code for r in (unknown, elsewhere, no_key)] == [200, 200, 200]
    assert "Stripe event for no payout of ours (po_…0001) ignored" in caplog.text
    assert "2125550123" not in caplog.text
    assert record(fund, payout).status == "paid" and money(fund) == (3_000, 3_000)
    fund.ledger_is_sound()


LANGUAGES = {
    "en": "The fund has $120.00 ready for your day off. To get it on your debit card or bank",
    "es": "El fondo tiene $120.00 listos para su dia libre. Para recibirlos en su tarjeta de",
    "pt_BR": "O fundo tem US$ 120,00 prontos para a sua folga. Para receber no seu cartao de",
    "ht": "Fon an gen $120.00 pare pou jou konje ou. Pou resevwa l sou kat debi ou oswa kont",
    "tl": "May $120.00 na po ang pondo para sa day off ninyo. Para matanggap ito sa inyong",
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_without_a_ready_account_the_day_off_waits_and_she_is_texted_her_link_once(
    fund_with_stripe, language
):
    fund = fund_with_stripe(**STRIPE_PAYOUTS)
    join_with_money(fund)
    payout = book_day_off(fund)

    def speak(session):
        session.scalars(select(Person).where(Person.phone == WORKER)).one().language = language

    run_in_transaction(fund.runtime.sessions, speak)
    for _run in range(3):  # every hour's run finds it waiting
        assert run_payouts(fund) == 0
    [asked] = fund.notices(WORKER, "payout_waiting")
    assert asked.startswith(LANGUAGES[language])
    assert record(fund, payout) is None and fund.stripe.transfers == []

    open_setup_link(fund, SETUP_LINK.search(asked).group(0))
    account = connected_account(fund)
    assert run_payouts(fund) == 0  # her account exists, Stripe has not said it is ready
    deliver(fund, "account.updated", fund.stripe.onboard(account, "bank"), account)
    assert run_payouts(fund) == 1
    assert [t["transfer_group"] for t in fund.stripe.transfers] == [f"payout:{payout}"]
    assert len(fund.notices(WORKER, "payout_waiting")) == 1
    assert record(fund, payout).status == "sent"
    fund.ledger_is_sound()


def test_a_fund_short_of_money_at_stripe_sends_nothing_until_it_has_it(fund_with_stripe, caplog):
    fund = fund_with_stripe(**STRIPE_PAYOUTS)
    join_with_money(fund)
    account = set_up_account(fund, "card", instant=False)
    payout = book_day_off(fund)
    fund.stripe.platform_available = 5_000
    with caplog.at_level(logging.ERROR):
        assert run_payouts(fund) == 0
    assert f"payout payout:{payout} waits: the fund's Stripe balance is too low" in caplog.text
    assert record(fund, payout) is None and fund.notices(WORKER, "day_off_voided") == []
    fund.stripe.platform_available = 50_000
    assert run_payouts(fund) == 1
    [sent] = fund.stripe.payouts_of(account)
    assert sent["method"] == "standard"  # her card takes no instant payouts
    fund.ledger_is_sound()


def test_with_the_manual_rail_there_is_no_setup_link(fund_with_stripe):
    fund = fund_with_stripe()  # Stripe collects money in; an officer pays days off by hand
    join_with_money(fund)
    refused = fund.command("payouts", "setup-link", WORKER, ok=False)
    assert refused.returncode == 1
    assert "the manual payout rail needs no account: nothing was sent" in refused.stderr
    assert fund.notices(WORKER, "payout_setup") == []
    unknown = fund.command("payouts", "setup-link", "+12125550100", ok=False)
    assert unknown.returncode == 1 and "no worker has the number" in unknown.stderr
    malformed = fund.command("payouts", "setup-link", "call me", ok=False)
    assert malformed.returncode == 2 and "is not a phone number" in malformed.stderr
    assert fund.app.test_client().get("/payout/AbCdEfGhIjKlMnOpQrStUv").status_code == 404


def test_a_new_card_given_at_stripe_holds_her_payouts_and_she_is_told(fund_with_stripe):
    fund = fund_with_stripe(**STRIPE_PAYOUTS, PAYOUT_CHANGE_HOLD="48")
    join_with_money(fund)
    account = set_up_account(fund, "card")  # her first card: nothing to hold
    assert fund.notices(WORKER, "payout_account_changed") == []
    changed = fund.stripe.onboard(account, "card", last4="1881")  # someone with her login?
    event, _ = deliver(fund, "account.updated", changed, account)
    deliver(fund, "account.updated", changed, account, event=event)  # the same news again
    deliver(fund, "account.updated", changed, account)  # and Stripe's next, unchanged news
    assert fund.notices(WORKER, "payout_account_changed") == [
        "Benefits Fund: your payouts now go to the card or bank account ending 1881. "
        "Payouts wait 48 hours. Did not ask for this? Text HELP."
    ]
    payout = book_day_off(fund)
    assert run_payouts(fund) == 0 and fund.stripe.transfers == []  # held

    def hold_over(session):
        session.get(Worker, record_worker(session)).payouts_held_until = utcnow()

    run_in_transaction(fund.runtime.sessions, hold_over)
    assert run_payouts(fund) == 1
    assert [t["transfer_group"] for t in fund.stripe.transfers] == [f"payout:{payout}"]
    fund.ledger_is_sound()


def record_worker(session) -> int:
    return session.scalars(select(Worker.id)).one()


def test_a_payout_whose_news_never_came_is_asked_about_a_day_later(fund_with_stripe):
    fund = fund_with_stripe(**STRIPE_PAYOUTS)
    join_with_money(fund)
    account = set_up_account(fund, "bank")
    payout = book_day_off(fund)
    assert run_payouts(fund) == 1
    [sent] = fund.stripe.payouts_of(account)
    fund.stripe.settle_payout(sent["id"], "failed", "no_account")  # its events are all lost
    assert run_payouts(fund) == 0 and record(fund, payout).status == "sent"  # too soon to ask

    def a_day_ago(session):
        session.get(PayoutRecord, record(fund, payout).id).created_at = utcnow() - timedelta(
            days=1, minutes=1
        )

    run_in_transaction(fund.runtime.sessions, a_day_ago)
    assert run_payouts(fund) == 1
    assert record(fund, payout).status == "failed"
    [transfer] = fund.stripe.transfers
    assert transfer["reversed"]  # the money is back at the fund's Stripe balance
    assert len(fund.notices(WORKER, "day_off_voided")) == 1 and money(fund) == (15_000, 15_000)
    assert run_payouts(fund) == 0
    assert "agree" in fund.command("payouts", "reconcile").stdout
    fund.ledger_is_sound()

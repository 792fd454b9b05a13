"""Staff record how and where a day off was paid, see it on the payouts page, and read the
reconciliation of payout records with the ledger."""

from sqlalchemy import select

from bot import ledger
from bot.infra.db import run_in_transaction
from bot.models import PayoutRecord
from tests.bot.dashboard.conftest import post, seed_fund


def test_the_form_records_method_and_reference_and_the_page_shows_them(app, client, sessions):
    fund = seed_fund(sessions)
    paying = post(
        client,
        f"/staff/payouts/{fund.payout_id}/pay",
        {"method": "cash", "reference": " receipt   88 "},
        "/staff/payouts",
    )
    assert paying.status_code == 303
    page = client.get("/staff/payouts").get_data(as_text=True)
    assert "is paid. The worker is being told." in page
    assert "Cash pickup" in page and "receipt 88" in page and "ana@fund.example.org" in page
    with sessions() as session:
        record = session.scalar(select(PayoutRecord))
        assert (record.method, record.reference, record.status) == ("cash", "receipt 88", "paid")
        assert ledger.check(session) == []
    reconcile = client.get("/staff/payouts/reconcile").get_data(as_text=True)
    assert "The payout records, the payout rail and the ledger agree." in reconcile


def test_a_form_without_method_or_reference_is_refused_and_changes_nothing(client, sessions):
    fund = seed_fund(sessions)
    for form in ({}, {"method": "cash"}, {"method": "gold", "reference": "x"}, {"reference": "r"}):
        refused = post(client, f"/staff/payouts/{fund.payout_id}/pay", form, "/staff/payouts")
        assert refused.status_code == 303
        page = client.get("/staff/payouts").get_data(as_text=True)
        assert "Say how it was paid (cash, check, bank, card) and its reference." in page
    with sessions() as session:
        assert session.scalars(select(PayoutRecord)).all() == []
        money = ledger.balance(session, fund.account_id)
        assert (money.posted_cents, money.pending_cents) == (15_000, 12_000)


def test_the_reconcile_page_names_a_day_off_paid_without_a_record(client, sessions):
    fund = seed_fund(sessions)
    run_in_transaction(
        sessions,
        lambda session: ledger.pay_day_off(
            session, key="behind", pending_transfer_id=fund.payout_id
        ),
    )
    page = client.get("/staff/payouts/reconcile").get_data(as_text=True)
    assert "Paid in the ledger, no payout record" in page
    assert f"Day off #{fund.payout_id}" in page

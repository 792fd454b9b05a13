"""The dashboard's money-in page on a fund that charges through Stripe (the fake one): a
household whose card failed every retry stands out, and every difference `collections
reconcile` finds is on the page too."""

import re

from bot.dashboard import accounts
from bot.infra.db import run_in_transaction
from tests.bot.dashboard.conftest import EMAIL, PASSWORD, sign_in
from tests.fake_stripe import _transaction, new_id
from tests.payments.conftest import HOUSEHOLD

STAFF = {"SECRET_KEY": "collections-page-test", "SESSION_COOKIE_SECURE": "false"}


def signed_in(fund):
    run_in_transaction(fund.runtime.sessions, lambda s: accounts.create(s, EMAIL, PASSWORD))
    client = fund.app.test_client()
    assert sign_in(client).status_code == 303
    return client


def test_a_household_that_gave_up_is_highlighted_and_differences_are_listed(fund_with_stripe):
    fund = fund_with_stripe(COLLECT_RETRY_DAYS="0", **STAFF)
    fund.join_and_accept()
    fund.command("collections", "run")
    fund.save_method()
    fund.visits()
    fund.stripe.decline_next("insufficient_funds", times=2)
    fund.command("collections", "run")  # declined at once: a retry is due now
    fund.command("collections", "run")  # declined again, after the last retry
    client = signed_in(fund)
    page = client.get("/staff/collections").get_data(as_text=True)
    [row] = re.findall(r'<tr class="gave-up">(.*?)</tr>', page, re.S)
    assert "Ana" in row and "$15.00" in row and "Declined, retries over" in row
    assert "+1 212•••0199" in row and HOUSEHOLD not in page
    assert "were declined after every retry" in page
    assert "The payment provider and the ledger agree." in page

    stray = _transaction("charge", 900, 56, {"id": new_id("ch"), "object": "charge"})
    fund.stripe.balance.append(stray)
    cli = fund.command("collections", "reconcile", ok=False)
    assert cli.returncode == 1 and "not in the ledger (provider 900, ledger None)" in cli.stdout
    page = client.get("/staff/collections").get_data(as_text=True)
    [card] = re.findall(r'<ul class="cards differences">(.*?)</ul>', page, re.S)
    assert "The provider has it, the ledger does not" in card
    assert stray["source"]["id"] in card and "$9.00" in card
    fund.ledger_is_sound()


def test_the_page_still_shows_who_owes_when_stripe_cannot_be_reached(fund_with_stripe):
    fund = fund_with_stripe(**STAFF)
    fund.join_and_accept()
    fund.visits()
    unreachable = fund_with_stripe(STRIPE_API_BASE_URL="http://127.0.0.1:9", **STAFF)
    client = signed_in(unreachable)
    page = client.get("/staff/collections")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The payment provider could not be reached." in text and "$15.00" in text
    cli = unreachable.command("collections", "reconcile", ok=False)
    assert cli.returncode == 1 and "could not ask the provider" in cli.stderr

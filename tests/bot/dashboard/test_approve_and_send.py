"""With `PAYOUT_APPROVAL=staff` and Stripe Connect, staff approve a day off on the payouts page
and it is sent through the rail: over HTTP, signed in, with the form's CSRF token; who
approved is kept, a double click sends nothing twice, and a day off approved while she has no
payout account is sent by the payout run once she has one."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import ledger
from bot.app import create_app
from bot.dashboard import accounts as staff
from bot.fund import payout_records
from bot.infra.config import Settings
from bot.infra.db import run_in_transaction
from bot.infra.orm import utcnow
from bot.models import OutboundMessage, PayoutApproval, PayoutRecord, Worker
from bot.ops import payout_runs
from bot.payouts_rail.stripe_connect import accounts
from bot.payouts_rail.stripe_connect.models import ConnectAccount
from tests.bot.dashboard.conftest import EMAIL, post, seed_fund, sign_in
from tests.fake_stripe import FakeStripe


@pytest.fixture
def stripe_api():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def app(engine, stripe_api):
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key="test-secret",
        public_base_url="http://localhost",
        payout_provider="stripe",
        payout_approval="staff",
        stripe_secret_key="sk_test_fake",
        stripe_webhook_secret="whsec_test",
        stripe_api_base_url=stripe_api.base_url,
    )
    app = create_app(settings)
    app.extensions["runtime"].print_notices = False
    yield app
    app.extensions["runtime"].close()


def ready_account(sessions, stripe_api, worker_id: int) -> str:
    """Her Express account, onboarded with a Visa debit card that takes instant payouts."""
    _, created = stripe_api.connect_route("POST", "/v1/accounts", {"type": "express"}, None)
    state = stripe_api.onboard(created["id"], "card", instant=True)

    def work(session):
        accounts.setup_link(session, Settings(), worker_id)  # her texted link, made once
        session.get(ConnectAccount, worker_id).account_id = created["id"]
        accounts.record_state(session, state)

    run_in_transaction(sessions, work)
    return created["id"]


def kinds(sessions) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(OutboundMessage.kind).order_by(OutboundMessage.id)))


def test_approve_and_send_keeps_who_approved_and_sends_once(app, client, sessions, stripe_api):
    fund = seed_fund(sessions)
    account = ready_account(sessions, stripe_api, fund.worker_id)
    page = client.get("/staff/payouts").get_data(as_text=True)
    assert "Approve and send" in page and "Paid to: Visa debit card ending 4242" in page
    path = f"/staff/payouts/{fund.payout_id}/approve"
    assert client.post(path).status_code == 400  # no CSRF token: refused, nothing sent
    assert app.test_client().post(path).status_code == 303  # not signed in: to the sign-in
    assert stripe_api.transfers == []

    approved = post(client, path, page="/staff/payouts")
    assert approved.status_code == 303
    page = client.get("/staff/payouts").get_data(as_text=True)
    assert f"Day off #{fund.payout_id} is approved and sent. The worker is being told." in page
    [transfer] = stripe_api.transfers
    assert (transfer["destination"], transfer["amount"]) == (account, 12_000)
    again = post(client, path, page="/staff/payouts")  # a double click, a second staff member
    assert again.status_code == 303
    assert "was already sent. Nothing changed." in client.get("/staff/payouts").get_data(
        as_text=True
    )
    assert len(stripe_api.transfers) == 1 and len(stripe_api.payouts_of(account)) == 1
    with sessions() as session:
        [approval] = session.scalars(select(PayoutApproval)).all()
        assert (approval.transfer_id, approval.staff_email) == (fund.payout_id, EMAIL)
        record = session.scalar(select(PayoutRecord))
        assert (record.status, record.provider) == ("sent", "stripe")
        assert ledger.check(session) == []
    assert kinds(sessions).count("day_off_sent") == 1
    with sessions() as session:
        [shown] = payout_records.recorded(session)
        assert (shown.status, shown.approved_by) == ("sent", EMAIL)


def test_approved_without_her_account_it_waits_and_the_run_sends_it_when_ready(
    app, client, sessions, stripe_api
):
    fund = seed_fund(sessions)
    path = f"/staff/payouts/{fund.payout_id}/approve"
    assert post(client, path, page="/staff/payouts").status_code == 303
    page = client.get("/staff/payouts").get_data(as_text=True)
    assert "is approved. It is sent once her payout account is ready." in page
    assert "No payout account ready yet: she is texted her setup link." in page
    assert f"Approved by {EMAIL}" in page
    assert stripe_api.transfers == [] and kinds(sessions).count("payout_waiting") == 1
    runtime = app.extensions["runtime"]
    assert payout_runs.send_due(runtime) == 0 and kinds(sessions).count("payout_waiting") == 1

    ready_account(sessions, stripe_api, fund.worker_id)
    assert payout_runs.send_due(runtime) == 1  # her approval stands: no second click
    assert [t["transfer_group"] for t in stripe_api.transfers] == [f"payout:{fund.payout_id}"]
    assert payout_runs.send_due(runtime) == 0 and len(stripe_api.transfers) == 1


def test_her_payouts_on_hold_are_not_approved_or_sent(client, sessions, stripe_api):
    fund = seed_fund(sessions)
    ready_account(sessions, stripe_api, fund.worker_id)

    def hold(session):
        session.get(Worker, fund.worker_id).payouts_held_until = utcnow() + timedelta(hours=48)

    run_in_transaction(sessions, hold)
    post(client, f"/staff/payouts/{fund.payout_id}/approve", page="/staff/payouts")
    page = client.get("/staff/payouts").get_data(as_text=True)
    assert "Her payouts are on hold after a change. Nothing was sent." in page
    assert stripe_api.transfers == []
    with sessions() as session:
        assert session.scalars(select(PayoutApproval)).all() == []


@pytest.mark.parametrize(
    "changes", [{"payout_provider": "manual"}, {"payout_approval": "auto"}], ids=str
)
def test_without_staff_approval_of_a_rail_there_is_no_button(engine, stripe_api, changes):
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key="test-secret",
        public_base_url="http://localhost",
        payout_provider="stripe",
        payout_approval="staff",
        stripe_secret_key="sk_test_fake",
        stripe_webhook_secret="whsec_test",
        stripe_api_base_url=stripe_api.base_url,
    )
    app = create_app(replace(settings, **changes))
    try:
        sessions = app.extensions["runtime"].sessions
        run_in_transaction(sessions, lambda s: staff.create(s, EMAIL, "correct horse battery"))
        fund = seed_fund(sessions)
        client = app.test_client()
        assert sign_in(client).status_code == 303
        assert "Approve and send" not in client.get("/staff/payouts").get_data(as_text=True)
        path = f"/staff/payouts/{fund.payout_id}/approve"
        assert post(client, path, page="/staff/payouts").status_code == 404
        assert stripe_api.transfers == []
    finally:
        app.extensions["runtime"].close()

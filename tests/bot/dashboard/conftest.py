"""A dashboard on the test database, a staff account, a signed-in client, and a small fund."""

import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from bot import ledger
from bot.app import create_app
from bot.dashboard import accounts
from bot.fund import membership
from bot.infra.config import Settings
from bot.infra.db import run_in_transaction
from bot.models import Channel, InboundMessage, OutboundMessage, OutboundStatus
from bot.partners import registry

EMAIL = "ana@fund.example.org"
PASSWORD = "correct horse battery"
WORKER_PHONE = "+12125550123"
HOUSEHOLD_PHONE = "+12125550199"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(engine):
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), secret_key="test-secret"
    )
    app = create_app(settings)
    app.extensions["runtime"].print_notices = False
    yield app
    app.extensions["runtime"].close()


@pytest.fixture
def sessions(app):
    return app.extensions["runtime"].sessions


@pytest.fixture
def staff(sessions):
    run_in_transaction(sessions, lambda s: accounts.create(s, EMAIL, PASSWORD))
    return EMAIL


def csrf_token(client, path="/staff/login"):
    page = client.get(path)
    found = CSRF.search(page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)[:500]
    return found.group(1)


def sign_in(client, email=EMAIL, password=PASSWORD, **extra):
    return client.post(
        "/staff/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client), **extra},
    )


@pytest.fixture
def client(app, staff):
    """A test client signed in as the staff member."""
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


PAID_BY_CHECK = {"method": "check", "reference": "check 1042"}


def post(client, path, data=None, page="/staff/"):
    """A form post with the CSRF token a page of the dashboard carries."""
    return client.post(path, data={"csrf_token": csrf_token(client, page), **(data or {})})


@dataclass
class Fund:
    worker_id: int
    account_id: int
    person_id: int
    payout_id: int
    failed_notice_id: int


def seed_fund(sessions, reserve=True) -> Fund:
    """Maria with $150 from a household and a program, a day off reserved, a conversation,
    and one notice Twilio failed to deliver."""

    def work(session):
        worker = membership.enrol_worker(
            session, WORKER_PHONE, time_zone="America/New_York", name="Maria"
        )
        household = membership.enrol_household(
            session, HOUSEHOLD_PHONE, time_zone="America/New_York", name="Ana"
        )
        program = membership.enrol_partner(session, ledger.AccountKind.PROGRAM, "state", "State")
        membership.enrol_partner(session, ledger.AccountKind.PLATFORM, "app", "Cleaning App")
        for key, contributor, cents in (("a", household, 5_000), ("b", program, 10_000)):
            ledger.contribute(
                session,
                key=f"seed:{key}",
                contributor_account_id=contributor.account_id,
                worker_account_id=worker.account_id,
                amount_cents=cents,
            )
        payout_id = 0
        if reserve:
            payout_id = ledger.reserve_day_off(
                session,
                key="seed:reserve",
                worker_account_id=worker.account_id,
                payouts_account_id=membership.payouts_account_id(session),
                amount_cents=12_000,
                day=date(2026, 12, 4),
            ).transfer_id
        session.add(
            InboundMessage(
                message_sid="SM" + "1" * 32,
                person_id=worker.person_id,
                channel=Channel.SMS,
                body="saldo por favor",
                reply="Your balance is $150.00.",
            )
        )
        failed = OutboundMessage(
            person_id=worker.person_id,
            channel=Channel.SMS,
            kind="receipt",
            language="en",
            body="Ana added $50.00. Your balance: $150.00.",
            status=OutboundStatus.FAILED,
            error_code=30003,
            attempts=1,
        )
        session.add(failed)
        session.flush()
        return Fund(worker.id, worker.account_id, worker.person_id, payout_id, failed.id)

    return run_in_transaction(sessions, work)


def outbox(sessions):
    with sessions() as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


@dataclass
class Owing:
    household_id: int
    partner_id: int
    worker_account_id: int


OTHER_HOUSEHOLD = "+12125550188"


def seed_owing(sessions) -> Owing:
    """Rosa, with three $5 visits Ana confirmed and has not paid, a $8 one from Casa Lima,
    and $40 the Cleaning App platform paid her through the API and has not sent yet."""

    def work(session):
        worker = membership.enrol_worker(
            session, "+12125550111", time_zone="America/New_York", name="Rosa"
        )
        ana = membership.enrol_household(
            session, HOUSEHOLD_PHONE, time_zone="America/New_York", name="Ana"
        )
        lima = membership.enrol_household(
            session, OTHER_HOUSEHOLD, time_zone="America/New_York", name="Casa Lima"
        )
        for n, (household, cents) in enumerate(((ana, 500),) * 3 + ((lima, 800),)):
            ledger.pledge(
                session,
                key=f"seed:visit:{n}",
                household_account_id=household.account_id,
                worker_account_id=worker.account_id,
                amount_cents=cents,
            )
        platform = registry.create_partner(session, "Cleaning App", ledger.AccountKind.PLATFORM)
        ledger.contribute(
            session,
            key="seed:platform:job-1",
            contributor_account_id=platform.contributor.account_id,
            worker_account_id=worker.account_id,
            amount_cents=4_000,
        )
        return Owing(ana.id, platform.id, worker.account_id)

    return run_in_transaction(sessions, work)

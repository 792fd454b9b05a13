"""Money out through Stripe Connect (the fake Stripe), as people and Stripe do it: she joins
and books a day off by text, opens her texted setup link, Stripe's signed events arrive, the
payout run and the console command run."""

import re
from datetime import UTC, datetime

from sqlalchemy import select

from bot import ledger
from bot.dashboard import accounts
from bot.fund import membership
from bot.infra.db import run_in_transaction
from bot.models import PayoutRecord
from bot.ops import payout_runs
from bot.payouts_rail.stripe_connect.models import ConnectAccount
from bot.texting.texts import format_day
from tests.bot.dashboard.conftest import EMAIL, PASSWORD, sign_in
from tests.payments.conftest import WORKER, Fund

STRIPE_PAYOUTS = {
    "PAYOUT_PROVIDER": "stripe",
    "PAYOUT_APPROVAL": "auto",
    "DEFAULT_TIME_ZONE": "UTC",
}
SETUP_LINK = re.compile(r"http://localhost/payout/[\w-]+")


def join_with_money(fund: Fund, cents: int = 15_000) -> None:
    """Maria joins by text and a public program adds to her account."""
    for text in ("hi", "1", "yes", "Maria"):
        fund.twilio.text(WORKER, text)

    def work(session):
        worker = membership.find_worker(session, WORKER)
        program = membership.enrol_partner(session, ledger.AccountKind.PROGRAM, "state", "State")
        ledger.contribute(
            session,
            key="seed:program",
            contributor_account_id=program.account_id,
            worker_account_id=worker.account_id,
            amount_cents=cents,
        )

    run_in_transaction(fund.runtime.sessions, work)


def book_day_off(fund: Fund, words: str = "day off today") -> int:
    """She books a day off by text; the reserved day off's id."""
    assert "Reply YES" in fund.twilio.text(WORKER, words)
    assert fund.twilio.text(WORKER, "yes").startswith("Booked:")
    with fund.runtime.sessions() as session:
        worker = membership.find_worker(session, WORKER)
        return session.scalars(
            select(ledger.Transfer.id)
            .where(ledger.Transfer.debit_account_id == worker.account_id)
            .where(ledger.Transfer.kind == ledger.TransferKind.DAY_OFF)
            .order_by(ledger.Transfer.id.desc())
        ).first()


def open_setup_link(fund: Fund, link: str) -> str:
    """She opens the texted link: Stripe's onboarding address it sends her to."""
    opened = fund.app.test_client().get(link.removeprefix("http://localhost"))
    assert opened.status_code == 303, opened.get_data(as_text=True)
    assert opened.headers["Location"].startswith("https://connect.stripe.test/setup/")
    return opened.headers["Location"]


def connected_account(fund: Fund) -> str:
    with fund.runtime.sessions() as session:
        return session.scalars(select(ConnectAccount.account_id)).one()


def set_up_account(fund: Fund, kind: str = "card", instant: bool = True) -> str:
    """Staff text her the link, she opens it and finishes Stripe's onboarding, Stripe says so."""
    fund.command("payouts", "setup-link", WORKER)
    open_setup_link(fund, SETUP_LINK.search(fund.notices(WORKER, "payout_setup")[-1]).group(0))
    account = connected_account(fund)
    _, response = deliver(fund, "account.updated", fund.stripe.onboard(account, kind, instant))
    assert response.status_code == 200 and response.json["applied"], response.json
    return account


def deliver(fund: Fund, kind: str, obj: dict, account: str | None = None, event=None):
    """Stripe posts an event (a connected account's names it), signed as Stripe signs."""
    return fund.deliver(kind, obj, event=event or fund.stripe.event(kind, obj, account))


def run_payouts(fund: Fund) -> int:
    """The hourly payout run, as the worker's clock starts it."""
    moved = payout_runs.send_due(fund.runtime)
    fund.runtime.drain()
    return moved


def record(fund: Fund, transfer_id: int) -> PayoutRecord | None:
    with fund.runtime.sessions() as session:
        return session.scalar(select(PayoutRecord).where(PayoutRecord.transfer_id == transfer_id))


def money(fund: Fund) -> tuple[int, int]:
    """Her balance and what she may spend, as `benefits-bot balance --json` says."""
    balance = fund.balance()
    return balance["balance_cents"], balance["available_cents"]


def day_today() -> str:
    """Today as her texts write it (DEFAULT_TIME_ZONE=UTC)."""
    return format_day(datetime.now(UTC).date(), "en")


def staff_client(fund: Fund):
    """A member of staff, signed in to the dashboard."""
    run_in_transaction(fund.runtime.sessions, lambda s: accounts.create(s, EMAIL, PASSWORD))
    client = fund.app.test_client()
    assert sign_in(client).status_code == 303
    return client


def staff_page(fund: Fund, path: str) -> str:
    return staff_client(fund).get(path).get_data(as_text=True)

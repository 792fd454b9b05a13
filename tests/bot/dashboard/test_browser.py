"""The dashboard in a real browser: Debian's Chromium driven by Playwright.

The real app serves on a free port (a werkzeug server thread) against this run's PostgreSQL
and Redis; RQ jobs run as `benefits-bot worker --burst --simple` would, and notices reach the
fake Twilio. A staff member signs in, pays a day off, and the worker gets the notice. Each
page is kept as a screenshot, at desk and phone sizes, in test-artifacts/dashboard/.
"""

import json
import os
import threading
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rq.serializers import JSONSerializer
from werkzeug.serving import make_server

from bot import ledger
from bot.app import create_app
from bot.channel import outbox
from bot.dashboard import accounts
from bot.fund import membership, reports
from bot.infra.config import Settings
from bot.infra.db import run_in_transaction
from bot.ops.worker import InProcessWorker
from tests.bot.dashboard.conftest import (
    EMAIL,
    HOUSEHOLD_PHONE,
    PASSWORD,
    WORKER_PHONE,
    seed_fund,
    seed_owing,
)
from tests.bot.dashboard.test_approve_and_send import ready_account
from tests.conftest import unavailable
from tests.fake_stripe import FakeStripe, sign
from tests.worker_jobs import conftest as jobs
from worker_jobs import context

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "dashboard"
SIZES = {"desk": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

# The whole-service fixtures of the job tests: PostgreSQL, Redis and a fake Twilio.
fake_twilio = jobs.fake_twilio
service_env = jobs.service_env


@pytest.fixture(scope="module")
def browser(request):
    """Debian's Chromium (apt-get install chromium); Playwright downloads no browser here."""
    if not CHROMIUM.exists():
        unavailable(request.config, f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        unavailable(request.config, "playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture
def stripe_payouts(monkeypatch) -> Iterator[FakeStripe]:
    """Stripe Connect (the fake one) as the rail, each payout approved by staff."""
    fake = FakeStripe().start()
    for name, value in {
        "PAYOUT_PROVIDER": "stripe",
        "PAYOUT_APPROVAL": "staff",
        "STRIPE_SECRET_KEY": "sk_test_fake",
        "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
        "STRIPE_API_BASE_URL": fake.base_url,
    }.items():
        monkeypatch.setenv(name, value)
    yield fake
    fake.stop()


STRIPE_WEBHOOK_SECRET = "whsec_" + "browser" * 4


@pytest.fixture
def live(service_env, monkeypatch) -> Iterator[tuple[str, object]]:
    """The app on a free loopback port; plain http, so the session cookie is not Secure."""
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "false")
    monkeypatch.setenv("SECRET_KEY", "browser-test-secret")
    context.runtime.cache_clear()
    app = create_app(Settings.from_env())
    runtime = app.extensions["runtime"]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", runtime
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    runtime.close()
    if context.runtime.cache_info().currsize:
        context.runtime().close()
    context.runtime.cache_clear()


def run_jobs(runtime) -> None:
    """Every queued job, as `benefits-bot worker --burst --simple` runs them."""
    InProcessWorker(
        ["default", outbox.QUEUE], connection=runtime.redis, serializer=JSONSerializer
    ).work(burst=True)


def seed(runtime):
    """A staff account, Maria with a day off and a half day reserved, and a failed notice."""
    run_in_transaction(runtime.sessions, lambda s: accounts.create(s, EMAIL, PASSWORD))
    fund = seed_fund(runtime.sessions)

    def half_day(session):
        program = membership.enrol_partner(session, ledger.AccountKind.PROGRAM, "state", "State")
        ledger.contribute(
            session,
            key="seed:more",
            contributor_account_id=program.account_id,
            worker_account_id=fund.account_id,
            amount_cents=10_000,
        )
        return ledger.reserve_day_off(
            session,
            key="seed:half",
            worker_account_id=fund.account_id,
            payouts_account_id=membership.payouts_account_id(session),
            amount_cents=6_000,
            day=date(2026, 12, 11),
            portion="half",
        ).transfer_id

    return fund, run_in_transaction(runtime.sessions, half_day)


def shoot(page, name: str, size: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/staff/")
    assert page.url.startswith(f"{base}/staff/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> text=Sign in")
    page.wait_for_url(f"{base}/staff/")


def test_sign_in_pay_a_day_off_and_the_worker_gets_her_notice(browser, live, fake_twilio):
    base, runtime = live
    fund, half_day = seed(runtime)
    desk = browser.new_context(viewport=SIZES["desk"], locale="en-US")
    page = desk.new_page()
    page.goto(f"{base}/staff/login")
    shoot(page, "login", "desk")
    sign_in(page, base)
    assert page.locator("svg.chart rect.bar").count() == 12
    shoot(page, "overview", "desk")

    page.click("nav >> text=Workers")
    shoot(page, "workers", "desk")
    page.click("text=Maria")
    assert "+1 212•••0123" in page.content() and WORKER_PHONE not in page.content()
    shoot(page, "worker", "desk")

    page.click("nav >> text=Payouts")
    shoot(page, "payouts", "desk")
    paying = page.locator(f"form[action$='/payouts/{fund.payout_id}/pay']")
    paying.locator("select[name=method]").select_option("check")
    paying.locator("input[name=reference]").fill("check 1042")
    paying.locator("button").click()
    page.wait_for_selector(".flash-ok")
    assert f"Day off #{fund.payout_id} is paid" in page.content()
    # A double click on the other one: one payment, one notice.
    page.goto(f"{base}/staff/payouts")  # a page without the last flash
    paying = page.locator(f"form[action$='/payouts/{half_day}/pay']")
    paying.locator("select[name=method]").select_option("cash")
    paying.locator("input[name=reference]").fill("receipt 12")
    paying.locator("button").dblclick()
    page.wait_for_selector(".flash")  # a submission has been answered
    page.goto(f"{base}/staff/payouts")
    assert "No days off are waiting to be paid." in page.content()

    page.click("nav >> text=Messages")
    shoot(page, "messages", "desk")
    page.click("text=Send again")
    page.wait_for_selector(".flash-ok")

    run_jobs(runtime)
    texts = [sent.body or "" for sent in fake_twilio.to(WORKER_PHONE)]
    paid = [text for text in texts if "paid" in text.lower()]
    with runtime.sessions() as session:
        notices = [
            (n["kind"], n["status"], n["error_code"]) for n in reports.recent_notices(session)
        ]
    assert len(paid) == 2, (texts, notices)  # the day off and the half day, each once
    assert any("$120.00" in text for text in paid) and any("$60.00" in text for text in paid)
    assert sum("Ana added $50.00" in text for text in texts) == 1  # the resent receipt
    with runtime.sessions() as session:
        assert ledger.balance(session, fund.account_id).posted_cents == 25_000 - 18_000
    desk.close()


def test_every_page_fits_a_phone(browser, live):
    base, runtime = live
    fund, _half_day = seed(runtime)
    seed_owing(runtime.sessions)
    phone = browser.new_context(
        viewport=SIZES["phone"], locale="en-US", is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.goto(f"{base}/staff/login")
    shoot(page, "login", "phone")
    sign_in(page, base)
    for name, path in (
        ("overview", "/staff/"),
        ("workers", "/staff/workers"),
        ("worker", f"/staff/workers/{fund.worker_id}"),
        ("payouts", "/staff/payouts"),
        ("collections", "/staff/collections"),
        ("messages", "/staff/messages"),
    ):
        page.goto(base + path)
        # Nothing wider than the screen: no sideways scrolling on a phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES["phone"]["width"], (path, width)
        shoot(page, name, "phone")
    phone.close()


def test_record_a_households_cash_and_a_partners_transfer(browser, live, fake_twilio):
    base, runtime = live
    run_in_transaction(runtime.sessions, lambda s: accounts.create(s, EMAIL, PASSWORD))
    seed_owing(runtime.sessions)
    desk = browser.new_context(viewport=SIZES["desk"], locale="en-US")
    page = desk.new_page()
    sign_in(page, base)
    page.click("nav >> text=Money in")
    owing = page.locator("table.owing tbody tr")
    assert owing.count() == 3 and "$15.00" in owing.nth(0).inner_text()
    shoot(page, "collections", "desk")

    household = page.locator("form[action$='/collections/households']")
    household.locator("select[name=household]").select_option(label="Ana · $15.00")
    household.locator("input[name=amount]").fill("ten dollars")
    household.locator("input[name=reference]").fill("cash 7")
    household.locator("button").click()
    alert = page.locator("[role=alert]")
    alert.wait_for()
    assert "such as $12.50" in alert.inner_text()
    shoot(page, "collections-error", "desk")
    household = page.locator("form[action$='/collections/households']")
    assert household.locator("input[name=amount]").input_value() == "ten dollars"
    household.locator("input[name=amount]").fill("$10.00")
    household.locator("button").dblclick()  # a double click records it once
    page.wait_for_selector(".flash")
    page.goto(f"{base}/staff/collections")
    assert "$5.00" in page.locator("table.owing tbody tr").nth(0).inner_text()

    partner = page.locator("form[action$='/collections/partners']")
    partner.locator("select[name=partner]").select_option(label="Cleaning App · owes $40.00")
    partner.locator("input[name=amount]").fill("40")
    partner.locator("input[name=reference]").fill("ACH 881")
    partner.locator("button").click()
    page.wait_for_selector(".flash-ok")
    assert "$40.00 from Cleaning App is recorded as received." in page.content()
    assert "Cleaning App" not in page.locator("table.owing").inner_text()

    run_jobs(runtime)
    receipts = [sent.body for sent in fake_twilio.to(HOUSEHOLD_PHONE)]
    assert receipts == ["Benefits Fund: $10.00 received for the visits you confirmed. Thank you!"]


def test_approve_and_send_a_day_off_through_stripe_and_she_hears_it_left_and_landed(
    browser, stripe_payouts, live, fake_twilio
):
    base, runtime = live
    fund, _half_day = seed(runtime)
    account = ready_account(runtime.sessions, stripe_payouts, fund.worker_id)
    desk = browser.new_context(viewport=SIZES["desk"], locale="en-US")
    page = desk.new_page()
    sign_in(page, base)
    page.click("nav >> text=Payouts")
    assert "Paid to: Visa debit card ending 4242, instant payouts" in page.content()
    shoot(page, "payouts-approve", "desk")
    approving = page.locator(f"form[action$='/payouts/{fund.payout_id}/approve']")
    approving.locator("button").dblclick()  # a double click sends it once
    page.wait_for_selector(".flash")
    page.goto(f"{base}/staff/payouts")
    assert f"Approved by {EMAIL}" in page.content()
    assert "The payout rail is paying it" in page.content()  # no buttons while it is sent
    assert page.locator(f"form[action$='/payouts/{fund.payout_id}/approve']").count() == 0
    shoot(page, "payouts-sent", "desk")
    assert len(stripe_payouts.transfers) == 1
    [sent] = stripe_payouts.payouts_of(account)

    landed = stripe_payouts.settle_payout(sent["id"], "paid")
    event = stripe_payouts.event("payout.paid", landed, account)
    body = json.dumps(event).encode()
    request = urllib.request.Request(  # Stripe posts its event to the running app
        f"{base}/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": sign(body, STRIPE_WEBHOOK_SECRET)},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert json.loads(answer.read()) == {"applied": True}
    run_jobs(runtime)
    texts = [message.body or "" for message in fake_twilio.to(WORKER_PHONE)]
    assert sum("The fund sent $120.00 for your day off" in text for text in texts) == 1
    assert sum("is paid: $120.00" in text for text in texts) == 1
    with runtime.sessions() as session:
        assert ledger.check(session) == []
    desk.close()

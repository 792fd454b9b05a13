"""Monthly premiums, low-balance warnings and statements: right once, unchanged the second time."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot import ledger
from bot.app import create_app
from bot.fund import insurance, membership
from bot.infra.config import Settings
from bot.infra.db import run_in_transaction
from bot.infra.orm import replaying_at
from bot.infra.runtime import Runtime
from bot.models import (
    CoverStatus,
    Employment,
    InsuranceCover,
    OutboundMessage,
    Visit,
    VisitReporter,
    VisitStatus,
)
from bot.ops import clock, monthly
from tests.bot.webhook_client import Twilio

PERIOD = monthly.period_of(datetime.now(UTC))
RICH, POOR, UNASKED = "+12125550123", "+12125550124", "+12125550125"
LAST_MONTH = datetime.now(UTC).replace(day=1) - timedelta(days=3)


@pytest.fixture
def runtime(engine):
    runtime = Runtime(Settings(database_url=engine.url.render_as_string(hide_password=False)))
    runtime.print_notices = False
    yield runtime
    runtime.close()


@pytest.fixture
def workers(runtime):
    def work(session):
        program = membership.enrol_partner(session, ledger.AccountKind.PROGRAM, "state", "State")
        accounts = {}
        for phone, cents in ((RICH, 20_000), (POOR, 700), (UNASKED, 20_000)):
            worker = membership.enrol_worker(session, phone, time_zone="America/New_York", name="W")
            ledger.contribute(
                session,
                key=f"seed:{phone}",
                contributor_account_id=program.account_id,
                worker_account_id=worker.account_id,
                amount_cents=cents,
            )
            accounts[phone] = worker.account_id
            if phone != UNASKED:  # she said YES to both products last month, by text
                for product in ("life", "disability"):
                    consented(session, worker.id, product, LAST_MONTH)
        return accounts

    return run_in_transaction(runtime.sessions, work)


def consented(session, worker_id, product, when):
    """Her YES to a product, as her text records it, at a given moment."""
    with replaying_at(when):
        assert insurance.give(session, worker_id, product, f"SM{worker_id}{product}")


def snapshot(runtime):
    with runtime.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(ledger.Transfer)),
            session.scalar(select(func.count()).select_from(InsuranceCover)),
            [
                (n.kind, n.body)
                for n in session.scalars(select(OutboundMessage).order_by(OutboundMessage.id))
            ],
        )


def test_premiums_are_charged_once_a_month(runtime, workers):
    assert monthly.charge_premiums(runtime, PERIOD) == 2
    runtime.drain()
    first = snapshot(runtime)
    assert monthly.charge_premiums(runtime, PERIOD) == 0
    runtime.drain()
    assert snapshot(runtime) == first
    with runtime.sessions() as session:
        assert ledger.balance(session, workers[RICH]).posted_cents == 20_000 - 1_500
        # $7: life ($5) is paid, disability ($10) is not; never below zero.
        assert ledger.balance(session, workers[POOR]).posted_cents == 200
        covers = {(c.product, c.status) for c in session.scalars(select(InsuranceCover))}
        assert covers == {
            ("life", CoverStatus.COVERED),
            ("disability", CoverStatus.COVERED),
            ("disability", CoverStatus.LAPSED),
        }
        # She never said YES: nothing is taken, and she is told nothing about insurance.
        assert ledger.balance(session, workers[UNASKED]).posted_cents == 20_000
        assert ledger.check(session) == []
    kinds = [kind for kind, _ in first[2]]
    assert sorted(kinds) == ["insurance_lapsed", "premium_paid", "premium_paid"]
    monthly.send_statements(runtime, PERIOD)
    runtime.drain()
    statements = [body for kind, body in snapshot(runtime)[2] if kind == "statement"]
    # What was taken, for what she chose, and what her balance still pays.
    assert any(
        "Of that, $15.00 paid the insurance you chose: life, disability." in body
        and "That pays 1 day off and a half day." in body
        for body in statements
    )
    assert any("insurance" not in body for body in statements)  # the worker who chose none
    assert any("$15.00 paid" in body and "life, disability" in body for _, body in first[2])


def test_low_balance_warnings_and_statements_once(runtime, workers):
    monthly.warn_low_balances(runtime, PERIOD)
    monthly.send_statements(runtime, monthly.previous_period(PERIOD))  # they joined this month
    monthly.send_statements(runtime, PERIOD)
    runtime.drain()
    first = snapshot(runtime)
    kinds = sorted(kind for kind, _ in first[2])
    # Each worker who chose insurance hears before its first premium; the one who did not,
    # only her statement.
    assert kinds == [
        "insurance_low",
        "premium_soon",
        "premium_soon",
        "statement",
        "statement",
        "statement",
    ]
    soon = next(body for kind, body in first[2] if kind == "premium_soon")
    assert "$15.00 for life, disability insurance" in soon and "DROP" in soon
    monthly.warn_low_balances(runtime, PERIOD)
    monthly.send_statements(runtime, PERIOD)
    runtime.drain()
    assert snapshot(runtime) == first
    statement = next(body for kind, body in first[2] if kind == "statement" and "$200.00" in body)
    assert "$200.00 added, $0.00 used" in statement


def test_the_clock_runs_each_monthly_job_once_per_period(runtime, workers):
    first_of_month = datetime(2026, 12, 1, 9, tzinfo=UTC)
    started = clock.tick(runtime, now=first_of_month)
    assert "premiums-2026-12" in started and "statements-2026-11" in started
    assert not any(job.startswith("low-balance") for job in started)
    late = clock.tick(runtime, now=datetime(2026, 12, 27, tzinfo=UTC))
    assert "low-balance-2026-12" in late
    runtime.drain()
    before = snapshot(runtime)
    clock.tick(runtime, now=first_of_month)
    runtime.drain()
    assert snapshot(runtime) == before


def test_the_balance_reply_shows_the_insurance_in_force(runtime, workers):
    monthly.charge_premiums(runtime, PERIOD)
    runtime.drain()
    app = create_app(runtime.settings)
    app.extensions["runtime"].print_notices = False
    try:
        reply = Twilio(app).text(RICH, "balance")
    finally:
        app.extensions["runtime"].close()
    assert "Insured: life, disability." in reply


def test_visit_questions_left_a_week_expire(runtime, workers):
    def visit(session):
        worker = membership.find_worker(session, RICH)
        household = membership.enrol_household(
            session, "+12125550199", time_zone="America/New_York"
        )
        employment = Employment(
            worker_id=worker.id, household_id=household.id, amount_per_visit_cents=500
        )
        session.add(employment)
        session.flush()
        old = Visit(
            employment_id=employment.id,
            visit_date=datetime.now(UTC).date(),
            reported_by=VisitReporter.WORKER,
        )
        fresh = Visit(
            employment_id=employment.id,
            visit_date=datetime.now(UTC).date(),
            reported_by=VisitReporter.WORKER,
        )
        session.add_all([old, fresh])
        session.flush()
        old.created_at = datetime.now(UTC) - timedelta(days=8)
        return old.id, fresh.id

    old, fresh = run_in_transaction(runtime.sessions, visit)
    started = clock.tick(runtime)  # no Redis: the clock closes them itself, this tick
    assert any(job.startswith("stale-visits-") for job in started), started
    assert any(job.startswith("visit-prompts-") for job in started), started
    assert monthly.expire_stale_visits(runtime) == 0
    with runtime.sessions() as session:
        assert session.get(Visit, old).status == VisitStatus.EXPIRED
        assert session.get(Visit, fresh).status == VisitStatus.REPORTED


def test_a_household_on_a_schedule_is_asked_once_on_its_day(runtime, workers):
    app = create_app(runtime.settings)
    app.extensions["runtime"].print_notices = False
    twilio = Twilio(app)
    try:
        for text in ("add 212 555 0199 Ana",):
            twilio.text(RICH, text)
        twilio.text("+12125550199", "yes")
        assert "Every Tuesday I will ask you to confirm $5.00 for W" in twilio.text(
            "+12125550199", "every tuesday"
        )
        assert "Text EVERY" in twilio.text("+12125550199", "every blue moon")
    finally:
        app.extensions["runtime"].close()
    tuesday_evening = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 18:30 in New York
    monday_evening = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    tuesday_morning = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert monthly.prompt_scheduled_visits(runtime, now=monday_evening) == 0
    assert monthly.prompt_scheduled_visits(runtime, now=tuesday_morning) == 0
    assert monthly.prompt_scheduled_visits(runtime, now=tuesday_evening) == 1
    assert monthly.prompt_scheduled_visits(runtime, now=tuesday_evening + timedelta(hours=1)) == 0
    runtime.drain()
    with runtime.sessions() as session:
        visits = list(session.scalars(select(Visit)))
        assert [(v.visit_date.isoformat(), v.reported_by) for v in visits] == [
            ("2026-12-01", "schedule")
        ]
        prompts = [n for n in session.scalars(select(OutboundMessage)) if n.kind == "visit_prompt"]
        assert len(prompts) == 1 and "on Tue Dec 1" in prompts[0].body


def test_no_premium_without_her_yes_before_the_month(runtime, workers):
    """Her YES this month starts next month; a stopped product is not charged; without any
    YES nothing is taken at all, whatever her balance."""

    def choose_and_stop(session):
        unasked = membership.find_worker(session, UNASKED)
        assert insurance.give(session, unasked.id, "life", "SMtoday")  # this month
        rich = membership.find_worker(session, RICH)
        assert insurance.stop(session, rich.id, "disability", "SMstop")

    run_in_transaction(runtime.sessions, choose_and_stop)
    monthly.charge_premiums(runtime, PERIOD)
    runtime.drain()
    with runtime.sessions() as session:
        assert ledger.balance(session, workers[UNASKED]).posted_cents == 20_000
        assert ledger.balance(session, workers[RICH]).posted_cents == 20_000 - 500
        assert ledger.check(session) == []
    next_month = monthly.next_period(PERIOD)
    monthly.charge_premiums(runtime, next_month)
    with runtime.sessions() as session:
        assert ledger.balance(session, workers[UNASKED]).posted_cents == 20_000 - 500
        assert ledger.balance(session, workers[RICH]).posted_cents == 20_000 - 1_000
        assert ledger.check(session) == []


def test_the_statement_counts_what_balance_counts_as_available(runtime, workers):
    """Pledges households have not paid yet: the fund advances up to a day off of them, in
    her statement as in her BALANCE reply, and neither says she has less than nothing."""

    def pledged_and_spent(session):
        household = membership.enrol_household(session, "+13125550100", time_zone="UTC")
        ledger.pledge(
            session,
            key="visit:owed",
            household_account_id=household.account_id,
            worker_account_id=workers[UNASKED],
            amount_cents=9_000,
        )

    run_in_transaction(runtime.sessions, pledged_and_spent)
    monthly.send_statements(runtime, PERIOD)
    runtime.drain()
    with runtime.sessions() as session:
        money = ledger.balance(
            session, workers[UNASKED], runtime.settings.advance_uncollected_cents
        )
    bodies = [body for kind, body in snapshot(runtime)[2] if kind == "statement"]
    statement = next(body for body in bodies if "$290.00" in body)
    available = f"${money.available_cents // 100:,}.{money.available_cents % 100:02d} available"
    assert money.available_cents == 29_000 and available in statement
    app = create_app(runtime.settings)
    try:
        assert available in Twilio(app).text(UNASKED, "balance")
    finally:
        app.extensions["runtime"].close()

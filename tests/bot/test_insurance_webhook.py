"""Insurance by consent and a missed day claimed, through the signed webhook: her YES is
recorded with the message that gave it, premiums wait for it, and every message delivered
twice at once (a Twilio retry, or two texts) has one effect, on PostgreSQL."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot import ledger
from bot.fund import insurance, membership
from bot.infra.db import run_in_transaction
from bot.models import (
    ConsentStatus,
    InboundMessage,
    InsuranceConsent,
    OutboundMessage,
)
from bot.ops import insurance_offers, monthly
from bot.texting.texts import format_day
from tests.bot.webhook_client import Twilio, new_sid

WORKER = "+12125550123"
HOUSEHOLD = "+12125550199"
ZONE = ZoneInfo("America/New_York")


def runtime(app):
    return app.extensions["runtime"]


def worker_with_a_household(twilio):
    for text in ("hi", "1", "yes", "Maria", f"ADD {HOUSEHOLD} Ana"):
        twilio.text(WORKER, text)
    twilio.text(HOUSEHOLD, "yes")


def first_contribution(twilio):
    """Her first money, and the clock's offer that follows it."""
    twilio.text(WORKER, "done")
    twilio.text(HOUSEHOLD, "yes")
    assert insurance_offers.offer_after_first_contribution(twilio.app.extensions["runtime"]) == 1


def seed(app, cents):
    """Money in her account from a program, as a partner would add it."""

    def work(session):
        program = membership.enrol_partner(session, ledger.AccountKind.PROGRAM, "state", "State")
        ledger.contribute(
            session,
            key=f"seed:{cents}:{new_sid()}",
            contributor_account_id=program.account_id,
            worker_account_id=membership.find_worker(session, WORKER).account_id,
            amount_cents=cents,
        )

    run_in_transaction(runtime(app).sessions, work)


def too_old():
    """A day twelve days back, beyond the fund's seven."""
    return (datetime.now(ZONE).date() - timedelta(days=12)).strftime("%m/%d/%Y")


def ledger_is_clean(app):
    with runtime(app).sessions() as session:
        assert ledger.check(session) == []


def consents(app):
    with runtime(app).sessions() as session:
        return [
            (c.product, c.status, c.given_message_sid, c.stopped_message_sid)
            for c in session.scalars(select(InsuranceConsent).order_by(InsuranceConsent.id))
        ]


def balance(app):
    with runtime(app).sessions() as session:
        worker = membership.find_worker(session, WORKER)
        return ledger.balance(session, worker.account_id)


def test_the_offer_comes_after_her_first_contribution_and_her_yes_is_kept_with_its_text(
    app, twilio
):
    worker_with_a_household(twilio)
    first_contribution(twilio)
    with runtime(app).sessions() as session:
        offers = list(
            session.scalars(
                select(OutboundMessage.body).where(OutboundMessage.kind == "insurance_offer")
            )
        )
    assert len(offers) == 1  # once: the next run offers her nothing again
    assert insurance_offers.offer_after_first_contribution(runtime(app)) == 0
    assert "1 life, $5.00/month: pays your family if you die" in offers[0]
    assert "\n2 disability, $10.00/month" in offers[0] and "DROP" in offers[0]
    sid = new_sid()
    reply = twilio.text(WORKER, "yes 1", sid=sid)
    assert "You chose life insurance: $5.00 a month, first taken on" in reply
    assert consents(app) == [("life", ConsentStatus.GIVEN, sid, None)]
    with runtime(app).sessions() as session:
        said = session.scalar(select(InboundMessage.body).where(InboundMessage.message_sid == sid))
    assert said == "yes 1"
    assert "You already have life insurance" in twilio.text(WORKER, "yes 1")
    # Nothing is taken in the month she said YES; the next month, only what she chose.
    this_month = monthly.period_of(datetime.now(UTC))
    monthly.charge_premiums(runtime(app), this_month)
    assert balance(app).posted_cents == 500
    monthly.charge_premiums(runtime(app), monthly.next_period(this_month))
    assert balance(app).posted_cents == 0
    history = twilio.text(WORKER, "history")
    assert "\n" in history and "insurance premium" in history
    stop_sid = new_sid()
    assert "life insurance stopped" in twilio.text(WORKER, "drop", sid=stop_sid).casefold()
    assert consents(app) == [("life", ConsentStatus.STOPPED, sid, stop_sid)]
    ledger_is_clean(app)


def test_insurance_and_why_did_you_take_are_answered(twilio):
    worker_with_a_household(twilio)
    assert "1 life, $5.00/month" in twilio.text(WORKER, "INSURANCE")
    assert "2 disability" in twilio.text(WORKER, "why did you take $15")
    assert "no insurance" in twilio.text(WORKER, "no").casefold()
    assert "There is no question open" in twilio.text(WORKER, "yes 2")


def test_a_household_sees_what_it_gave_this_year(twilio):
    worker_with_a_household(twilio)
    first_contribution(twilio)
    year = datetime.now(ZONE).year
    assert f"You added in {year}: Maria $5.00" in twilio.text(HOUSEHOLD, "history")


def test_a_missed_day_is_reserved_and_its_history_line_shows_the_day_of_the_visit(app, twilio):
    worker_with_a_household(twilio)
    seed(app, 20_000)
    yesterday = datetime.now(ZONE).date() - timedelta(days=1)
    assert "a day you missed: $120.00" in twilio.text(WORKER, "I was sick yesterday")
    assert "Booked" in twilio.text(WORKER, "yes")
    assert balance(app).pending_cents == 12_000
    assert "already claimed" in twilio.text(WORKER, "I was sick yesterday")
    assert "too long ago" in twilio.text(WORKER, f"sick {too_old()}")
    twilio.text(WORKER, f"done {yesterday.strftime('%m/%d')}")
    twilio.text(HOUSEHOLD, "yes")
    lines = twilio.text(WORKER, "history").splitlines()
    # The day of the visit (yesterday), not the day the money was posted: after today's.
    assert lines[1].startswith(f"{format_day(yesterday + timedelta(days=1), 'en')} +$200.00")
    assert lines[2] == f"{format_day(yesterday, 'en')} +$5.00 Ana"
    ledger_is_clean(app)


def test_a_whole_missed_day_a_household_confirmed_she_worked_is_refused(app, twilio):
    worker_with_a_household(twilio)
    seed(app, 20_000)
    twilio.text(WORKER, "done yesterday")
    twilio.text(HOUSEHOLD, "yes")
    refused = twilio.text(WORKER, "I was sick yesterday")
    assert refused.startswith("A household confirmed you worked on ")
    assert "Text HALF DAY and the day" in refused
    twilio.text(WORKER, "yes")  # no question was open: nothing is booked
    assert balance(app).pending_cents == 0
    assert "half a day you missed: $60.00" in twilio.text(WORKER, "half day yesterday")
    ledger_is_clean(app)


# -- Each message twice at once, on PostgreSQL --------------------------------------------


def at_once(app, forms):
    """Post the forms at the same moment, each from its own client; the replies."""
    barrier = threading.Barrier(len(forms))
    replies, errors = [None] * len(forms), []

    def deliver(n, form):
        client = Twilio(app)
        barrier.wait()
        try:
            response = client.post(form)
            assert response.status_code == 200
            replies[n] = response.get_data(as_text=True)
        except Exception as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=deliver, args=pair) for pair in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return replies


def twice(app, twilio, body, same_sid):
    """One text delivered twice at once: a Twilio retry (one MessageSid), or sent twice."""
    first = twilio.form(WORKER, body)
    second = dict(first) if same_sid else twilio.form(WORKER, body)
    replies = at_once(app, [first, second])
    if same_sid:
        assert replies[0] == replies[1]
    return replies


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
@pytest.mark.parametrize("same_sid", [True, False], ids=["retry", "sent twice"])
def test_each_consent_message_twice_at_once_has_one_effect(app, twilio, same_sid):
    worker_with_a_household(twilio)
    twice(app, twilio, "yes 1", same_sid)  # no offer open: nothing recorded
    assert consents(app) == []
    first_contribution(twilio)
    replies = twice(app, twilio, "yes 2", same_sid)
    # A retry gets the first answer again; a second text is told she has it already.
    assert "You chose disability" in replies[0] + replies[1]
    if not same_sid:
        assert sum("You already have disability" in r for r in replies) == 1
    assert [c[:2] for c in consents(app)] == [("disability", ConsentStatus.GIVEN)]
    twice(app, twilio, "drop 2", same_sid)
    assert [c[:2] for c in consents(app)] == [("disability", ConsentStatus.STOPPED)]
    ledger_is_clean(app)


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
@pytest.mark.parametrize("same_sid", [True, False], ids=["retry", "sent twice"])
def test_each_missed_day_message_twice_at_once_reserves_once(app, twilio, same_sid):
    worker_with_a_household(twilio)
    seed(app, 5_000)
    replies = twice(app, twilio, "I was sick yesterday", same_sid)  # she cannot afford it
    assert all("you have $50.00 available" in r for r in replies)
    seed(app, 15_000)
    replies = twice(app, twilio, f"sick {too_old()}", same_sid)
    assert all("too long ago" in r for r in replies)
    twilio.text(WORKER, "I was sick yesterday")
    replies = twice(app, twilio, "yes", same_sid)
    assert sum("Booked" in r for r in replies) == (2 if same_sid else 1)
    assert balance(app).pending_cents == 12_000
    twice(app, twilio, "I was sick yesterday", same_sid)  # already claimed
    with runtime(app).sessions() as session:
        reserved = session.scalar(
            select(func.count()).where(ledger.Transfer.kind == ledger.TransferKind.DAY_OFF)
        )
    assert reserved == 1
    assert balance(app).available_cents == 20_000 - 12_000
    ledger_is_clean(app)


def test_a_worker_never_offered_has_no_consent_and_pays_nothing(app, twilio):
    worker_with_a_household(twilio)
    seed(app, 20_000)
    with runtime(app).sessions() as session:
        worker = membership.find_worker(session, WORKER)
        assert insurance.held(session, worker.id) == {}
    period = monthly.period_of(datetime.now(UTC))
    monthly.charge_premiums(runtime(app), monthly.next_period(period))
    assert balance(app).posted_cents == 20_000
    ledger_is_clean(app)


def test_the_offer_follows_her_first_money_whoever_added_it_and_only_then(app, twilio):
    worker_with_a_household(twilio)
    assert insurance_offers.offer_after_first_contribution(runtime(app)) == 0  # no money yet
    seed(app, 2_500)  # a program's jump-start
    assert insurance_offers.offer_after_first_contribution(runtime(app)) == 1
    assert insurance_offers.offer_after_first_contribution(runtime(app)) == 0
    assert "You chose disability insurance" in twilio.text(WORKER, "yes 2")

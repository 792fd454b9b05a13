"""Through the signed webhook, on the database: half a missed day claimed after the fact
(reserved, then paid or voided, never twice, never beyond her money), a lone YES, DONE for a
visit already confirmed or paid, and a household's "yes to all" and amount in words."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot import ledger
from bot.fund import payouts
from bot.fund.membership import find_person
from bot.infra.db import run_in_transaction
from bot.ledger import AccountKind
from bot.models import Contributor
from bot.payments import collections
from bot.texting.texts import format_day
from tests.bot.test_insurance_webhook import (
    HOUSEHOLD,
    WORKER,
    balance,
    ledger_is_clean,
    runtime,
    seed,
    twice,
    worker_with_a_household,
)

ZONE = ZoneInfo("America/New_York")


def yesterday() -> str:
    return format_day(datetime.now(ZONE).date() - timedelta(days=1), "en")


def reservations(app) -> list[ledger.Transfer]:
    with runtime(app).sessions() as session:
        return list(
            session.scalars(
                select(ledger.Transfer).where(ledger.Transfer.kind == ledger.TransferKind.DAY_OFF)
            )
        )


def test_half_a_missed_day_is_reserved_then_paid(app, twilio):
    worker_with_a_household(twilio)
    seed(app, 20_000)
    asked = twilio.text(WORKER, "I was sick yesterday morning")
    assert f"Paid half day off for {yesterday()}, half a day you missed: $60.00" in asked
    assert "Booked: half day" in twilio.text(WORKER, "yes")
    assert balance(app).pending_cents == 6_000
    assert "already claimed" in twilio.text(WORKER, "half day yesterday I was sick")
    assert "already claimed" in twilio.text(WORKER, "I was sick yesterday")
    [reserved] = reservations(app)
    assert reserved.memo["portion"] == "half"
    how = payouts.HowPaid("cash", "receipt 12", "cli")
    run_in_transaction(runtime(app).sessions, lambda s: payouts.pay(s, reserved.id, how))
    assert balance(app).posted_cents == 20_000 - 6_000
    assert "already claimed" in twilio.text(WORKER, "sick yesterday afternoon")
    ledger_is_clean(app)


def test_half_a_missed_day_voided_is_hers_again_and_can_be_claimed_again(app, twilio):
    worker_with_a_household(twilio)
    seed(app, 7_000)
    twilio.text(WORKER, "half day yesterday I was sick")
    twilio.text(WORKER, "yes")
    [reserved] = reservations(app)
    run_in_transaction(runtime(app).sessions, lambda s: payouts.void(s, reserved.id, "test"))
    assert balance(app).available_cents == 7_000
    assert "half a day you missed" in twilio.text(WORKER, "half day yesterday I was sick")
    ledger_is_clean(app)


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
@pytest.mark.parametrize("same_sid", [True, False], ids=["retry", "sent twice"])
def test_each_half_day_claim_twice_at_once_reserves_once_and_never_overdraws(
    app, twilio, same_sid
):
    worker_with_a_household(twilio)
    seed(app, 5_000)
    replies = twice(app, twilio, "I was sick yesterday morning", same_sid)
    assert all("A half day off needs $60.00 and you have $50.00" in r for r in replies)
    seed(app, 2_000)  # $70.00: one half day, not two
    twilio.text(WORKER, "I was sick yesterday morning")
    replies = twice(app, twilio, "yes", same_sid)
    assert sum("Booked: half day" in r for r in replies) == (2 if same_sid else 1)
    twice(app, twilio, "half day yesterday I was sick", same_sid)  # already claimed
    with runtime(app).sessions() as session:
        count = select(func.count()).where(ledger.Transfer.kind == ledger.TransferKind.DAY_OFF)
        assert session.scalar(count) == 1
    assert balance(app).available_cents == 7_000 - 6_000
    ledger_is_clean(app)


def test_a_lone_yes_is_told_no_question_waits(app, twilio):
    worker_with_a_household(twilio)
    for text in ("yes", "ok yes", "si", "no"):
        assert "There is no question waiting for a" in twilio.text(WORKER, text)
    assert "Reply with a number" not in twilio.text(WORKER, "yes")  # never the numbered menu


def record_payment(app, cents: int) -> None:
    def work(session):
        person = find_person(session, HOUSEHOLD)
        household = session.scalar(
            select(Contributor).where(
                Contributor.person_id == person.id, Contributor.kind == AccountKind.HOUSEHOLD
            )
        )
        collections.record_payment(session, household, cents, "check 7", key="payment:test")

    run_in_transaction(runtime(app).sessions, work)


def test_done_for_a_visit_confirmed_then_paid_says_so(app, twilio):
    worker_with_a_household(twilio)
    twilio.text(WORKER, "done")
    assert "Ana was already asked about" in twilio.text(WORKER, "done")
    twilio.text(HOUSEHOLD, "yes")
    today = format_day(datetime.now(ZONE).date(), "en")
    assert twilio.text(WORKER, "done") == f"Ana already confirmed $5.00 for {today}."
    record_payment(app, 500)
    assert twilio.text(WORKER, "done") == f"Ana already confirmed and paid $5.00 for {today}."
    ledger_is_clean(app)


def test_yes_to_all_and_an_amount_in_words(app, twilio):
    worker_with_a_household(twilio)
    twilio.text(WORKER, "done yesterday")
    twilio.text(WORKER, "done")
    reply = twilio.text(HOUSEHOLD, "si a todos")
    assert reply == "¡Gracias! Se agregaron $10.00 a los beneficios de Maria por 2 visitas."
    assert balance(app).posted_cents == 1_000
    twilio.text(WORKER, "done 2 days ago")
    assert "$7.50" in twilio.text(HOUSEHOLD, "siete cincuenta")
    assert balance(app).posted_cents == 1_750
    ledger_is_clean(app)

"""A day off sent through a payout rail: on the day itself with PAYOUT_APPROVAL=auto, told to
her when it leaves and when it lands, never sent twice when an answer is lost, and given back
to her balance when it fails after it was sent. `ledger check` is clean after each."""

import logging
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot import ledger
from bot.fund import membership, payout_records, payout_sending
from bot.infra.config import Settings
from bot.infra.db import run_in_transaction
from bot.infra.orm import utcnow
from bot.infra.runtime import Runtime
from bot.models import OutboundMessage, PayoutRecord, PayoutStatus, Worker
from bot.ops import payout_runs
from bot.payouts_rail.interfaces import RailAnswer, RailOutcome
from bot.payouts_rail.services import ManualPayouts
from tests.fake_payout_rail import FakePayoutRail
from tests.readme import command_environment, run_command

PHONE = "+12125550123"
TODAY = date.today()


@pytest.fixture
def runtime(engine):
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        payout_approval="auto",
        default_time_zone="UTC",
    )
    runtime = Runtime(settings)
    runtime.print_notices = False
    yield runtime
    runtime.close()


def reserve(runtime, day=TODAY, half=False):
    """Maria (Spanish) with $150 and a day off reserved; returns (account, transfer id)."""

    def work(session):
        worker = membership.enrol_worker(session, PHONE, time_zone="UTC", name="Maria")
        worker.person.language = "es"
        program = membership.enrol_partner(session, ledger.AccountKind.PROGRAM, "state", "State")
        ledger.contribute(
            session,
            key=f"seed:{day}",
            contributor_account_id=program.account_id,
            worker_account_id=worker.account_id,
            amount_cents=15_000,
        )
        return worker.account_id, ledger.reserve_day_off(
            session,
            key=f"reserve:{day}",
            worker_account_id=worker.account_id,
            payouts_account_id=membership.payouts_account_id(session),
            amount_cents=6_000 if half else 12_000,
            day=day,
            portion="half" if half else "full",
        ).transfer_id

    return run_in_transaction(runtime.sessions, work)


def state(runtime, transfer_id):
    with runtime.sessions() as session:
        record = session.scalar(select(PayoutRecord).where(PayoutRecord.transfer_id == transfer_id))
        kinds = [n.kind for n in session.scalars(select(OutboundMessage).order_by("id"))]
        assert ledger.check(session) == []
        return (record.status if record else None), kinds


def money(runtime, account):
    with runtime.sessions() as session:
        balance = ledger.balance(session, account)
        return balance.posted_cents, balance.pending_cents, balance.available_cents


def event(runtime, transfer_id, outcome, failure=None):
    """What a rail's webhook does with an event: settle the payout it names, once."""
    answer = RailAnswer(outcome, provider_ref=f"po_{transfer_id}", failure=failure)
    return run_in_transaction(
        runtime.sessions, lambda session: payout_sending.settle(session, transfer_id, answer)
    )


def test_on_the_day_it_is_sent_she_is_told_then_it_lands_once(runtime):
    account, payout = reserve(runtime)
    later_account, later = reserve(runtime, day=TODAY + timedelta(days=3))
    rail = FakePayoutRail()
    assert payout_runs.send_due(runtime, "p1", rail) == 1
    assert rail.starts == [f"payout:{payout}"]  # the later day off waits for its day
    assert state(runtime, payout) == ("sent", ["day_off_sent"])
    with runtime.sessions() as session:
        sent = session.scalars(select(OutboundMessage)).one()
        assert "El fondo ha enviado $120.00" in sent.body and sent.language == "es"
    assert payout_runs.send_due(runtime, "p1", rail) == 0 and len(rail.starts) == 1
    landed = event(runtime, payout, RailOutcome.PAID)
    assert landed.status is PayoutStatus.PAID
    assert state(runtime, payout) == ("paid", ["day_off_sent", "day_off_paid"])
    assert event(runtime, payout, RailOutcome.PAID).outbox_ids == ()  # once
    assert event(runtime, payout, RailOutcome.FAILED).outbox_ids == ()  # the first answer stands
    assert money(runtime, account) == (18_000, 12_000, 6_000)  # $300 in, $120 paid, one waits
    assert later_account == account and later not in rail.orders.values()
    with runtime.sessions() as session:
        assert payout_records.reconcile(session, rail) == []


def test_a_lost_answer_leaves_it_sending_and_it_is_asked_about_never_sent_twice(runtime):
    _account, payout = reserve(runtime)
    rail = FakePayoutRail(lose_next_answer=True)
    assert payout_runs.send_due(runtime, "p1", rail) == 0
    assert state(runtime, payout) == ("sending", [])
    with runtime.sessions() as session:
        [difference] = payout_records.reconcile(session, ManualPayouts())
        assert difference.problem == "still_sending"  # until the next run asks the rail
    assert payout_runs.send_due(runtime, "p2", rail) == 1
    assert rail.starts == [f"payout:{payout}"]  # asked about, not started again
    assert state(runtime, payout) == ("sent", ["day_off_sent"])


def test_a_payout_failing_after_it_was_sent_returns_her_money_and_tells_her(runtime, caplog):
    account, payout = reserve(runtime, half=True)
    payout_runs.send_due(runtime, "p1", FakePayoutRail())
    with caplog.at_level(logging.WARNING, logger="bot.fund.payout_sending"):
        failed = event(runtime, payout, RailOutcome.FAILED, failure="account closed")
    assert failed.status is PayoutStatus.FAILED
    assert f"payout #{payout} failed (account closed)" in caplog.text  # staff's log
    assert state(runtime, payout) == ("failed", ["day_off_sent", "day_off_voided"])
    assert money(runtime, account) == (15_000, 0, 15_000)
    with runtime.sessions() as session:
        voided = session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()[-1]
        assert "no pudo pagar su medio dia libre" in voided.body
        [shown] = payout_records.recorded(session)
        assert (shown.status, shown.provider) == ("failed", "fake")
        assert payout_records.reconcile(session, FakePayoutRail(name="other")) == []
    assert event(runtime, payout, RailOutcome.PAID).outbox_ids == ()


def test_staff_approval_holds_and_manual_rail_send_nothing_by_themselves(runtime):
    _account, payout = reserve(runtime)
    staff_runtime = Runtime(replace(runtime.settings, payout_approval="staff"))
    rail = FakePayoutRail()
    try:
        assert payout_runs.send_due(staff_runtime, "p1", rail) == 0
    finally:
        staff_runtime.close()
    assert rail.starts == [] and state(runtime, payout) == (None, [])
    assert payout_runs.send_due(runtime, "p1", ManualPayouts()) == 0
    assert state(runtime, payout) == (None, [])  # waits for the officer's record


def test_no_payout_runs_while_her_payouts_are_held(runtime):
    _account, payout = reserve(runtime)

    def hold(session):
        worker = session.scalars(select(Worker)).one()
        worker.payouts_held_until = utcnow() + timedelta(hours=48)

    run_in_transaction(runtime.sessions, hold)
    rail = FakePayoutRail()
    assert payout_runs.send_due(runtime, "p1", rail) == 0 and rail.starts == []
    assert state(runtime, payout) == (None, [])


def test_an_event_for_an_unknown_payout_is_ignored(runtime):
    assert event(runtime, 999, RailOutcome.PAID).status is None


def test_an_officer_cannot_pay_or_void_by_hand_what_a_rail_is_paying(runtime, tmp_path):
    account, payout = reserve(runtime)
    payout_runs.send_due(runtime, "p1", FakePayoutRail())
    environment = command_environment(runtime.settings.database_url)
    for arguments in (["--method", "cash", "--reference", "r1"], ["--reason", "paid in cash"]):
        verb = "pay" if arguments[0] == "--method" else "void"
        refused = run_command(["payouts", verb, str(payout), *arguments], environment, tmp_path)
        assert refused.returncode == 1
        assert f"day off #{payout} is sent through the payout rail" in refused.stderr
    assert state(runtime, payout) == ("sent", ["day_off_sent"])
    assert money(runtime, account) == (15_000, 12_000, 3_000)

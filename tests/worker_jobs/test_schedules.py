"""Payout notices and the monthly jobs through RQ on the real Redis, to the fake Twilio."""

import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from bot import ledger
from bot.cli import main
from bot.fund import insurance, membership
from bot.infra.db import run_in_transaction
from bot.infra.orm import replaying_at
from bot.ops import clock, monthly
from tests.worker_jobs.test_notices import HOUSEHOLD, WORKER, contribution
from worker_jobs import schedules


def test_a_payout_notice_goes_out_once_in_her_language(service):
    contribution(service, amount="100")
    service.text(WORKER, "done yesterday")
    service.text(HOUSEHOLD, "50")  # $150 in all
    service.text(WORKER, "espanol")
    service.text(WORKER, "dia libre viernes")
    service.text(WORKER, "si")
    service.work()
    [payout] = json.loads(CliRunner().invoke(main, ["payouts", "list", "--json"]).stdout)
    for _ in range(2):
        CliRunner().invoke(
            main, ["payouts", "pay", str(payout["id"]), "--method", "bank", "--reference", "ach 1"]
        )
    service.work()
    paid = [m for m in service.fake.to(WORKER) if "pagado" in (m.body or "")]
    assert len(paid) == 1 and "$120.00" in paid[0].body
    assert [n["status"] for n in service.notices() if n["kind"] == "day_off_paid"] == ["queued"]


def test_the_monthly_jobs_run_twice_in_a_month_change_nothing(service):
    def seed(session):
        worker = membership.enrol_worker(
            session, WORKER, time_zone="America/New_York", name="Maria"
        )
        program = membership.enrol_partner(session, ledger.AccountKind.PROGRAM, "state", "State")
        ledger.contribute(
            session,
            key="seed",
            contributor_account_id=program.account_id,
            worker_account_id=worker.account_id,
            amount_cents=5_000,
        )
        # She said YES to both products last month: only then are premiums taken.
        with replaying_at(datetime.now(UTC).replace(day=1) - timedelta(days=3)):
            for product in ("life", "disability"):
                insurance.give(session, worker.id, product, f"SM{product}")

    run_in_transaction(service.runtime.sessions, seed)
    first_of_month = datetime.now(UTC).replace(day=1, hour=9)
    clock.tick(service.runtime, now=first_of_month)
    service.work()
    after_first = (len(service.fake.sent), [n["status"] for n in service.notices()])
    with service.runtime.sessions() as session:
        balance = ledger.balance(session, ledger_account(session)).posted_cents
    # The clock again (RQ refuses the same job id), and the same jobs run again by hand.
    clock.tick(service.runtime, now=first_of_month)
    period = f"{first_of_month:%Y-%m}"
    schedules.charge_premiums(period)
    schedules.send_statements(monthly.previous_period(period))
    schedules.warn_low_balances(period)  # not due before the 25th, and she has enough
    service.work()
    assert (len(service.fake.sent), [n["status"] for n in service.notices()]) == after_first
    with service.runtime.sessions() as session:
        assert ledger.balance(session, ledger_account(session)).posted_cents == balance == 3_500
        assert ledger.check(session) == []
    assert any("Insurance for" in (m.body or "") for m in service.fake.to(WORKER))


def ledger_account(session):
    return membership.find_worker(session, WORKER).account_id

"""Races on PostgreSQL: many threads, duplicate keys, competing days off, one worker."""

import threading
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot import ledger
from bot.cli import main
from bot.infra.db import make_session_factory, run_in_transaction
from tests.ledger.fund import open_fund

THREADS = 32


def hammer(sessions, jobs):
    """Run every job at once, one per thread, after a common start; return results and errors."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(index, job):
        barrier.wait()
        try:
            results[index] = run_in_transaction(sessions, job)
        except Exception as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.fixture
def sessions(postgres_engine):
    return make_session_factory(postgres_engine)


def test_duplicate_keys_from_32_threads_apply_once(sessions):
    fund = open_fund(sessions, workers=1)
    worker = fund.workers[0]

    def contribution(n):
        return lambda s: ledger.contribute(
            s,
            key=f"visit:{n % 4}",
            contributor_account_id=fund.households[0],
            worker_account_id=worker,
            amount_cents=500,
        )

    results, errors = hammer(sessions, [contribution(n) for n in range(THREADS)])
    assert errors == []
    assert sum(not r.replayed for r in results) == 4
    assert len({r.transfer_id for r in results}) == 4
    with sessions() as session:
        assert ledger.balance(session, worker).posted_cents == 2_000


def test_competing_days_off_never_overdraw(sessions):
    fund = open_fund(sessions, workers=1)
    worker = fund.workers[0]
    run_in_transaction(
        sessions,
        lambda s: ledger.contribute(
            s,
            key="seed",
            contributor_account_id=fund.platform,
            worker_account_id=worker,
            amount_cents=30_000,  # two full days and a half day, no more
        ),
    )

    def day_off(n):
        # 16 distinct requests, each sent twice by two threads.
        return lambda s: ledger.reserve_day_off(
            s,
            key=f"day-off:{n // 2}",
            worker_account_id=worker,
            payouts_account_id=fund.payouts,
            amount_cents=12_000,
            day=date(2026, 12, 1 + n // 2),
        )

    results, errors = hammer(sessions, [day_off(n) for n in range(THREADS)])
    assert errors == []
    by_key = {}
    for result in results:
        by_key.setdefault(result.key, set()).add(
            (result.outcome, result.transfer_id, result.rejection)
        )
    assert all(len(answers) == 1 for answers in by_key.values()), "a key got two different answers"
    applied = [
        key for key, answers in by_key.items() if next(iter(answers))[0] is ledger.Outcome.APPLIED
    ]
    assert len(applied) == 2
    with sessions() as session:
        money = ledger.balance(session, worker)
        assert (money.pending_cents, money.available_cents) == (24_000, 6_000)
        assert session.scalar(select(func.count()).select_from(ledger.LedgerRequest)) == 17


def test_mixed_storm_leaves_a_sound_ledger(sessions, postgres_url, monkeypatch):
    fund = open_fund(sessions, workers=2)
    worker = fund.workers[0]
    run_in_transaction(
        sessions,
        lambda s: ledger.contribute(
            s,
            key="seed",
            contributor_account_id=fund.program,
            worker_account_id=worker,
            amount_cents=24_000,
        ),
    )

    def job(n):
        kind = n % 4
        if kind == 0:
            return lambda s: ledger.contribute(
                s,
                key=f"c{n % 8}",
                contributor_account_id=fund.households[n % 2],
                worker_account_id=worker,
                amount_cents=700,
            )
        if kind == 1:
            return lambda s: ledger.reserve_day_off(
                s,
                key=f"r{n % 12}",
                worker_account_id=worker,
                payouts_account_id=fund.payouts,
                amount_cents=6_000,
                day=date(2026, 12, 3),
                portion="half",
            )
        if kind == 2:
            return lambda s: ledger.charge_premium(
                s,
                key=f"premium:{n % 3}",
                worker_account_id=worker,
                insurer_account_id=fund.insurer,
                amount_cents=2_500,
                period=f"2026-{10 + n % 3}",
            )
        return lambda s: ledger.grant_bonus(
            s,
            key=f"b{n % 2}",
            partner_account_id=fund.platform,
            worker_account_id=worker,
            amount_cents=2_500,
        )

    _results, errors = hammer(sessions, [job(n) for n in range(THREADS)])
    assert errors == []
    with sessions() as session:
        assert ledger.check(session) == []
        assert ledger.balance(session, worker).available_cents >= 0
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    outcome = CliRunner().invoke(main, ["ledger", "check"])
    assert outcome.exit_code == 0, outcome.output
    assert "ledger is sound" in outcome.output

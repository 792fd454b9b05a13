"""Each ledger operation, on SQLite and PostgreSQL: what it moves and what it answers."""

from datetime import date

import pytest
from sqlalchemy import select

from bot import ledger
from bot.infra.db import run_in_transaction
from bot.ledger import Outcome, Rejection
from tests.ledger.fund import open_fund, row_counts


@pytest.fixture
def fund(sessions):
    return open_fund(sessions)


def run(sessions, operation, **arguments):
    return run_in_transaction(sessions, lambda session: operation(session, **arguments))


def balance_of(sessions, account_id):
    with sessions() as session:
        return ledger.balance(session, account_id)


def test_contribution_moves_money_into_the_worker_account(sessions, fund):
    result = run(
        sessions,
        ledger.contribute,
        key="visit:1",
        contributor_account_id=fund.households[0],
        worker_account_id=fund.workers[0],
        amount_cents=500,
    )
    assert result.applied and not result.replayed and result.transfer_id
    money = balance_of(sessions, fund.workers[0])
    assert (money.posted_cents, money.pending_cents, money.available_cents) == (500, 0, 500)
    assert balance_of(sessions, fund.households[0]).posted_cents == -500


def test_a_replay_answers_the_first_result_and_moves_nothing(sessions, fund):
    arguments = {
        "key": "visit:1",
        "contributor_account_id": fund.households[0],
        "worker_account_id": fund.workers[0],
        "amount_cents": 500,
    }
    first = run(sessions, ledger.contribute, **arguments)
    again = run(sessions, ledger.contribute, **arguments)
    assert again.replayed and again.transfer_id == first.transfer_id
    assert balance_of(sessions, fund.workers[0]).posted_cents == 500
    assert row_counts(sessions) == (1, 1)


def test_the_same_key_with_other_content_is_an_error(sessions, fund):
    arguments = {
        "key": "visit:1",
        "contributor_account_id": fund.households[0],
        "worker_account_id": fund.workers[0],
        "amount_cents": 500,
    }
    run(sessions, ledger.contribute, **arguments)
    with pytest.raises(ledger.IdempotencyConflict):
        run(sessions, ledger.contribute, **{**arguments, "amount_cents": 5000})
    with pytest.raises(ledger.IdempotencyConflict):
        run(
            sessions,
            ledger.grant_bonus,
            key="visit:1",
            partner_account_id=fund.platform,
            worker_account_id=fund.workers[0],
            amount_cents=500,
        )
    assert balance_of(sessions, fund.workers[0]).posted_cents == 500


def test_a_day_off_is_reserved_then_paid(sessions, fund):
    run(
        sessions,
        ledger.contribute,
        key="c",
        contributor_account_id=fund.platform,
        worker_account_id=fund.workers[0],
        amount_cents=15_000,
    )
    reserved = run(
        sessions,
        ledger.reserve_day_off,
        key="r",
        worker_account_id=fund.workers[0],
        payouts_account_id=fund.payouts,
        amount_cents=12_000,
        day=date(2026, 11, 27),
    )
    money = balance_of(sessions, fund.workers[0])
    assert (money.posted_cents, money.pending_cents, money.available_cents) == (
        15_000,
        12_000,
        3_000,
    )
    paid = run(sessions, ledger.pay_day_off, key="p", pending_transfer_id=reserved.transfer_id)
    assert paid.applied
    money = balance_of(sessions, fund.workers[0])
    assert (money.posted_cents, money.pending_cents, money.available_cents) == (3_000, 0, 3_000)
    assert balance_of(sessions, fund.payouts).posted_cents == 12_000
    again = run(
        sessions,
        ledger.void_day_off,
        key="v",
        pending_transfer_id=reserved.transfer_id,
        reason="late",
    )
    assert again.rejection is Rejection.PENDING_ALREADY_POSTED
    with sessions() as session:
        assert ledger.check(session) == []


def test_a_voided_day_off_gives_the_money_back(sessions, fund):
    run(
        sessions,
        ledger.contribute,
        key="c",
        contributor_account_id=fund.program,
        worker_account_id=fund.workers[0],
        amount_cents=6_000,
    )
    reserved = run(
        sessions,
        ledger.reserve_day_off,
        key="r",
        worker_account_id=fund.workers[0],
        payouts_account_id=fund.payouts,
        amount_cents=6_000,
        day=date(2026, 11, 27),
        portion="half",
    )
    voided = run(
        sessions,
        ledger.void_day_off,
        key="v",
        pending_transfer_id=reserved.transfer_id,
        reason="called back",
    )
    assert voided.applied
    assert balance_of(sessions, fund.workers[0]).available_cents == 6_000
    paid = run(sessions, ledger.pay_day_off, key="p", pending_transfer_id=reserved.transfer_id)
    assert paid.rejection is Rejection.PENDING_ALREADY_VOIDED


def test_a_rejection_is_recorded_and_a_retry_gets_it_even_after_money_arrives(sessions, fund):
    arguments = {
        "key": "day-off:friday",
        "worker_account_id": fund.workers[0],
        "payouts_account_id": fund.payouts,
        "amount_cents": 12_000,
        "day": date(2026, 11, 27),
    }
    first = run(sessions, ledger.reserve_day_off, **arguments)
    assert first.outcome is Outcome.REJECTED
    assert first.rejection is Rejection.INSUFFICIENT_FUNDS
    run(
        sessions,
        ledger.contribute,
        key="c",
        contributor_account_id=fund.platform,
        worker_account_id=fund.workers[0],
        amount_cents=20_000,
    )
    again = run(sessions, ledger.reserve_day_off, **arguments)
    assert again.replayed and again.rejection is Rejection.INSUFFICIENT_FUNDS
    assert balance_of(sessions, fund.workers[0]).pending_cents == 0


def test_pending_money_is_not_spendable_twice(sessions, fund):
    run(
        sessions,
        ledger.contribute,
        key="c",
        contributor_account_id=fund.households[1],
        worker_account_id=fund.workers[0],
        amount_cents=13_000,
    )
    run(
        sessions,
        ledger.reserve_day_off,
        key="r",
        worker_account_id=fund.workers[0],
        payouts_account_id=fund.payouts,
        amount_cents=12_000,
        day=date(2026, 11, 27),
    )
    premium = run(
        sessions,
        ledger.charge_premium,
        key="premium:2026-11",
        worker_account_id=fund.workers[0],
        insurer_account_id=fund.insurer,
        amount_cents=1_500,
        period="2026-11",
    )
    assert premium.rejection is Rejection.INSUFFICIENT_FUNDS
    assert balance_of(sessions, fund.workers[0]).available_cents == 1_000


def test_reversal_undoes_once_and_never_below_zero(sessions, fund):
    contribution = run(
        sessions,
        ledger.contribute,
        key="c",
        contributor_account_id=fund.households[0],
        worker_account_id=fund.workers[0],
        amount_cents=1_000,
    )
    reversed_ = run(
        sessions, ledger.reverse, key="undo", transfer_id=contribution.transfer_id, reason="typo"
    )
    assert reversed_.applied
    assert balance_of(sessions, fund.workers[0]).posted_cents == 0
    twice = run(
        sessions, ledger.reverse, key="undo-2", transfer_id=contribution.transfer_id, reason="typo"
    )
    assert twice.rejection is Rejection.ALREADY_REVERSED
    with pytest.raises(ledger.UnknownTransfer):
        run(sessions, ledger.reverse, key="undo-3", transfer_id=reversed_.transfer_id, reason="no")
    spent = run(
        sessions,
        ledger.contribute,
        key="c2",
        contributor_account_id=fund.households[0],
        worker_account_id=fund.workers[0],
        amount_cents=1_000,
    )
    run(
        sessions,
        ledger.charge_premium,
        key="premium",
        worker_account_id=fund.workers[0],
        insurer_account_id=fund.insurer,
        amount_cents=800,
        period="2026-11",
    )
    short = run(
        sessions, ledger.reverse, key="undo-4", transfer_id=spent.transfer_id, reason="late"
    )
    assert short.rejection is Rejection.INSUFFICIENT_FUNDS
    assert balance_of(sessions, fund.workers[0]).posted_cents == 200


def test_history_is_newest_first_with_signed_amounts(sessions, fund):
    for n in range(7):
        run(
            sessions,
            ledger.contribute,
            key=f"c{n}",
            contributor_account_id=fund.households[n % 2],
            worker_account_id=fund.workers[0],
            amount_cents=100 * (n + 1),
        )
    run(
        sessions,
        ledger.charge_premium,
        key="premium",
        worker_account_id=fund.workers[0],
        insurer_account_id=fund.insurer,
        amount_cents=250,
        period="2026-11",
    )
    with sessions() as session:
        movements = ledger.history(session, fund.workers[0], limit=5)
    assert [m.amount_cents for m in movements] == [-250, 700, 600, 500, 400]
    assert movements[0].counterparty_account_id == fund.insurer
    assert movements[1].counterparty_account_id == fund.households[0]


def test_open_account_is_idempotent_and_keeps_its_kind(sessions):
    with sessions.begin() as session:
        first = ledger.open_account(session, ledger.AccountKind.WORKER, "worker:9")
        assert ledger.open_account(session, ledger.AccountKind.WORKER, "worker:9") == first
        with pytest.raises(ledger.WrongAccountKind):
            ledger.open_account(session, ledger.AccountKind.HOUSEHOLD, "worker:9")


def test_a_transfer_changes_nothing_but_the_counters(sessions, fund):
    with sessions() as session:
        before = {a.id: (a.kind, a.code) for a in session.scalars(select(ledger.Account))}
    run(
        sessions,
        ledger.grant_bonus,
        key="b",
        partner_account_id=fund.platform,
        worker_account_id=fund.workers[0],
        amount_cents=2_500,
    )
    with sessions() as session:
        after = {a.id: (a.kind, a.code) for a in session.scalars(select(ledger.Account))}
    assert after == before

"""Counters a caller read in its transaction answer a balance until the ledger writes, and no
longer than the transaction (bot.ledger.known_counters)."""

from bot import ledger
from bot.ledger import known_counters
from tests.ledger.fund import open_fund

# Counters no real account has (debits_pending, debits_posted, credits_pending, credits_posted):
# a balance made of them was answered from what was remembered, not read.
MADE_UP = (0, 0, 0, 777)


def contribute(session, fund, key):
    return ledger.contribute(
        session,
        key=key,
        contributor_account_id=fund.households[0],
        worker_account_id=fund.workers[0],
        amount_cents=500,
    )


def test_a_balance_is_answered_from_the_counters_remembered_in_the_transaction(sessions):
    fund = open_fund(sessions)
    with sessions.begin() as session:
        known_counters.remember(session, fund.workers[0], MADE_UP)
        assert ledger.balance(session, fund.workers[0]).posted_cents == 777
        assert ledger.balance(session, fund.workers[1]).posted_cents == 0  # another: read


def test_a_write_of_the_ledger_makes_it_read_them_again(sessions):
    fund = open_fund(sessions)
    with sessions.begin() as session:
        known_counters.remember(session, fund.workers[0], MADE_UP)
        assert contribute(session, fund, "visit:1").applied
        assert ledger.balance(session, fund.workers[0]).posted_cents == 500


def test_they_are_not_used_in_the_next_transaction(sessions):
    fund = open_fund(sessions)
    with sessions() as session:
        with session.begin():
            known_counters.remember(session, fund.workers[0], MADE_UP)
        with session.begin():
            assert ledger.balance(session, fund.workers[0]).posted_cents == 0

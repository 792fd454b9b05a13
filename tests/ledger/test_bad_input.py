"""Requests that are wrong in themselves: a clear error, and nothing written."""

from datetime import date
from decimal import Decimal

import pytest

from bot import ledger
from bot.infra.db import run_in_transaction
from tests.ledger.fund import open_fund, row_counts


@pytest.fixture
def fund(sessions):
    return open_fund(sessions)


def attempt(sessions, operation, **arguments):
    return run_in_transaction(sessions, lambda session: operation(session, **arguments))


@pytest.mark.parametrize(
    "amount",
    [
        0,
        -1,
        -500,
        4.99,
        5.0,
        "500",
        Decimal("5.00"),
        None,
        True,
        ledger.MAX_TRANSFER_CENTS + 1,
        10**30,
    ],
)
def test_amounts_that_are_not_positive_whole_cents_within_the_limit(sessions, fund, amount):
    with pytest.raises(ledger.InvalidAmount):
        attempt(
            sessions,
            ledger.contribute,
            key="k",
            contributor_account_id=fund.households[0],
            worker_account_id=fund.workers[0],
            amount_cents=amount,
        )
    assert row_counts(sessions) == (0, 0)


@pytest.mark.parametrize("key", ["", "x" * 129, "tab\tkey", None, 42])
def test_malformed_idempotency_keys(sessions, fund, key):
    with pytest.raises(ledger.InvalidKey):
        attempt(
            sessions,
            ledger.contribute,
            key=key,
            contributor_account_id=fund.households[0],
            worker_account_id=fund.workers[0],
            amount_cents=500,
        )
    assert row_counts(sessions) == (0, 0)


@pytest.mark.parametrize("account", [999_999, -1, "1", None, 2**70])
def test_unknown_accounts(sessions, fund, account):
    with pytest.raises(ledger.UnknownAccount):
        attempt(
            sessions,
            ledger.contribute,
            key="k",
            contributor_account_id=fund.households[0],
            worker_account_id=account,
            amount_cents=500,
        )
    assert row_counts(sessions) == (0, 0)


def test_accounts_of_the_wrong_kind(sessions, fund):
    wrong = [
        # money into a household instead of a worker
        (
            ledger.contribute,
            {"contributor_account_id": fund.households[0], "worker_account_id": fund.households[1]},
        ),
        # a worker paying a worker
        (
            ledger.contribute,
            {"contributor_account_id": fund.workers[0], "worker_account_id": fund.workers[1]},
        ),
        # a household cannot give a jump-start bonus
        (
            ledger.grant_bonus,
            {"partner_account_id": fund.households[0], "worker_account_id": fund.workers[0]},
        ),
        # premiums go to insurers only
        (
            ledger.charge_premium,
            {
                "worker_account_id": fund.workers[0],
                "insurer_account_id": fund.payouts,
                "period": "p",
            },
        ),
    ]
    for operation, arguments in wrong:
        with pytest.raises(ledger.WrongAccountKind):
            attempt(sessions, operation, key="k", amount_cents=500, **arguments)
    assert row_counts(sessions) == (0, 0)


def test_unknown_or_wrong_transfers_to_resolve_or_reverse(sessions, fund):
    contribution = attempt(
        sessions,
        ledger.contribute,
        key="c",
        contributor_account_id=fund.households[0],
        worker_account_id=fund.workers[0],
        amount_cents=500,
    )
    with pytest.raises(ledger.UnknownTransfer):
        attempt(sessions, ledger.pay_day_off, key="p", pending_transfer_id=123_456)
    with pytest.raises(ledger.UnknownTransfer):  # a contribution is not a pending day off
        attempt(sessions, ledger.pay_day_off, key="p", pending_transfer_id=contribution.transfer_id)
    with pytest.raises(ledger.UnknownTransfer):
        attempt(sessions, ledger.reverse, key="r", transfer_id="1", reason="x")
    assert row_counts(sessions) == (1, 1)


def test_bad_day_off_details_and_oversized_references(sessions, fund):
    common = {
        "worker_account_id": fund.workers[0],
        "payouts_account_id": fund.payouts,
        "amount_cents": 12_000,
    }
    with pytest.raises(ledger.InvalidReference):
        attempt(
            sessions,
            ledger.reserve_day_off,
            key="k",
            day=date(2026, 12, 1),
            portion="quarter",
            **common,
        )
    with pytest.raises(ledger.InvalidReference):
        attempt(sessions, ledger.reserve_day_off, key="k", day="friday", **common)
    with pytest.raises(ledger.InvalidReference):
        attempt(
            sessions,
            ledger.contribute,
            key="k",
            contributor_account_id=fund.platform,
            worker_account_id=fund.workers[0],
            amount_cents=500,
            reference="r" * 10_000,
        )
    assert row_counts(sessions) == (0, 0)

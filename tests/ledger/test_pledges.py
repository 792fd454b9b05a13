"""Pledged and collected money, on SQLite and PostgreSQL: a household's confirmed contribution
is owed until real money arrives; what a worker may spend is collected money plus the advance."""

from datetime import date

import pytest
from sqlalchemy import select

from bot import ledger
from bot.infra.db import run_in_transaction
from bot.ledger import AccountKind, Outcome, Rejection
from tests.ledger.fund import open_fund, row_counts


@pytest.fixture
def fund(sessions):
    return open_fund(sessions)


@pytest.fixture
def clearing(sessions):
    with sessions.begin() as session:
        return ledger.open_account(session, AccountKind.CLEARING, "fund:clearing")


def run(sessions, operation, **arguments):
    return run_in_transaction(sessions, lambda session: operation(session, **arguments))


def pledge(sessions, fund, n, cents=500, household=0):
    return run(
        sessions,
        ledger.pledge,
        key=f"visit:{n}",
        household_account_id=fund.households[household],
        worker_account_id=fund.workers[0],
        amount_cents=cents,
    )


def pay(sessions, fund, clearing, cents, reference, household=0):
    def paid_and_settled(session):
        result = ledger.receive_payment(
            session,
            key=f"payment:{reference}",
            clearing_account_id=clearing,
            payer_account_id=fund.households[household],
            amount_cents=cents,
            reference=reference,
        )
        return result, ledger.settle(session, fund.households[household])

    return run_in_transaction(sessions, paid_and_settled)


def money(sessions, account_id, advance=0):
    with sessions() as session:
        return ledger.balance(session, account_id, advance_cents=advance)


def reserve(sessions, fund, key, cents, advance):
    return run(
        sessions,
        ledger.reserve_day_off,
        key=key,
        worker_account_id=fund.workers[0],
        payouts_account_id=fund.payouts,
        amount_cents=cents,
        day=date(2026, 12, 24),
        advance_cents=advance,
    )


def audit(sessions):
    with sessions() as session:
        return ledger.check(session)


def test_a_pledge_counts_in_her_balance_but_is_not_spendable_until_collected(sessions, fund):
    assert pledge(sessions, fund, 1).applied
    worker = money(sessions, fund.workers[0])
    assert (worker.posted_cents, worker.uncollected_cents, worker.available_cents) == (500, 500, 0)
    assert worker.collected_cents == 0
    assert money(sessions, fund.workers[0], advance=300).available_cents == 300
    assert money(sessions, fund.workers[0], advance=9_000).available_cents == 500
    refused = reserve(sessions, fund, "day:1", 400, advance=0)
    assert refused.rejection is Rejection.INSUFFICIENT_FUNDS
    assert audit(sessions) == []


def test_the_advance_lets_her_spend_pledged_money_up_to_the_limit(sessions, fund):
    for n in range(3):
        pledge(sessions, fund, n)
    assert reserve(sessions, fund, "day:1", 1_200, advance=1_000).rejection is (
        Rejection.INSUFFICIENT_FUNDS
    )
    assert reserve(sessions, fund, "day:2", 1_000, advance=1_000).applied
    worker = money(sessions, fund.workers[0], advance=1_000)
    assert (worker.posted_cents, worker.pending_cents, worker.available_cents) == (1_500, 1_000, 0)
    assert audit(sessions) == []


def test_a_payment_collects_the_oldest_pledges_it_covers(sessions, fund, clearing):
    first, second, third = (pledge(sessions, fund, n) for n in range(3))
    payment, collected = pay(sessions, fund, clearing, 1_200, "cash-1")
    assert payment.applied
    assert [c.transfer_id for c in collected] and len(collected) == 2
    with sessions() as session:
        still_open = ledger.open_pledges(session, fund.households[0])
        assert [p.id for p in still_open] == [third.transfer_id]
        assert ledger.unapplied_cents(session, fund.households[0]) == 200
    worker = money(sessions, fund.workers[0])
    assert (worker.collected_cents, worker.uncollected_cents) == (1_000, 500)
    assert worker.available_cents == 1_000
    assert money(sessions, clearing).posted_cents == -1_200  # the fund holds $12
    # The $2 left over and the next $3 pay for the third.
    _, collected = pay(sessions, fund, clearing, 300, "cash-2")
    assert [c.transfer_id for c in collected] and money(
        sessions, fund.workers[0]
    ).uncollected_cents == 0
    assert first.transfer_id != second.transfer_id
    assert audit(sessions) == []


def test_a_recorded_payment_replays_and_a_pledge_is_collected_once(sessions, fund, clearing):
    pledge(sessions, fund, 1)
    pay(sessions, fund, clearing, 500, "check-7")
    again, collected = pay(sessions, fund, clearing, 500, "check-7")
    assert again.replayed and collected == []
    assert row_counts(sessions) == (3, 3)  # pledge, payment, collection
    with pytest.raises(ledger.IdempotencyConflict):
        pay(sessions, fund, clearing, 600, "check-7")
    assert audit(sessions) == []


def test_a_refund_leaves_her_money_and_the_household_owing_again(sessions, fund, clearing):
    pledge(sessions, fund, 1)
    pay(sessions, fund, clearing, 500, "pi_1")
    assert reserve(sessions, fund, "day:1", 500, advance=0).applied
    refund = run(
        sessions,
        ledger.return_payment,
        key="refund:re_1",
        clearing_account_id=clearing,
        payer_account_id=fund.households[0],
        amount_cents=500,
        reference="re_1",
    )
    assert refund.outcome is Outcome.APPLIED
    worker = money(sessions, fund.workers[0])
    assert (worker.posted_cents, worker.pending_cents) == (500, 500)  # her day off stands
    assert money(sessions, clearing).posted_cents == 0
    with sessions() as session:
        assert ledger.unapplied_cents(session, fund.households[0]) == -500
    # A later payment first makes up the refunded money.
    pledge(sessions, fund, 2)
    _, collected = pay(sessions, fund, clearing, 500, "cash-1")
    assert collected == []
    _, collected = pay(sessions, fund, clearing, 500, "cash-2")
    assert len(collected) == 1
    assert audit(sessions) == []


def test_only_contributors_pay_and_only_the_clearing_account_receives(sessions, fund, clearing):
    with pytest.raises(ledger.WrongAccountKind):
        run(
            sessions,
            ledger.receive_payment,
            key="payment:x",
            clearing_account_id=clearing,
            payer_account_id=fund.workers[0],
            amount_cents=500,
            reference="x",
        )
    with pytest.raises(ledger.WrongAccountKind):
        run(
            sessions,
            ledger.receive_payment,
            key="payment:y",
            clearing_account_id=fund.payouts,
            payer_account_id=fund.households[0],
            amount_cents=500,
            reference="y",
        )
    pledge(sessions, fund, 1)
    day = reserve(sessions, fund, "day:1", 100, advance=100)
    assert day.applied
    with pytest.raises(ledger.UnknownTransfer):  # a day off is not a pledge
        run(sessions, ledger.collect_pledge, key="c", pledge_transfer_id=day.transfer_id)
    assert audit(sessions) == []


def test_check_finds_pledges_collected_without_money(sessions, fund):
    made = pledge(sessions, fund, 1)
    run(sessions, ledger.collect_pledge, key="collect:x", pledge_transfer_id=made.transfer_id)
    problems = audit(sessions)
    assert [p.subject for p in problems] == ["household:0"]
    assert "exceed payments" in problems[0].detail


def partner_pays(sessions, fund, n, cents, partner=None):
    return run(
        sessions,
        ledger.contribute,
        key=f"partner-job:{n}",
        contributor_account_id=partner or fund.platform,
        worker_account_id=fund.workers[0],
        amount_cents=cents,
    )


def owed(sessions, account_id):
    with sessions() as session:
        return ledger.receivable(session, account_id)


def test_a_partner_owes_what_it_paid_in_until_its_transfer_is_recorded(sessions, fund, clearing):
    for n, cents in enumerate((1_000, 2_500, 700)):
        assert partner_pays(sessions, fund, n, cents).applied
    # Partner money is hers at once: the fund carries what the partner owes.
    assert money(sessions, fund.workers[0]).available_cents == 4_200
    before = owed(sessions, fund.platform)
    assert (before.owed_cents, before.items) == (4_200, 3)
    transfer = run(
        sessions,
        ledger.receive_payment,
        key="payment:partner:wire 1",
        clearing_account_id=clearing,
        payer_account_id=fund.platform,
        amount_cents=3_000,
        reference="wire 1",
        recorded_by="ana@fund.example.org",
    )
    assert transfer.applied
    after = owed(sessions, fund.platform)
    # The $10 job is covered, and $20 of the $25 one: $5 of it and the $7 job are owed.
    assert (after.owed_cents, after.items) == (1_200, 2)
    assert after.since is not None and before.since is not None and after.since > before.since
    with sessions() as session:
        recorded = session.get_one(ledger.Transfer, transfer.transfer_id)
        assert recorded.memo == {"reference": "wire 1", "recorded_by": "ana@fund.example.org"}
    # The same transfer recorded again, by someone else: the first answer, nothing moves.
    again = run(
        sessions,
        ledger.receive_payment,
        key="payment:partner:wire 1",
        clearing_account_id=clearing,
        payer_account_id=fund.platform,
        amount_cents=3_000,
        reference="wire 1",
        recorded_by="cli",
    )
    assert again.replayed and again.transfer_id == transfer.transfer_id
    ahead = run(
        sessions,
        ledger.receive_payment,
        key="payment:partner:wire 2",
        clearing_account_id=clearing,
        payer_account_id=fund.platform,
        amount_cents=2_000,
        reference="wire 2",
    )
    assert ahead.applied
    assert owed(sessions, fund.platform) == ledger.Receivable(-800, 0, None)  # paid ahead
    assert money(sessions, fund.workers[0]).available_cents == 4_200  # hers all along
    assert audit(sessions) == []


def test_check_finds_real_money_that_skips_the_clearing_account(sessions, fund, clearing):
    partner_pays(sessions, fund, 1, 1_000)
    run(
        sessions,
        ledger.receive_payment,
        key="payment:partner:wire",
        clearing_account_id=clearing,
        payer_account_id=fund.platform,
        amount_cents=1_000,
        reference="wire",
    )
    with sessions.begin() as session:
        # A payment pointed at the payouts account, and refunds beyond what was paid, as a
        # bad migration or a hand-written fix could leave them (the counters kept right).
        paid = session.scalars(select(ledger.Transfer).where(ledger.Transfer.kind == "payment"))
        paid.one().debit_account_id = fund.payouts
        for account_id, cents in ((fund.payouts, 1_000), (clearing, -1_000)):
            session.get_one(ledger.Account, account_id).debits_posted += cents
    problems = audit(sessions)
    assert [str(p) for p in problems] == [
        f"transfer {_payment_id(sessions)}: payment (posted) from payouts to platform"
    ]


def test_check_finds_a_payer_refunded_more_than_it_paid(sessions, fund, clearing):
    pay(sessions, fund, clearing, 500, "cash 1")
    run(
        sessions,
        ledger.return_payment,
        key="refund:1",
        clearing_account_id=clearing,
        payer_account_id=fund.households[0],
        amount_cents=500,
        reference="re_1",
    )
    assert audit(sessions) == []
    with sessions.begin() as session:
        refund = session.scalars(select(ledger.Transfer).where(ledger.Transfer.kind == "refund"))
        refund.one().amount = 800
        account = session.get_one(ledger.Account, fund.households[0])
        account.debits_posted += 300
        session.get_one(ledger.Account, clearing).credits_posted += 300
    assert [str(p) for p in audit(sessions)] == [
        "household:0: refunded 800, more than it paid (500)"
    ]


def _payment_id(sessions):
    with sessions() as session:
        return session.scalar(select(ledger.Transfer.id).where(ledger.Transfer.kind == "payment"))

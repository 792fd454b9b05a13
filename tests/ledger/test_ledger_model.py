"""Hypothesis drives the real ledger and a plain-dict model side by side, on both databases.

Every step is one operation in its own transaction (a new request, a replay of an earlier
one, or a conflicting reuse of an earlier key); after every step the balances must equal the
model's and `ledger.check` must find nothing wrong.
"""

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from bot import ledger
from bot.infra.db import make_session_factory, run_in_transaction
from bot.ledger import Rejection
from tests.conftest import empty_tables
from tests.ledger.fund import Fund, open_fund

AMOUNTS = st.integers(min_value=1, max_value=20_000)
DAY_OFF = {"full": 12_000, "half": 6_000}


class Model:
    """What the ledger should hold: each account's four counters, in cents."""

    def __init__(self, fund: Fund) -> None:
        accounts = (*fund.workers, *fund.contributors, fund.payouts, fund.insurer)
        self.counters = {account: [0, 0, 0, 0] for account in accounts}
        self.workers = set(fund.workers)

    def available(self, account: int) -> int:
        dp, dpo, _cp, cpo = self.counters[account]
        return cpo - dpo - dp

    def move(self, debit: int, credit: int, amount: int, pending: int, posted: int) -> None:
        self.counters[debit][0] += pending * amount
        self.counters[debit][1] += posted * amount
        self.counters[credit][2] += pending * amount
        self.counters[credit][3] += posted * amount

    def affordable(self, debit: int, amount: int) -> bool:
        return debit not in self.workers or self.available(debit) >= amount


class LedgerMachine(RuleBasedStateMachine):
    """One example: a fresh fund, then a sequence of operations and replays."""

    def __init__(self, engine: Any) -> None:
        super().__init__()
        self.engine = engine
        self.sessions = make_session_factory(engine)
        self.serial = 0
        # key -> (operation, arguments, first result)
        self.requests: dict[str, tuple[Any, dict[str, Any], ledger.TransferResult]] = {}
        self.pending: dict[int, str] = {}  # pending transfer id -> "pending" | "posted" | "voided"
        self.posted: dict[int, tuple[int, int, int, str]] = {}  # id -> debit, credit, amount, kind
        self.reversed: set[int] = set()

    @initialize()
    def fresh_fund(self) -> None:
        empty_tables(self.engine)
        self.fund = open_fund(self.sessions, workers=3)
        self.model = Model(self.fund)

    def submit(self, operation: Any, **arguments: Any) -> ledger.TransferResult:
        self.serial += 1
        key = f"k{self.serial}"
        result = run_in_transaction(self.sessions, lambda s: operation(s, key=key, **arguments))
        self.requests[key] = (operation, arguments, result)
        assert not result.replayed
        return result

    def expect(self, result: ledger.TransferResult, rejection: Rejection | None) -> bool:
        assert result.rejection is rejection, (result, rejection)
        assert result.applied == (rejection is None)
        return rejection is None

    @rule(data=st.data(), amount=AMOUNTS)
    def contribution(self, data: st.DataObject, amount: int) -> None:
        contributor = data.draw(st.sampled_from(self.fund.contributors))
        worker = data.draw(st.sampled_from(self.fund.workers))
        result = self.submit(
            ledger.contribute,
            contributor_account_id=contributor,
            worker_account_id=worker,
            amount_cents=amount,
        )
        self.expect(result, None)
        self.model.move(contributor, worker, amount, 0, 1)
        self.posted[result.transfer_id] = (contributor, worker, amount, "contribution")

    @rule(data=st.data(), amount=AMOUNTS)
    def bonus(self, data: st.DataObject, amount: int) -> None:
        partner = data.draw(st.sampled_from((self.fund.platform, self.fund.program)))
        worker = data.draw(st.sampled_from(self.fund.workers))
        result = self.submit(
            ledger.grant_bonus,
            partner_account_id=partner,
            worker_account_id=worker,
            amount_cents=amount,
        )
        self.expect(result, None)
        self.model.move(partner, worker, amount, 0, 1)
        self.posted[result.transfer_id] = (partner, worker, amount, "bonus")

    @rule(data=st.data(), portion=st.sampled_from(sorted(DAY_OFF)))
    def reserve_day_off(self, data: st.DataObject, portion: str) -> None:
        worker = data.draw(st.sampled_from(self.fund.workers))
        amount = DAY_OFF[portion]
        result = self.submit(
            ledger.reserve_day_off,
            worker_account_id=worker,
            payouts_account_id=self.fund.payouts,
            amount_cents=amount,
            day=date(2026, 12, 4),
            portion=portion,
        )
        affordable = self.model.affordable(worker, amount)
        if self.expect(result, None if affordable else Rejection.INSUFFICIENT_FUNDS):
            self.model.move(worker, self.fund.payouts, amount, 1, 0)
            self.pending[result.transfer_id] = "pending"

    @rule(data=st.data(), pay=st.booleans())
    def resolve_day_off(self, data: st.DataObject, pay: bool) -> None:
        if not self.pending:
            return
        pending_id = data.draw(st.sampled_from(sorted(self.pending)))
        operation = ledger.pay_day_off if pay else ledger.void_day_off
        extra = {} if pay else {"reason": "called back"}
        result = self.submit(operation, pending_transfer_id=pending_id, **extra)
        state = self.pending[pending_id]
        expected = {
            "posted": Rejection.PENDING_ALREADY_POSTED,
            "voided": Rejection.PENDING_ALREADY_VOIDED,
        }.get(state)
        if self.expect(result, expected):
            worker, amount = self._reservation(pending_id)
            self.model.move(worker, self.fund.payouts, amount, -1, 1 if pay else 0)
            self.pending[pending_id] = "posted" if pay else "voided"
            if pay:
                self.posted[result.transfer_id] = (worker, self.fund.payouts, amount, "paid")

    @rule(data=st.data(), amount=st.integers(min_value=1, max_value=5_000))
    def premium(self, data: st.DataObject, amount: int) -> None:
        worker = data.draw(st.sampled_from(self.fund.workers))
        result = self.submit(
            ledger.charge_premium,
            worker_account_id=worker,
            insurer_account_id=self.fund.insurer,
            amount_cents=amount,
            period="2026-11",
        )
        if self.expect(
            result, None if self.model.affordable(worker, amount) else Rejection.INSUFFICIENT_FUNDS
        ):
            self.model.move(worker, self.fund.insurer, amount, 0, 1)
            self.posted[result.transfer_id] = (worker, self.fund.insurer, amount, "premium")

    @rule(data=st.data())
    def reversal(self, data: st.DataObject) -> None:
        if not self.posted:
            return
        transfer_id = data.draw(st.sampled_from(sorted(self.posted)))
        debit, credit, amount, _kind = self.posted[transfer_id]
        result = self.submit(ledger.reverse, transfer_id=transfer_id, reason="correction")
        if transfer_id in self.reversed:
            expected = Rejection.ALREADY_REVERSED
        elif not self.model.affordable(credit, amount):
            expected = Rejection.INSUFFICIENT_FUNDS
        else:
            expected = None
        if self.expect(result, expected):
            self.model.move(credit, debit, amount, 0, 1)
            self.reversed.add(transfer_id)

    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        if not self.requests:
            return
        key = data.draw(st.sampled_from(sorted(self.requests)))
        operation, arguments, first = self.requests[key]
        again = run_in_transaction(self.sessions, lambda s: operation(s, key=key, **arguments))
        assert again.replayed
        assert (again.outcome, again.transfer_id, again.rejection) == (
            first.outcome,
            first.transfer_id,
            first.rejection,
        )

    @rule(data=st.data())
    def conflicting_replay(self, data: st.DataObject) -> None:
        if not self.requests:
            return
        key = data.draw(st.sampled_from(sorted(self.requests)))
        worker = data.draw(st.sampled_from(self.fund.workers))
        # An amount no generated request uses, so the content always differs.
        conflicting = {
            "contributor_account_id": self.fund.platform,
            "worker_account_id": worker,
            "amount_cents": 99_999,
        }
        with pytest.raises(ledger.IdempotencyConflict):
            run_in_transaction(
                self.sessions, lambda s: ledger.contribute(s, key=key, **conflicting)
            )

    @invariant()
    def ledger_matches_the_model(self) -> None:
        if not hasattr(self, "model"):
            return
        with self.sessions() as session:
            assert ledger.check(session) == []
            for account, (dp, dpo, cp, cpo) in self.model.counters.items():
                stored = session.get(ledger.Account, account, populate_existing=True)
                assert (
                    stored.debits_pending,
                    stored.debits_posted,
                    stored.credits_pending,
                    stored.credits_posted,
                ) == (
                    dp,
                    dpo,
                    cp,
                    cpo,
                ), stored.code
                if account in self.model.workers:
                    money = ledger.balance(session, account)
                    assert money.available_cents == self.model.available(account) >= 0

    def _reservation(self, pending_id: int) -> tuple[int, int]:
        """The worker and amount of the reservation that created this pending transfer."""
        for operation, arguments, result in self.requests.values():
            if operation is ledger.reserve_day_off and result.transfer_id == pending_id:
                return arguments["worker_account_id"], arguments["amount_cents"]
        raise AssertionError(f"no reservation {pending_id}")


def test_the_ledger_behaves_like_the_model(engine):
    run_state_machine_as_test(
        lambda: LedgerMachine(engine),
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )

"""The one way money moves: lock the accounts, honour the idempotency key, move the counters.

Every public operation in `bot.ledger.operations` builds a `Plan` and hands it to `submit`.
`submit` never commits; the caller owns the transaction (and retries it on serialization
failures and deadlocks, see `bot.db.run_in_transaction`).
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Update, bindparam, case, insert, select, update
from sqlalchemy.orm import Session

from bot.ledger.errors import (
    IdempotencyConflict,
    InvalidAmount,
    InvalidKey,
    InvalidReference,
    LedgerError,
    UnknownAccount,
    WrongAccountKind,
)
from bot.ledger.models import (
    Account,
    AccountKind,
    LedgerRequest,
    Outcome,
    Phase,
    Rejection,
    Transfer,
    TransferKind,
)

# Far above any contribution, premium or payout a domestic-worker fund makes; a larger
# figure is a typo or an attack, and refusing it keeps every counter far from overflow.
MAX_TRANSFER_CENTS = 10_000_000
MAX_KEY_LENGTH = 128
MAX_MEMO_TEXT_LENGTH = 200
MAX_ID = 2**63

# How each phase moves (pending, posted) counters on both sides of a transfer.
COUNTER_EFFECTS: dict[Phase, tuple[int, int]] = {
    Phase.POSTED: (0, 1),
    Phase.PENDING: (1, 0),
    Phase.POST_PENDING: (-1, 1),
    Phase.VOID_PENDING: (-1, 0),
}

Check = Callable[[Session], Rejection | None]
ACCOUNTS = Account.__table__
TRANSFERS = Transfer.__table__
REQUESTS = LedgerRequest.__table__

# Statements built once: building a statement costs more Python than running it.
LOCK_ACCOUNTS = (
    select(
        ACCOUNTS.c.id,
        ACCOUNTS.c.kind,
        ACCOUNTS.c.code,
        ACCOUNTS.c.debits_must_not_exceed_credits,
        ACCOUNTS.c.debits_pending,
        ACCOUNTS.c.debits_posted,
        ACCOUNTS.c.credits_posted,
    )
    .where(ACCOUNTS.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(ACCOUNTS.c.id)
    .with_for_update()
)
EARLIER_REQUEST = select(REQUESTS).where(REQUESTS.c.key == bindparam("key"))
INSERT_TRANSFER = insert(TRANSFERS).returning(TRANSFERS.c.id)
INSERT_REQUEST = insert(REQUESTS)


def _counter_update(pending_sign: int, posted_sign: int) -> Update:
    """One UPDATE moving both accounts' counters the way a phase does."""
    moves: dict[str, Any] = {}
    for side, account in (("debits", "debit_id"), ("credits", "credit_id")):
        for counter, sign in (("pending", pending_sign), ("posted", posted_sign)):
            if sign:
                column = ACCOUNTS.c[f"{side}_{counter}"]
                delta = bindparam("amount") * sign
                moves[column.name] = column + case(
                    (ACCOUNTS.c.id == bindparam(account), delta), else_=0
                )
    ids = (bindparam("debit_id"), bindparam("credit_id"))
    return update(ACCOUNTS).where(ACCOUNTS.c.id.in_(ids)).values(**moves)


MOVE_COUNTERS = {phase: _counter_update(*signs) for phase, signs in COUNTER_EFFECTS.items()}


@dataclass(frozen=True)
class TransferResult:
    """The answer to a request: the same every time the same key is presented."""

    key: str
    outcome: Outcome
    transfer_id: int | None
    rejection: Rejection | None = None
    replayed: bool = False

    @property
    def applied(self) -> bool:
        """Whether the money moved (now, or when the key was first used)."""
        return self.outcome is Outcome.APPLIED


@dataclass(frozen=True)
class Plan:
    """What a request does once its accounts are locked and its key is known to be new."""

    operation: str
    kind: TransferKind
    phase: Phase
    debit_account_id: int
    credit_account_id: int
    amount: int
    debit_kinds: frozenset[AccountKind]
    credit_kinds: frozenset[AccountKind]
    pending_id: int | None = None
    reverses_id: int | None = None
    memo: dict[str, Any] = field(default_factory=dict)


def check_amount(amount_cents: object) -> int:
    """Return the amount if it is a positive whole number of cents within the limit."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise InvalidAmount(f"amount must be a whole number of cents, not {amount_cents!r}")
    if amount_cents <= 0:
        raise InvalidAmount(f"amount must be positive, not {amount_cents}")
    if amount_cents > MAX_TRANSFER_CENTS:
        raise InvalidAmount(f"amount {amount_cents} is above the limit of {MAX_TRANSFER_CENTS}")
    return amount_cents


def check_id(value: object, error: type[LedgerError]) -> int:
    """Return the value if it can be a row id (a positive 64-bit integer), else raise `error`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < MAX_ID:
        raise error(f"{value!r} is not the id of a ledger row")
    return value


def check_key(key: object) -> str:
    """Return the idempotency key if it is a non-empty printable string of bounded length."""
    if not isinstance(key, str) or not key or not key.isprintable():
        raise InvalidKey("an idempotency key must be a non-empty printable string")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(f"an idempotency key is at most {MAX_KEY_LENGTH} characters")
    return key


def check_memo(memo: dict[str, Any]) -> dict[str, Any]:
    """Return the memo if every value is a short string, an int or None."""
    for name, value in memo.items():
        if isinstance(value, str) and len(value) <= MAX_MEMO_TEXT_LENGTH:
            continue
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            continue
        raise InvalidReference(f"{name} must be text of at most {MAX_MEMO_TEXT_LENGTH} characters")
    return memo


def fingerprint(operation: str, call: dict[str, Any]) -> str:
    """A stable hash of what the caller asked for, to tell a replay from a conflict."""
    canonical = json.dumps({"operation": operation, **call}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def lock_accounts(session: Session, account_ids: Iterable[int]) -> dict[int, Row[Any]]:
    """Lock the accounts in id order (so two transfers never deadlock) and read their counters."""
    wanted = sorted({check_id(account_id, UnknownAccount) for account_id in account_ids})
    rows = session.execute(LOCK_ACCOUNTS, {"ids": wanted}).all()
    found = {row.id: row for row in rows}
    missing = [account_id for account_id in wanted if account_id not in found]
    if missing:
        raise UnknownAccount(f"no ledger account {missing[0]}")
    return found


def submit(
    session: Session, key: str, call: dict[str, Any], plan: Plan, check: Check
) -> TransferResult:
    """Apply the plan once per key; replay the first answer for a repeat of the same call.

    Written in SQLAlchemy Core: a contribution is the hot path, and the ORM's bookkeeping
    cost more than the database work (see bench/ledger_throughput.py).
    """
    check_key(key)
    request_hash = fingerprint(plan.operation, call)
    accounts = lock_accounts(session, (plan.debit_account_id, plan.credit_account_id))
    debit, credit = accounts[plan.debit_account_id], accounts[plan.credit_account_id]
    if debit.kind not in plan.debit_kinds:
        raise WrongAccountKind(f"{plan.operation} cannot take money from account {debit.code}")
    if credit.kind not in plan.credit_kinds:
        raise WrongAccountKind(f"{plan.operation} cannot pay money into account {credit.code}")
    if debit.id == credit.id:
        raise WrongAccountKind("a transfer needs two different accounts")

    earlier = session.execute(EARLIER_REQUEST, {"key": key}).first()
    if earlier is not None:
        return _replay(earlier, request_hash)

    rejection = check(session) or _funds_rejection(debit, plan)
    transfer_id = None if rejection else _record_transfer(session, plan)
    outcome = Outcome.REJECTED if rejection else Outcome.APPLIED
    session.execute(
        INSERT_REQUEST,
        {
            "key": key,
            "operation": plan.operation,
            "request_hash": request_hash,
            "outcome": outcome,
            "rejection": rejection,
            "transfer_id": transfer_id,
        },
    )
    return TransferResult(key=key, outcome=outcome, transfer_id=transfer_id, rejection=rejection)


def _replay(earlier: Row[Any], request_hash: str) -> TransferResult:
    if earlier.request_hash != request_hash:
        raise IdempotencyConflict(
            f"idempotency key {earlier.key!r} was already used for a different {earlier.operation}"
        )
    return TransferResult(
        key=earlier.key,
        outcome=Outcome(earlier.outcome),
        transfer_id=earlier.transfer_id,
        rejection=Rejection(earlier.rejection) if earlier.rejection else None,
        replayed=True,
    )


def _funds_rejection(debit: Row[Any], plan: Plan) -> Rejection | None:
    # TigerBeetle's rule: pending incoming money is not spendable, pending outgoing is spent.
    if not debit.debits_must_not_exceed_credits:
        return None
    pending_sign, posted_sign = COUNTER_EFFECTS[plan.phase]
    debits_after = (
        debit.debits_pending
        + pending_sign * plan.amount
        + debit.debits_posted
        + posted_sign * plan.amount
    )
    if debits_after > debit.credits_posted:
        return Rejection.INSUFFICIENT_FUNDS
    return None


def _record_transfer(session: Session, plan: Plan) -> int:
    """Insert the transfer and move both accounts' counters in one UPDATE; return its id."""
    transfer_id: int = session.execute(
        INSERT_TRANSFER,
        {
            "kind": plan.kind,
            "phase": plan.phase,
            "debit_account_id": plan.debit_account_id,
            "credit_account_id": plan.credit_account_id,
            "amount": plan.amount,
            "pending_id": plan.pending_id,
            "reverses_id": plan.reverses_id,
            "memo": plan.memo,
        },
    ).scalar_one()
    session.execute(
        MOVE_COUNTERS[plan.phase],
        {
            "debit_id": plan.debit_account_id,
            "credit_id": plan.credit_account_id,
            "amount": plan.amount,
        },
    )
    return transfer_id

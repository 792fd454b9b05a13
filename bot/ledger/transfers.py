"""The one way money moves: lock the accounts, honour the idempotency key, move the counters.

Every public operation in `bot.ledger.operations` builds a `Plan` and hands it to `submit`.
`submit` never commits; the caller owns the transaction (and retries it on serialization
failures and deadlocks, see `bot.infra.db.run_in_transaction`).
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from bot.infra.orm import utcnow
from bot.ledger import events, known_counters
from bot.ledger import statements as sql
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
    AccountKind,
    Outcome,
    Phase,
    Rejection,
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
    # How much of the debit account's uncollected (pending) credits may be spent: what the
    # fund chooses to advance a worker. Policy, not part of the request: not in its hash.
    advance_cents: int = 0


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


# What json.dumps(..., sort_keys=True, default=str) builds on every call; the text (and so
# every stored request_hash) is the same.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, default=str)


def fingerprint(operation: str, call: dict[str, Any]) -> str:
    """A stable hash of what the caller asked for, to tell a replay from a conflict."""
    canonical = _CANONICAL_JSON.encode({"operation": operation, **call})
    return hashlib.sha256(canonical.encode()).hexdigest()


def lock_accounts(
    session: Session, account_ids: Iterable[int], key: str
) -> tuple[dict[int, Row[Any]], Row[Any] | None]:
    """Lock the accounts in id order (so two transfers never deadlock), read their counters,
    and find an earlier request under the key, in one round trip."""
    wanted = sorted({check_id(account_id, UnknownAccount) for account_id in account_ids})
    # Straight to the session's connection: these are Core statements, no ORM state to track.
    rows = session.connection().execute(sql.LOCK_ACCOUNTS, {"ids": wanted, "key": key}).all()
    found = {row.id: row for row in rows}
    missing = [account_id for account_id in wanted if account_id not in found]
    if missing:
        raise UnknownAccount(f"no ledger account {missing[0]}")
    earlier = rows[0] if rows[0].request_hash is not None else None
    return found, earlier


def submit(
    session: Session, key: str, call: dict[str, Any], plan: Plan, check: Check | None = None
) -> TransferResult:
    """Apply the plan once per key; replay the first answer for a repeat of the same call.

    `check`, if given, runs once the accounts are locked and may reject the request; without
    one the only reason to refuse is the balance. Written in SQLAlchemy Core: a contribution
    is the hot path, and the ORM's bookkeeping cost more than the database work (see
    bench/ledger_throughput.py).
    """
    check_key(key)
    known_counters.forget(session)  # about to write them
    request_hash = fingerprint(plan.operation, call)
    check_id(plan.debit_account_id, UnknownAccount)
    check_id(plan.credit_account_id, UnknownAccount)
    connection = session.connection()
    created_at = utcnow()
    if check is None and connection.dialect.name == "postgresql":
        # One statement when the request is new and sound; otherwise it wrote nothing and the
        # general path below, under the locks the statement took, finds out why.
        parameters = _one_statement_parameters(plan, key, request_hash, created_at)
        transfer_id = sql.try_write_transfer(connection, parameters)
        if transfer_id is not None:
            events.answered(session, plan.operation, events.POSTED)
            return TransferResult(key, Outcome.APPLIED, transfer_id)

    request = {
        "key": key,
        "operation": plan.operation,
        "request_hash": request_hash,
        "outcome": Outcome.APPLIED,
        "rejection": None,
        "created_at": created_at,
    }
    accounts, earlier = lock_accounts(session, (plan.debit_account_id, plan.credit_account_id), key)
    debit, credit = accounts[plan.debit_account_id], accounts[plan.credit_account_id]
    if debit.kind not in plan.debit_kinds:
        raise WrongAccountKind(f"{plan.operation} cannot take money from account {debit.code}")
    if credit.kind not in plan.credit_kinds:
        raise WrongAccountKind(f"{plan.operation} cannot pay money into account {credit.code}")
    if debit.id == credit.id:
        raise WrongAccountKind("a transfer needs two different accounts")

    if earlier is not None:
        return _replay(session, plan.operation, key, earlier, request_hash)

    rejection = (check(session) if check else None) or _funds_rejection(debit, plan)
    if rejection:
        request = {**request, "outcome": Outcome.REJECTED, "rejection": rejection}
        connection.execute(sql.INSERT_REQUEST, {**request, "transfer_id": None})
        events.answered(session, plan.operation, events.REJECTED)
        return TransferResult(key, Outcome.REJECTED, None, rejection)
    transfer_id = sql.write_transfer(connection, plan_row(plan), request)
    events.answered(session, plan.operation, events.POSTED)
    return TransferResult(key, Outcome.APPLIED, transfer_id)


def _replay(
    session: Session, operation: str, key: str, earlier: Row[Any], request_hash: str
) -> TransferResult:
    if earlier.request_hash != request_hash:
        events.answered(session, operation, events.CONFLICT)
        raise IdempotencyConflict(
            f"idempotency key {key!r} was already used for a different {earlier.operation}"
        )
    events.answered(session, operation, events.REPLAYED)
    return TransferResult(
        key=key,
        outcome=Outcome(earlier.outcome),
        transfer_id=earlier.transfer_id,
        rejection=Rejection(earlier.rejection) if earlier.rejection else None,
        replayed=True,
    )


def _funds_rejection(debit: Row[Any], plan: Plan) -> Rejection | None:
    # TigerBeetle's rule: pending incoming money (a pledge not collected yet) is not spendable,
    # pending outgoing is spent; except what the fund advances on her uncollected pledges.
    if not debit.debits_must_not_exceed_credits:
        return None
    if plan.phase in (Phase.POST_PENDING, Phase.VOID_PENDING):
        # Her debits do not grow: the money was checked when it was reserved (perhaps with an
        # advance that a stricter check now would take back from her).
        return None
    pending_sign, posted_sign = COUNTER_EFFECTS[plan.phase]
    debits_after = (
        debit.debits_pending
        + pending_sign * plan.amount
        + debit.debits_posted
        + posted_sign * plan.amount
    )
    if debits_after > debit.credits_posted + min(debit.credits_pending, plan.advance_cents):
        return Rejection.INSUFFICIENT_FUNDS
    return None


@cache
def _kinds_text(kinds: frozenset[AccountKind]) -> str:
    return ",".join(sorted(kinds))


def _one_statement_parameters(
    plan: Plan, key: str, request_hash: str, created_at: datetime
) -> dict[str, str | None]:
    """The parameters of `statements.POSTGRES_TRY_WRITE`, as text (the SQL casts them): the
    plan's row, the kinds it accepts, and the request to record."""
    row = plan_row(plan)
    return {
        **{name: None if value is None else str(value) for name, value in row.items()},
        "memo": json.dumps(plan.memo),
        "advance": str(plan.advance_cents),
        "debit_kinds": _kinds_text(plan.debit_kinds),
        "credit_kinds": _kinds_text(plan.credit_kinds),
        "key": key,
        "operation": plan.operation,
        "request_hash": request_hash,
        "outcome": Outcome.APPLIED.value,
        "created_at": created_at.isoformat(),
    }


def plan_row(plan: Plan) -> dict[str, Any]:
    """The transfer row a plan writes, and how it moves each counter."""
    pending_sign, posted_sign = COUNTER_EFFECTS[plan.phase]
    return {
        "kind": plan.kind,
        "phase": plan.phase,
        "debit_account_id": plan.debit_account_id,
        "credit_account_id": plan.credit_account_id,
        "amount": plan.amount,
        "pending_id": plan.pending_id,
        "reverses_id": plan.reverses_id,
        "memo": plan.memo,
        "pending_delta": pending_sign * plan.amount,
        "posted_delta": posted_sign * plan.amount,
    }

"""The ledger's SQL, built once: building a statement costs more Python than running it.

A transfer is two round trips: one statement locks both accounts (in id order) and finds an
earlier request under the key; one writes. On PostgreSQL the write is a single statement
(insert the transfer, move both accounts' counters, insert the request); SQLite, which has no
data-modifying CTEs, takes three statements inside the same BEGIN IMMEDIATE transaction.
"""

from typing import Any

from sqlalchemy import JSON, Connection, DateTime, bindparam, case, insert, select, text, update

from bot.ledger.models import Account, LedgerRequest, Transfer

ACCOUNTS = Account.__table__
TRANSFERS = Transfer.__table__
REQUESTS = LedgerRequest.__table__

LOCK_ACCOUNTS = (
    select(
        ACCOUNTS.c.id,
        ACCOUNTS.c.kind,
        ACCOUNTS.c.code,
        ACCOUNTS.c.debits_must_not_exceed_credits,
        ACCOUNTS.c.debits_pending,
        ACCOUNTS.c.debits_posted,
        ACCOUNTS.c.credits_posted,
        REQUESTS.c.operation,
        REQUESTS.c.request_hash,
        REQUESTS.c.outcome,
        REQUESTS.c.rejection,
        REQUESTS.c.transfer_id,
    )
    .select_from(ACCOUNTS.outerjoin(REQUESTS, REQUESTS.c.key == bindparam("key")))
    .where(ACCOUNTS.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(ACCOUNTS.c.id)
    .with_for_update(of=ACCOUNTS)
)
INSERT_REQUEST = insert(REQUESTS)
INSERT_TRANSFER = insert(TRANSFERS).returning(TRANSFERS.c.id)


def _moved(column: str, side: str) -> Any:
    """A counter plus its delta on the account on this side of the transfer, else unchanged."""
    account = bindparam("debit_account_id" if side == "debits" else "credit_account_id")
    delta = bindparam("pending_delta" if column.endswith("pending") else "posted_delta")
    return ACCOUNTS.c[column] + case((ACCOUNTS.c.id == account, delta), else_=0)


MOVE_COUNTERS = (
    update(ACCOUNTS)
    .where(ACCOUNTS.c.id.in_((bindparam("debit_account_id"), bindparam("credit_account_id"))))
    .values(
        {
            column: _moved(column, column.split("_")[0])
            for column in ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
        }
    )
)

COUNTER_PARAMETERS = ("debit_account_id", "credit_account_id", "pending_delta", "posted_delta")

POSTGRES_WRITE = text(
    """
    WITH transfer AS (
        INSERT INTO ledger_transfers
            (kind, phase, debit_account_id, credit_account_id, amount, pending_id,
             reverses_id, memo, created_at)
        VALUES (:kind, :phase, :debit_account_id, :credit_account_id, :amount, :pending_id,
                :reverses_id, :memo, :created_at)
        RETURNING id
    ), counters AS (
        UPDATE ledger_accounts SET
            debits_pending = debits_pending
                + CASE WHEN id = :debit_account_id THEN :pending_delta ELSE 0 END,
            debits_posted = debits_posted
                + CASE WHEN id = :debit_account_id THEN :posted_delta ELSE 0 END,
            credits_pending = credits_pending
                + CASE WHEN id = :credit_account_id THEN :pending_delta ELSE 0 END,
            credits_posted = credits_posted
                + CASE WHEN id = :credit_account_id THEN :posted_delta ELSE 0 END
        WHERE id IN (:debit_account_id, :credit_account_id)
        RETURNING id
    )
    INSERT INTO ledger_requests
        (key, operation, request_hash, outcome, rejection, transfer_id, created_at)
    SELECT :key, :operation, :request_hash, :outcome, :rejection, transfer.id, :created_at
    FROM transfer
    WHERE (SELECT count(*) FROM counters) = 2
    RETURNING transfer_id
    """
).bindparams(bindparam("memo", type_=JSON), bindparam("created_at", type_=DateTime(timezone=True)))


def write_transfer(
    connection: Connection, transfer: dict[str, Any], request: dict[str, Any]
) -> int:
    """Insert the transfer, move the counters, record the request; return the transfer id."""
    if connection.dialect.name == "postgresql":
        transfer_id: int = connection.execute(POSTGRES_WRITE, {**transfer, **request}).scalar_one()
        return transfer_id
    # Core reads execution parameters named like columns as more values to set, so each
    # statement gets exactly its own parameters.
    row = {name: value for name, value in transfer.items() if name in TRANSFERS.c}
    transfer_id = connection.execute(INSERT_TRANSFER, row).scalar_one()
    connection.execute(MOVE_COUNTERS, {name: transfer[name] for name in COUNTER_PARAMETERS})
    connection.execute(INSERT_REQUEST, {**request, "transfer_id": transfer_id})
    return transfer_id

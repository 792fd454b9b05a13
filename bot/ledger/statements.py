"""The ledger's SQL, built once: building a statement costs more Python than running it.

On PostgreSQL a transfer that needs no check beyond the balance (a contribution, a bonus, a
day off reserved, a premium) is one statement: `POSTGRES_TRY_WRITE` locks both accounts (in
id order), and only if both exist and are of the right kinds, the key is new and the money is
there, inserts the transfer, moves both accounts' counters and records the request. When it
writes nothing (a replay, a rejection, a bad account), `submit` falls back to the general path,
under the locks it already holds.

The general path is two round trips: one statement locks both accounts and finds an earlier
request under the key; one writes. On PostgreSQL the write is a single statement (insert the
transfer, move both accounts' counters, insert the request); SQLite, which has no
data-modifying CTEs, takes three statements inside the same BEGIN IMMEDIATE transaction.
"""

from typing import Any

from sqlalchemy import JSON, Connection, DateTime, bindparam, case, insert, select, text, update

from bot.ledger.driver_sql import fetch_one
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
        ACCOUNTS.c.credits_pending,
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


# Driver-level SQL (psycopg's named placeholders), prepared once per connection: no compilation
# and no bind processing on the hot path (see `bot.ledger.driver_sql`). Every parameter is
# text, cast in the SQL to its type.
#
# Why it is safe in one statement: `locked` takes the row locks in id order (LockRows above the
# Sort) before anything is written, since `go` reads it and every write depends on `go`; after
# waiting for a lock, READ COMMITTED hands back the newest version of the row, so the funds
# check sees every committed transfer. The UPDATE then finds the rows we hold and adds to their
# newest counters. `earlier` sees the statement's snapshot: a request committed under the same
# key after it was taken makes the request INSERT fail with a unique violation, which
# `bot.infra.db.run_in_transaction` retries (the retry replays the first answer). It answers the new
# transfer's id, or NULL and how many transfers it inserted: none, or something is badly wrong.
POSTGRES_TRY_WRITE = """
WITH locked AS (
    SELECT id, kind, debits_must_not_exceed_credits, debits_pending, debits_posted,
           credits_pending, credits_posted
    FROM ledger_accounts
    WHERE id IN (%(debit_account_id)s::bigint, %(credit_account_id)s::bigint)
    ORDER BY id
    FOR UPDATE
), earlier AS (
    SELECT FROM ledger_requests WHERE key = %(key)s::varchar
), go AS (
    SELECT
    FROM locked AS debit JOIN locked AS credit ON credit.id = %(credit_account_id)s::bigint
    WHERE debit.id = %(debit_account_id)s::bigint
      AND debit.id <> credit.id
      AND debit.kind = ANY(string_to_array(%(debit_kinds)s::text, ','))
      AND credit.kind = ANY(string_to_array(%(credit_kinds)s::text, ','))
      AND NOT EXISTS (SELECT FROM earlier)
      AND (NOT debit.debits_must_not_exceed_credits
           OR debit.debits_pending + %(pending_delta)s::bigint
              + debit.debits_posted + %(posted_delta)s::bigint
              <= debit.credits_posted + LEAST(debit.credits_pending, %(advance)s::bigint))
), transfer AS (
    INSERT INTO ledger_transfers
        (kind, phase, debit_account_id, credit_account_id, amount, pending_id,
         reverses_id, memo, created_at)
    SELECT %(kind)s::varchar, %(phase)s::varchar, %(debit_account_id)s::bigint,
           %(credit_account_id)s::bigint, %(amount)s::bigint, %(pending_id)s::bigint,
           %(reverses_id)s::bigint, %(memo)s::json, %(created_at)s::timestamptz
    FROM go
    RETURNING id
), counters AS (
    UPDATE ledger_accounts SET
        debits_pending = debits_pending + CASE WHEN id = %(debit_account_id)s::bigint
            THEN %(pending_delta)s::bigint ELSE 0 END,
        debits_posted = debits_posted + CASE WHEN id = %(debit_account_id)s::bigint
            THEN %(posted_delta)s::bigint ELSE 0 END,
        credits_pending = credits_pending + CASE WHEN id = %(credit_account_id)s::bigint
            THEN %(pending_delta)s::bigint ELSE 0 END,
        credits_posted = credits_posted + CASE WHEN id = %(credit_account_id)s::bigint
            THEN %(posted_delta)s::bigint ELSE 0 END
    WHERE id IN (%(debit_account_id)s::bigint, %(credit_account_id)s::bigint)
      AND EXISTS (SELECT FROM transfer)
    RETURNING id
), request AS (
    INSERT INTO ledger_requests
        (key, operation, request_hash, outcome, rejection, transfer_id, created_at)
    SELECT %(key)s::varchar, %(operation)s::varchar, %(request_hash)s::varchar,
           %(outcome)s::varchar, NULL, transfer.id, %(created_at)s::timestamptz
    FROM transfer
    WHERE (SELECT count(*) FROM counters) = 2
    RETURNING transfer_id
)
SELECT (SELECT transfer_id FROM request), (SELECT count(*) FROM transfer)
"""


def try_write_transfer(connection: Connection, parameters: dict[str, str | None]) -> int | None:
    """On PostgreSQL, in one statement: lock, check and write a transfer that needs no other
    check; return its id, or None if nothing was written (the caller then takes the general
    path, which tells why)."""
    transfer_id, inserted = fetch_one(connection, POSTGRES_TRY_WRITE, parameters)
    if transfer_id is not None:
        return int(transfer_id)
    if inserted:  # cannot happen with both accounts locked; never let the caller go on
        raise RuntimeError("a transfer was written without its counters and request")
    return None


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

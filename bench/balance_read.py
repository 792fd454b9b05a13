"""Balance and history read latency with a short and with a long ledger, as a ratio.

Measures `bot.ledger.balance(session, worker)` and `bot.ledger.history(session, worker,
limit=5)` for one worker, first with 1,000 transfers in the ledger, then (same database) with
1,000,000, and prints median and p99 in microseconds and RATIO = big / small (target: the
ratio of medians <= 1.2 for both reads). The measured worker receives every tenth transfer
(100 of the first 1,000, 100,000 of the million); the rest are spread over 299 other workers,
paid by 50 households. Transfers are bulk-inserted with SQL (a transfer, its idempotency
record with the fingerprint the API would store, and the account counters), so
`bot.ledger.check` stays clean; it runs at the end, with a replay of one bulk key through
`bot.ledger.contribute`. Each state is VACUUM ANALYZEd and warmed up; each read is timed
alone, on a connection already checked out, in autocommit (no BEGIN/ROLLBACK), so what is
timed is the query and the ORM work. A database of the run's own (`bench_balance_<pid>`) is
created, migrated, and dropped at the end, on Ctrl-C and on errors too. Run by hand:

    .venv/bin/python bench/balance_read.py [--reads 5000] [--small 1000] [--big 1000000]
        [--workers 300] [--households 50] [--server URL]

Exit status 1 if the ledger check finds a problem (a missed target is only reported).
"""

import argparse
import gc
import os
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot import ledger, migrate
from bot.db import make_engine, make_session_factory
from bot.ledger import AccountKind

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_RATIO = 1.2
TARGETED = ("balance", "history(limit=5)")
AMOUNT_CENTS = 500
SHARE = 10  # the measured worker receives every SHARE-th transfer
CHUNK = 250_000
# One statement per chunk: transfers n = first..last, and the request the API would record
# for each (key, operation, the sha256 of its canonical JSON call, applied, the transfer).
FILL = text("""
WITH p AS (SELECT CAST(:workers AS bigint[]) AS w, CAST(:households AS bigint[]) AS h),
batch AS (
    SELECT n, CASE WHEN n % :share = 0 THEN :measured ELSE w[1 + n % cardinality(w)] END AS worker,
           h[1 + (n / 7) % cardinality(h)] AS household
    FROM p, generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS n
), transfers AS (
    INSERT INTO ledger_transfers
        (kind, phase, debit_account_id, credit_account_id, amount, memo, created_at)
    SELECT 'contribution', 'posted', household, worker, :amount, '{"reference": null}', now()
    FROM batch ORDER BY n
    RETURNING id, debit_account_id AS household, credit_account_id AS worker, amount
)
INSERT INTO ledger_requests (key, operation, request_hash, outcome, transfer_id, created_at)
SELECT 'bulk:' || id, 'contribution', encode(sha256(convert_to(format(
    '{"amount": %s, "contributor": %s, "operation": "contribution", "reference": null, '
    '"worker": %s}', amount, household, worker), 'UTF8')), 'hex'), 'applied', id, now()
FROM transfers
""")
COUNTERS = """
UPDATE ledger_accounts AS a SET {side}_posted = a.{side}_posted + s.total
FROM (SELECT {column} AS id, sum(amount) AS total FROM ledger_transfers
      WHERE id > :after GROUP BY 1) AS s
WHERE a.id = s.id
"""


@contextmanager
def temporary_database(server: str, name: str) -> Iterator[str]:
    """A database of this run's own, migrated to head; dropped on the way out, whatever happens."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        print(f"dropped database {name}")


def fill(engine: Engine, accounts: dict[str, Any], first: int, last: int) -> None:
    """Add transfers first..last (and their requests and counters), a chunk per transaction."""
    for start in range(first, last + 1, CHUNK):
        with engine.begin() as connection:
            after = connection.scalar(text("SELECT coalesce(max(id), 0) FROM ledger_transfers"))
            end = min(start + CHUNK - 1, last)
            params = {"first": start, "last": end, "share": SHARE, "amount": AMOUNT_CENTS}
            connection.execute(FILL, {**accounts, **params})
            for side, column in (("debits", "debit_account_id"), ("credits", "credit_account_id")):
                update = COUNTERS.format(side=side, column=column)
                connection.execute(text(update), {"after": after})
        print(f"  filled transfers {start:,}..{end:,}", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        # Else the checkpoint the fill's WAL set off writes in the background while we time.
        connection.execute(text("CHECKPOINT"))


def timed(
    engine: Engine, reads: int, warmup: int, calls: dict[str, Callable[[Session], object]]
) -> dict[str, list[float]]:
    """Microseconds per call of each read, interleaved, after `warmup` untimed rounds."""
    sessions = sessionmaker(engine)
    micros: dict[str, list[float]] = {name: [] for name in calls}
    gc.collect()
    gc.disable()
    try:
        for round_ in range(warmup + reads):
            for name, call in calls.items():
                with sessions() as session:
                    session.connection()  # pool checkout (and its ping) outside the clock
                    began = time.perf_counter_ns()
                    call(session)
                    elapsed = time.perf_counter_ns() - began
                if round_ >= warmup:
                    micros[name].append(elapsed / 1000)
    finally:
        gc.enable()
    return micros


def report(results: dict[str, dict[str, list[float]]], args: argparse.Namespace) -> None:
    """Median and p99 per read and state, their ratios, and whether the target is met."""
    print(
        f"\n{args.reads} timed reads per state, microseconds; the measured worker has "
        f"{args.small // SHARE:,} then {args.big // SHARE:,} transfers"
    )
    print(f"{'':<26}{'small':>10}{'big':>10}{'RATIO big/small':>18}")
    verdicts = []
    for name in results["small"]:
        small, big = results["small"][name], results["big"][name]
        medians = statistics.median(small), statistics.median(big)
        p99s = statistics.quantiles(small, n=100)[98], statistics.quantiles(big, n=100)[98]
        for label, (a, b) in (("median", medians), ("p99", p99s)):
            print(f"{name + ' ' + label:<26}{a:>10.1f}{b:>10.1f}{b / a:>18.3f}")
        if name in TARGETED:
            ratio = medians[1] / medians[0]
            met = "MET" if ratio <= TARGET_RATIO else "NOT MET"
            verdicts.append(f"RATIO {name} median {ratio:.3f}, target <= {TARGET_RATIO}: {met}")
    print("\n".join(verdicts))


def stop_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # so that the database is dropped on `kill` too


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=5000, help="timed reads per state")
    parser.add_argument("--warmup", type=int, default=500, help="untimed reads first")
    parser.add_argument("--small", type=int, default=1000, help="transfers, small state")
    parser.add_argument("--big", type=int, default=1_000_000, help="transfers, big state")
    parser.add_argument("--workers", type=int, default=300, help="worker accounts")
    parser.add_argument("--households", type=int, default=50, help="household accounts")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="URL of a database to connect to")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop_on_sigterm)

    with temporary_database(args.server, f"bench_balance_{os.getpid()}") as url:
        engine = make_engine(url)
        with make_session_factory(engine).begin() as session:
            workers = [
                ledger.open_account(session, AccountKind.WORKER, f"worker:{n}")
                for n in range(args.workers)
            ]
            households = [
                ledger.open_account(session, AccountKind.HOUSEHOLD, f"household:{n}")
                for n in range(args.households)
            ]
        measured = workers[0]
        accounts = {"measured": measured, "workers": workers[1:], "households": households}
        reader = make_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        calls: dict[str, Callable[[Session], object]] = {
            "SELECT 1 (no target)": lambda session: session.execute(select(1)).one(),
            "balance": lambda session: ledger.balance(session, measured),
            "history(limit=5)": lambda session: ledger.history(session, measured, limit=5),
        }
        results: dict[str, dict[str, list[float]]] = {}
        filled = 0
        for state, size in (("small", args.small), ("big", args.big)):
            print(f"{state}: filling to {size:,} transfers", flush=True)
            fill(engine, accounts, filled + 1, size)
            filled = size
            results[state] = timed(reader, args.reads, args.warmup, calls)
        reader.dispose()

        report(results, args)
        with make_session_factory(engine)() as session:
            began = time.perf_counter()
            problems = ledger.check(session)
            took = time.perf_counter() - began
            transfers = session.scalar(select(func.count()).select_from(ledger.Transfer))
            key = "bulk:1"
            first = session.get(ledger.Transfer, 1)
            assert first is not None
            replay = ledger.contribute(
                session,
                key=key,
                contributor_account_id=first.debit_account_id,
                worker_account_id=first.credit_account_id,
                amount_cents=first.amount,
            )
            session.rollback()
        engine.dispose()
        print(
            f"ledger.check over {transfers:,} transfers ({took:.1f} s): "
            f"{'clean' if not problems else f'{len(problems)} problem(s)'}"
        )
        for problem in problems[:20]:
            print(f"  {problem}")
        print(
            f"replaying {key!r} through ledger.contribute: replayed={replay.replayed}, "
            f"transfer {replay.transfer_id}"
        )
        return 0 if not problems and replay.replayed else 1


if __name__ == "__main__":
    sys.exit(main())

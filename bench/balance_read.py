"""Balance and history read latency with a short and with a long ledger, as a ratio.

Times `bot.ledger.balance` and `bot.ledger.history(limit=5)` for one worker with 1,000
transfers in the ledger ("small") and with 1,000,000 ("big"): median and p99 in microseconds
and RATIO = big / small (target: ratio of medians <= 1.2 for both). The states are two
databases of the run's own on one server, timed read by read in turn (who goes first
alternates) so that the machine's drift falls on both alike; `SELECT 1` is the control. The
measured worker gets every tenth transfer (100, then 100,000), 299 others the rest. Transfers
are bulk-inserted with SQL with their idempotency records (the fingerprint the API stores) and
the counters, so `bot.ledger.check`, run at the end with a replay of one bulk key, is clean.
Each state is VACUUM ANALYZEd, checkpointed and warmed up; each read is timed alone, on a
checked-out autocommit connection. The databases are dropped at the end, on Ctrl-C too.

    .venv/bin/python bench/balance_read.py [--reads 5000] [--warmup 500] [--small 1000]
        [--big 1000000] [--workers 300] [--households 50] [--server URL]

Exit status 1 if the ledger check fails (a missed target is only reported).
"""

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable

from pgtemp import DEFAULT_SERVER, temporary_database
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot import ledger
from bot.infra.db import make_engine, make_session_factory
from bot.ledger import AccountKind

TARGET_RATIO = 1.2
SHARE = 10  # the measured worker receives every SHARE-th transfer
CHUNK = 250_000
Read = Callable[[Session], object]
Micros = dict[str, dict[str, list[float]]]  # read -> state -> microseconds
# Transfers n = first..last; for each, the request the API would have recorded (key, the sha256
# of the call's canonical JSON as bot.ledger.transfers.fingerprint makes it, the transfer); and
# both accounts' posted counters.
FILL = text("""
WITH p AS (SELECT CAST(:workers AS bigint[]) AS w, CAST(:households AS bigint[]) AS h),
batch AS (
    SELECT n, CASE WHEN n % :share = 0 THEN :measured ELSE w[1 + n % cardinality(w)] END AS worker,
           h[1 + (n / 7) % cardinality(h)] AS household
    FROM p, generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS n
), transfers AS (
    INSERT INTO ledger_transfers
        (kind, phase, debit_account_id, credit_account_id, amount, memo, created_at)
    SELECT 'contribution', 'posted', household, worker, 500, '{"reference": null}', now()
    FROM batch ORDER BY n
    RETURNING id, debit_account_id AS household, credit_account_id AS worker, amount
), requests AS (
    INSERT INTO ledger_requests (key, operation, request_hash, outcome, transfer_id, created_at)
    SELECT 'bulk:' || id, 'contribution', encode(sha256(convert_to(format(
        '{"amount": %s, "contributor": %s, "operation": "contribution", "reference": null, '
        '"worker": %s}', amount, household, worker), 'UTF8')), 'hex'), 'applied', id, now()
    FROM transfers
), moves (id, debits, credits) AS (
    SELECT household, amount, 0 FROM transfers UNION ALL SELECT worker, 0, amount FROM transfers
)
UPDATE ledger_accounts AS a
SET debits_posted = a.debits_posted + s.debits, credits_posted = a.credits_posted + s.credits
FROM (SELECT id, sum(debits) AS debits, sum(credits) AS credits FROM moves GROUP BY id) AS s
WHERE a.id = s.id
""")


def build(url: str, args: argparse.Namespace, transfers: int) -> int:
    """Open the accounts, add the transfers (a chunk per transaction); return the measured id."""
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
    fixed = {"measured": workers[0], "workers": workers[1:], "households": households}
    for first in range(1, transfers + 1, CHUNK):
        last = min(first + CHUNK - 1, transfers)
        with engine.begin() as connection:
            connection.execute(FILL, {**fixed, "first": first, "last": last, "share": SHARE})
        print(f"  {make_url(url).database}: {last:,} transfers", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        connection.execute(text("CHECKPOINT"))  # else it writes the fill out while we time
    engine.dispose()
    return workers[0]


def timed(urls: dict[str, str], reads: int, warmup: int, calls: dict[str, Read]) -> Micros:
    """Every read timed on each state in turn (who goes first alternates), after warmup."""
    engines = {state: make_engine(url, isolation_level="AUTOCOMMIT") for state, url in urls.items()}
    factories = {state: sessionmaker(engine) for state, engine in engines.items()}
    micros: Micros = {name: {s: [] for s in urls} for name in calls}
    gc.collect()
    gc.disable()
    try:
        for round_ in range(warmup + reads):
            for name, call in calls.items():
                turn = list(factories.items())
                for state, sessions in turn if round_ % 2 else reversed(turn):  # order too
                    with sessions() as session:
                        session.connection()  # pool checkout (and its ping) off the clock
                        began = time.perf_counter_ns()
                        call(session)
                        elapsed = time.perf_counter_ns() - began
                    if round_ >= warmup:
                        micros[name][state].append(elapsed / 1000)
    finally:
        gc.enable()
        for engine in engines.values():
            engine.dispose()
    return micros


def report(micros: Micros, args: argparse.Namespace) -> None:
    """Median and p99 per read and state, their ratios, and whether the targets are met."""
    print(f"\n{args.reads} timed reads of each per state, in microseconds; the measured worker")
    print(f"has {args.small // SHARE:,} of {args.small:,} / {args.big // SHARE:,} of {args.big:,}")
    print(f"{'':<26}{'small':>10}{'big':>10}{'RATIO big/small':>18}")
    verdicts = []
    for name, states in micros.items():
        medians = statistics.median(states["small"]), statistics.median(states["big"])
        p99s = [statistics.quantiles(states[s], n=100)[98] for s in ("small", "big")]
        for label, (small, big) in (("median", medians), ("p99", p99s)):
            print(f"{name + ' ' + label:<26}{small:>10.1f}{big:>10.1f}{big / small:>18.3f}")
        if not name.startswith("SELECT 1"):
            ratio = medians[1] / medians[0]
            met = "MET" if ratio <= TARGET_RATIO else "NOT MET"
            verdicts.append(f"RATIO {name} median {ratio:.3f}   target <= {TARGET_RATIO}: {met}")
    print("\n".join(verdicts))


def audit(url: str) -> bool:
    """Run ledger.check and replay the first bulk key through the API; print what they say."""
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        problems = ledger.check(session)
        first = session.get(ledger.Transfer, 1)
        assert first is not None
        replay = ledger.contribute(
            session,
            key="bulk:1",
            contributor_account_id=first.debit_account_id,
            worker_account_id=first.credit_account_id,
            amount_cents=first.amount,
        )
        session.rollback()
    engine.dispose()
    name = make_url(url).database
    print(f"ledger.check {name}: {'clean' if not problems else f'{len(problems)} problem(s)'}")
    for problem in problems[:20]:
        print(f"  {problem}")
    print(f"  replaying 'bulk:1' via ledger.contribute: replayed={replay.replayed}")
    return not problems and replay.replayed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=5000, help="timed reads of each, per state")
    parser.add_argument("--warmup", type=int, default=500, help="untimed reads first")
    parser.add_argument("--small", type=int, default=1000, help="transfers, small state")
    parser.add_argument("--big", type=int, default=1_000_000, help="transfers, big state")
    parser.add_argument("--workers", type=int, default=300, help="worker accounts")
    parser.add_argument("--households", type=int, default=50, help="household accounts")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="URL of a database to connect to")
    args = parser.parse_args()
    name = f"bench_balance_{os.getpid()}"
    with (
        temporary_database(args.server, f"{name}_small") as small,
        temporary_database(args.server, f"{name}_big") as big,
    ):
        measured = build(small, args, args.small)
        if build(big, args, args.big) != measured:
            raise RuntimeError("the measured worker has different ids in the two databases")
        calls: dict[str, Read] = {
            "SELECT 1 (control)": lambda session: session.execute(select(1)).one(),
            "balance": lambda session: ledger.balance(session, measured),
            "history(limit=5)": lambda session: ledger.history(session, measured, limit=5),
        }
        report(timed({"small": small, "big": big}, args.reads, args.warmup, calls), args)
        clean = [audit(url) for url in (small, big)]
        return 0 if all(clean) else 1


if __name__ == "__main__":
    sys.exit(main())

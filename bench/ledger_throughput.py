"""Ledger throughput: contributions committed per second by concurrent clients, vs pgbench.

Measures, in one run on one PostgreSQL server with the same client count:

* baseline: pgbench's built-in TPC-B-like script (`pgbench -i -s 8`, then
  `pgbench -b tpcb-like -c 8 -j 2 -T <seconds> -n`), its "tps = ...";
* ledger: 8 client processes (spawned, each with its own engine; threads would share one
  GIL against pgbench's C client), each committing `bot.ledger.contribute` in a loop, one
  `bot.db.run_in_transaction` per contribution with a fresh idempotency key, a random
  household (of 200) paying $5 to a random worker (of 1000).

It prints both rates and RATIO = ledger tps / pgbench tps (target >= 0.5), then runs
`bot.ledger.check` and compares the number of transfers with the commits counted. A database
of the run's own (`bench_throughput_<pid>`) is created, migrated, and dropped at the end, on
Ctrl-C and on errors too. Run by hand, from the repository root:

    .venv/bin/python bench/ledger_throughput.py [--seconds 30] [--clients 8] [--jobs 2]
        [--scale 8] [--workers 1000] [--households 200] [--server URL]

Exit status 1 if the ledger check finds a problem (a missed target is only reported).
"""

import argparse
import multiprocessing as mp
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from multiprocessing.synchronize import Barrier
from types import FrameType

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot import ledger, migrate
from bot.db import make_engine, make_session_factory, run_in_transaction
from bot.ledger import AccountKind

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_RATIO = 0.5
AMOUNT_CENTS = 500


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


def checkpoint(url: str) -> None:
    """Start each phase with no dirty buffers left over from the one before."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CHECKPOINT"))
    engine.dispose()


def pgbench_tps(url: str, clients: int, jobs: int, seconds: int, scale: int) -> float:
    """Initialise pgbench's tables in the database, run tpcb-like, return its tps."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    where = ["-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432)]
    where += ["-U", parsed.username or "postgres", str(parsed.database)]
    init = ["pgbench", "-i", "-q", "-s", str(scale), *where]
    subprocess.run(init, check=True, capture_output=True, env=env)
    checkpoint(url)
    run = ["pgbench", "-b", "tpcb-like", "-c", str(clients), "-j", str(jobs)]
    run += ["-T", str(seconds), "-n", *where]
    output = subprocess.run(run, check=True, capture_output=True, text=True, env=env).stdout
    found = re.search(r"^tps = ([0-9.]+)", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no 'tps = ' in pgbench's output:\n{output}")
    return float(found.group(1))


def open_accounts(url: str, workers: int, households: int) -> tuple[list[int], list[int]]:
    """Open the worker and household accounts the clients pay between."""
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        worker_ids = [
            ledger.open_account(session, AccountKind.WORKER, f"worker:{n}") for n in range(workers)
        ]
        household_ids = [
            ledger.open_account(session, AccountKind.HOUSEHOLD, f"household:{n}")
            for n in range(households)
        ]
    engine.dispose()
    return worker_ids, household_ids


def client(
    url: str,
    number: int,
    seconds: float,
    workers: list[int],
    households: list[int],
    start: Barrier,
    results: "mp.Queue[tuple[int, int, int, float]]",
) -> None:
    """One client process: contribute until the time is up; report (committed, failed, attempts,
    elapsed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and cleans up
    engine = make_engine(url, pool_size=1, max_overflow=0)
    sessions = make_session_factory(engine)
    with engine.connect():  # connect before the clock starts, as pgbench does
        pass
    rng = random.Random(number)
    attempts = [0]

    def contribute(session: Session, key: str, household: int, worker: int) -> bool:
        attempts[0] += 1
        return ledger.contribute(
            session,
            key=key,
            contributor_account_id=household,
            worker_account_id=worker,
            amount_cents=AMOUNT_CENTS,
        ).applied

    committed = failed = 0
    start.wait()
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        key = f"bench:{number}:{committed + failed}"
        work = partial(
            contribute, key=key, household=rng.choice(households), worker=rng.choice(workers)
        )
        try:
            applied = run_in_transaction(sessions, work)
        except DBAPIError:
            failed += 1
            continue
        committed += 1 if applied else 0
        failed += 0 if applied else 1
    results.put((committed, failed, attempts[0], time.perf_counter() - began))
    engine.dispose()


def ledger_tps(url: str, args: argparse.Namespace) -> tuple[float, int, int, int]:
    """Run the client processes together; return (tps, committed, failed, retries)."""
    workers, households = open_accounts(url, args.workers, args.households)
    checkpoint(url)
    context = mp.get_context("spawn")
    start = context.Barrier(args.clients)
    results: mp.Queue[tuple[int, int, int, float]] = context.Queue()
    processes = [
        context.Process(
            target=client,
            args=(url, n, args.seconds, workers, households, start, results),
        )
        for n in range(args.clients)
    ]
    try:
        for process in processes:
            process.start()
        reports = [results.get(timeout=args.seconds + 120) for _ in processes]
        for process in processes:
            process.join()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join()
    committed = sum(report[0] for report in reports)
    failed = sum(report[1] for report in reports)
    retries = sum(report[2] for report in reports) - committed - failed
    # As pgbench does: each client's rate over its own time, summed.
    tps = sum(report[0] / report[3] for report in reports)
    return tps, committed, failed, retries


def stop_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # so that the database is dropped on `kill` too


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="length of each phase")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients, both sides")
    parser.add_argument("--jobs", type=int, default=2, help="pgbench threads (-j)")
    parser.add_argument("--scale", type=int, default=8, help="pgbench scale factor (-s)")
    parser.add_argument("--workers", type=int, default=1000, help="worker accounts")
    parser.add_argument("--households", type=int, default=200, help="household accounts")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="URL of a database to connect to")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop_on_sigterm)

    with temporary_database(args.server, f"bench_throughput_{os.getpid()}") as url:
        print(f"{args.clients} clients, {args.seconds} s per phase, on {make_url(url)!r}")
        base = pgbench_tps(url, args.clients, args.jobs, args.seconds, args.scale)
        print(f"pgbench tpcb-like (-s {args.scale} -j {args.jobs}):  {base:10.1f} tps")
        tps, committed, failed, retries = ledger_tps(url, args)
        print(
            f"ledger contribute:                {tps:10.1f} tps "
            f"({committed} committed, {retries} retries, {failed} failed)"
        )
        ratio = tps / base
        verdict = "MET" if ratio >= TARGET_RATIO else "NOT MET"
        print(f"RATIO ledger/pgbench = {ratio:.3f}   target >= {TARGET_RATIO}: {verdict}")

        engine = make_engine(url)
        with make_session_factory(engine)() as session:
            problems = ledger.check(session)
            transfers = session.scalar(select(func.count()).select_from(ledger.Transfer))
        engine.dispose()
        print(f"ledger.check: {'clean' if not problems else f'{len(problems)} problem(s)'}")
        for problem in problems[:20]:
            print(f"  {problem}")
        same = "matches" if transfers == committed else "DOES NOT MATCH"
        print(f"transfers in the ledger: {transfers}, {same} the {committed} commits counted")
        return 0 if not problems and transfers == committed else 1


if __name__ == "__main__":
    sys.exit(main())

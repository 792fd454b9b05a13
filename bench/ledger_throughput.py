"""Ledger throughput: contributions committed per second by concurrent clients, vs pgbench.

In one run, on one PostgreSQL server, with the same number of clients (8) on both sides:
baseline, pgbench's built-in script, `pgbench -b tpcb-like -c 8 -j 2 -T <seconds> -n` on
tables made by `pgbench -i -s 8` (in our database: the names do not collide), its "tps =";
ledger, 8 client processes (spawned, each with its own engine: threads would share one GIL
against pgbench's C client) committing `bot.ledger.contribute` in a loop, each in its own
`bot.infra.db.run_in_transaction` with a fresh idempotency key, $5 from a random household (of 200)
to a random worker (of 1000); tps counted as pgbench counts it. Phases alternate over
`--rounds` (pgbench, ledger, ledger, pgbench, ...) so that the machine's drift falls on both;
RATIO = mean ledger tps / mean pgbench tps, target >= 0.5. Then `bot.ledger.check` runs and
the transfers are counted against the commits. The database (`bench_throughput_<pid>`) is
created, migrated and dropped at the end, on Ctrl-C and errors too.

    .venv/bin/python bench/ledger_throughput.py [--seconds 20] [--rounds 2] [--clients 8]
        [--jobs 2] [--scale 8] [--workers 1000] [--households 200] [--server URL]

Exit status 1 if the ledger check fails or the count is off (a missed target is only reported).
"""

import argparse
import multiprocessing as mp
import os
import queue
import random
import re
import signal
import subprocess
import sys
import time
from contextlib import suppress
from functools import partial
from multiprocessing.synchronize import Barrier

from pgtemp import DEFAULT_SERVER, temporary_database
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot import ledger
from bot.infra.db import make_engine, make_session_factory, run_in_transaction
from bot.ledger import AccountKind

WORKER, HOUSEHOLD = AccountKind.WORKER, AccountKind.HOUSEHOLD

TARGET_RATIO = 0.5
Report = tuple[int, int, int, float]  # one client's (committed, failed, attempts, seconds)


def pgbench(url: str, *options: str) -> str:
    """Run pgbench on the database with these options; return what it printed."""
    parsed = make_url(url)
    env = {**os.environ, **({"PGPASSWORD": parsed.password} if parsed.password else {})}
    where = ["-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432)]
    where += ["-U", parsed.username or "postgres", str(parsed.database)]
    command = ["pgbench", *options, *where]
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout


def pgbench_tps(url: str, args: argparse.Namespace) -> float:
    """One pgbench tpcb-like phase: its tps."""
    checkpoint(url)
    options = f"-b tpcb-like -c {args.clients} -j {args.jobs} -T {args.seconds} -n".split()
    output = pgbench(url, *options)
    found = re.search(r"^tps = ([0-9.]+)", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no 'tps = ' in pgbench's output:\n{output}")
    return float(found.group(1))


def checkpoint(url: str) -> None:
    """Start each phase with no dirty buffers left over from the one before."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CHECKPOINT"))
    engine.dispose()


def client(
    url: str,
    name: str,
    seconds: float,
    accounts: tuple[list[int], list[int]],
    start: Barrier,
    reports: "mp.Queue[Report]",
) -> None:
    """One client process: contribute until the time is up, then report."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and cleans up
    engine = make_engine(url, pool_size=1, max_overflow=0)
    sessions = make_session_factory(engine)
    with engine.connect():  # connected before the clock starts, as pgbench does
        pass
    rng, (workers, households), attempts = random.Random(name), accounts, [0]

    def contribute(session: Session, key: str, household: int, worker: int) -> bool:
        attempts[0] += 1
        return ledger.contribute(
            session,
            key=key,
            contributor_account_id=household,
            worker_account_id=worker,
            amount_cents=500,
        ).applied

    committed = failed = 0
    start.wait(timeout=300)  # a client that failed to start breaks it
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        key = f"bench:{name}:{committed + failed}"
        household, worker = rng.choice(households), rng.choice(workers)
        try:
            applied = run_in_transaction(
                sessions, partial(contribute, key=key, household=household, worker=worker)
            )
        except DBAPIError:
            applied = False
        committed, failed = committed + applied, failed + (not applied)
    reports.put((committed, failed, attempts[0], time.perf_counter() - began))
    engine.dispose()


def ledger_phase(
    url: str, args: argparse.Namespace, phase: int, accounts: tuple[list[int], list[int]]
) -> list[Report]:
    """One ledger phase: the client processes start together; their reports."""
    checkpoint(url)
    context = mp.get_context("spawn")
    start, reports = context.Barrier(args.clients), context.Queue()
    processes = [
        context.Process(
            target=client, args=(url, f"{phase}.{n}", args.seconds, accounts, start, reports)
        )
        for n in range(args.clients)
    ]
    try:
        for process in processes:
            process.start()
        received: list[Report] = []
        while len(received) < len(processes):
            if any(process.exitcode not in (None, 0) for process in processes):
                raise RuntimeError("a client process failed (its traceback is above)")
            with suppress(queue.Empty):
                received.append(reports.get(timeout=1))
    except BaseException:  # Ctrl-C or a failed client: stop the others now
        for process in processes:
            process.terminate()
        raise
    finally:
        for process in processes:
            process.join()
    return received


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=2, help="phases of each kind")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients, both sides")
    parser.add_argument("--jobs", type=int, default=2, help="pgbench threads (-j)")
    parser.add_argument("--scale", type=int, default=8, help="pgbench scale factor (-s)")
    parser.add_argument("--workers", type=int, default=1000, help="worker accounts")
    parser.add_argument("--households", type=int, default=200, help="household accounts")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="URL of a database to connect to")
    args = parser.parse_args()

    with temporary_database(args.server, f"bench_throughput_{os.getpid()}") as url:
        pgbench(url, "-i", "-q", "-s", str(args.scale))
        engine = make_engine(url)
        with make_session_factory(engine).begin() as session:
            workers, households = (
                [ledger.open_account(session, kind, f"{kind}:{n}") for n in range(count)]
                for kind, count in ((WORKER, args.workers), (HOUSEHOLD, args.households))
            )
        print(f"{args.clients} clients, {args.rounds} x {args.seconds} s of each, on {url}")
        base: list[float] = []
        ours: list[list[Report]] = []
        for phase in range(2 * args.rounds):
            if phase % 4 in (0, 3):  # pgbench, ledger, ledger, pgbench, ...
                base.append(pgbench_tps(url, args))
                print(f"  pgbench tpcb-like:  {base[-1]:8.1f} tps", flush=True)
            else:
                ours.append(ledger_phase(url, args, phase, (workers, households)))
                tps = sum(report[0] / report[3] for report in ours[-1])  # per client, summed
                print(f"  ledger contribute:  {tps:8.1f} tps", flush=True)
        committed, failed, attempts = (sum(r[i] for phase in ours for r in phase) for i in range(3))
        retries = attempts - committed - failed
        ledger_tps = sum(r[0] / r[3] for phase in ours for r in phase) / len(ours)
        pgbench_mean = sum(base) / len(base)
        print(
            f"pgbench tpcb-like, mean:  {pgbench_mean:8.1f} tps   (-s {args.scale} -j {args.jobs})"
        )
        print(
            f"ledger contribute, mean:  {ledger_tps:8.1f} tps   ({committed} committed, "
            f"{retries} retries, {failed} failed)"
        )
        ratio = ledger_tps / pgbench_mean
        verdict = "MET" if ratio >= TARGET_RATIO else "NOT MET"
        print(f"RATIO ledger/pgbench = {ratio:.3f}   target >= {TARGET_RATIO}: {verdict}")

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

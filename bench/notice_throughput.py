"""Notices sent per second by one RQ worker against a fake Twilio, next to RQ no-op jobs.

In one run, with the same worker class (RQ's SimpleWorker, in this process) on the same
Redis: N no-op jobs, and N outbox notices delivered through the real twilio client to the
fake Twilio HTTP server (tests/fake_twilio.py, in a process of its own) on loopback, each
claimed, sent and settled in PostgreSQL. The two alternate in rounds (N / rounds of each, the
no-ops first), so that a machine whose load drifts during the run weighs on both alike; one
job of each runs untimed first (the worker's first notice builds its runtime). Prints both
rates and RATIO = notices / no-ops (target >= 0.5), the spread of the rounds' ratios, then
checks that every notice went out exactly once.

    .venv/bin/python bench/notice_throughput.py [--notices 1000] [--rounds 5]
        [--redis redis://127.0.0.1:6379]
"""

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgtemp import DEFAULT_SERVER, temporary_database  # noqa: E402
from redis import Redis  # noqa: E402
from rq import Queue, SimpleWorker  # noqa: E402
from rq.serializers import JSONSerializer  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bot.channel import outbox  # noqa: E402
from bot.infra.config import Settings  # noqa: E402
from bot.infra.db import run_in_transaction  # noqa: E402
from bot.infra.runtime import Runtime  # noqa: E402
from bot.models import OutboundMessage, OutboundStatus, Person  # noqa: E402


def serve_fake_twilio(port_out: "mp.Queue[str]", counts: "mp.Queue[int]", stop: "mp.Event") -> None:  # type: ignore[name-defined]
    from tests.fake_twilio import FakeTwilio  # noqa: PLC0415

    fake = FakeTwilio().start()
    port_out.put(fake.base_url)
    stop.wait()
    counts.put(len(fake.sent))
    counts.put(len({(m.to, m.body) for m in fake.sent}))
    fake.stop()


def free_redis_db(base: str) -> str:
    for number in range(1, 16):
        client = Redis.from_url(f"{base}/{number}")
        if client.dbsize() == 0 and client.set("bench-notices", os.getpid(), nx=True):
            client.close()
            return f"{base}/{number}"
        client.close()
    raise SystemExit("no empty Redis database number between 1 and 15")


def work(redis: Redis, queue: str) -> float:
    started = time.perf_counter()
    SimpleWorker([queue], connection=redis, serializer=JSONSerializer).work(
        burst=True, logging_level="WARNING"
    )
    return time.perf_counter() - started


def seed_notices(runtime: Runtime, count: int) -> list[int]:
    def write(session: Session) -> list[int]:
        people = [
            Person(phone=f"+1212555{n:04d}", time_zone="America/New_York") for n in range(100)
        ]
        session.add_all(people)
        session.flush()
        rows = [
            OutboundMessage(
                person_id=people[n % 100].id,
                channel="sms",
                kind="receipt",
                language="en",
                body=f"Ana added $5.00. Your balance: ${5 * (n + 1)}.00. (notice {n})",
            )
            for n in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]

    return run_in_transaction(runtime.sessions, write)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5, help="no-ops, then notices, this often")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--server", default=DEFAULT_SERVER)
    args = parser.parse_args()
    context = mp.get_context("spawn")
    port_out, counts, stop = context.Queue(), context.Queue(), context.Event()
    fake = context.Process(target=serve_fake_twilio, args=(port_out, counts, stop))
    fake.start()
    redis_url = free_redis_db(args.redis)
    redis = Redis.from_url(redis_url)
    try:
        with temporary_database(args.server, f"bench_notices_{os.getpid()}") as url:
            os.environ.update(
                DATABASE_URL=url,
                REDIS_URL=redis_url,
                TWILIO_ACCOUNT_SID="AC" + "a" * 32,
                TWILIO_AUTH_TOKEN="bench-token",
                TWILIO_SMS_FROM="+15005550006",
                TWILIO_API_BASE_URL=port_out.get(timeout=30),
            )
            runtime = Runtime(Settings.from_env())
            runtime.print_notices = False
            noops = Queue("bench-noop", connection=redis, serializer=JSONSerializer)
            warm_up, *ids = seed_notices(runtime, args.notices + 1)
            # Untimed, one job of each: the first notice builds the worker's runtime (its
            # engines, their connections, the Twilio client), which a running worker has.
            noops.enqueue("bench.noop.noop", 0)
            work(redis, "bench-noop")
            outbox.hand_over(runtime, [warm_up])
            work(redis, outbox.QUEUE)
            noop_seconds = notice_seconds = 0.0
            ratios: list[float] = []
            for batch in (ids[r :: args.rounds] for r in range(args.rounds)):
                for n in batch:
                    noops.enqueue("bench.noop.noop", n)
                noop_round = work(redis, "bench-noop")
                outbox.hand_over(runtime, batch)
                notice_round = work(redis, outbox.QUEUE)
                noop_seconds += noop_round
                notice_seconds += notice_round
                ratios.append(noop_round / notice_round)
            with runtime.sessions() as session:
                sent = session.scalar(
                    select(func.count()).where(OutboundMessage.status == OutboundStatus.QUEUED)
                )
            runtime.close()
            stop.set()
            received, distinct = counts.get(timeout=30), counts.get(timeout=30)
            noop_rate, notice_rate = args.notices / noop_seconds, args.notices / notice_seconds
            ratio = notice_rate / noop_rate
            print(f"SimpleWorker, {args.notices} jobs each, one worker, {args.rounds} rounds")
            print(f"  RQ no-op jobs:      {noop_rate:8.1f} jobs/s")
            print(f"  notices delivered:  {notice_rate:8.1f} notices/s")
            verdict = "MET" if ratio >= 0.5 else "NOT MET"
            print(f"RATIO notices/no-ops = {ratio:.2f}   target >= 0.5: {verdict}")
            spread = f"{min(ratios):.2f} / {statistics.median(ratios):.2f} / {max(ratios):.2f}"
            print(f"  rounds' ratios min / median / max: {spread}")
            print(
                f"notices marked sent: {sent}; fake Twilio got {received} ({distinct} distinct),"
                " the warm-up's included"
            )
            if not sent == received == distinct == args.notices + 1:  # and the warm-up's
                raise SystemExit("lost or doubled notices")
    finally:
        stop.set()
        fake.join(timeout=10)
        redis.flushdb()
        redis.close()


if __name__ == "__main__":
    main()

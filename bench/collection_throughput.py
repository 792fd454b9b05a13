"""Charges per second of `collections run` against a fake Stripe, next to RQ no-op jobs; and
what batching saves in fees on a realistic month.

In one run: N households, each with a saved card and three $5 pledges in PostgreSQL, charged
by one `bot.payments.runner.run` (find who is due, write each charge, ask the fake Stripe
HTTP server (tests/fake_stripe.py, in a process of its own) for an off-session
PaymentIntent through the real `stripe` library, record its answer); then each charge's
`payment_intent.succeeded` applied (the ledger records the payment and collects the
pledges); and N RQ no-op jobs on a SimpleWorker, the yardstick of bench/notice_throughput.py.
Then checks that every household was charged exactly once and the ledger is sound.

    .venv/bin/python bench/collection_throughput.py [--households 300]
        [--redis redis://127.0.0.1:6379]
"""

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgtemp import DEFAULT_SERVER, temporary_database  # noqa: E402
from redis import Redis  # noqa: E402
from rq import Queue, SimpleWorker  # noqa: E402
from rq.serializers import JSONSerializer  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bot import ledger  # noqa: E402
from bot.infra.config import Settings  # noqa: E402
from bot.infra.db import run_in_transaction  # noqa: E402
from bot.infra.runtime import Runtime  # noqa: E402
from bot.ledger import AccountKind  # noqa: E402
from bot.models import Contributor  # noqa: E402
from bot.payments import runner  # noqa: E402
from bot.payments.fees import fee_cents  # noqa: E402
from bot.payments.models import CollectionCharge  # noqa: E402
from bot.payments.stripe import events  # noqa: E402
from bot.payments.stripe.models import StripeCustomer  # noqa: E402

VISIT_CENTS, VISITS_A_MONTH = 500, 8


def serve_fake_stripe(
    address: "mp.Queue[str]", stop: "mp.Event", intents: "mp.Queue[list]"
) -> None:  # type: ignore[name-defined]
    from tests.fake_stripe import FakeStripe  # noqa: PLC0415

    fake = FakeStripe().start()
    address.put(fake.base_url)
    stop.wait()
    intents.put(list(fake.intents.values()))
    fake.stop()


def fees_table() -> None:
    """A household with 8 visits at $5 in a month, charged per visit or in batches."""
    month = VISIT_CENTS * VISITS_A_MONTH
    plans = {
        "per visit (8 charges of $5)": [VISIT_CENTS] * 8,
        "weekly (4 charges of $10)": [2 * VISIT_CENTS] * 4,
        "monthly (1 charge of $40)": [month],
    }
    print(
        f"fees on a month of {VISITS_A_MONTH} visits at ${VISIT_CENTS / 100:.2f}"
        f" (${month / 100:.2f}):"
    )
    for plan, charges in plans.items():
        card = sum(fee_cents(c, "card") for c in charges)
        bank = sum(fee_cents(c, "us_bank_account") for c in charges)
        print(
            f"  {plan:<28} card ${card / 100:5.2f} ({100 * card / month:4.1f} %)"
            f"   ACH ${bank / 100:5.2f} ({100 * bank / month:4.1f} %)"
        )


def seed(runtime: Runtime, households: int) -> None:
    def write(session: Session) -> None:
        worker = ledger.open_account(session, AccountKind.WORKER, "worker:bench")
        for n in range(households):
            account = ledger.open_account(session, AccountKind.HOUSEHOLD, f"household:bench{n}")
            household = Contributor(kind=AccountKind.HOUSEHOLD, name=f"H{n}", account_id=account)
            session.add(household)
            session.flush()
            session.add(
                StripeCustomer(
                    household_id=household.id,
                    link_token=f"bench{n}",
                    customer_id=f"cus_bench{n}",
                    payment_method_id=f"pm_bench{n}",
                    method_type="card",
                )
            )
            for visit in range(3):
                ledger.pledge(
                    session,
                    key=f"bench:{n}:{visit}",
                    household_account_id=account,
                    worker_account_id=worker,
                    amount_cents=VISIT_CENTS,
                )

    run_in_transaction(runtime.sessions, write)


def noop_rate(redis: Redis, jobs: int) -> float:
    queue = Queue("bench-noop", connection=redis, serializer=JSONSerializer)
    for n in range(jobs):
        queue.enqueue("bench.noop.noop", n)
    started = time.perf_counter()
    SimpleWorker(["bench-noop"], connection=redis, serializer=JSONSerializer).work(
        burst=True, logging_level="WARNING"
    )
    return jobs / (time.perf_counter() - started)


def apply_successes(runtime: Runtime, intents: list[dict]) -> float:
    started = time.perf_counter()
    for intent in intents:
        event = {
            "id": f"evt_{intent['id']}",
            "type": "payment_intent.succeeded",
            "data": {"object": intent},
        }
        run_in_transaction(
            runtime.sessions, lambda s, e=event: events.apply(s, runtime.settings, e, {})
        )
    return len(intents) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=300)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--server", default=DEFAULT_SERVER)
    args = parser.parse_args()
    fees_table()
    context = mp.get_context("spawn")
    address, stop, intents_out = context.Queue(), context.Event(), context.Queue()
    fake = context.Process(target=serve_fake_stripe, args=(address, stop, intents_out))
    fake.start()
    redis = Redis.from_url(args.redis)
    try:
        with temporary_database(args.server, f"bench_collect_{os.getpid()}") as url:
            base = address.get(timeout=30)
            settings = Settings.from_env(
                {
                    "DATABASE_URL": url,
                    "STRIPE_SECRET_KEY": "sk_test_bench",
                    "STRIPE_WEBHOOK_SECRET": "whsec_bench",
                    "STRIPE_API_BASE_URL": base,
                    "COLLECT_AT_CENTS": "1500",
                }
            )
            noops = noop_rate(redis, args.households)  # first: nothing else has run yet
            runtime = Runtime(settings)
            runtime.print_notices = False
            seed(runtime, args.households)
            started = time.perf_counter()
            summary = runner.run(runtime)
            charge_rate = summary.charged / (time.perf_counter() - started)
            stop.set()
            intents = intents_out.get(timeout=30)
            success_rate = apply_successes(runtime, intents)
            with runtime.sessions() as session:
                charges = session.scalars(select(CollectionCharge)).all()
                problems = ledger.check(session)
                uncollected = ledger.balance(
                    session, ledger.open_account(session, AccountKind.WORKER, "worker:bench")
                ).uncollected_cents
            runtime.close()
            print(f"{args.households} households, 3 pledges each, one process, PostgreSQL")
            print(f"  RQ no-op jobs (SimpleWorker):        {noops:8.1f} jobs/s")
            print(f"  collections run, charges asked:      {charge_rate:8.1f} charges/s")
            print(f"  payment_intent.succeeded applied:    {success_rate:8.1f} events/s")
            print(f"RATIO charges/no-ops = {charge_rate / noops:.2f}")
            households = {c.household_id for c in charges}
            if not (len(charges) == len(households) == len(intents) == args.households):
                raise SystemExit("a household was charged twice, or not at all")
            if problems or uncollected:
                raise SystemExit(f"ledger not sound or pledges left: {problems} {uncollected}")
            print("every household charged once, every pledge collected, ledger sound")
    finally:
        stop.set()
        fake.join(timeout=10)
        redis.flushdb()
        redis.close()


if __name__ == "__main__":
    main()

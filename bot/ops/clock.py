"""Periodic work: the sweeper now, and the fund's schedules. Safe to run in many processes.

Each tick enqueues the jobs that are due, with a job id per period: RQ refuses a duplicate
id (`unique=True`), and each job is idempotent per period in the database anyway, so two
workers ticking at once, or a tick run twice, change nothing.

They go on a queue of their own, QUEUE, which workers take from first (`bot.ops.worker.QUEUES`):
a backlog of notices never delays the sweeper or the spool drain by more than the one job a
worker is running.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError
from rq.serializers import JSONSerializer

from bot.channel import outbox, spool
from bot.infra.orm import utcnow
from bot.infra.runtime import Runtime
from bot.ops import household_year, insurance_offers, monthly, payout_runs
from bot.payments import runner as collections

log = logging.getLogger(__name__)
TICK_SECONDS = 15
QUEUE = "clock"


@dataclass(frozen=True)
class Periodic:
    """A job that runs once per period: its RQ job, and the same work for in-process mode."""

    name: str
    job: str  # dotted name of the RQ job in worker_jobs
    period: Callable[[datetime], str | None]  # the period a moment falls in; None: not now
    run_here: Callable[[Runtime, str], object]


WARN_FROM_DAY = 25  # warn of next month's premiums from this day of the month


def _tick_period(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M") + str(now.second // TICK_SECONDS)


def _hour_period(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H")


def _minute_period(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M")


def _warning_period(now: datetime) -> str | None:
    return monthly.period_of(now) if now.day >= WARN_FROM_DAY else None


PERIODIC: tuple[Periodic, ...] = (
    # Hourly: who is due follows COLLECT_EVERY and COLLECT_AT_CENTS; retries their own days.
    Periodic(
        "collections",
        "worker_jobs.collections.run",
        _hour_period,
        lambda rt, _p: collections.run(rt),
    ),
    Periodic(
        "payment-links",
        "worker_jobs.collections.send_links",
        _minute_period,
        lambda rt, _p: collections.send_links(rt),
    ),
    Periodic("sweep", "worker_jobs.notices.sweep", _tick_period, lambda rt, _p: outbox.sweep(rt)),
    Periodic("spool", "worker_jobs.spool.drain", _tick_period, lambda rt, _p: spool.drain(rt)),
    Periodic(
        "insurance-offers",
        "worker_jobs.schedules.offer_insurance",
        _tick_period,
        insurance_offers.offer_after_first_contribution,
    ),
    Periodic(
        "visit-prompts",
        "worker_jobs.schedules.prompt_scheduled_visits",
        _hour_period,
        lambda rt, _p: monthly.prompt_scheduled_visits(rt),
    ),
    Periodic(
        "stale-visits",
        "worker_jobs.schedules.expire_stale_visits",
        _hour_period,
        lambda rt, _p: monthly.expire_stale_visits(rt),
    ),
    Periodic(
        "premiums",
        "worker_jobs.schedules.charge_premiums",
        monthly.period_of,
        monthly.charge_premiums,
    ),
    Periodic(
        "statements",
        "worker_jobs.schedules.send_statements",
        lambda now: monthly.previous_period(monthly.period_of(now)),
        monthly.send_statements,
    ),
    Periodic(
        "payouts",
        "worker_jobs.schedules.send_due_payouts",
        payout_runs.period_of,
        payout_runs.send_due,
    ),
    Periodic(
        "low-balance",
        "worker_jobs.schedules.warn_low_balances",
        _warning_period,
        monthly.warn_low_balances,
    ),
    Periodic(
        "yearly-totals",
        "worker_jobs.schedules.send_yearly_totals",
        lambda now: household_year.year_to_total(monthly.period_of(now)),
        household_year.send_yearly_totals,
    ),
)


def tick(runtime: Runtime, now: datetime | None = None) -> list[str]:
    """Start every periodic job not yet started for its current period; return their ids."""
    now = now or utcnow()
    started: list[str] = []
    missed: list[str] = []  # not started: Redis did not answer
    queue: Queue | None = None
    if runtime.redis is not None:
        queue = Queue(QUEUE, connection=runtime.redis, serializer=JSONSerializer)
    for periodic in PERIODIC:
        period = periodic.period(now)
        if period is None:
            continue
        job_id = f"{periodic.name}-{period}"
        if queue is None:
            periodic.run_here(runtime, period)
            started.append(job_id)
            continue
        if missed:  # Redis failed already this tick: do not wait on it again
            missed.append(periodic.name)
            continue
        try:
            queue.enqueue(periodic.job, period, job_id=job_id, unique=True, result_ttl=86400)
            started.append(job_id)
        except DuplicateJobError:
            continue
        except RedisError:
            missed.append(periodic.name)
    if missed:
        log.warning("clock: redis unreachable, not started this tick: %s", ", ".join(missed))
    return started

"""Periodic work: the sweeper now, and the fund's schedules. Safe to run in many processes.

Each tick enqueues the jobs that are due, with a job id per period: RQ refuses a duplicate
id (`unique=True`), and each job is idempotent per period in the database anyway, so two
workers ticking at once, or a tick run twice, change nothing.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError
from rq.serializers import JSONSerializer

from bot import outbox
from bot.orm import utcnow
from bot.runtime import Runtime

log = logging.getLogger(__name__)
TICK_SECONDS = 15


@dataclass(frozen=True)
class Periodic:
    """A job that runs once per period: its RQ job, and the same work for in-process mode."""

    name: str
    job: str  # dotted name of the RQ job in worker_jobs
    period: Callable[[datetime], str]  # the period key a moment falls in
    run_here: Callable[[Runtime], object]


PERIODIC: tuple[Periodic, ...] = (
    Periodic(
        "sweep",
        "worker_jobs.notices.sweep",
        lambda now: now.strftime("%Y%m%dT%H%M") + str(now.second // TICK_SECONDS),
        outbox.sweep,
    ),
)


def tick(runtime: Runtime, now: datetime | None = None) -> list[str]:
    """Start every periodic job not yet started for its current period; return their ids."""
    now = now or utcnow()
    started = []
    for periodic in PERIODIC:
        job_id = f"{periodic.name}-{periodic.period(now)}"
        if runtime.redis is None:
            periodic.run_here(runtime)
            started.append(job_id)
            continue
        try:
            queue = Queue("default", connection=runtime.redis, serializer=JSONSerializer)
            queue.enqueue(periodic.job, job_id=job_id, unique=True, result_ttl=86400)
            started.append(job_id)
        except DuplicateJobError:
            continue
        except RedisError:
            log.warning("clock: redis unreachable, %s not started", periodic.name)
    return started

"""`benefits-bot worker`: an RQ worker with its scheduler, plus the clock that starts periodic jobs.

Without Redis the clock runs the same periodic work in this process.
"""

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

from redis import Redis
from rq import SimpleWorker, Worker
from rq.job import Job
from rq.serializers import JSONSerializer

from bot import clock, metrics, outbox
from bot.orm import as_utc
from bot.runtime import Runtime

log = logging.getLogger(__name__)
QUEUES = (outbox.QUEUE, "default")


def run(runtime: Runtime, burst: bool = False, simple: bool = False) -> None:
    """Work until stopped (or, with burst, until the queues are empty)."""
    if runtime.redis is None:
        log.warning("REDIS_URL is not set: running periodic jobs in this process only")
        _clock_loop(runtime, stop=threading.Event(), once=burst)
        return
    stop = threading.Event()
    ticker = threading.Thread(
        target=_clock_loop, args=(runtime, stop, burst), daemon=True, name="clock"
    )
    ticker.start()
    # The worker blocks on Redis waiting for jobs: its connection must not time out the way
    # the web process's short-timeout connection does.
    connection = Redis.from_url(runtime.settings.redis_url or "", socket_connect_timeout=5)
    rq_worker = make_worker(connection, simple=simple)
    try:
        rq_worker.work(with_scheduler=True, burst=burst)
    finally:
        stop.set()


def make_worker(connection: Redis, simple: bool = False) -> Worker:
    """An RQ worker on the fund's queues whose jobs report their latency and run time."""
    if metrics.multiprocess() and not simple:
        log.warning(
            "PROMETHEUS_MULTIPROC_DIR is set and jobs run in forked processes: each job "
            "leaves metrics files there; `benefits-bot worker --simple` does not"
        )
    worker_class = SimpleWorker if simple else Worker
    return worker_class(
        list(QUEUES), connection=connection, serializer=JSONSerializer, job_class=TimedJob
    )


class TimedJob(Job):
    """An RQ job that reports, when it ends, how long it waited and ran (`bot.metrics`)."""

    def perform(self) -> Any:
        """Run the job, then observe its run time and the time since it was queued."""
        started = time.monotonic()
        try:
            return super().perform()
        finally:
            name = self.func_name.removeprefix("worker_jobs.")
            metrics.observe_job_run(name, time.monotonic() - started)
            if self.enqueued_at is not None:
                waited = datetime.now(UTC) - as_utc(self.enqueued_at)
                metrics.observe_job(name, waited.total_seconds())


def _clock_loop(runtime: Runtime, stop: threading.Event, once: bool = False) -> None:
    while not stop.is_set():
        try:
            clock.tick(runtime)
        except Exception:
            log.exception("clock: tick failed; trying again next tick")
        if once:
            return
        time.sleep(clock.TICK_SECONDS)

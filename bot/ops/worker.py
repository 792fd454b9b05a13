"""`benefits-bot worker`: an RQ worker with its scheduler, plus the clock that starts periodic jobs.

Jobs run in this process (RQ's SimpleWorker), on the runtime built once for it: one database
pool and one keep-alive HTTP session to Twilio for every job, where a work horse forked per
job had to build them again each time. RQ still enforces each job's timeout here:
`SimpleWorker.perform_job` runs the job under the worker's death penalty, a SIGALRM in the main
thread (`rq.timeouts.UnixSignalDeathPenalty`), exactly as a forked horse does. What in-process
jobs give up is isolation: a job that kills the interpreter takes the worker with it (the
process manager starts it again, and the sweeper picks up the notice it was sending).
`run(..., fork=True)` forks a work horse per job instead, from a parent that built the runtime
first; each horse inherits it and opens connections of its own. `--simple` names the default.

The queues are served in order (QUEUES): the clock's periodic jobs first, so a backlog of
notices never holds up the sweeper or the spool drain.

Redis going away does not end the worker. RQ retries its own blocking read; when its loop ends
anyway (a heartbeat or a registry write failed), it is started again once Redis answers,
with backoff, and the clock thread goes on ticking: what it could not enqueue meanwhile is
logged, and the sweeper hands over the notices that waited.

Without Redis the clock runs the same periodic work in this process.
"""

import contextlib
import importlib
import logging
import signal
import threading
import time
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, Worker
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.worker import BaseWorker

from bot.channel import outbox, sender
from bot.infra import metrics
from bot.infra.orm import as_utc
from bot.infra.runtime import Runtime
from bot.ops import clock

log = logging.getLogger(__name__)
# First listed, first served. "default" still drains jobs queued there by older versions.
QUEUES = (clock.QUEUE, outbox.QUEUE, "default")
FIRST_RETRY_SECONDS = 1.0  # after the worker loop ended on its own; doubled each time
LAST_RETRY_SECONDS = 30.0
STEADY_SECONDS = 60.0  # a loop that ran this long before it ended starts the backoff over
COMMAND_WAKE_SECONDS = 1.0  # how long the command channel's thread sleeps between looks

_running: list[Runtime] = []  # the runtime `run` works with, while it runs


def process_runtime() -> Runtime | None:
    """The runtime of the worker `run` is running in this process, if any: its jobs use it."""
    return _running[-1] if _running else None


def run(runtime: Runtime, burst: bool = False, simple: bool = False, fork: bool = False) -> None:
    """Work until stopped (or, with burst, until the queues are empty).

    Jobs run in this process unless `fork` asks for a forked work horse per job (`simple`
    insists on this process); see the module's docstring for the trade."""
    if runtime.redis is None:
        log.warning("REDIS_URL is not set: running periodic jobs in this process only")
        _clock_loop(runtime, stop=threading.Event(), once=burst)
        return
    _running.append(runtime)
    forking = fork and not simple
    if forking:
        _warm_up(runtime)
    stop = threading.Event()
    ticker = threading.Thread(
        target=_clock_loop, args=(runtime, stop, burst), daemon=True, name="clock"
    )
    ticker.start()
    # The worker blocks on Redis waiting for jobs: its connection must not time out the way
    # the web process's short-timeout connection does.
    connection = Redis.from_url(runtime.settings.redis_url or "", socket_connect_timeout=5)
    try:
        _supervise(connection, burst=burst, fork=forking)
    finally:
        stop.set()
        _running.remove(runtime)


def _supervise(connection: Redis, burst: bool, fork: bool) -> None:
    """Run RQ's worker loop, and start it again whenever it ends without being asked to."""
    delay = FIRST_RETRY_SECONDS
    stopping = threading.Event()  # set by SIGTERM or SIGINT between two RQ loops
    while True:
        rq_worker = make_worker(connection, fork=fork)
        began = time.monotonic()
        try:
            rq_worker.work(with_scheduler=True, burst=burst)
        except RedisError as error:  # from its start or its teardown, which RQ does not catch
            if burst:
                raise
            log.warning("worker: Redis failed (%s)", type(error).__name__)
        if burst or rq_worker.asked_to_stop or stopping.is_set():
            return
        _let_go(rq_worker)
        if time.monotonic() - began > STEADY_SECONDS:
            delay = FIRST_RETRY_SECONDS
        log.warning("worker: the RQ loop ended on its own; starting it again once Redis answers")
        if not _wait_for_redis(connection, delay, stopping):
            return
        delay = min(delay * 2, LAST_RETRY_SECONDS)


def _let_go(rq_worker: BaseWorker) -> None:
    """What RQ's teardown leaves running when Redis failed during it: the thread listening
    for commands on the worker's channel (the next loop subscribes one of its own)."""
    thread = getattr(rq_worker, "pubsub_thread", None)
    if thread is not None and thread.is_alive():
        thread.stop()
        thread.join(timeout=5)
    pubsub = getattr(rq_worker, "pubsub", None)
    if pubsub is not None:
        with contextlib.suppress(RedisError):
            pubsub.close()


def _wait_for_redis(connection: Redis, delay: float, stopping: threading.Event) -> bool:
    """Wait `delay`, then until Redis answers, backing off; False if asked to stop meanwhile."""
    _stop_on_signals(stopping)
    since = time.monotonic()
    while not stopping.wait(delay):
        try:
            connection.ping()
        except RedisError as error:
            delay = min(delay * 2, LAST_RETRY_SECONDS)
            log.warning(
                "worker: Redis unreachable for %.0f s (%s); trying again in %.0f s",
                time.monotonic() - since,
                type(error).__name__,
                delay,
            )
            continue
        log.info("worker: Redis answers; working again")
        return True
    log.info("worker: stopping on request")
    return False


def _stop_on_signals(stopping: threading.Event) -> None:
    """Have SIGTERM and SIGINT set `stopping` (between RQ loops: RQ's handlers call a worker
    whose loop has ended; the next loop installs its own)."""
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda _signum, _frame: stopping.set())


class SupervisedWorker(BaseWorker):
    """An RQ worker that notes whether it stopped because it was asked to (SIGTERM, SIGINT),
    so that `run` starts another only when it was not."""

    asked_to_stop = False

    def subscribe(self) -> None:
        """RQ's subscribe to the worker's command channel, with its listening thread waking
        every second instead of every minute. redis-py 8's PubSubWorkerThread.stop() waits for
        the thread, which after RQ's unsubscribe may sleep out its whole wait: with RQ's 60 s,
        every end of a worker loop (a stop, a burst, an outage) took up to a minute."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=COMMAND_WAKE_SECONDS,
            daemon=True,
            exception_handler=self._pubsub_exception_handler,
        )

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        """Finish the job at hand, then stop (RQ's warm shutdown)."""
        self.asked_to_stop = True
        super().request_stop(signum, frame)


class InProcessWorker(SupervisedWorker, SimpleWorker):
    """Jobs run in the worker's own process, under RQ's job timeout (the module's docstring)."""


class ForkingWorker(SupervisedWorker, Worker):
    """A work horse forked per job: it inherits the runtime `run` built, and leaves the
    parent's connections to the parent."""

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        """In the forked horse, before the job: pools of its own (SQLAlchemy's recipe for
        os.fork: dispose(close=False) drops the parent's connections without closing them)."""
        runtime = process_runtime()
        if runtime is not None:
            runtime.engine.dispose(close=False)
            sender.after_fork(runtime)
        super().main_work_horse(job, queue)


def make_worker(connection: Redis, fork: bool = False) -> SupervisedWorker:
    """An RQ worker on the fund's queues whose jobs report their latency and run time: jobs run
    in this process, or with `fork` in a work horse forked for each."""
    if fork:
        if metrics.multiprocess():
            log.warning(
                "PROMETHEUS_MULTIPROC_DIR is set and jobs run in forked processes: each job "
                "leaves metrics files there; without fork they run in this process"
            )
        worker_class: type[SupervisedWorker] = ForkingWorker
    else:
        worker_class = InProcessWorker
    return worker_class(
        list(QUEUES), connection=connection, serializer=JSONSerializer, job_class=TimedJob
    )


def _warm_up(runtime: Runtime) -> None:
    """Before forking horses: what every horse would otherwise do again on its first job."""
    with runtime.engine.connect():  # the dialect learns the server's version and settings
        pass
    sender.warm_up(runtime)
    importlib.import_module("bot.infra.instruments")  # prometheus_client, for the jobs' metrics


class TimedJob(Job):
    """An RQ job that reports, when it ends, how long it waited and ran (`bot.infra.metrics`)."""

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
        stop.wait(clock.TICK_SECONDS)

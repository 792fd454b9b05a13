"""`benefits-bot worker`: an RQ worker with its scheduler, plus the clock that starts periodic jobs.

Without Redis the clock runs the same periodic work in this process.
"""

import logging
import threading
import time

from redis import Redis
from rq import SimpleWorker, Worker
from rq.serializers import JSONSerializer

from bot import clock, outbox
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
    worker_class = SimpleWorker if simple else Worker
    # The worker blocks on Redis waiting for jobs: its connection must not time out the way
    # the web process's short-timeout connection does.
    connection = Redis.from_url(runtime.settings.redis_url or "", socket_connect_timeout=5)
    rq_worker = worker_class(list(QUEUES), connection=connection, serializer=JSONSerializer)
    try:
        rq_worker.work(with_scheduler=True, burst=burst)
    finally:
        stop.set()


def _clock_loop(runtime: Runtime, stop: threading.Event, once: bool = False) -> None:
    while not stop.is_set():
        try:
            clock.tick(runtime)
        except Exception:
            log.exception("clock: tick failed; trying again next tick")
        if once:
            return
        time.sleep(clock.TICK_SECONDS)

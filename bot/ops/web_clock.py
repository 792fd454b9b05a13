"""Without REDIS_URL, the web server runs the clock's work itself: one laptop command
(`benefits-bot serve`, `make run`) then offers insurance, closes stale visits, sends statements
and runs payouts, as `benefits-bot worker` does with Redis.

gunicorn runs several worker processes; only one of them may tick. The master makes a lock
file before it forks (`prepare`); each worker starts a clock thread (`start`) that ticks only
while it holds an exclusive lock on that file. The lock goes with its process: when the worker
holding it dies or is recycled, another takes it on its next look. SIGTERM ends the tick at
hand and the thread (`stop`, from gunicorn's worker_exit); every job is idempotent per period
anyway, and each worker's turn is its own transaction.

With REDIS_URL nothing here runs: `benefits-bot worker` runs the clock.
"""

import contextlib
import fcntl
import logging
import os
import tempfile
import threading
from typing import IO

from bot.infra.config import Settings
from bot.infra.runtime import Runtime
from bot.ops import clock

log = logging.getLogger(__name__)
STOP_WAIT_SECONDS = 25.0  # within gunicorn's graceful timeout (30 s)

_lock_path: list[str] = []  # made in the master, inherited by the workers it forks
_running: list[tuple[threading.Thread, threading.Event]] = []


def prepare(settings: Settings) -> None:
    """In gunicorn's master, before any worker: the lock file, when the clock is ours to run."""
    if settings.redis_url or _lock_path:
        return
    handle, path = tempfile.mkstemp(prefix="benefits-bot-clock-", suffix=".lock")
    os.close(handle)
    _lock_path.append(path)
    log.info("REDIS_URL is not set: one web worker at a time runs the clock's jobs")


def start(runtime: Runtime) -> None:
    """In a gunicorn worker, once its app is built: the clock thread (see the docstring)."""
    if not _lock_path or _running:
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=_loop, args=(runtime, _lock_path[0], stop), daemon=True, name="clock"
    )
    _running.append((thread, stop))
    thread.start()


def stop() -> None:
    """The worker stops: let the tick at hand finish, then end the thread."""
    while _running:
        thread, event = _running.pop()
        event.set()
        thread.join(timeout=STOP_WAIT_SECONDS)


def remove() -> None:
    """In the master, as the server stops: remove the lock file."""
    while _lock_path:
        with contextlib.suppress(OSError):
            os.remove(_lock_path.pop())


def _loop(runtime: Runtime, path: str, stop_event: threading.Event) -> None:
    with open(path, "a") as lock_file:  # closing it (the process ending) lets the lock go
        holding = False
        while not stop_event.is_set():
            holding = holding or _take(lock_file)
            if holding:
                try:
                    clock.tick(runtime)
                except Exception:
                    log.exception("clock: tick failed; trying again next tick")
            stop_event.wait(clock.TICK_SECONDS)


def _take(lock_file: IO[str]) -> bool:
    try:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    log.info("clock: this web worker (pid %s) runs the clock's jobs", os.getpid())
    return True

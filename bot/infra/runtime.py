"""What a process needs to serve the fund: settings, a database engine, sessions, a queue."""

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.infra import thread_connections
from bot.infra.config import Settings
from bot.infra.db import make_engine, make_session_factory

REDIS_REST_SECONDS = 3.0  # how long to skip Redis after it failed


@dataclass
class Runtime:
    """One per process: built from settings, shared by the web app, the CLI and the jobs."""

    settings: Settings
    engine: Engine = field(init=False)
    sessions: sessionmaker[Session] = field(init=False)
    print_notices: bool = True  # without Twilio, print notices on stdout (the laptop default)
    # This process serves only `benefits-bot chat`: the texts typed and the replies shown at
    # its terminal reach no phone, so they are not counted against the per-number limits
    # (notices to other people still are). No webhook request can reach such a process.
    terminal_chat: bool = False
    clients: dict[str, Any] = field(default_factory=dict, init=False)  # e.g. the Twilio client
    _background: ThreadPoolExecutor | None = field(default=None, init=False)
    _pending: list[Future[Any]] = field(default_factory=list, init=False)
    _redis_rest_until: float = field(default=0.0, init=False)
    _closers: list[Callable[[], Any]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.settings.database_url)
        self.sessions = make_session_factory(self.engine)

    def in_background(self, job: Callable[[], Any]) -> None:
        """Run a job after the current request, in this process (when there is no Redis)."""
        if self._background is None:
            self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")
        self._pending = [f for f in self._pending if not f.done()]
        future = self._background.submit(job)
        future.add_done_callback(_log_failure)
        self._pending.append(future)

    def drain(self, timeout: float = 30) -> None:
        """Wait for the in-process jobs started so far (tests, the chat simulator)."""
        wait(self._pending, timeout=timeout)

    def redis_resting(self) -> bool:
        """True for a few seconds after Redis failed: callers skip it rather than wait on it."""
        return time.monotonic() < self._redis_rest_until

    def redis_failed(self) -> None:
        """Note that Redis just failed, so the next requests do not each wait on it."""
        self._redis_rest_until = time.monotonic() + REDIS_REST_SECONDS

    @cached_property
    def redis(self) -> Redis | None:
        """The queue's Redis connection, or None when jobs run in process."""
        if self.settings.redis_url is None:
            return None
        return Redis.from_url(self.settings.redis_url, socket_timeout=2, socket_connect_timeout=2)

    def on_close(self, closer: Callable[[], Any]) -> None:
        """Have `close` call this first (to stop a thread of this runtime's)."""
        self._closers.append(closer)

    def close(self) -> None:
        """Stop this runtime's threads, finish in-process jobs, then release connections."""
        for closer in self._closers:
            closer()
        self._closers.clear()
        if self._background is not None:
            self._background.shutdown(wait=True)
            self._background = None
        thread_connections.close_all(self.engine)
        self.engine.dispose()
        if self.settings.redis_url is not None:
            self.redis.close()  # type: ignore[union-attr]


def _log_failure(future: Future[Any]) -> None:
    error = future.exception()
    if error is not None:
        logging.getLogger(__name__).error("in-process job failed", exc_info=error)

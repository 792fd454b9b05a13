"""Counting failed sign-ins, so that guessing passwords is slow.

Failures are counted per (client address, account email) and per client address in fixed
windows: in Redis when the service has it (shared by every web process), in this process
otherwise or while Redis is unreachable. Never per account alone: then anyone who knows a
staff email could lock her out by failing on purpose. Keys are hashed: neither an email nor
an IP address is stored.
"""

import hashlib
import threading
import time
from dataclasses import dataclass, field

from redis import Redis
from redis.exceptions import RedisError

WINDOW_SECONDS = 15 * 60
MAX_PER_ACCOUNT = 10  # failures from one client on one account
MAX_PER_CLIENT = 50  # many staff may share one office address


@dataclass
class LoginThrottle:
    """Refuses sign-ins from a client with too many recent failures (on this account or all)."""

    redis: Redis | None = None
    _counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self, email: str, client: str) -> bool:
        """Whether either of this client's counts is over its limit in the current window."""
        return (
            self._read(_key("client-account", client, email)) >= MAX_PER_ACCOUNT
            or self._read(_key("client", client)) >= MAX_PER_CLIENT
        )

    def failed(self, email: str, client: str) -> None:
        """Count one failure against the client on this account, and against the client."""
        self._add(_key("client-account", client, email))
        self._add(_key("client", client))

    def _read(self, key: str) -> int:
        if self.redis is not None:
            try:
                return int(self.redis.get(key) or 0)
            except RedisError:
                pass
        with self._lock:
            window, count = self._counts.get(key, (0, 0))
            return count if window == _window() else 0

    def _add(self, key: str) -> None:
        if self.redis is not None:
            try:
                with self.redis.pipeline() as pipe:
                    pipe.incr(key).expire(key, WINDOW_SECONDS, nx=True).execute()
                return
            except RedisError:
                pass
        with self._lock:
            window, count = self._counts.get(key, (0, 0))
            now = _window()
            self._counts[key] = (now, count + 1 if window == now else 1)
            if len(self._counts) > 10_000:  # forget old windows rather than grow forever
                self._counts = {k: v for k, v in self._counts.items() if v[0] == now}


def _window() -> int:
    return int(time.time()) // WINDOW_SECONDS


def _key(kind: str, *values: str) -> str:
    joined = "\n".join(value.strip().lower() for value in values)  # no email holds a newline
    digest = hashlib.sha256(joined.encode()).hexdigest()[:32]
    return f"dashboard:login-failures:{kind}:{digest}"

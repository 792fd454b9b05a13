"""One PostgreSQL connection per thread, kept between the inbox's transactions.

Every inbound message is one transaction (`bot.infra.db.run_on_connection`). Taking a
connection from the pool and handing it back, with the SQLAlchemy `Connection` made and
closed around it, cost each message about as much Python as one of its statements. A web
thread serves one message at a time, so it keeps one connection of its own instead, taken
out of the pool's count (`Connection.detach`: closing it closes it for real):

- only after a transaction ended cleanly: a connection that failed, was invalidated or is
  still in a transaction is closed, and the next message takes a new one;
- for at most `KEPT_FOR` seconds, as the pool recycles its own (`pool_recycle`);
- closed when its thread is gone, when the engine is disposed (`Runtime.close`, the tests),
  and never used in a process forked after it was opened (the child's messages open their
  own; the parent's socket is left alone).

SQLite (`make run`) takes its connection from the pool each time, as before.
"""

import os
import threading
import time
import weakref
from typing import Any

from sqlalchemy import Connection, Engine, event

KEPT_FOR = 1800.0  # seconds: `make_engine`'s pool_recycle


class _Kept:
    """The connections kept for one engine: this thread's, and every live one (to close them
    all when the engine is disposed)."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.lock = threading.Lock()
        # by id, while open: the connection, and what closes it when its thread is gone
        self.live: dict[int, tuple[Connection, weakref.finalize]] = {}
        self.abandoned: list[Connection] = []  # a forked parent's: never touched, never freed

    def take(self, engine: Engine) -> Connection:
        local = self.local
        connection: Connection | None = getattr(local, "connection", None)
        if connection is not None:
            young = time.monotonic() - local.born < KEPT_FOR
            if young and not connection.closed and not connection.invalidated:
                return connection
            self.release(connection)
        connection = engine.connect()
        connection.detach()  # ours until closed: outside the pool's count and recycling
        local.connection, local.born = connection, time.monotonic()
        closer = weakref.finalize(threading.current_thread(), self.release, connection)
        with self.lock:
            self.live[id(connection)] = (connection, closer)
        return connection

    def release(self, connection: Connection) -> None:
        """Close it (it is no longer this thread's) and forget it."""
        with self.lock:
            _, closer = self.live.pop(id(connection), (None, None))
        if closer is not None:
            closer.detach()  # its thread no longer holds it
        if getattr(self.local, "connection", None) is connection:
            self.local.connection = None
        if not connection.closed:
            connection.close()

    def close_all(self, *_args: Any) -> None:
        with self.lock:
            every = [connection for connection, _ in self.live.values()]
        for connection in every:
            self.release(connection)

    def forget_after_fork(self) -> None:
        """In a forked child: the parent's connections are left as they are (closing one would
        end the parent's session on the socket they share), and kept from being collected."""
        self.lock = threading.Lock()  # another thread may have held it at the fork
        for connection, closer in self.live.values():
            closer.detach()
            self.abandoned.append(connection)
        self.live.clear()
        self.local = threading.local()


_KEPT: "weakref.WeakKeyDictionary[Engine, _Kept]" = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def kept_connection(engine: Engine) -> Connection | None:
    """This thread's connection on the engine, opened or reopened as needed; None on SQLite
    (the caller takes one from the pool). Not in a transaction."""
    if engine.dialect.name != "postgresql":
        return None
    kept = _KEPT.get(engine)
    if kept is None:
        with _KEPT_LOCK:
            kept = _KEPT.get(engine)
            if kept is None:
                kept = _KEPT[engine] = _Kept()
                event.listen(engine, "engine_disposed", kept.close_all)
    return kept.take(engine)


def give_back(engine: Engine, connection: Connection) -> None:
    """After a transaction: keep this thread's connection if it ended cleanly, else close it."""
    if connection.closed:
        return
    if connection.invalidated or connection.in_transaction():
        kept = _KEPT.get(engine)
        if kept is not None:
            kept.release(connection)
        else:
            connection.close()


def _after_fork_in_child() -> None:
    global _KEPT_LOCK  # noqa: PLW0603 (another thread may have held it at the fork)
    _KEPT_LOCK = threading.Lock()
    for kept in list(_KEPT.values()):
        kept.forget_after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)

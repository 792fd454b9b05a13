"""One PostgreSQL connection per web thread, kept between the inbox's transactions.

Every inbound message is one transaction (`bot.infra.db.run_on_connection`). Taking a
connection from the pool and handing it back, with the SQLAlchemy `Connection` made and
closed around it, cost each message about as much Python as one of its statements. A web
thread serves one message at a time, so it keeps one connection of its own instead, taken
out of the pool's count (`Connection.detach`: closing it closes it for real):

- only after a transaction ended cleanly: one that failed and could not be rolled back, was
  invalidated, or is still in a transaction at the server is closed, and the next message
  takes a new one;
- for `KEPT_FOR` seconds after it left the pool (`make_engine`'s pool_recycle);
- closed when its thread is gone; by `close_all` (`Runtime.close`), or once its engine was
  disposed (its pool replaced), at the latest when its thread or another takes a connection
  next, never while a message runs on it;
- never used in a process forked after it was opened (the child's messages open their own;
  the parent's socket is left alone).

SQLite (`make run`) takes its connection from the pool each time, as before. No engine event
is used: listening to one makes SQLAlchemy dispatch events on every statement of the engine.
"""

import os
import threading
import time
import weakref
from dataclasses import dataclass

from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine
from sqlalchemy.pool import Pool

KEPT_FOR = 1800.0  # seconds: `make_engine`'s pool_recycle


@dataclass(eq=False)
class _Entry:
    connection: Connection
    pool: Pool  # its engine's pool when it was taken: another one means the engine was disposed
    born: float
    closer: weakref.finalize  # closes it when its thread is gone
    busy: bool = True  # a message runs on it
    closing: bool = False  # `close_all` came while it was busy: closed when given back


class _Kept:
    """The connections kept for one engine: this thread's, and every live one."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.lock = threading.RLock()  # a finalizer may release during a locked allocation
        self.live: dict[int, _Entry] = {}  # by id of the connection
        self.abandoned: list[Connection] = []  # a forked parent's: never touched, never freed

    def take(self, engine: Engine) -> Connection:
        entry: _Entry | None = getattr(self.local, "entry", None)
        if entry is not None:
            if _usable(entry, engine):
                entry.busy = True
                return entry.connection
            self.release(entry)
        connection = engine.connect()
        connection.detach()  # ours until closed: outside the pool's count and recycling
        closer = weakref.finalize(threading.current_thread(), self.release_of, connection)
        entry = _Entry(connection, engine.pool, time.monotonic(), closer)
        with self.lock:
            self.live[id(connection)] = entry
        self.local.entry = entry
        return connection

    def give_back(self, engine: Engine, connection: Connection) -> None:
        entry = self.live.get(id(connection))
        if entry is None:  # closed meanwhile (`close_all`): nothing kept
            if not connection.closed:
                connection.close()
            return
        entry.busy = False
        if not _usable(entry, engine) or not _idle(connection):
            self.release(entry)

    def release_of(self, connection: Connection) -> None:
        entry = self.live.get(id(connection))
        if entry is not None:
            self.release(entry)

    def release(self, entry: _Entry) -> None:
        """Close it and forget it (once, whoever asks first)."""
        with self.lock:
            if self.live.pop(id(entry.connection), None) is not entry:
                return
        entry.closer.detach()
        if getattr(self.local, "entry", None) is entry:
            self.local.entry = None
        if not entry.connection.closed:
            entry.connection.close()

    def release_idle(self, engine: Engine | None = None) -> None:
        """Close every connection no message runs on: all of them, or (with `engine`) those
        of a pool the engine no longer has. Those in use are closed when given back."""
        with self.lock:
            entries = list(self.live.values())
        for entry in entries:
            if not entry.busy and (engine is None or entry.pool is not engine.pool):
                self.release(entry)

    def forget_after_fork(self) -> None:
        """In a forked child: the parent's connections are left as they are (closing one would
        end the parent's session on the socket they share), and kept from being collected."""
        self.lock = threading.RLock()  # another thread may have held it at the fork
        for entry in self.live.values():
            entry.closer.detach()
            self.abandoned.append(entry.connection)
        self.live.clear()
        self.local = threading.local()


def _usable(entry: _Entry, engine: Engine) -> bool:
    connection = entry.connection
    return (
        not connection.closed
        and not connection.invalidated
        and not entry.closing
        and entry.pool is engine.pool
        and time.monotonic() - entry.born < KEPT_FOR
    )


def _idle(connection: Connection) -> bool:
    """No transaction and no statement left at the server (a rollback that failed leaves one:
    SQLAlchemy then forgets its transaction all the same)."""
    if connection.in_transaction():
        return False
    driver = connection.connection.dbapi_connection
    status = getattr(getattr(driver, "info", None), "transaction_status", None)
    return status == TransactionStatus.IDLE


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
            kept = _KEPT.setdefault(engine, _Kept())
            others = [(e, k) for e, k in _KEPT.items() if k is not kept]
        for other_engine, other in others:  # engines disposed since: their idle connections
            other.release_idle(other_engine)
    return kept.take(engine)


def give_back(engine: Engine, connection: Connection) -> None:
    """After a transaction: keep this thread's connection if it ended cleanly, else close it."""
    kept = _KEPT.get(engine)
    if kept is not None:
        kept.give_back(engine, connection)
    elif not connection.closed:
        connection.close()


def close_all(engine: Engine) -> None:
    """Close the engine's kept connections (before disposing of it: `Runtime.close`); one a
    message is running on is closed when that message ends."""
    kept = _KEPT.get(engine)
    if kept is not None:
        with kept.lock:
            for entry in kept.live.values():
                entry.closing = True
        kept.release_idle()


def _after_fork_in_child() -> None:
    global _KEPT_LOCK  # noqa: PLW0603 (another thread may have held it at the fork)
    _KEPT_LOCK = threading.Lock()
    for kept in list(_KEPT.values()):
        kept.forget_after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)

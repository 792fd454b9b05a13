"""Engines, sessions and transactions that survive concurrency on SQLite and PostgreSQL."""

import json
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.infra.orm import JoiningSession, join_waiting, used_as_orm
from bot.infra.thread_connections import KEPT_FOR, give_back, kept_connection

T = TypeVar("T")

# PostgreSQL asks clients to retry these: serialization failure, deadlock, and a unique
# violation, which here means a concurrent transaction claimed the same key first (the
# retry then finds it and answers as a replay).
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "23505"})
SQLITE_BUSY_MS = 30_000


def make_engine(url: str, **options: Any) -> Engine:
    """An engine; on SQLite with WAL, a busy timeout and BEGIN IMMEDIATE for every transaction."""
    # Errors never carry statement parameters (phone numbers, message bodies) into logs.
    options.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
        _serialize_sqlite_writes(engine)
        return engine
    # No ping per checkout: it costs a round trip per transaction, and run_in_transaction
    # already retries a transaction whose connection turned out to be dead.
    options.setdefault("pool_pre_ping", False)
    options.setdefault("pool_recycle", KEPT_FOR)
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 20)
    if make_url(url).get_driver_name() != "psycopg":
        return create_engine(url, **options)
    options.setdefault("json_deserializer", json_loads)
    if "pool_reset_on_return" in options:
        return create_engine(url, **options)
    options["pool_reset_on_return"] = None  # `_roll_back_if_open` does it when needed
    engine = create_engine(url, **options)
    event.listen(engine, "checkin", _roll_back_if_open)
    return engine


def json_loads(data: str | bytes) -> Any:
    """`json.loads`, except that the empty object, what most stored conversations hold (every
    message reads hers), is answered without parsing it."""
    if data == b"{}":  # psycopg hands JSON over as bytes
        return {}
    return json.loads(data)


def _roll_back_if_open(dbapi_connection: Any, record: Any) -> None:
    """The pool's reset on return (a rollback), only when the connection is in a transaction.

    A connection handed back right after its commit (every inbox message) is idle; the pool
    would still call psycopg's rollback, which finds nothing to do only after taking the
    connection's lock and running its generator, on every message."""
    if dbapi_connection is None:  # invalidated: nothing goes back to the pool
        return
    try:
        if dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
            dbapi_connection.rollback()
    except Exception:
        record.invalidate()  # a connection that cannot be reset is not handed out again


def _serialize_sqlite_writes(engine: Engine) -> None:
    # SQLAlchemy's documented recipe: take pysqlite's transaction handling away, then start
    # every transaction with BEGIN IMMEDIATE, since SQLite ignores SELECT ... FOR UPDATE.
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def is_retryable(error: BaseException) -> bool:
    """Whether the database asked us to run the transaction again."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(error.orig)


def run_in_transaction(
    factory: sessionmaker[Session], work: Callable[[Session], T], attempts: int = 6
) -> T:
    """Run `work` in one transaction and commit; retry it whole when the database asks to."""
    for attempt in range(1, attempts + 1):
        session = factory()
        try:
            result = work(session)
            session.commit()
            return result
        except DBAPIError as error:
            session.rollback()
            if attempt == attempts or not is_retryable(error):
                raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        # Jittered backoff so that the transactions that collided do not collide again.
        time.sleep(random.uniform(0, 0.005 * 2**attempt))  # noqa: S311 (not cryptography)
    raise AssertionError("unreachable")


def run_on_connection(
    engine: Engine, work: Callable[[Session], T], attempts: int = 6, keep: bool = False
) -> T:
    """`run_in_transaction` for work that runs its own statements on the connection it is
    handed as its session's bind (`session.bind`, its transaction begun; from the pool, or
    with `keep` on PostgreSQL the thread's own, `bot.infra.thread_connections`, for a thread
    that runs one such transaction after another: a web thread): the session (a
    `JoiningSession`) joins that transaction only when the work uses it as an ORM, and a
    transaction it never joined is committed without it (nor its events). Commits,
    rolls back and retries as `run_in_transaction` does; the session's objects stay readable
    after commit."""
    for attempt in range(1, attempts + 1):
        connection = session = None
        kept = False
        try:
            connection = kept_connection(engine) if keep else None
            kept = connection is not None
            if connection is None:
                connection = engine.connect()
            transaction = connection.begin()
            # control_fully: once it joins, the session's commit and rollback are the transaction's
            session = JoiningSession(
                bind=connection, join_transaction_mode="control_fully", expire_on_commit=False
            )
            result = work(session)
            join_waiting(session, if_changed=True)  # an object the ORM must write
            if used_as_orm(session):
                session.flush()
            if session.info.get(_TOOK_CONNECTION):
                session.commit()  # and with it the transaction (control_fully), with its events
            else:
                transaction.commit()  # the ORM had no part in it
            return result
        except DBAPIError as error:
            _roll_back(session, connection)
            if attempt == attempts or not is_retryable(error):
                raise
        except BaseException:
            _roll_back(session, connection)
            raise
        finally:
            if session is not None and used_as_orm(session):
                session.close()  # else it holds nothing to release
            if kept:
                give_back(engine, connection)  # type: ignore[arg-type]
            elif connection is not None:
                connection.close()
        # Jittered backoff so that the transactions that collided do not collide again.
        time.sleep(random.uniform(0, 0.005 * 2**attempt))  # noqa: S311 (not cryptography)
    raise AssertionError("unreachable")


_TOOK_CONNECTION = "db.took_connection"  # in Session.info: the session joined the transaction


@event.listens_for(JoiningSession, "after_begin")
def _took_connection(session: Session, _transaction: Any, _connection: Connection) -> None:
    session.info[_TOOK_CONNECTION] = True


def _roll_back(session: Session | None, connection: Connection | None) -> None:
    if session is not None:
        session.rollback()
    if connection is not None:
        connection.rollback()

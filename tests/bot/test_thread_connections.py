"""Each web thread keeps one PostgreSQL connection between the inbox's transactions
(bot.infra.thread_connections): reused while it is sound, replaced when it is not, closed
with its thread, its engine or its age, never while a message runs on it, and never shared
with a forked child."""

import gc
import os
import signal
import threading

import pytest
from sqlalchemy import text

from bot.infra import thread_connections
from bot.infra.db import run_on_connection
from bot.ledger import driver_sql


def backend(engine, keep=True) -> int:
    """The PostgreSQL backend a message of this thread runs on."""
    return run_on_connection(
        engine,
        lambda session: driver_sql.fetch_one(session.bind, "SELECT pg_backend_pid()", {})[0],
        keep=keep,
    )


def alive(engine, pid: int) -> bool:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        )
        return found.scalar_one() == 1


def test_a_thread_keeps_its_connection_outside_the_pool(postgres_engine):
    first = backend(postgres_engine)
    assert postgres_engine.pool.checkedout() == 0  # detached: the pool's count is untouched
    with postgres_engine.connect() as pooled:  # every connection the pool holds, taken
        others = [postgres_engine.connect() for _ in range(postgres_engine.pool.checkedin())]
        assert backend(postgres_engine) == first  # not one of them: the thread's own
        assert first not in {
            c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in [pooled, *others]
        }
        for other in others:
            other.close()


def test_without_keep_the_connection_goes_back_to_the_pool(postgres_engine):
    with postgres_engine.connect() as pooled:
        pooled_pid = pooled.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    assert backend(postgres_engine, keep=False) == pooled_pid  # the pool's, given back
    assert postgres_engine.pool.checkedout() == 0


def test_a_message_that_fails_leaves_the_connection_clean_for_the_next(postgres_engine):
    first = backend(postgres_engine)

    def fails(session):
        session.bind.execute(text("CREATE TEMPORARY TABLE scratch (n int)"))
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        run_on_connection(postgres_engine, fails, keep=True)

    def looks(session):
        return session.bind.execute(text("SELECT to_regclass('pg_temp.scratch')")).scalar()

    assert run_on_connection(postgres_engine, looks, keep=True) is None  # rolled back
    assert backend(postgres_engine) == first


class Interrupted(Exception):
    """What a job timeout (a signal) raises in the middle of a statement."""


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signal")
def test_a_statement_cut_short_leaves_no_busy_connection_behind(postgres_engine):
    first = backend(postgres_engine)

    def interrupt(_signum, _frame):
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(Exception):  # noqa: B017 (Interrupted, or the rollback's own error)
            run_on_connection(
                postgres_engine,
                lambda session: driver_sql.fetch_one(session.bind, "SELECT pg_sleep(2)", {}),
                keep=True,
            )
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    second = backend(postgres_engine)  # works: a new connection, not the busy one
    assert second != first
    assert backend(postgres_engine) == second


def test_a_connection_the_server_dropped_is_replaced_and_the_message_still_runs(
    postgres_engine,
):
    first = backend(postgres_engine)
    with postgres_engine.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        admin.commit()
    second = backend(postgres_engine)  # the first attempt finds it broken; the retry runs
    assert second != first
    assert backend(postgres_engine) == second


def test_closing_closes_idle_connections_at_once_and_busy_ones_when_their_message_ends(
    postgres_engine,
):
    mine = backend(postgres_engine)
    theirs: list[int] = []
    running, finish = threading.Event(), threading.Event()

    def message(session):
        theirs.append(driver_sql.fetch_one(session.bind, "SELECT pg_backend_pid()", {})[0])
        running.set()
        assert finish.wait(10)
        return driver_sql.fetch_one(session.bind, "SELECT 1", {})[0]

    results: list[int] = []
    thread = threading.Thread(
        target=lambda: results.append(run_on_connection(postgres_engine, message, keep=True))
    )
    thread.start()
    assert running.wait(10)
    thread_connections.close_all(postgres_engine)  # what Runtime.close does
    assert not alive(postgres_engine, mine)
    assert alive(postgres_engine, theirs[0])  # a message runs on it: left to finish
    finish.set()
    thread.join()
    assert results == [1]
    assert not alive(postgres_engine, theirs[0])  # closed once given back


def test_a_disposed_engine_s_connections_are_replaced_and_closed(postgres_engine):
    first = backend(postgres_engine)
    postgres_engine.dispose()
    second = backend(postgres_engine)
    assert second != first and not alive(postgres_engine, first)


def test_a_thread_that_ends_closes_its_connection(postgres_engine):
    theirs: list[int] = []
    thread = threading.Thread(target=lambda: theirs.append(backend(postgres_engine)))
    thread.start()
    thread.join()
    del thread
    gc.collect()
    assert not alive(postgres_engine, theirs[0])


def test_a_connection_is_kept_no_longer_than_the_pool_would_keep_it(postgres_engine, monkeypatch):
    first = backend(postgres_engine)
    monkeypatch.setattr(thread_connections, "KEPT_FOR", 0.0)
    second = backend(postgres_engine)
    assert second != first and not alive(postgres_engine, first)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_forked_child_opens_its_own_and_leaves_the_parent_s_alone(postgres_engine):
    parent = backend(postgres_engine)
    child = os.fork()
    if child == 0:  # the child: exit status 0 only if it ran on a backend of its own
        try:
            postgres_engine.dispose(close=False)  # SQLAlchemy's advice for a forked child
            os._exit(0 if backend(postgres_engine) != parent else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert backend(postgres_engine) == parent  # the parent's connection still works


def test_sqlite_takes_its_connection_from_the_pool(sqlite_engine):
    assert thread_connections.kept_connection(sqlite_engine) is None

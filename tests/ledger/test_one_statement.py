"""The contribution's one statement on PostgreSQL, run at the driver level: its answers, its
prepared statement, and every way it can find the connection (already in a transaction, with
its prepared statements dropped, killed, failing)."""

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from bot import ledger
from bot.infra.db import make_engine, make_session_factory, run_in_transaction
from bot.ledger import driver_sql, statements
from tests.ledger.fund import open_fund, row_counts


@pytest.fixture
def engine(postgres_engine, postgres_url):
    """One pooled connection, so that every transaction finds the state the last one left."""
    engine = make_engine(postgres_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    return make_session_factory(engine)


@pytest.fixture
def fund(sessions):
    return open_fund(sessions)


def contribute(sessions, fund, key, amount=500, worker=0, *, source=None, target=None):
    """A household's contribution to a worker (`source`, `target`: other account ids)."""
    return run_in_transaction(
        sessions,
        lambda session: ledger.contribute(
            session,
            key=key,
            contributor_account_id=source or fund.households[0],
            worker_account_id=target or fund.workers[worker],
            amount_cents=amount,
        ),
    )


def posted(sessions, account_id):
    with sessions() as session:
        return ledger.balance(session, account_id).posted_cents


def statements_on_server(engine):
    with engine.connect() as connection:
        return connection.scalar(
            text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%locked AS%'")
        )


def test_a_contribution_is_one_prepared_statement(sessions, engine, fund, monkeypatch):
    ran = []
    monkeypatch.setattr(statements, "fetch_one", spy(driver_sql.fetch_one, ran))
    for n in range(3):
        assert contribute(sessions, fund, f"visit:{n}").applied
    assert len(ran) == 3
    assert statements_on_server(engine) == 1, "prepared once on the pooled connection"
    assert posted(sessions, fund.workers[0]) == 1_500
    assert row_counts(sessions) == (3, 3)


def spy(function, calls):
    def wrapper(*args):
        calls.append(args[1])
        return function(*args)

    return wrapper


def test_inside_an_open_transaction_it_joins_it(sessions, fund):
    def visit_then_contribution(session):
        session.execute(text("SELECT 1"))  # the transaction is open already
        result = ledger.contribute(
            session,
            key="visit:1",
            contributor_account_id=fund.households[0],
            worker_account_id=fund.workers[0],
            amount_cents=700,
        )
        session.rollback()  # and it is undone with it
        return result

    assert run_in_transaction(sessions, visit_then_contribution).applied
    assert posted(sessions, fund.workers[0]) == 0
    assert row_counts(sessions) == (0, 0)


def test_prepared_statements_dropped_on_the_server_are_prepared_again(sessions, engine, fund):
    contribute(sessions, fund, "visit:1")
    with engine.connect() as connection:
        connection.exec_driver_sql("DEALLOCATE ALL")
    assert contribute(sessions, fund, "visit:2").applied
    assert posted(sessions, fund.workers[0]) == 1_000
    assert row_counts(sessions) == (2, 2)


def test_a_failed_statement_raises_as_sqlalchemy_would_and_the_connection_lives_on(
    sessions, engine, fund
):
    contribute(sessions, fund, "visit:1")
    holding, release = threading.Event(), threading.Event()

    def hold_the_worker_account():
        with engine_for_holder.begin() as connection:
            connection.execute(
                text("SELECT 1 FROM ledger_accounts WHERE id = :id FOR UPDATE"),
                {"id": fund.workers[0]},
            )
            holding.set()
            release.wait(10)

    engine_for_holder = make_engine(engine.url.render_as_string(hide_password=False))
    holder = threading.Thread(target=hold_the_worker_account)
    holder.start()
    try:
        assert holding.wait(10)
        with engine.connect() as connection:  # the one pooled connection gives up quickly
            connection.exec_driver_sql("SET lock_timeout = '50ms'")
            connection.commit()
        with pytest.raises(OperationalError) as raised:
            contribute(sessions, fund, "visit:2")
    finally:
        release.set()
        holder.join(10)
        engine_for_holder.dispose()
    assert raised.value.orig.sqlstate == "55P03"  # lock_not_available, from the server
    assert not raised.value.connection_invalidated
    assert "visit:2" not in str(raised.value)  # parameters stay out of errors and logs
    with engine.connect() as connection:
        connection.exec_driver_sql("SET lock_timeout = 0")
        connection.commit()
    assert contribute(sessions, fund, "visit:3").applied
    assert posted(sessions, fund.workers[0]) == 1_000
    assert row_counts(sessions) == (2, 2)


def test_a_connection_killed_between_transactions_is_replaced_and_the_work_retried(
    sessions, engine, fund, postgres_engine
):
    contribute(sessions, fund, "visit:1")
    with engine.connect() as connection:
        pid = connection.scalar(text("SELECT pg_backend_pid()"))
    with postgres_engine.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    result = contribute(sessions, fund, "visit:2")  # first attempt fails, the retry succeeds
    assert result.applied and not result.replayed
    assert posted(sessions, fund.workers[0]) == 1_000


def test_a_connection_that_dies_mid_statement_is_invalidated(sessions, fund):
    contribute(sessions, fund, "visit:1")
    session = sessions()
    try:
        connection = session.connection()
        with pytest.raises(DBAPIError) as raised:
            driver_sql.fetch_one(connection, "SELECT pg_terminate_backend(pg_backend_pid())", {})
        assert raised.value.connection_invalidated
    finally:
        session.rollback()
        session.close()
    assert contribute(sessions, fund, "visit:2").applied


def test_the_transaction_keeps_the_isolation_level_asked_for(sessions, fund):
    def contribution_then_level(session):
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        ledger.contribute(
            session,
            key="visit:1",
            contributor_account_id=fund.households[0],
            worker_account_id=fund.workers[0],
            amount_cents=500,
        )
        return session.scalar(text("SHOW transaction_isolation"))

    assert run_in_transaction(sessions, contribution_then_level) == "repeatable read"
    assert posted(sessions, fund.workers[0]) == 500


def test_replays_rejections_and_bad_accounts_still_get_their_answers(sessions, fund):
    first = contribute(sessions, fund, "visit:1")
    again = contribute(sessions, fund, "visit:1")
    assert again.replayed and again.transfer_id == first.transfer_id
    with pytest.raises(ledger.IdempotencyConflict):
        contribute(sessions, fund, "visit:1", amount=600)
    with pytest.raises(ledger.WrongAccountKind):
        contribute(sessions, fund, "visit:2", source=fund.workers[1])
    with pytest.raises(ledger.UnknownAccount):
        contribute(sessions, fund, "visit:3", target=999_999)
    rejected = run_in_transaction(
        sessions,
        lambda session: ledger.charge_premium(
            session,
            key="premium:1",
            worker_account_id=fund.workers[1],
            insurer_account_id=fund.insurer,
            amount_cents=100,
            period="2026-11",
        ),
    )
    assert rejected.rejection is ledger.Rejection.INSUFFICIENT_FUNDS
    assert posted(sessions, fund.workers[0]) == 500
    assert row_counts(sessions) == (1, 2)
    with sessions() as session:
        assert ledger.check(session) == []


def test_with_prepared_statements_turned_off_nothing_is_prepared(postgres_url, fund):
    engine = make_engine(postgres_url, connect_args={"prepare_threshold": None}, pool_size=1)
    try:
        sessions = make_session_factory(engine)
        for n in range(3):
            assert contribute(sessions, fund, f"visit:{n}").applied
        assert statements_on_server(engine) == 0
        assert posted(sessions, fund.workers[0]) == 1_500
    finally:
        engine.dispose()

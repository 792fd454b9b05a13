"""On PostgreSQL the pool rolls back a connection handed back inside a transaction (what its
reset on return does), and leaves alone one handed back idle, as every inbox message's is
after its commit (`bot.infra.db._roll_back_if_open`)."""

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import text

from bot.infra.db import run_on_connection

INSERT = (
    "INSERT INTO people (phone, language, time_zone, last_channel, created_at)"
    " VALUES ('+12125550177', 'en', 'UTC', 'sms', now())"
)


def test_a_connection_handed_back_in_a_transaction_is_rolled_back(postgres_engine):
    raw = postgres_engine.raw_connection()
    driver = raw.driver_connection
    backend = driver.info.backend_pid
    driver.execute(INSERT)  # psycopg began a transaction the pool knows nothing of
    assert driver.info.transaction_status == TransactionStatus.INTRANS
    raw.close()
    with postgres_engine.connect() as connection:
        again = connection.connection.driver_connection
        assert again.info.backend_pid == backend  # the same connection, back from the pool
        assert again.info.transaction_status == TransactionStatus.IDLE
        assert connection.execute(text("SELECT count(*) FROM people")).scalar_one() == 0


def test_a_connection_handed_back_after_its_commit_is_not_rolled_back(postgres_engine, monkeypatch):
    rollbacks = []
    rollback = psycopg.Connection.rollback

    def counted(self):
        rollbacks.append(self.info.transaction_status)
        return rollback(self)

    monkeypatch.setattr(psycopg.Connection, "rollback", counted)
    run_on_connection(postgres_engine, lambda session: session.bind.execute(text(INSERT)))
    assert rollbacks == []
    with postgres_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM people")).scalar_one() == 1

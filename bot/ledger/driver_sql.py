"""Hot-path SQL handed straight to psycopg, prepared once per connection.

For a statement run on every contribution, SQLAlchemy's execution layer (compiled-cache
lookup, bind processing, result metadata) costs about as much Python as the database spends
on the statement. Here the SQL is written with psycopg's placeholders (`%(name)s`) and run on
the session's own connection (so inside its transaction: psycopg sends the BEGIN, the
session commits or rolls back as usual) as a server-side prepared statement. Errors come out
as SQLAlchemy raises them, a `DBAPIError` wrapping psycopg's exception with
`connection_invalidated` when the connection broke, so `bot.infra.db.run_in_transaction` retries
exactly what it retries for any other statement. On any other driver (SQLite) the statement
goes through SQLAlchemy.
"""

from typing import Any

import psycopg
from psycopg.pq import ExecStatus
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

TUPLES_OK = ExecStatus.TUPLES_OK


def fetch_one(connection: Connection, sql: str, parameters: dict[str, Any]) -> tuple[Any, ...]:
    """Run the statement in the connection's transaction; its one row."""
    row = fetch_optional(connection, sql, parameters)
    if row is None:
        raise AssertionError("the statement answered no row")
    return row


def fetch_optional(
    connection: Connection, sql: str, parameters: dict[str, Any]
) -> tuple[Any, ...] | None:
    """Run the statement in the connection's transaction; its first row, or None."""
    rows = _run(connection, sql, parameters, everything=False)
    return rows[0] if rows else None


def fetch_all(
    connection: Connection, sql: str, parameters: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """Run the statement in the connection's transaction; all its rows (none for a statement
    that answers none)."""
    return _run(connection, sql, parameters, everything=True)


def psycopg_of(connection: Connection) -> psycopg.Connection[Any] | None:
    """The psycopg connection under this SQLAlchemy connection; None on any other driver.

    Read as `dbapi_connection`, which for psycopg (not async) is the driver's connection: a
    connection detached from its pool (`bot.infra.thread_connections`) no longer answers
    `driver_connection`."""
    dbapi = connection.connection.dbapi_connection
    return dbapi if isinstance(dbapi, psycopg.Connection) else None


def _run(
    connection: Connection, sql: str, parameters: dict[str, Any], everything: bool
) -> list[tuple[Any, ...]]:
    driver = psycopg_of(connection)
    if driver is None:
        result = connection.exec_driver_sql(sql, parameters)
        if not result.returns_rows:
            return []
        if everything:
            return [tuple(row) for row in result.all()]
        first = result.first()
        return [] if first is None else [tuple(first)]
    # Prepared at once, unless prepared statements were turned off on this connection
    # (`prepare_threshold=None`, as behind a transaction-pooling pgbouncer): then never.
    prepare = True if driver.prepare_threshold is not None else None
    try:
        cursor = _cursor(connection, driver, sql)
        cursor.execute(sql, parameters, prepare=prepare)
        result = cursor.pgresult
        if result is None or result.status != TUPLES_OK:
            return []  # a statement that answers no rows (`description` costs more)
        if everything:
            return cursor.fetchall()
        row = cursor.fetchone()
        return [] if row is None else [row]
    except psycopg.Error as error:
        broken = driver.broken
        if broken:
            connection.invalidate(error)
        raise DBAPIError.instance(
            sql,
            None,
            error,
            psycopg.Error,
            hide_parameters=True,
            connection_invalidated=broken,
            dialect=connection.dialect,
        ) from error


_CURSORS = "driver_sql.cursors"  # in the pool's record of the connection: (driver, {sql: cursor})
_CURSORS_KEPT = 64  # the hot-path statements are a few dozen; more means SQL built per call


def _cursor(connection: Connection, driver: psycopg.Connection, sql: str) -> psycopg.Cursor[Any]:
    """A cursor per statement and database connection, kept with it in the pool
    (`Connection.info` lives as long as the connection does), instead of one made and closed
    per statement: a psycopg cursor costs about as much Python to open and close as to run a
    small prepared statement. One per statement, not one for all: a cursor run again on the
    statement it ran last keeps its adapters (psycopg looks up how to send every value and
    read every column again whenever the statement changes). A connection serves one thread
    at a time, and so do its cursors."""
    info = connection.info
    kept = info.get(_CURSORS)
    if kept is None or kept[0] is not driver:
        kept = info[_CURSORS] = (driver, {})
    cursors = kept[1]
    cursor = cursors.get(sql)
    if cursor is None or cursor.closed:
        if len(cursors) >= _CURSORS_KEPT:
            cursors.clear()
        cursor = cursors[sql] = driver.cursor()
    return cursor

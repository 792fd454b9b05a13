"""Shared by the benchmarks: a PostgreSQL database of the run's own, dropped whatever happens.

Imported by the scripts beside it (run them as `python bench/<script>.py`, which puts this
folder on the import path).
"""

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.infra import migrate
from bot.infra.db import make_engine

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def temporary_database(server: str, name: str) -> Iterator[str]:
    """Create the database, migrate it to head, yield its URL; drop it on the way out, on
    errors, Ctrl-C and SIGTERM too."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        print(f"dropped database {name}")

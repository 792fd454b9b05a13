"""Fixtures: a fresh SQLite file or a PostgreSQL database of this run's own, and a Redis db.

PostgreSQL and Redis are real servers, never mocks. Without them the tests that need them are
skipped with the reason; with --require-services (CI=true sets it) a skip is a failure.
"""

import contextlib
import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.infra import migrate, thread_connections
from bot.infra.config import database_url
from bot.infra.db import make_engine, make_session_factory
from bot.infra.orm import Base
from tests.conversations.reported import CORPUS_SHARES, SEGMENT_SHARES

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-services",
        action="store_true",
        default=os.environ.get("CI") == "true" or os.environ.get("REQUIRE_SERVICES") == "1",
        help="fail, rather than skip, tests whose PostgreSQL or Redis is unreachable",
    )


def unavailable(config: pytest.Config, reason: str) -> None:
    """Skip the test, or fail it when the run requires the real services."""
    if config.getoption("--require-services"):
        pytest.fail(f"required service unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


# -- PostgreSQL --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database created for this test run, migrated to head, dropped at the end."""
    admin_url = database_url(os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    admin = create_engine(
        admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"benefits_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        unavailable(request.config, f"PostgreSQL unreachable at TEST_POSTGRES_URL: {error.orig}")
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """An engine on this run's PostgreSQL database, emptied before the test."""
    engine = make_engine(postgres_url, pool_size=40, max_overflow=10)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine
    thread_connections.close_all(engine)
    engine.dispose()


# -- SQLite ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head per test process, the template every test copies:
    running Alembic for each test cost more than many of the tests themselves."""
    path = tmp_path_factory.mktemp("sqlite-template") / "benefits.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    # Everything into the file itself, none left in its write-ahead log, so a copy is whole.
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite: Path) -> str:
    """A new SQLite file, migrated to head (a copy of the migrated template)."""
    path = tmp_path / "benefits.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


# -- Either ------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The same test on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_engine")


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def empty_tables(engine: Engine) -> None:
    """Delete every row (children first), for tests that reset between examples."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


# -- Redis -------------------------------------------------------------------------------

CLAIM_KEY = "benefits-test-run"  # marks a Redis database number as this run's


def flush_redis(client: Redis) -> None:
    """Empty this run's Redis database but keep its claim, in one transaction: a bare
    FLUSHDB would let a test run started meanwhile claim the same number and take our jobs."""
    with client.pipeline(transaction=True) as pipe:
        pipe.get(CLAIM_KEY)
        claim = pipe.execute()[0]
    with client.pipeline(transaction=True) as pipe:
        pipe.flushdb()
        if claim is not None:
            pipe.set(CLAIM_KEY, claim)
        pipe.execute()


@pytest.fixture(scope="session")
def redis_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A Redis database number nobody else is using, flushed before and after the run."""
    base = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL).rstrip("/")
    base = base.rsplit("/", 1)[0] if base.rsplit("/", 1)[-1].isdigit() else base
    chosen = None
    try:
        for number in range(1, 16):
            client = Redis.from_url(f"{base}/{number}", socket_connect_timeout=2)
            # Claim the number atomically so two runs at once never share it.
            if client.dbsize() == 0 and client.set(CLAIM_KEY, os.getpid(), nx=True):
                chosen = number
                client.close()
                break
            client.close()
    except RedisError as error:
        unavailable(request.config, f"Redis unreachable at TEST_REDIS_URL: {error}")
    if chosen is None:
        unavailable(request.config, "no empty Redis database number between 1 and 15")
    url = f"{base}/{chosen}"
    yield url
    client = Redis.from_url(url)
    client.flushdb()
    client.close()


# -- Per-test state of the process -------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_process_state(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A spool folder of the test's own, and no rate-limit counts or languages from others
    (the run's Redis database is shared by its tests: their texts to one number add up)."""
    from bot.channel import limits, spool  # noqa: PLC0415

    monkeypatch.setenv("SPOOL_DIR", str(tmp_path / "spool"))
    limits.LOCAL.counts.clear()
    spool.forget_languages()
    if "redis_url" in request.fixturenames:
        client = Redis.from_url(request.getfixturevalue("redis_url"))
        stale = client.keys("limit:*")
        client.delete(limits.TRIPPED, *stale)
        client.close()
    yield
    limits.LOCAL.counts.clear()


# -- The end of the run ------------------------------------------------------------------


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per language for each share the conversation tests reported (the corpus's
    understood share with its misses, the transcripts' one-segment share). Here, in the root
    conftest: under pytest-xdist the controller loads no other conftest, and a report property
    reaches it from a worker."""
    segments = {k: v for found in _reported(terminalreporter, SEGMENT_SHARES) for k, v in found}
    if segments:
        terminalreporter.section("transcripts: replies and notices in one SMS segment")
        for language, (one, total) in segments.items():
            terminalreporter.write_line(_share(language, one, total))
    for shares in _reported(terminalreporter, CORPUS_SHARES)[:1]:
        terminalreporter.section("corpus: share understood per language")
        for language, (good, total, misses) in shares:
            terminalreporter.write_line(_share(language, good, total))
            for miss in misses:
                terminalreporter.write_line(f"         miss {miss}")


def _reported(terminalreporter: pytest.TerminalReporter, name: str) -> list[Any]:
    """What the tests reported under this name, as (language, figures) pairs; a report
    property reaches the summary from a pytest-xdist worker too."""
    reports = [r for key in ("passed", "failed") for r in terminalreporter.stats.get(key, [])]
    found = [v for r in reports for k, v in getattr(r, "user_properties", ()) if k == name]
    return [list(value.items()) for value in found]


def _share(language: str, good: int, total: int) -> str:
    return f"{language:6} {good:4}/{total:<4} {100 * good / total:5.1f} %"

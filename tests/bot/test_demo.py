"""`benefits-bot demo`, run as a newcomer runs it: the real console command in a subprocess."""

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.infra.db import make_engine
from bot.infra.orm import as_utc
from bot.ledger import Transfer, TransferKind
from bot.models import Employment, Person, Visit, VisitStatus, Worker

COMMAND = str(Path(sys.executable).parent / "benefits-bot")
TRY_PHONE = re.compile(r"benefits-bot chat --phone (\+\d+)")
UNREACHABLE = 30003


def benefits_bot(database_url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The console command on that database, without Redis or Twilio."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TWILIO_", "REDIS_", "DATABASE_"))
    }
    environment.update(DATABASE_URL=database_url, LOG_FORMAT="text")
    return subprocess.run(
        [COMMAND, *arguments],
        check=False,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


def succeeds(database_url: str, *arguments: str) -> str:
    done = benefits_bot(database_url, *arguments)
    assert done.returncode == 0, done.stderr
    return done.stdout


def demo_phone(output: str) -> str:
    found = TRY_PHONE.search(output)
    assert found, output
    return found.group(1)


@pytest.fixture
def empty_sqlite(tmp_path):
    """A SQLite file that does not exist yet: the demo migrates it first."""
    return f"sqlite:///{tmp_path / 'demo.sqlite3'}"


@pytest.fixture(scope="module")
def demo_fund(tmp_path_factory):
    """One demo fund on a new SQLite file, for the tests that only read it: its URL and what
    the command printed."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    return url, succeeds(url, "demo")


def test_demo_fills_an_empty_database_with_a_fund_to_try(demo_fund):
    url, output = demo_fund
    assert "10 workers (es, pt_BR, ht, tl, en)" in output
    assert "benefits-bot staff create you@example.org" in output and "/staff/" in output
    assert len(TRY_PHONE.findall(output)) == 2  # a worker, and a household with a question
    phone = demo_phone(output)

    balance = json.loads(succeeds(url, "balance", phone, "--json"))
    assert balance["balance_cents"] > 0 and balance["available_cents"] > 0
    assert "ledger is sound" in succeeds(url, "ledger", "check")
    (waiting,) = json.loads(succeeds(url, "payouts", "list", "--json"))
    assert waiting["amount_cents"] in (12_000, 6_000) and waiting["name"]
    notices = json.loads(succeeds(url, "outbox", "--json"))
    failed = [n for n in notices if n["error_code"] == UNREACHABLE]
    assert [n["status"] for n in failed] == ["undelivered"]
    every_notice = json.loads(succeeds(url, "outbox", "--json", "--limit", "10000"))
    assert {n["status"] for n in every_notice} == {"delivered", "undelivered"}  # none to send


def test_the_demo_fund_is_believable(demo_fund):
    engine = make_engine(demo_fund[0])
    with engine.connect() as connection:
        languages = Counter(
            connection.scalars(select(Person.language).join(Worker, Worker.person_id == Person.id))
        )
        names = set(connection.scalars(select(Person.name)))
        per_worker = Counter(connection.scalars(select(Employment.worker_id)))
        shared = connection.scalar(
            select(func.count()).select_from(
                select(Employment.household_id)
                .group_by(Employment.household_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        visits = Counter(connection.execute(select(Visit.status, Visit.amount_cents)).all())
        first_money = connection.scalar(
            select(func.min(Transfer.created_at)).where(Transfer.kind == TransferKind.CONTRIBUTION)
        )
        bonuses = connection.scalar(select(func.count()).where(Transfer.kind == TransferKind.BONUS))
    engine.dispose()
    assert set(languages) == {"en", "es", "pt_BR", "ht", "tl"}
    assert {"Lucía", "Marie-Ange", "Conceição", "Nadège"} <= names
    assert all(2 <= households <= 4 for households in per_worker.values())
    assert shared >= 1
    assert visits[(VisitStatus.CONFIRMED, 500)] > 100
    assert visits[(VisitStatus.CONFIRMED, 1_000)] > 0 and visits[(VisitStatus.DECLINED, None)] > 0
    assert visits[(VisitStatus.REPORTED, None)] == 1  # today's, waiting for the household's YES
    assert datetime.now(UTC) - as_utc(first_money) > timedelta(days=80)  # three months back
    assert bonuses == 3


def test_a_second_demo_is_refused_and_force_adds_another(empty_sqlite):
    first = demo_phone(succeeds(empty_sqlite, "demo"))

    again = benefits_bot(empty_sqlite, "demo")
    assert again.returncode == 1
    assert again.stdout == ""
    (line,) = again.stderr.splitlines()
    assert "already holds" in line and "--force" in line

    second = demo_phone(succeeds(empty_sqlite, "demo", "--force"))
    assert second != first
    assert "ledger is sound" in succeeds(empty_sqlite, "ledger", "check")
    assert len(json.loads(succeeds(empty_sqlite, "payouts", "list", "--json"))) == 2
    for phone in (first, second):
        assert json.loads(succeeds(empty_sqlite, "balance", phone, "--json"))["balance_cents"] > 0


def test_demo_on_postgresql(postgres_engine):
    url = postgres_engine.url.render_as_string(hide_password=False)
    phone = demo_phone(succeeds(url, "demo"))
    assert "ledger is sound" in succeeds(url, "ledger", "check")
    assert json.loads(succeeds(url, "balance", phone, "--json"))["balance_cents"] > 0
    assert len(json.loads(succeeds(url, "payouts", "list", "--json"))) == 1
    assert benefits_bot(url, "demo").returncode == 1

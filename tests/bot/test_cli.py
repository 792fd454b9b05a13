"""The benefits-bot command: balance, ledger check, db upgrade, and its errors."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from bot import ledger
from bot.cli import main
from bot.fund import membership
from bot.infra.db import make_session_factory, run_in_transaction

PHONE = "+12125550123"
COMMAND = Path(sys.executable).parent / "benefits-bot"  # this virtualenv's console script


@pytest.fixture
def database(engine, monkeypatch):
    """The CLI pointed at the test database (SQLite or PostgreSQL)."""
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return make_session_factory(engine)


def invoke(*arguments):
    return CliRunner().invoke(main, list(arguments))


def seed_worker(sessions, phone=PHONE, cents=(18_000,)):
    def work(session):
        worker = membership.enrol_worker(session, phone, time_zone="America/New_York")
        household = membership.enrol_household(
            session, "+12125550199", time_zone="America/New_York"
        )
        for n, amount in enumerate(cents):
            ledger.contribute(
                session,
                key=f"seed:{phone}:{n}",
                contributor_account_id=household.account_id,
                worker_account_id=worker.account_id,
                amount_cents=amount,
            )
        return worker

    return run_in_transaction(sessions, work)


def test_balance_json_has_the_documented_fields(database):
    worker = seed_worker(database)
    run_in_transaction(
        database,
        lambda s: ledger.reserve_day_off(
            s,
            key="r",
            worker_account_id=worker.account_id,
            payouts_account_id=membership.payouts_account_id(s),
            amount_cents=6_000,
            day=date(2026, 12, 4),
            portion="half",
        ),
    )
    result = invoke("balance", "(212) 555-0123", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "phone": PHONE,
        "currency": "USD",
        "balance_cents": 18_000,
        "pending_cents": 6_000,
        "available_cents": 12_000,
        "uncollected_cents": 0,
        "days_off_available": 1,
    }


def console(engine, *arguments: str) -> subprocess.CompletedProcess:
    """The console command itself, in a process of its own, on the test database."""
    environ = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    environ.pop("REDIS_URL", None)
    return subprocess.run(
        [str(COMMAND), *arguments], env=environ, capture_output=True, text=True, check=False
    )


def test_balance_without_json_is_one_line_a_person_reads(database, engine):
    worker = seed_worker(database, cents=(12_000, 6_500, 123_456))
    run_in_transaction(
        database,
        lambda s: ledger.reserve_day_off(
            s,
            key="r",
            worker_account_id=worker.account_id,
            payouts_account_id=membership.payouts_account_id(s),
            amount_cents=6_000,
            day=date(2026, 12, 4),
            portion="half",
        ),
    )
    result = console(engine, "balance", "(212) 555-0123")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Balance $1,419.56 · available $1,359.56 · pending $60.00 · "
        "not yet paid by households $0.00 · 11 days off\n"
    )
    as_json = json.loads(console(engine, "balance", PHONE, "--json").stdout)
    assert as_json["available_cents"] == 135_956 and as_json["days_off_available"] == 11


def test_balance_says_half_a_day_and_one_day(database, engine):
    seed_worker(database, cents=(6_000,))
    assert console(engine, "balance", PHONE).stdout.endswith(" · 0.5 days off\n")
    seed_worker(database, phone="+12125550124", cents=(12_000,))
    assert console(engine, "balance", "+12125550124").stdout.endswith(" · 1 day off\n")


def test_balance_counts_half_days(database):
    seed_worker(database, cents=(12_000, 6_500))
    report = json.loads(invoke("balance", PHONE, "--json").stdout)
    assert report["days_off_available"] == 1.5


def test_balance_of_an_unknown_number_fails_on_stderr(database):
    result = invoke("balance", "+14155550100", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no worker has the number" in result.stderr
    assert "4155550100" not in result.stderr  # masked


@pytest.mark.parametrize("phone", ["not-a-number", "12", "+999999999999999999", ""])
def test_balance_of_a_malformed_number_is_a_usage_error(database, phone):
    result = invoke("balance", phone, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "not a phone number" in result.stderr


def test_ledger_check_is_clean_then_names_a_tampered_account(database, engine):
    worker = seed_worker(database)
    result = invoke("ledger", "check")
    assert result.exit_code == 0, result.output
    assert "ledger is sound" in result.stdout
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE id = :id"),
            {"id": worker.account_id},
        )
    result = invoke("ledger", "check")
    assert result.exit_code == 1
    code = f"worker:{worker.person_id}"
    assert f"{code}: credits_posted is 18001, its transfers sum to 18000" in result.stderr
    assert "do not sum to zero" in result.stderr


def test_commands_on_an_unmigrated_database_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    result = invoke("ledger", "check")
    assert result.exit_code == 2
    assert "benefits-bot db upgrade" in result.stderr
    assert invoke("db", "upgrade").exit_code == 0
    assert invoke("ledger", "check").exit_code == 0


def test_a_malformed_setting_is_named(monkeypatch):
    monkeypatch.setenv("DAY_OFF_CENTS", "120.00")
    result = invoke("ledger", "check")
    assert result.exit_code == 2
    assert "DAY_OFF_CENTS" in result.stderr


@pytest.mark.parametrize(
    ("flags", "mode"),
    [((), {"simple": False, "fork": False}), (("--fork",), {"simple": False, "fork": True})],
)
def test_worker_runs_jobs_in_process_unless_asked_to_fork(monkeypatch, flags, mode):
    from bot.ops import worker  # noqa: PLC0415

    calls = []
    monkeypatch.setattr(worker, "run", lambda runtime, **options: calls.append(options))
    result = invoke("worker", "--burst", *flags)
    assert result.exit_code == 0, result.output
    assert calls == [{"burst": True, **mode}]


def test_worker_refuses_simple_and_fork_together():
    result = invoke("worker", "--simple", "--fork")
    assert result.exit_code == 2
    assert "--simple and --fork" in result.output

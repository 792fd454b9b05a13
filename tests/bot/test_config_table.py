"""Every variable in the README's configuration table, malformed, stops the real command with
one line on stderr that names it, and exit status 2: no traceback, whatever the command."""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMAND = Path(sys.executable).parent / "benefits-bot"  # this virtualenv's console script
A_FILE = str(ROOT / "README.md")  # an existing file where a folder is expected

# One malformed value per variable, as an operator might really get it wrong.
MALFORMED = {
    "DATABASE_URL": "nonsense",
    "REDIS_URL": "localhost:6379",
    "TWILIO_ACCOUNT_SID": "my-account",
    "TWILIO_AUTH_TOKEN": "Auth Token: 0123abcd",
    "TWILIO_SMS_FROM": "(212) 555-0199",
    "TWILIO_WHATSAPP_FROM": "whatsapp:fund",
    "PUBLIC_BASE_URL": "fund.example.org",
    "CONTRIBUTION_DEFAULT_CENTS": "5.00",
    "DAY_OFF_CENTS": "120.00",
    "HALF_DAY_OFF_CENTS": "half",
    "MAX_CONTRIBUTION_CENTS": "-100",
    "WHATSAPP_TEMPLATES": "{receipt:es: HX1}",
    "INSURANCE_PREMIUMS_CENTS": "life=500",
    "NOTICE_RETRY_SECONDS": "10s,30s",
    "TWILIO_API_BASE_URL": "api.twilio.com",
    "FUND_CURRENCY": "EUR",
    "DEFAULT_REGION": "USA",
    "DEFAULT_TIME_ZONE": "Eastern",
    "SECRET_KEY": "short",
    "SESSION_COOKIE_SECURE": "maybe",
    "LOG_FORMAT": "xml",
    "LOG_LEVEL": "LOUD",
    "METRICS_TOKEN": "abc",
    "PROMETHEUS_MULTIPROC_DIR": A_FILE,
    "SPOOL_DIR": A_FILE,
    "SPOOL_REDIS": "sometimes",
    "SPOOL_DRAIN_THREADS": "four",
    "INBOUND_LIMIT": "20 per 600",
    "INBOUND_SILENCE_SECONDS": "1h",
    "IDENTICAL_OUTBOUND_LIMIT": "5",
    "DAILY_OUTBOUND_LIMIT": "0",
    "OPT_OUT_WORDS": "PARAR; BAJA",
    "TRUSTED_PROXIES": "one",
    "PAST_DAY_OFF_DAYS": "a week",
    "STRIPE_SECRET_KEY": "pk_live_publishable",
    "STRIPE_WEBHOOK_SECRET": "secret",
    "STRIPE_API_BASE_URL": "api.stripe.com",
    "COLLECT_EVERY": "sometimes",
    "COLLECT_AT_CENTS": "20.00",
    "FEES_PAID_BY": "nobody",
    "COLLECT_RETRY_DAYS": "3d,5d",
    "ADVANCE_UNCOLLECTED_CENTS": "-500",
    "PAYOUT_PROVIDER": "stripe",  # Stripe Connect without STRIPE_SECRET_KEY
    "PAYOUT_APPROVAL": "sometimes",
    "PAYOUT_CHANGE_HOLD": "48h",
}
# Variables with no value that could be called malformed, each with the reason. Keep it short.
EXEMPT: dict[str, str] = {}


def readme_variables() -> list[str]:
    """The variables named in the first column of the README's configuration table."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])]


def run_command(name: str, value: str, home: Path, *arguments: str) -> subprocess.CompletedProcess:
    """The console command with one malformed variable, the others unset, in a clean home."""
    environ = {k: v for k, v in os.environ.items() if k not in MALFORMED}
    environ.update(
        HOME=str(home),
        DATABASE_URL=f"sqlite:///{home / 'fund.sqlite3'}",  # a new file: db upgrade has work
        SPOOL_DIR=str(home / "spool"),
    )
    environ[name] = value
    return subprocess.run(
        [str(COMMAND), *arguments],
        cwd=home,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def upgrades(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    """`benefits-bot db upgrade` once per malformed variable, several processes at a time."""

    def one(name: str) -> tuple[subprocess.CompletedProcess, Path]:
        home = tmp_path_factory.mktemp(name.lower())
        return run_command(name, MALFORMED[name], home, "db", "upgrade"), home

    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        return dict(zip(MALFORMED, pool.map(one, MALFORMED), strict=True))


def test_every_readme_variable_has_a_malformed_value_or_a_reason():
    listed = readme_variables()
    assert "DATABASE_URL" in listed and len(listed) >= 30  # the table was found and read
    assert sorted(set(listed) - set(MALFORMED) - set(EXEMPT)) == []
    assert sorted((set(MALFORMED) | set(EXEMPT)) - set(listed)) == []  # none left behind


def assert_named_in_one_line(result: subprocess.CompletedProcess, name: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
    assert lines[0].startswith("benefits-bot: configuration: ")
    assert result.stdout == ""


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_variable_stops_db_upgrade_in_one_line(upgrades, name):
    result, home = upgrades[name]
    assert_named_in_one_line(result, name)
    assert list(home.iterdir()) == []  # refused before any work: no database, no spool


@pytest.mark.parametrize(
    "arguments",
    [
        ("balance", "+12125550123"),
        ("ledger", "check"),
        ("worker", "--burst"),
        ("chat", "--phone", "+12125550123"),
    ],
)
def test_a_malformed_setting_stops_any_command(tmp_path, arguments):
    result = run_command("DATABASE_URL", "postgresql+asyncpg://fund@db/fund", tmp_path, *arguments)
    assert_named_in_one_line(result, "DATABASE_URL")


def test_a_database_that_cannot_be_reached_is_said_in_one_line(tmp_path):
    # Well formed, but nothing listens on port 1: no traceback either, exit 1.
    result = run_command(
        "DATABASE_URL", "postgresql://fund@127.0.0.1:1/fund", tmp_path, "db", "upgrade"
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("benefits-bot: the database in DATABASE_URL cannot be reached: ")
    assert "port 1 failed: Connection refused" in line


def test_the_procfiles_gunicorn_names_a_malformed_variable_too(tmp_path):
    web = (ROOT / "Procfile").read_text().split("web: ", 1)[1].splitlines()[0].split()
    assert web[:3] == ["gunicorn", "--config", "python:bot.ops.gunicorn_config"]
    result = subprocess.run(
        [str(COMMAND.parent / "gunicorn"), *web[1:3], "--bind", "127.0.0.1:0", web[-1].strip("'")],
        cwd=ROOT,
        env={**os.environ, "HOME": str(tmp_path), "INBOUND_LIMIT": "20 per 600"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert_named_in_one_line(result, "INBOUND_LIMIT")

"""`benefits-bot staff create|disable`: passwords hidden or from stdin, errors on stderr."""

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from bot.dashboard import accounts
from bot.models import StaffAccount

PASSWORD = "correct horse battery"


@pytest.fixture
def database(engine, monkeypatch, sessions):
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return sessions


def invoke(*arguments, stdin=None):
    return CliRunner().invoke(main, list(arguments), input=stdin)


def staff(sessions):
    with sessions() as session:
        return list(session.scalars(select(StaffAccount)))


def test_create_from_stdin_stores_a_lower_cased_address_and_a_hash(database):
    result = invoke("staff", "create", " Ana@Fund.Example.org ", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 0, result.output
    assert "ana@fund.example.org created" in result.stdout
    [account] = staff(database)
    assert account.email == "ana@fund.example.org"
    with database() as session:
        assert accounts.verify(session, "ANA@fund.example.org", PASSWORD) is not None


def test_create_asks_twice_without_echoing(database):
    result = invoke("staff", "create", "ana@fund.example.org", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert "Repeat for confirmation" in result.output


@pytest.mark.parametrize(
    ("arguments", "stdin", "code", "said"),
    [
        (("ana@fund.example.org",), "too short", 1, "at least 12 characters"),
        (("not-an-address",), PASSWORD, 2, "not an email address"),
    ],
)
def test_create_refuses_with_the_reason_on_stderr(database, arguments, stdin, code, said):
    result = invoke("staff", "create", *arguments, "--password-stdin", stdin=stdin)
    assert result.exit_code == code
    assert said in result.stderr and not result.stdout
    assert staff(database) == []


def test_an_address_is_created_once(database):
    invoke("staff", "create", "ana@fund.example.org", "--password-stdin", stdin=PASSWORD)
    again = invoke("staff", "create", "ANA@fund.example.org", "--password-stdin", stdin=PASSWORD)
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert len(staff(database)) == 1


def test_disable_stops_sign_in_and_an_unknown_address_is_an_error(database):
    invoke("staff", "create", "ana@fund.example.org", "--password-stdin", stdin=PASSWORD)
    result = invoke("staff", "disable", "ana@fund.example.org")
    assert result.exit_code == 0 and "disabled" in result.stdout
    with database() as session:
        assert accounts.verify(session, "ana@fund.example.org", PASSWORD) is None
    unknown = invoke("staff", "disable", "zoe@fund.example.org")
    assert unknown.exit_code == 1 and "no staff account" in unknown.stderr

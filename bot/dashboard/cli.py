"""`benefits-bot staff`: dashboard accounts for fund staff."""

import sys
from typing import NoReturn

import click
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.dashboard import accounts
from bot.infra import migrate
from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"benefits-bot: {message}", err=True)
    sys.exit(code)


PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)


@click.group("staff")
def staff() -> None:
    """Dashboard accounts for fund staff: create one, give one a new password, or disable one."""


@staff.command("create")
@click.argument("email")
@PASSWORD_STDIN
@click.pass_obj
def create(runtime: Runtime, email: str, password_stdin: bool) -> None:
    """Create a staff account; the password is asked for twice, hidden."""
    _require_schema(runtime)
    try:
        address = accounts.normalize_email(email)
    except accounts.StaffError as error:
        _fail(str(error), 2)
    password = _read_password(password_stdin)

    def work(session: Session) -> None:
        accounts.create(session, address, password)

    try:
        run_in_transaction(runtime.sessions, work)
    except accounts.StaffError as error:
        _fail(str(error))
    except IntegrityError:  # created by someone else at the same moment
        _fail(f"a staff account for {address} already exists")
    click.echo(f"staff account {address} created; sign in at /staff/login")


@staff.command("password")
@click.argument("email")
@PASSWORD_STDIN
@click.pass_obj
def password(runtime: Runtime, email: str, password_stdin: bool) -> None:
    """Give an account a new password; every session signed in with the old one ends."""
    _require_schema(runtime)
    new_password = _read_password(password_stdin)

    def work(session: Session) -> str:
        return accounts.set_password(session, email, new_password).email

    try:
        address = run_in_transaction(runtime.sessions, work)
    except accounts.StaffError as error:
        _fail(str(error))
    click.echo(f"staff account {address} has a new password; its open sessions have ended")


@staff.command("disable")
@click.argument("email")
@click.pass_obj
def disable(runtime: Runtime, email: str) -> None:
    """Stop an account from signing in; its open sessions end at their next request."""
    _require_schema(runtime)

    def work(session: Session) -> str:
        return accounts.disable(session, email).email

    try:
        address = run_in_transaction(runtime.sessions, work)
    except accounts.StaffError as error:
        _fail(str(error))
    click.echo(f"staff account {address} is disabled")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _require_schema(runtime: Runtime) -> None:
    if not migrate.is_current(runtime.engine):
        _fail("the database schema is not up to date: run `benefits-bot db upgrade`", 2)

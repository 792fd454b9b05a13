"""The `benefits-bot` console command."""

import json
import logging
import sys
from typing import Any, NoReturn

import click
from sqlalchemy.orm import Session

from bot import ledger
from bot.dashboard.cli import staff
from bot.fund import membership
from bot.fund.worker_money import her_balance
from bot.infra import migrate
from bot.infra.config import ConfigError, Settings
from bot.infra.logs import configure_logging
from bot.infra.phone import InvalidPhoneNumber, mask_phone, normalize_address, normalize_phone
from bot.infra.runtime import Runtime
from bot.ops import observers
from bot.ops.demo_command import demo_command
from bot.ops.guard_commands import limits_command, spool_command
from bot.ops.merges_command import merges_command
from bot.ops.payout_change_commands import payout_changes_command
from bot.ops.payout_commands import payouts_command
from bot.ops.whatsapp_templates_command import whatsapp_templates_command
from bot.partners.commands import partner
from bot.payments.commands import collections_group


def fail(message: str, code: int = 1) -> NoReturn:
    """Print the message on stderr and exit non-zero."""
    click.echo(f"benefits-bot: {message}", err=True)
    sys.exit(code)


@click.group()
@click.pass_context
def main(context: click.Context) -> None:
    """Run the portable-benefits fund: its web service, its database and its ledger."""
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        fail(f"configuration: {error}", 2)
    configure_logging(settings)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    observers.count_ledger_answers()  # the worker's jobs and the commands' ledger work
    runtime = Runtime(settings)
    context.obj = runtime
    context.call_on_close(runtime.close)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.pass_obj
def serve(runtime: Runtime, host: str, port: int, workers: int) -> None:
    """Upgrade the database if needed, then serve the app (webhooks, /healthz)."""
    from bot.ops.server import Server  # noqa: PLC0415 (the web stack loads only to serve)

    migrate.upgrade(runtime.engine)
    runtime.close()
    options = {"bind": f"{host}:{port}", "workers": workers, "accesslog": "-"}
    Server(lambda: _web_app(runtime.settings), options).run()


def _web_app(settings: Settings) -> Any:
    # Imported in each gunicorn worker, after the server chose the metrics' mode (see
    # bot.ops.gunicorn_config): prometheus_client reads PROMETHEUS_MULTIPROC_DIR when it loads.
    from bot.app import create_app  # noqa: PLC0415

    return create_app(settings)


@main.command()
@click.option("--phone", required=True, help="The number you are texting from, e.g. +12125550123.")
@click.option("--whatsapp", is_flag=True, help="Text as WhatsApp rather than SMS.")
@click.pass_obj
def chat(runtime: Runtime, phone: str, whatsapp: bool) -> None:
    """Talk to the bot in the terminal, through the same signed webhook Twilio uses."""
    from bot.app import create_app  # noqa: PLC0415
    from bot.ops import chat as simulator  # noqa: PLC0415

    try:
        number = normalize_phone(phone, runtime.settings.default_region)
    except InvalidPhoneNumber:
        fail(f"{phone[:20]!r} is not a phone number (try +12125550123)", 2)
    migrate.upgrade(runtime.engine)
    app = create_app(runtime.settings, server=False)  # serves nobody: no server warnings
    logging.getLogger().setLevel(logging.WARNING)  # after create_app, which sets LOG_LEVEL
    app.extensions["runtime"].print_notices = False  # the simulator shows them itself
    app.extensions["runtime"].terminal_chat = True  # her own typing is never a flood
    session = simulator.ChatSession(app, number, whatsapp)
    click.echo(f"Texting the fund as {number}{' on WhatsApp' if whatsapp else ''}. Ctrl-D to quit.")
    simulator.run(session, _read_line, click.echo)


def _read_line() -> str:
    try:
        line = click.prompt("you", prompt_suffix="> ")
    except click.Abort as end:  # Ctrl-D or Ctrl-C
        raise EOFError from end
    if not sys.stdin.isatty():  # piped in: show what was typed, as a terminal would
        click.echo(line)
    return line


@main.command()
@click.option("--burst", is_flag=True, help="Work until the queues are empty, then stop.")
@click.option("--simple", is_flag=True, help="Run jobs in this process (RQ's SimpleWorker).")
@click.option(
    "--fork", is_flag=True, help="Run each job in a work horse forked for it (RQ's Worker)."
)
@click.pass_obj
def worker(runtime: Runtime, burst: bool, simple: bool, fork: bool) -> None:
    """Run background jobs (notices, schedules) with RQ's scheduler and the clock."""
    from bot.ops import worker as background  # noqa: PLC0415

    if simple and fork:
        raise click.UsageError("--simple and --fork ask for opposite things: choose one")
    background.run(runtime, burst=burst, simple=simple, fork=fork)


@main.command("outbox")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.pass_obj
def outbox_command(runtime: Runtime, as_json: bool, limit: int) -> None:
    """Recent outbound notices: who, which channel, what kind, status, error code, text."""
    from bot.fund import reports  # noqa: PLC0415

    _require_schema(runtime)
    with runtime.sessions() as session:
        notices = reports.recent_notices(session, limit)
    if as_json:
        click.echo(json.dumps(notices))
        return
    for notice in notices:
        code = f" error {notice['error_code']}" if notice["error_code"] else ""
        click.echo(
            f"#{notice['id']} {notice['kind']:<18} {mask_phone(notice['to'])}"
            f" {notice['channel']:<8} {notice['status']}{code}: {notice['text']}"
        )


main.add_command(staff)  # benefits-bot staff create|disable EMAIL
main.add_command(partner)  # benefits-bot partner create|key|revoke|match|list
main.add_command(collections_group)  # benefits-bot collections list|run|record|reconcile
main.add_command(limits_command)  # benefits-bot limits: numbers that reached a limit
main.add_command(spool_command)  # benefits-bot spool [--drain]: messages waiting for the db
main.add_command(demo_command)  # benefits-bot demo [--force]: a believable fund to try
main.add_command(payouts_command)  # benefits-bot payouts list|pay|void|reconcile
payouts_command.add_command(payout_changes_command)  # payouts changes PHONE: her method's history
main.add_command(whatsapp_templates_command)  # templates to submit to WhatsApp for approval
main.add_command(merges_command)  # benefits-bot merges: one woman by number and by WhatsApp id


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.option("-v", "--verbose", is_flag=True, help="Log each step Alembic takes.")
@click.pass_obj
def db_upgrade(runtime: Runtime, verbose: bool) -> None:
    """Apply every migration not yet applied."""
    before = migrate.current_revision(runtime.engine)
    alembic_log = logging.getLogger("alembic")
    alembic_log.setLevel(logging.INFO if verbose else logging.WARNING)
    migrate.upgrade(runtime.engine)
    alembic_log.setLevel(logging.WARNING)  # its INFO lines were about the upgrade only
    after = migrate.current_revision(runtime.engine)
    if after == before:
        click.echo(f"database already at revision {after}")
    elif before is None:
        click.echo(f"database created at revision {after}")
    else:
        click.echo(f"database upgraded from revision {before} to {after}")


@main.command()
@click.argument("phone")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def balance(runtime: Runtime, phone: str, as_json: bool) -> None:
    """Show a worker's balance, found by phone number or WhatsApp user id."""
    settings = runtime.settings
    try:
        number = normalize_address(phone, settings.default_region)
    except InvalidPhoneNumber:
        fail(f"{phone[:20]!r} is not a phone number or WhatsApp user id (try +12125550123)", 2)
    _require_schema(runtime)
    with runtime.sessions() as session:
        worker = membership.find_worker(session, number)
        if worker is None:
            fail(f"no worker has the number {mask_phone(number)}")
        money = her_balance(session, settings, worker.account_id)
    report = {
        "phone": number,
        "currency": settings.currency,
        "balance_cents": money.posted_cents,
        "pending_cents": money.pending_cents,
        "available_cents": money.available_cents,
        "uncollected_cents": money.uncollected_cents,
        "days_off_available": _number(
            money.days_off(settings.day_off_cents, settings.half_day_off_cents)
        ),
    }
    if as_json:
        click.echo(json.dumps(report))
        return
    click.echo(_balance_line(report, settings.currency))


def _balance_line(report: dict[str, Any], currency: str) -> str:
    """'Balance $85.00 · available $85.00 · pending $0.00 · not yet paid by households $0.00 ·
    0.5 days off'."""
    days = report["days_off_available"]
    return " · ".join(
        (
            f"Balance {_money(report['balance_cents'], currency)}",
            f"available {_money(report['available_cents'], currency)}",
            f"pending {_money(report['pending_cents'], currency)}",
            f"not yet paid by households {_money(report['uncollected_cents'], currency)}",
            f"{days} day{'' if days == 1 else 's'} off",
        )
    )


def _money(cents: int, currency: str) -> str:
    """Cents as an operator reads them: '$1,234.50', '-$5.00', '12.00 EUR'."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    amount = f"{whole:,}.{part:02d}"
    return f"{sign}${amount}" if currency == "USD" else f"{sign}{amount} {currency}"


@main.group("ledger")
def ledger_group() -> None:
    """Ledger commands."""


@ledger_group.command("check")
@click.pass_obj
def ledger_check(runtime: Runtime) -> None:
    """Recompute every account from its transfers; exit 1 naming any account that is off."""
    _require_schema(runtime)
    with runtime.sessions() as session:
        if runtime.engine.dialect.name == "postgresql":
            # One snapshot for every query, so money moving meanwhile is no false alarm.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        problems = ledger.check(session)
        accounts, transfers = _counts(session)
    for problem in problems:
        click.echo(f"MISMATCH {problem}", err=True)
    if problems:
        fail(f"ledger check failed: {len(problems)} problem(s)")
    click.echo(f"ledger is sound: {accounts} accounts, {transfers} transfers, balances sum to zero")


def _counts(session: Session) -> tuple[int, int]:
    from sqlalchemy import func, select  # noqa: PLC0415

    accounts = session.scalar(select(func.count()).select_from(ledger.Account)) or 0
    transfers = session.scalar(select(func.count()).select_from(ledger.Transfer)) or 0
    return accounts, transfers


def _require_schema(runtime: Runtime) -> None:
    if not migrate.is_current(runtime.engine):
        fail("the database schema is not up to date: run `benefits-bot db upgrade`", 2)


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value

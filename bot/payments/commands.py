"""`benefits-bot collections ...`: what households owe, charging it, recording cash, and
reconciling the provider with the ledger."""

import json
import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

import click
from sqlalchemy.orm import Session

from bot.channel import outbox
from bot.infra import migrate
from bot.infra.db import run_in_transaction
from bot.infra.phone import InvalidPhoneNumber, mask_phone, normalize_phone
from bot.infra.runtime import Runtime
from bot.ledger import IdempotencyConflict, LedgerError
from bot.payments import collections, owing, partner_money, recording, runner
from bot.payments.interfaces import ProviderUnavailable

T = TypeVar("T")


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"benefits-bot: {message}", err=True)
    sys.exit(code)


def _ready(runtime: Runtime) -> None:
    if not migrate.is_current(runtime.engine):
        _fail("the database schema is not up to date: run `benefits-bot db upgrade`", 2)


@click.group("collections")
def collections_group() -> None:
    """Money in: what households owe, charging it, cash received, reconciliation."""


@collections_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def list_owed(runtime: Runtime, as_json: bool) -> None:
    """What each household and partner owes and since when, longest waiting first."""
    _ready(runtime)
    with runtime.sessions() as session:
        rows = owing.everyone_owing(session)
    if as_json:
        click.echo(json.dumps([row.as_json() for row in rows]))
        return
    if not rows:
        click.echo("nobody owes anything")
    for row in rows:
        phone = mask_phone(row.phone) if row.phone else "-"
        since = row.since.date().isoformat() if row.since else "-"
        what = "visits" if row.kind == "household" else "payments"
        status = row.charge_status.value if row.charge_status else ""
        click.echo(
            f"{row.owed_cents / 100:>10.2f} {runtime.settings.currency} "
            f"{row.pledges:>3} {what} since {since} {status:<10} {row.kind} {row.name} {phone}"
        )


@collections_group.command("run")
@click.pass_obj
def run_now(runtime: Runtime) -> None:
    """Charge what is due now, retry what is due, text links to households with no method."""
    _ready(runtime)
    links = runner.send_links(runtime)
    summary = runner.run(runtime)
    runtime.drain()
    click.echo(
        f"{summary.charged} charge(s) asked for, {summary.retried} retried, "
        f"{summary.declined} declined at once, {links} payment link(s) texted"
    )


# "-5" is an amount to refuse plainly, not an unknown option.
AMOUNTS = {"ignore_unknown_options": True}


@collections_group.command("record", context_settings=AMOUNTS)
@click.argument("phone")
@click.argument("cents")
@click.option("--reference", required=True, help="The check number, receipt or transfer id.")
@click.pass_obj
def record(runtime: Runtime, phone: str, cents: str, reference: str) -> None:
    """Record cash, a check or a transfer a household paid; it settles its oldest pledges.
    CENTS: 1250 for $12.50."""
    amount = _cents(cents)
    _ready(runtime)
    try:
        number = normalize_phone(phone, runtime.settings.default_region)
    except InvalidPhoneNumber:
        _fail(f"{phone[:20]!r} is not a phone number (try +12125550123)", 2)
    _check(amount, reference)

    def work(session: Session) -> collections.Recorded:
        household = recording.household_by_phone(session, number)
        return recording.record_household(session, household, amount, reference, recorded_by="cli")

    recorded = _record(runtime, work)
    outbox.hand_over(runtime, recorded.outbox_ids)
    runtime.drain()
    what = "recorded" if recorded.new else "already recorded (nothing changed)"
    click.echo(
        f"{what}: {amount / 100:.2f} from {mask_phone(number)}, "
        f"{recorded.collected} pledge(s) collected"
    )


@collections_group.command("record-partner", context_settings=AMOUNTS)
@click.argument("name")
@click.argument("cents")
@click.option("--reference", required=True, help="The partner's transfer id or remittance.")
@click.pass_obj
def record_partner(runtime: Runtime, name: str, cents: str, reference: str) -> None:
    """Record a transfer a partner (platform or program) made to the fund for what it paid
    into workers' accounts through the API. CENTS: 1250 for $12.50."""
    amount = _cents(cents)
    _ready(runtime)
    _check(amount, reference)

    def work(session: Session) -> tuple[bool, str, int]:
        partner = recording.partner_by_name(session, name)
        new = recording.record_partner(session, partner, amount, reference, recorded_by="cli")
        return new, partner.name, partner_money.partner_owed(session, partner).owed_cents

    new, partner_name, owed = _record(runtime, work)
    what = "recorded" if new else "already recorded (nothing changed)"
    left = f"it owes {owed / 100:.2f}" if owed > 0 else f"{-owed / 100:.2f} paid ahead"
    click.echo(f"{what}: {amount / 100:.2f} from {partner_name}; {left}")


@collections_group.command("reconcile")
@click.option("--days", default=35, show_default=True, help="How far back to compare.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def reconcile_command(runtime: Runtime, days: int, as_json: bool) -> None:
    """Compare the provider's balance transactions with the ledger; exit 1 on any difference."""
    _ready(runtime)
    provider = runner.service(runtime)
    try:
        result = runner.reconcile_recent(runtime, days)
    except ProviderUnavailable as error:
        _fail(f"could not ask the provider: {error}")
    if as_json:
        click.echo(
            json.dumps(
                {
                    "matched": result.matched,
                    "fees_cents": result.fees_cents,
                    "payouts_cents": result.payouts_cents,
                    "differences": [vars(d) for d in result.differences],
                }
            )
        )
    else:
        click.echo(
            f"{provider.name}: {result.matched} matched, fees {result.fees_cents / 100:.2f}, "
            f"payouts {result.payouts_cents / 100:.2f}, {len(result.differences)} difference(s)"
        )
        for difference in result.differences:
            click.echo(f"  {difference}")
    if result.differences:
        sys.exit(1)


def _cents(typed: str) -> int:
    """The amount typed, in cents; anything but a positive whole number exits 2."""
    text = typed.strip()
    if not (text.isascii() and text.isdigit()) or int(text) == 0:
        _fail(f"amount must be a positive number of cents (1250 for $12.50), not {typed[:20]!r}", 2)
    return int(text)


def _check(cents: int, reference: str) -> None:
    """A malformed amount or reference: a usage error (exit 2) before anything is read."""
    try:
        recording.checked(cents, reference)
    except recording.BadPayment as error:
        _fail(str(error), 2)


def _record(runtime: Runtime, work: Callable[[Session], T]) -> T:
    """Run a recording in one transaction; an unknown payer or a refused payment exits 1."""
    try:
        return run_in_transaction(runtime.sessions, work)
    except recording.UnknownPayer as error:
        _fail(str(error))
    except IdempotencyConflict:
        _fail("not recorded: that reference was recorded before with another amount")
    except LedgerError as error:
        _fail(f"not recorded: {error}")

"""`benefits-bot collections ...`: what households owe, charging it, recording cash, and
reconciling the provider with the ledger."""

import json
import sys
from datetime import timedelta
from typing import NoReturn

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channel import outbox
from bot.fund.membership import find_person
from bot.infra import migrate
from bot.infra.db import run_in_transaction
from bot.infra.orm import utcnow
from bot.infra.phone import InvalidPhoneNumber, mask_phone, normalize_phone
from bot.infra.runtime import Runtime
from bot.ledger import AccountKind, LedgerError
from bot.models import Contributor
from bot.payments import collections, runner
from bot.payments.reconcile import reconcile


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
    """What each household owes and since when, longest waiting first."""
    _ready(runtime)
    with runtime.sessions() as session:
        rows = [
            {
                "household": row.household.name,
                "phone": row.household.person.phone if row.household.person else None,
                "owed_cents": row.owed_cents,
                "pledges": row.pledges,
                "since": row.since.isoformat() if row.since else None,
                "charge": row.charge_status.value if row.charge_status else None,
            }
            for row in collections.everyone_owing(session)
        ]
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("no household owes anything")
    for row in rows:
        phone = mask_phone(row["phone"]) if row["phone"] else "-"
        click.echo(
            f"{row['owed_cents'] / 100:>10.2f} {runtime.settings.currency} "
            f"{row['pledges']:>3} visits since {(row['since'] or '-')[:10]} "
            f"{row['charge'] or '':<10} {row['household']} {phone}"
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


@collections_group.command("record")
@click.argument("phone")
@click.argument("cents", type=int)
@click.option("--reference", required=True, help="The check number, receipt or transfer id.")
@click.pass_obj
def record(runtime: Runtime, phone: str, cents: int, reference: str) -> None:
    """Record cash, a check or a transfer a household paid; it settles its oldest pledges."""
    _ready(runtime)
    try:
        number = normalize_phone(phone, runtime.settings.default_region)
    except InvalidPhoneNumber:
        _fail(f"{phone[:20]!r} is not a phone number (try +12125550123)", 2)
    if cents <= 0 or not reference.strip():
        _fail("CENTS must be a positive whole number and --reference not empty", 2)

    def work(session: Session) -> collections.Recorded:
        household = _household(session, number)
        key = f"payment:manual:{household.id}:{reference.strip()}"
        return collections.record_payment(session, household, cents, reference.strip(), key=key)

    try:
        recorded = run_in_transaction(runtime.sessions, work)
    except LookupError as error:
        _fail(str(error))
    except LedgerError as error:
        _fail(f"not recorded: {error}")
    outbox.hand_over(runtime, recorded.outbox_ids)
    runtime.drain()
    what = "recorded" if recorded.new else "already recorded (nothing changed)"
    click.echo(
        f"{what}: {cents / 100:.2f} from {mask_phone(number)}, "
        f"{recorded.collected} pledge(s) collected"
    )


@collections_group.command("reconcile")
@click.option("--days", default=35, show_default=True, help="How far back to compare.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def reconcile_command(runtime: Runtime, days: int, as_json: bool) -> None:
    """Compare the provider's balance transactions with the ledger; exit 1 on any difference."""
    _ready(runtime)
    provider = runner.service(runtime)
    since = utcnow() - timedelta(days=days)
    lines = provider.movements(since)
    with runtime.sessions.begin() as session:
        result = reconcile(session, provider.name, lines, since)
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


def _household(session: Session, number: str) -> Contributor:
    person = find_person(session, number)
    household = (
        session.scalar(
            select(Contributor).where(
                Contributor.person_id == person.id, Contributor.kind == AccountKind.HOUSEHOLD
            )
        )
        if person
        else None
    )
    if household is None:
        raise LookupError(f"no household has the number {mask_phone(number)}")
    return household

"""`benefits-bot payouts`: days off waiting to be paid, recording how one was paid, voiding
one, texting a worker her payout setup link, and reconciling the payout records with the rail
and the ledger."""

import json
import sys
from dataclasses import asdict
from typing import Any, NoReturn

import click
from sqlalchemy.orm import Session

from bot import ledger
from bot.channel import outbox
from bot.fund import membership, payout_accounts, payout_records, payouts
from bot.infra import migrate
from bot.infra.db import run_in_transaction
from bot.infra.phone import InvalidPhoneNumber, mask_phone, normalize_address
from bot.infra.runtime import Runtime
from bot.models import PAYOUT_METHODS
from bot.payouts_rail.services import payout_provider


def fail(message: str, code: int = 1) -> NoReturn:
    """Print the message on stderr and exit non-zero."""
    click.echo(f"benefits-bot: {message}", err=True)
    sys.exit(code)


@click.group("payouts")
def payouts_command() -> None:
    """Reserved days off: list them, record one paid, void one, reconcile."""


@payouts_command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--all", "with_recorded", is_flag=True, help="Also the payouts already recorded.")
@click.pass_obj
def payouts_list(runtime: Runtime, as_json: bool, with_recorded: bool) -> None:
    """Days off waiting to be paid, soonest first (--all: then those paid, sent or failed)."""
    _require_schema(runtime)
    with runtime.sessions() as session:
        waiting = payouts.waiting(session)
        recorded = payout_records.recorded(session) if with_recorded else []
        voided = payout_records.voided(session) if with_recorded else []
    rows = [_waiting_row(p) for p in waiting] + [_recorded_row(r) for r in recorded]
    rows += [_voided_row(v) for v in voided]
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("no days off waiting to be paid")
    for row in rows:
        click.echo(_line(row, runtime.settings.currency))


def _line(row: dict[str, Any], currency: str) -> str:
    """One payout in a line: which, when, how much, where it stands, how, who, for whom."""
    how = f" by {row['method']} ({row['reference']})" if row["method"] else ""
    if row.get("reason"):
        how += f" ({row['reason']})"
    if row.get("paid_by"):
        how += f", recorded by {row['paid_by']}"
    if row.get("approved_by"):
        how += f", approved by {row['approved_by']}"
    return (
        f"#{row['id']} {row['day']} {'half day' if row['half'] else 'day off'} "
        f"{row['amount_cents'] / 100:.2f} {currency} {row['status']}{how} "
        f"{row['name'] or ''} {mask_phone(row['phone'])}"
    )


def _day_off(p: payouts.Payout | payout_records.Recorded | payout_records.Voided) -> dict[str, Any]:
    """The fields every row of `payouts list --json` starts with: which day off, whose."""
    return {
        "id": p.transfer_id,
        "phone": p.phone,
        "name": p.name,
        "day": p.day.isoformat(),
        "amount_cents": p.amount_cents,
        "half": p.half,
    }


def _waiting_row(p: payouts.Payout) -> dict[str, Any]:
    return {
        **_day_off(p),
        "reserved_at": p.reserved_at.isoformat(),
        "status": "waiting",
        "method": None,
        "reference": None,
    }


def _recorded_row(r: payout_records.Recorded) -> dict[str, Any]:
    return {
        **_day_off(r),
        "status": r.status,
        "provider": r.provider,
        "method": r.method,
        "reference": r.reference,
        "paid_by": r.paid_by,
        "approved_by": r.approved_by,
        "settled_at": r.settled_at.isoformat() if r.settled_at else None,
    }


def _voided_row(v: payout_records.Voided) -> dict[str, Any]:
    return {
        **_day_off(v),
        "status": "voided",
        "provider": None,
        "method": None,
        "reference": None,
        "paid_by": None,
        "approved_by": None,
        "settled_at": v.voided_at.isoformat(),
        "reason": v.reason,
    }


IDS = {"ignore_unknown_options": True}  # "-3" is a payout id to refuse, not an unknown option


@payouts_command.command("pay", context_settings=IDS)
@click.argument("payout_id", type=click.IntRange(1))
@click.option("--method", required=True, type=click.Choice(PAYOUT_METHODS), help="How it was paid.")
@click.option("--reference", required=True, help="Where: check number, receipt, confirmation.")
@click.pass_obj
def payouts_pay(runtime: Runtime, payout_id: int, method: str, reference: str) -> None:
    """Record a reserved day off paid, how and where: the ledger posts it and she is told."""
    try:
        how = payouts.HowPaid(method, " ".join(reference.split()), "cli")
    except ValueError as error:
        fail(str(error), 2)
    _settle(runtime, payout_id, lambda session: payouts.pay(session, payout_id, how), "paid")


@payouts_command.command("void", context_settings=IDS)
@click.argument("payout_id", type=click.IntRange(1))
@click.option("--reason", required=True, help="Why it will not be paid (kept in the ledger).")
@click.pass_obj
def payouts_void(runtime: Runtime, payout_id: int, reason: str) -> None:
    """Cancel a reserved day off: the money is the worker's again and she is told."""
    reason = " ".join(reason.split())
    if not reason or len(reason) > MAX_REASON:
        fail(f"reason must be 1 to {MAX_REASON} characters: say why it will not be paid", 2)
    _settle(runtime, payout_id, lambda session: payouts.void(session, payout_id, reason), "voided")


MAX_REASON = 200  # as on the dashboard
# (what was asked, how the payout was settled before): what the officer reads
ALREADY: dict[tuple[str, ledger.Rejection | None], str] = {
    ("paid", ledger.Rejection.PENDING_ALREADY_POSTED): "is already paid; nothing changed",
    ("paid", ledger.Rejection.PENDING_ALREADY_VOIDED): "is voided; it cannot be paid",
    ("voided", ledger.Rejection.PENDING_ALREADY_POSTED): "is already paid; it cannot be voided",
    ("voided", ledger.Rejection.PENDING_ALREADY_VOIDED): "is already voided; nothing changed",
}


def _settle(runtime: Runtime, payout_id: int, work: Any, done: str) -> None:
    _require_schema(runtime)
    try:
        settled: payouts.Settled = run_in_transaction(runtime.sessions, work)
    except (ledger.LedgerError, payouts.PayoutRefused) as error:  # unknown, in flight, held
        fail(str(error))
    if not settled.done:
        state = ALREADY.get((done, settled.already), "was already settled; nothing changed")
        fail(f"payout {payout_id} {state}")
    outbox.hand_over(runtime, settled.outbox_ids)
    runtime.drain()
    click.echo(f"day off #{payout_id} {done}; the worker is told")


@payouts_command.command("setup-link")
@click.argument("phone")
@click.pass_obj
def payouts_setup_link(runtime: Runtime, phone: str) -> None:
    """Text a worker the link where she sets up her payout account (Stripe Connect)."""
    try:
        number = normalize_address(phone, runtime.settings.default_region)
    except InvalidPhoneNumber:
        fail(f"{phone[:20]!r} is not a phone number or WhatsApp user id (try +12125550123)", 2)
    _require_schema(runtime)
    provider = payout_provider(runtime.settings, runtime.sessions)

    def work(session: Session) -> int | None:
        worker = membership.find_worker(session, number)
        if worker is None:
            fail(f"no worker has the number {mask_phone(number)}")
        return payout_accounts.send_link(session, provider, worker)

    outbox_id = run_in_transaction(runtime.sessions, work)
    if outbox_id is None:
        fail(f"the {provider.name} payout rail needs no account: nothing was sent")
    outbox.hand_over(runtime, [outbox_id])
    runtime.drain()
    click.echo(f"payout setup link texted to {mask_phone(number)}")


@payouts_command.command("reconcile")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def payouts_reconcile(runtime: Runtime, as_json: bool) -> None:
    """Every difference between payout records, the rail and the ledger; exit 1 if any."""
    _require_schema(runtime)
    with runtime.sessions() as session:
        differences = payout_records.reconcile(
            session, payout_provider(runtime.settings, runtime.sessions)
        )
    if as_json:
        click.echo(json.dumps([asdict(d) for d in differences]))
    elif not differences:
        click.echo("payouts reconcile: the records, the rail and the ledger agree")
    for d in differences if not as_json else []:
        click.echo(f"day off #{d.transfer_id} {d.problem}: {d.detail}")
    if differences:
        sys.exit(1)


def _require_schema(runtime: Runtime) -> None:
    if not migrate.is_current(runtime.engine):
        fail("the database schema is not up to date: run `benefits-bot db upgrade`", 2)

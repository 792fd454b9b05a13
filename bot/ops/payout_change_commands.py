"""`benefits-bot payouts changes PHONE`: every change of how a worker is paid that she asked
for by text, with its time, channel, messages, status and when it takes effect."""

import json
import sys
from datetime import datetime
from typing import Any, NoReturn

import click

from bot.dashboard.payout_choice import ChangeRow, payout_choice
from bot.fund import membership
from bot.infra import migrate
from bot.infra.orm import as_utc
from bot.infra.phone import InvalidPhoneNumber, mask_phone, normalize_address
from bot.infra.runtime import Runtime


def fail(message: str, code: int = 1) -> NoReturn:
    """Print the message on stderr and exit non-zero."""
    click.echo(f"benefits-bot: {message}", err=True)
    sys.exit(code)


@click.command("changes")
@click.argument("phone")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def payout_changes_command(runtime: Runtime, phone: str, as_json: bool) -> None:
    """A worker's payout method, its hold, and every change she asked for, newest first."""
    try:
        address = normalize_address(phone, runtime.settings.default_region)
    except InvalidPhoneNumber:
        fail(f"{phone[:20]!r} is not a phone number or WhatsApp user id (try +12125550123)", 2)
    if not migrate.is_current(runtime.engine):
        fail("the database schema is not up to date: run `benefits-bot db upgrade`", 2)
    with runtime.sessions() as session:
        worker = membership.find_worker(session, address)
        if worker is None:
            fail(f"no worker has the number {mask_phone(address)}")
        choice = payout_choice(session, worker.id)
    assert choice is not None
    report = {
        "phone": address,
        "method": choice.method,
        "payouts_held_until": _moment(choice.held_until),
        "changes_locked_until": _moment(choice.locked_until),
        "changes": [_change(row) for row in choice.changes],
    }
    if as_json:
        click.echo(json.dumps(report))
        return
    held, locked = report["payouts_held_until"], report["changes_locked_until"]
    click.echo(
        f"{mask_phone(address)} is paid by {choice.method or 'nothing chosen yet'}"
        + (f"; payouts held until {held}" if held else "")
        + (f"; changes locked until {locked}" if locked else "")
    )
    for change in report["changes"]:
        click.echo(_line(change))


def _line(change: dict[str, Any]) -> str:
    """One change: asked when, from what to what, how; confirmed by which message; wrong codes."""
    line = (
        f"{change['requested_at']} {change['old_method'] or '-'} -> {change['new_method']}"
        f" by {change['channel']} ({change['request_sid']}): {change['status']}"
    )
    if change["confirm_sid"]:
        line += (
            f", confirmed {change['confirmed_at'] or ''} by {change['confirm_channel']}"
            f" ({change['confirm_sid']})"
        )
    if change["effective_at"]:
        line += f", takes effect {change['effective_at']}"
    wrong = change["wrong_codes"]
    line += f", {wrong} wrong code{'' if wrong == 1 else 's'}"
    if change["locked_until"]:
        line += f", locked until {change['locked_until']}"
    return line


def _change(row: ChangeRow) -> dict[str, Any]:
    return {
        "requested_at": _moment(row.requested_at),
        "old_method": row.old_method,
        "new_method": row.new_method,
        "channel": row.channel,
        "request_sid": row.request_sid,
        "status": row.status,
        "confirmed_at": _moment(row.confirmed_at),
        "confirm_channel": row.confirm_channel,
        "confirm_sid": row.confirm_sid,
        "effective_at": _moment(row.effective_at),
        "wrong_codes": row.wrong_codes,
        "locked_until": _moment(row.locked_until),
    }


def _moment(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value is not None else None

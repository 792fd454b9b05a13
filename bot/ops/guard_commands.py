"""`benefits-bot limits` and `benefits-bot spool`: what the abuse limits and the inbound spool
are holding back, for staff (numbers masked)."""

import json
import time

import click
from redis.exceptions import RedisError

from bot.channel import limits, spool
from bot.infra.phone import mask_phone
from bot.infra.runtime import Runtime


@click.command("limits")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--limit", "count", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.pass_obj
def limits_command(runtime: Runtime, as_json: bool, count: int) -> None:
    """Numbers that reached a limit lately: a flood (inbound), a loop (identical), a day's cap."""
    if runtime.redis is None:
        _without_redis(runtime, as_json)
        return
    try:
        trips = limits.tripped(runtime, count)
    except RedisError as error:
        raise click.ClickException(f"Redis unreachable: {error}") from error
    rows = [
        {
            "phone": mask_phone(trip.phone),  # stored masked; older records were not
            "limit": trip.limit,
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(trip.at)),
        }
        for trip in trips
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no limit reached lately")
    for row in rows:
        click.echo(f"{row['at']}  {row['phone']:<16} {row['limit']}")


@click.command("spool")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--drain", is_flag=True, help="Process what waits now (the database must be up).")
@click.pass_obj
def spool_command(runtime: Runtime, as_json: bool, drain: bool) -> None:
    """Inbound messages waiting for the database, on this machine's disk and in Redis."""
    handled = spool.drain(runtime) if drain else None
    report = {"waiting": dict(spool.depth(runtime)), "set_aside": spool.set_aside(runtime)}
    if handled is not None:
        report["processed_now"] = handled
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    for store, count in report["waiting"].items():
        click.echo(f"waiting in {store}: {'unknown (unreachable)' if count is None else count}")
    for store, count in report["set_aside"].items():
        click.echo(f"set aside after a fault of ours ({store}): {count}")
    if handled is not None:
        click.echo(f"processed now: {handled}")


def _without_redis(runtime: Runtime, as_json: bool) -> None:
    """Say where the counts are when no process shares them: each server's own memory."""
    settings = runtime.settings
    inbound, inbound_seconds = settings.inbound_limit
    same, same_seconds = settings.identical_outbound_limit
    note = (
        "REDIS_URL is not set: each server process counts the limits in its own memory, which "
        "this command cannot read, and keeps no record of the numbers that reached one.\n"
        "Look for 'limit reached: <limit> for <masked number>' in the servers' logs, and at "
        '/metrics (benefits_inbound_messages_total{outcome="rate_limited"}, '
        'benefits_replies_total{status="capped"}).\n'
        f"Limits in force: inbound: {inbound} messages per {inbound_seconds} s "
        f"(then silence for {settings.inbound_silence_seconds} s); identical: {same} copies "
        f"per {same_seconds} s; daily: {settings.daily_outbound_limit} texts."
    )
    if as_json:
        click.echo("[]")  # the same shape as with Redis: nothing recorded to list
        click.echo(note, err=True)
        return
    click.echo(note)

"""`benefits-bot partner ...`: create partners, issue and revoke keys, set a program's match.

A new key is printed once, alone on stdout (what it is goes to stderr), and only its hash is
kept. Errors go to stderr with a non-zero exit.
"""

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.infra import migrate
from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime
from bot.ledger import AccountKind
from bot.models import MatchingRule, Partner, PartnerKey
from bot.partners import keys, registry

T = TypeVar("T")


@click.group("partner")
def partner() -> None:
    """Platforms and programs that pay in through the API, and their keys."""


@partner.command("create")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(["platform", "program"]))
@click.pass_obj
def create(runtime: Runtime, name: str, kind: str) -> None:
    """Create a partner and print its first API key (shown this once only)."""

    def work(session: Session) -> tuple[Partner, str]:
        created = registry.create_partner(session, name, AccountKind(kind))
        return created, keys.issue_key(session, created)

    created, key = _run(runtime, work)
    click.echo(f"created {kind} {created.name!r} (partner {created.id}); its API key:", err=True)
    click.echo(key)
    click.echo("store it now: it is shown only this once", err=True)


@partner.command("key")
@click.argument("name")
@click.pass_obj
def new_key(runtime: Runtime, name: str) -> None:
    """Issue another API key for a partner (to rotate keys: issue, switch, then revoke)."""

    def work(session: Session) -> str:
        return keys.issue_key(session, _partner(session, name))

    key = _run(runtime, work)
    click.echo(f"a new API key for {name!r}:", err=True)
    click.echo(key)
    click.echo("store it now: it is shown only this once", err=True)


@partner.command("revoke")
@click.argument("key_prefix_or_id")
@click.pass_obj
def revoke(runtime: Runtime, key_prefix_or_id: str) -> None:
    """Revoke an API key, named by its bbk_ prefix or its id: it stops working at once."""

    def work(session: Session) -> str:
        return keys.shown_prefix(keys.revoke(session, key_prefix_or_id))

    click.echo(f"revoked {_run(runtime, work)}")


@partner.command("match")
@click.argument("name")
@click.option("--percent", type=click.IntRange(1, registry.MAX_PERCENT), help="e.g. 50")
@click.option("--monthly-cap-cents", type=click.IntRange(1), help="per worker, e.g. 2000")
@click.option("--off", is_flag=True, help="Stop matching.")
@click.pass_obj
def match(
    runtime: Runtime, name: str, percent: int | None, monthly_cap_cents: int | None, off: bool
) -> None:
    """Make a program match households' contributions to the workers it enrolled."""
    if off == (percent is not None or monthly_cap_cents is not None):
        _fail("give --percent and --monthly-cap-cents, or --off")
    if not off and (percent is None or monthly_cap_cents is None):
        _fail("give both --percent and --monthly-cap-cents")

    def work(session: Session) -> str:
        program = _partner(session, name)
        if off:
            stopped = registry.stop_matching(session, program)
            return f"{program.name} {'no longer matches' if stopped else 'was not matching'}"
        assert percent is not None and monthly_cap_cents is not None
        registry.set_matching_rule(
            session, program, percent=percent, monthly_cap_cents=monthly_cap_cents
        )
        return (
            f"{program.name} matches {percent}% of household contributions, "
            f"up to {monthly_cap_cents} cents per worker per month"
        )

    click.echo(_run(runtime, work))


@partner.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def list_partners(runtime: Runtime, as_json: bool) -> None:
    """Every partner, its keys (prefixes only) and its matching rule."""
    _require_schema(runtime)
    with runtime.sessions() as session:
        everyone = session.scalars(select(Partner).order_by(Partner.id))
        listed = [_described(session, p) for p in everyone]
    if as_json:
        click.echo(json.dumps(listed))
        return
    if not listed:
        click.echo("no partners yet: benefits-bot partner create NAME --kind platform|program")
    for p in listed:
        shown = ", ".join(
            f"{k['prefix']} ({'revoked' if k['revoked'] else 'live'})" for k in p["keys"]
        )
        rule = p["match"]
        matching = (
            f"; matches {rule['percent']}% up to {rule['monthly_cap_cents']} cents a month"
            if rule
            else ""
        )
        click.echo(f"#{p['id']} {p['name']} ({p['kind']}): keys {shown or 'none'}{matching}")


def _described(session: Session, listed: Partner) -> dict[str, Any]:
    partner_keys = session.scalars(
        select(PartnerKey).where(PartnerKey.partner_id == listed.id).order_by(PartnerKey.id)
    )
    rule = session.scalar(
        select(MatchingRule).where(MatchingRule.partner_id == listed.id, MatchingRule.active)
    )
    return {
        "id": listed.id,
        "name": listed.name,
        "kind": str(listed.kind),
        "keys": [
            {"id": k.id, "prefix": keys.shown_prefix(k), "revoked": k.revoked_at is not None}
            for k in partner_keys
        ],
        "match": {"percent": rule.percent, "monthly_cap_cents": rule.monthly_cap_cents}
        if rule
        else None,
    }


def _partner(session: Session, name: str) -> Partner:
    found = registry.find_partner(session, name)
    if found is None:
        raise registry.PartnerError(f"no partner named {name[:40]!r} (see: partner list)")
    return found


def _run(runtime: Runtime, work: Callable[[Session], T]) -> T:
    _require_schema(runtime)
    try:
        return run_in_transaction(runtime.sessions, work)
    except (registry.PartnerError, keys.UnknownKey) as error:
        _fail(str(error))


def _require_schema(runtime: Runtime) -> None:
    if not migrate.is_current(runtime.engine):
        _fail("the database schema is not up to date: run `benefits-bot db upgrade`", 2)


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"benefits-bot: {message}", err=True)
    sys.exit(code)

"""`benefits-bot demo [--force]`: fill the database with a demo fund and say what is in it."""

import logging
import sys
from typing import TYPE_CHECKING, NoReturn

import click

from bot.infra import migrate
from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime

if TYPE_CHECKING:
    from bot.ops.demo import Summary


@click.command("demo")
@click.option(
    "--force", is_flag=True, help="Add a demo fund even to a database that already holds people."
)
@click.pass_obj
def demo_command(runtime: Runtime, force: bool) -> None:
    """Fill the database with a believable fund: workers in five languages, their households,
    three months of visits and contributions, days off, a failed notice, a partner."""
    from bot.ops import demo  # noqa: PLC0415 (the conversation engine loads only when asked)

    migrate.upgrade(runtime.engine)
    logging.getLogger().setLevel(logging.WARNING)  # the story's own INFO lines are noise
    people = run_in_transaction(runtime.sessions, demo.people_in)
    if people and not force:
        _refuse(
            f"this database already holds people ({people}); "
            "`benefits-bot demo --force` adds a demo fund anyway"
        )
    area_code = run_in_transaction(runtime.sessions, demo.free_area_code)
    if area_code is None:
        _refuse("every block of demo numbers is taken: this database holds enough demo funds")
    _report(runtime, demo.build(runtime, area_code))


def _refuse(reason: str) -> NoReturn:
    click.echo(f"benefits-bot: {reason}", err=True)
    sys.exit(1)


def _report(runtime: Runtime, summary: "Summary") -> None:
    currency = runtime.settings.currency

    def money(cents: int) -> str:
        return f"{cents // 100:,}.{cents % 100:02d} {currency}"

    click.echo(
        f"demo fund ready: {summary.workers} workers ({', '.join(summary.languages)}), "
        f"{summary.households} households, 1 partner ({summary.partner})"
    )
    click.echo(
        f"{summary.contributions} contributions from households"
        f" ({money(summary.contributed_cents)}) and {summary.bonuses} jump-starts"
        f" ({money(summary.bonus_cents)}):"
        f" {money(summary.contributed_cents + summary.bonus_cents)} in all"
    )
    if summary.day_off_paid and summary.day_off_waiting and summary.failed_notice:
        click.echo(
            "a day off paid, one waiting (`benefits-bot payouts list`), "
            "a notice that failed (`benefits-bot outbox`)"
        )
    click.echo(
        f"talk to the bot as {summary.try_name}: benefits-bot chat --phone {summary.try_phone}"
    )
    click.echo(
        f"or as {summary.try_household}, asked to confirm her visit today (reply YES):"
        f" benefits-bot chat --phone {summary.try_household_phone}"
    )
    click.echo(
        "see the dashboard: benefits-bot staff create you@example.org, "
        "then benefits-bot serve, and open http://127.0.0.1:8000/staff/"
    )

"""`benefits-bot merges`: people found to be one woman by her number and her WhatsApp id, for
staff: those merged, and the pairs kept apart until staff join them (numbers masked)."""

import json

import click
from sqlalchemy import select

from bot.infra.phone import mask_phone
from bot.infra.runtime import Runtime
from bot.models import PersonMerge


@click.command("merges")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--limit", "count", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.pass_obj
def merges_command(runtime: Runtime, as_json: bool, count: int) -> None:
    """Rows merged into one person, and pairs waiting for staff, newest first."""
    with runtime.sessions() as session:
        found = session.scalars(select(PersonMerge).order_by(PersonMerge.id.desc()).limit(count))
        rows = [
            {
                "at": merge.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "outcome": merge.outcome,
                "person_id": merge.person_id,
                "merged_person_id": merge.merged_person_id,
                "phone": mask_phone(merge.phone),
                "whatsapp_user_id": mask_phone(merge.whatsapp_user_id),
                "reason": merge.reason,
            }
            for merge in found
        ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no merges")
    for row in rows:
        click.echo(
            f"{row['at']}  {row['outcome']:<11} person {row['person_id']} <- "
            f"{row['merged_person_id']}  {row['phone']} {row['whatsapp_user_id']}  {row['reason']}"
        )

"""`benefits-bot whatsapp-templates`: the templates to submit to WhatsApp, and those missing."""

import json

import click

from bot.channel import offer_template
from bot.channel.whatsapp_templates import NOTICE_MESSAGES, content_template
from bot.infra.runtime import Runtime
from conversations.keywords import LANGUAGES


@click.command("whatsapp-templates")
@click.option("--uncovered", is_flag=True, help="Only those WHATSAPP_TEMPLATES does not cover.")
@click.pass_obj
def whatsapp_templates_command(runtime: Runtime, uncovered: bool) -> None:
    """Print every notice's WhatsApp template, per language, as Twilio's Content API takes it
    (a JSON array on stdout); say on stderr which ones WHATSAPP_TEMPLATES does not cover."""
    configured = runtime.settings.whatsapp_templates
    premiums = runtime.settings.insurance_premiums
    kinds = [*NOTICE_MESSAGES, *([offer_template.KIND] if premiums else [])]
    known = [f"{kind}:{language}" for kind in kinds for language in LANGUAGES]
    missing = [key for key in known if key not in configured]
    templates = [
        offer_template.content_template(language, premiums)
        if kind == offer_template.KIND
        else content_template(kind, language)
        for kind in kinds
        for language in LANGUAGES
        if not uncovered or f"{kind}:{language}" in missing
    ]
    click.echo(json.dumps(templates, indent=2, ensure_ascii=False))
    for key in sorted(set(configured) - set(known)):
        click.echo(f"WHATSAPP_TEMPLATES: {key!r} is no notice kind and language", err=True)
    if not missing:
        click.echo(f"WHATSAPP_TEMPLATES covers all {len(known)} templates", err=True)
        return
    click.echo(
        f"WHATSAPP_TEMPLATES does not cover {len(missing)} of {len(known)} yet"
        " (outside the 24-hour window these notices go by SMS):",
        err=True,
    )
    for key in missing:
        click.echo(f"  {key}", err=True)

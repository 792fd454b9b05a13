"""`benefits-bot whatsapp-templates`: every notice kind in every language, as the JSON
Twilio's Content API takes, and which ones WHATSAPP_TEMPLATES does not cover yet."""

import json
import re

import pytest

from bot.channel.whatsapp_templates import NOTICE_MESSAGES, content_variables
from conversations.keywords import LANGUAGES
from tests.readme import command_environment, run_command

HX = "HX" + "0" * 32
# Every notice's template, and the insurance offer's (the products the settings sell).
KINDS = [*NOTICE_MESSAGES, "insurance_offer"]


@pytest.fixture
def templates(tmp_path):
    """Run the command with a WHATSAPP_TEMPLATES value; return (templates, stderr)."""

    def run(configured: dict[str, str] | None = None, *arguments: str):
        env = command_environment(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
        if configured is not None:
            env["WHATSAPP_TEMPLATES"] = json.dumps(configured)
        result = run_command(["whatsapp-templates", *arguments], env, tmp_path)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout), result.stderr

    return run


def listed_as_uncovered(stderr: str) -> set[str]:
    return set(re.findall(r"^  (\w+:\w+)$", stderr, re.MULTILINE))


def test_every_kind_in_every_language_in_content_api_shape(templates):
    printed, _ = templates()
    assert len(printed) == len(KINDS) * 5
    names = {template["friendly_name"] for template in printed}
    assert len(names) == len(printed)
    for kind in KINDS:
        for language in LANGUAGES:
            assert f"benefits_{kind}_{language.lower()}" in names
    for template in printed:
        assert set(template) == {"friendly_name", "language", "variables", "types"}
        assert template["language"] in {"en", "es", "pt_BR", "fr", "fil"}
        body = template["types"]["twilio/text"]["body"]
        numbers = [int(n) for n in dict.fromkeys(re.findall(r"\{\{(\d+)\}\}", body))]
        assert numbers == list(range(1, len(numbers) + 1)), body  # numbered in order
        assert set(template["variables"]) == {str(n) for n in numbers}
        assert all(template["variables"].values()), template  # a sample for each
        assert "%(" not in body and "{{0}}" not in body


def test_the_bodies_are_the_catalog_texts_with_numbered_variables(templates):
    printed, _ = templates()
    by_name = {template["friendly_name"]: template for template in printed}
    receipt = by_name["benefits_receipt_en"]
    assert receipt["types"]["twilio/text"]["body"] == "{{1}} added {{2}}. Your balance: {{3}}."
    assert receipt["variables"] == {"1": "Ana", "2": "$5.00", "3": "$85.00"}
    spanish = by_name["benefits_invitation_es"]["types"]["twilio/text"]["body"]
    assert spanish.startswith("{{1}} le pide aportar unos {{2}} por visita")
    assert by_name["benefits_partner_linked_tl"]["language"] == "fil"


def test_the_uncovered_list_follows_whatsapp_templates(templates):
    every = {f"{kind}:{language}" for kind in KINDS for language in LANGUAGES}
    _, stderr = templates()
    assert listed_as_uncovered(stderr) == every
    _, stderr = templates({"receipt:es": HX, "statement:ht": HX})
    assert listed_as_uncovered(stderr) == every - {"receipt:es", "statement:ht"}
    assert f"does not cover {len(every) - 2} of {len(every)}" in stderr
    printed, stderr = templates(dict.fromkeys(every, HX))
    assert listed_as_uncovered(stderr) == set()
    assert f"covers all {len(every)}" in stderr
    assert len(printed) == len(every)  # still all printed


def test_uncovered_prints_only_those_to_submit(templates):
    printed, _ = templates({"receipt:es": HX}, "--uncovered")
    names = {template["friendly_name"] for template in printed}
    assert "benefits_receipt_es" not in names
    assert "benefits_receipt_en" in names
    assert len(printed) == len(KINDS) * 5 - 1


def test_a_key_that_is_no_notice_is_named(templates):
    _, stderr = templates({"reciept:es": HX})
    assert "'reciept:es' is no notice kind and language" in stderr


def test_a_notice_is_filled_into_its_template_only_when_it_reads_as_it():
    assert content_variables("receipt", "en", "Ana added $10.00. Your balance: $95.00.") == {
        "1": "Ana",
        "2": "$10.00",
        "3": "$95.00",
    }
    assert content_variables("invitation_answer", "en", "Ana declined your invitation.") is None
    assert content_variables("reply", "en", "Your balance: $10.00.") is None
    # SMS folded the accents to stay within two segments; the values still come out.
    folded = "Programa Sao Paulo inscreveu voce no Fundo de Beneficios: dinheiro para folgas"
    folded += " pagas e seguro, numa conta sua. Responda SIM para entrar."
    assert content_variables("partner_invitation", "pt_BR", folded) == {"1": "Programa Sao Paulo"}

"""Choices tapped on WhatsApp: a visit's Yes / No / Another amount (numbered when several are
open), and the insurance offer's products; inside the 24-hour window as session messages with
content made through the Content API, outside it as the approved templates.

Through the real entry points: signed webhooks with the fields Twilio posts, the outbox, the
RQ worker, the twilio client, and the fake Twilio serving the Content API.
"""

import json
import re
from datetime import timedelta

from sqlalchemy import update

from bot import ledger
from bot.channel import offer_template
from bot.channel.whatsapp_templates import content_template
from bot.infra.orm import utcnow
from bot.models import InboundMessage, Worker
from bot.ops import insurance_offers
from tests.worker_jobs.conftest import Service
from tests.worker_jobs.test_whatsapp_buttons import HOUSEHOLD, WORKER, join, last_to, send
from worker_jobs import context


def household_with_two_visits(service: Service) -> None:
    """Maria (by SMS) has a household on WhatsApp with two visits to confirm."""
    for text in ("hi", "1", "yes", "Maria", f"add {HOUSEHOLD} Ana"):
        service.text(WORKER, text)
    send(service, "yes", number=HOUSEHOLD)
    service.text(WORKER, "done yesterday")
    service.text(WORKER, "done")
    service.work()


def balance(service: Service) -> int:
    with service.runtime.sessions() as session:
        account = session.query(Worker.account_id).scalar()
        return ledger.balance(session, account).posted_cents


def test_each_open_visit_has_its_own_yes_no_and_another_amount(service):
    household_with_two_visits(service)
    first, second = [m for m in service.fake.to(f"whatsapp:{HOUSEHOLD}") if "Maria" in m.body][-2:]
    assert service.fake.buttons(first) == [
        ("Yes", "yes"),
        ("No", "no"),
        ("Another amount", "amount"),
    ]
    assert second.body.startswith("#2: Maria worked for you")
    assert service.fake.buttons(second) == [
        ("Yes", "yes:2"),
        ("No", "no:2"),
        ("Another amount", "amount:2"),
    ]
    # Tapping Another amount under #2 asks how much, for that visit; the amount typed is its.
    asked = send(service, "Another amount", number=HOUSEHOLD, button=("Another amount", "amount:2"))
    day = re.search(r"worked for you on (.+?)\. Add", second.body).group(1)
    assert asked.startswith(f"How much for Maria on {day}?")
    assert "$12.00" in send(service, "12", number=HOUSEHOLD)
    assert balance(service) == 1_200
    assert "$5.00" in send(service, "Yes", number=HOUSEHOLD, button=("Yes", "yes"))  # #1 left
    assert balance(service) == 1_700
    # One content for every first visit, one for every numbered one: made once each.
    assert sorted(_content_keys(service)) == [
        "benefits_buttons_visit_en",
        "benefits_buttons_visit_numbered_en",
    ]


def test_tapping_no_under_the_second_visit_declines_that_one(service):
    household_with_two_visits(service)
    second = last_to(service, HOUSEHOLD)
    day = re.search(r"worked for you on (.+?)\. Add", second.body).group(1)
    reply = send(service, "No", number=HOUSEHOLD, button=("No", "no:2"))
    assert reply == f"OK, nothing added for {day}."
    assert "$5.00" in send(service, "yes", number=HOUSEHOLD)


def test_another_amount_is_asked_in_the_households_language(service):
    for text in ("hi", "1", "yes", "Maria", f"add {HOUSEHOLD} Ana"):
        service.text(WORKER, text)
    send(service, "hola", number=HOUSEHOLD)
    send(service, "sí", number=HOUSEHOLD)
    service.text(WORKER, "done")
    service.work()
    prompt = last_to(service, HOUSEHOLD)
    assert service.fake.buttons(prompt)[-1] == ("Otro monto", "amount")
    asked = send(service, "Otro monto", number=HOUSEHOLD, button=("Otro monto", "amount"))
    assert asked.startswith("¿Cuánto para Maria")
    assert "7.50" in send(service, "7.50", number=HOUSEHOLD)
    assert balance(service) == 750


def test_the_insurance_offer_is_a_list_of_its_products_and_no_thanks(service):
    join(service, number=WORKER)
    assert send(service, "insurance", number=WORKER) == ""  # it went with its list
    offer = last_to(service, WORKER)
    assert "1 life, $5.00/month" in offer.body and "YES + its number" in offer.body
    assert service.fake.buttons(offer) == [
        ("1 life", "yes:1"),
        ("2 disability", "yes:2"),
        ("No, thanks", "no"),
    ]
    content = service.fake.contents[offer.content_sid]["types"]["twilio/list-picker"]
    variables = json.loads(offer.content_variables)
    descriptions = [item["description"] for item in content["items"][:2]]
    assert variables[descriptions[1].strip("{}")].startswith("2 disability, $10.00/month: pays")
    chosen = send(service, "2 disability", number=WORKER, button=("2 disability", "yes:2"))
    assert chosen.startswith("You chose disability insurance")


def test_the_offer_after_her_first_contribution_goes_with_its_list_and_no_declines(service):
    join(service, number=WORKER)
    send(service, f"add {HOUSEHOLD} Ana", number=WORKER)
    service.text(HOUSEHOLD, "yes")
    send(service, "done", number=WORKER)
    service.text(HOUSEHOLD, "yes")
    service.work()
    assert insurance_offers.offer_after_first_contribution(service.runtime) == 1
    service.work()
    offer = last_to(service, WORKER)
    assert "Insurance, taken from your benefits" in offer.body
    assert [payload for _, payload in service.fake.buttons(offer)] == ["yes:1", "yes:2", "no"]
    declined = send(service, "No, thanks", number=WORKER, button=("No, thanks", "no"))
    assert declined.startswith("OK, no insurance")


def approve(service: Service, monkeypatch, kind: str, template: dict) -> str:
    """WHATSAPP_TEMPLATES names an approved template, as `whatsapp-templates` printed it."""
    sid = "HX" + "d" * 32
    monkeypatch.setenv("WHATSAPP_TEMPLATES", json.dumps({f"{kind}:en": sid}))
    service.fake.contents[sid] = template
    service.fake.templates[sid] = template["types"]["twilio/text"]["body"]
    context.runtime.cache_clear()  # the worker reads the setting anew
    return sid


def days_since_anyone_wrote(service: Service) -> None:
    with service.runtime.sessions.begin() as session:
        session.execute(update(InboundMessage).values(received_at=utcnow() - timedelta(days=3)))


def test_outside_its_window_a_numbered_visit_goes_as_its_template_with_its_buttons(
    service, monkeypatch
):
    sid = approve(
        service,
        monkeypatch,
        "visit_prompt_numbered",
        content_template("visit_prompt_numbered", "en"),
    )
    for text in ("hi", "1", "yes", "Maria", f"add {HOUSEHOLD} Ana"):
        service.text(WORKER, text)
    send(service, "yes", number=HOUSEHOLD)
    service.text(WORKER, "done yesterday")
    service.work()
    days_since_anyone_wrote(service)
    service.text(WORKER, "done")
    service.work()
    prompt = last_to(service, HOUSEHOLD)
    assert prompt.content_sid == sid and prompt.body.startswith("#2: Maria worked for you")
    assert [p for _, p in service.fake.buttons(prompt)] == ["yes:2", "no:2", "amount:2"]
    assert "$5.00" in send(service, "Yes", number=HOUSEHOLD, button=("Yes", "yes:2"))


def test_outside_her_window_the_offer_goes_as_its_template_with_each_product(service, monkeypatch):
    premiums = service.runtime.settings.insurance_premiums
    sid = approve(
        service, monkeypatch, "insurance_offer", offer_template.content_template("en", premiums)
    )
    join(service, number=WORKER)
    send(service, f"add {HOUSEHOLD} Ana", number=WORKER)
    service.text(HOUSEHOLD, "yes")
    send(service, "done", number=WORKER)
    service.text(HOUSEHOLD, "yes")
    service.work()
    days_since_anyone_wrote(service)
    assert insurance_offers.offer_after_first_contribution(service.runtime) == 1
    service.work()
    offer = last_to(service, WORKER)
    assert offer.content_sid == sid and "2 disability, $10.00/month" in offer.body
    assert json.loads(offer.content_variables)["1"].startswith("1 life, $5.00/month")
    assert service.fake.buttons(offer) == [
        ("1 life", "yes:1"),
        ("2 disability", "yes:2"),
        ("No, thanks", "no"),
    ]
    assert "You chose life" in send(service, "1 life", number=WORKER, button=("1 life", "yes:1"))


def _content_keys(service: Service) -> list[str]:
    return [content["friendly_name"] for content in service.fake.contents.values()]

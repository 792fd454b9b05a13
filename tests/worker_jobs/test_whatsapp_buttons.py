"""WhatsApp questions go out with buttons, and a tap answers them.

Through the real entry points: signed webhooks with the fields Twilio posts for WhatsApp, the
outbox, the RQ worker, the twilio client, and a fake Twilio serving the Content API.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.channel import outbox
from bot.channel.whatsapp_templates import content_template
from bot.infra.orm import utcnow
from bot.models import OutboundMessage, WhatsAppContent
from tests.bot.test_whatsapp_identity import USER_ID, whatsapp_fields
from tests.bot.webhook_client import reply_of
from tests.worker_jobs.conftest import Service

WORKER = "+12125550123"
HOUSEHOLD = "+12125550199"
ROSA = "+12125550177"


def send(service: Service, body: str, **fields) -> str:
    """Post one WhatsApp message; the TwiML reply (empty when the reply has buttons)."""
    response = service.twilio.post(whatsapp_fields(body, **fields))
    assert response.status_code == 200, response.get_data(as_text=True)
    service.work()
    return reply_of(response.get_data(as_text=True))


def last_to(service: Service, address: str):
    return service.fake.to(f"whatsapp:{address}")[-1]


def join(service: Service, **who) -> None:
    send(service, "hi", **who)
    send(service, "English", **who, button=("English", "lang:en"))
    send(service, "Yes", **who, button=("Yes", "yes"))
    send(service, "Maria", **who)


def test_the_language_menu_is_a_list_and_the_terms_have_yes_and_no(service):
    assert send(service, "hi", number=WORKER) == ""  # the reply went with its list
    menu = last_to(service, WORKER)
    assert menu.content_sid and "1 English, 2 Español" in menu.body
    assert [payload for _, payload in service.fake.buttons(menu)] == [
        "lang:en",
        "lang:es",
        "lang:pt_BR",
        "lang:ht",
        "lang:tl",
    ]
    assert send(service, "Español", number=WORKER, button=("Español", "lang:es")) == ""
    terms = last_to(service, WORKER)
    assert "Responda SÍ" in terms.body
    assert service.fake.buttons(terms) == [("Sí", "yes"), ("No", "no")]
    # The button's text is not what counts: its payload is.
    assert "nombre" in send(service, "Oui", number=WORKER, button=("Oui", "yes"))


def test_a_tapped_yes_confirms_a_visit_prompt_sent_with_buttons(service):
    join(service, number=WORKER)
    send(service, f"add {HOUSEHOLD} Ana", number=WORKER)
    send(service, "hola", number=HOUSEHOLD)  # she writes on WhatsApp first
    send(service, "sí", number=HOUSEHOLD)
    send(service, "done", number=WORKER)
    prompt = last_to(service, HOUSEHOLD)
    assert "Maria" in prompt.body and "otro monto" in prompt.body
    assert service.fake.buttons(prompt) == [("Sí", "yes"), ("No", "no"), ("Otro monto", "amount")]
    send(service, "👍 Dale", number=HOUSEHOLD, button=("👍 Dale", "yes"))
    assert "$5.00" in send(service, "balance", number=WORKER)


def test_picking_a_household_is_a_list_of_their_names(service):
    join(service, number=WORKER)
    for phone, name in ((HOUSEHOLD, "Ana"), (ROSA, "Rosa")):
        send(service, f"add {phone} {name}", number=WORKER)
        service.text(phone, "yes")
    assert send(service, "done", number=WORKER) == ""
    which = last_to(service, WORKER)
    assert service.fake.buttons(which) == [("Ana", "pick:1"), ("Rosa", "pick:2")]
    assert "Rosa" in send(service, "Rosa", number=WORKER, button=("Rosa", "pick:2"))


@pytest.fixture
def cheap_days_off(service_env, monkeypatch):
    """Days off that one $15 contribution pays for."""
    monkeypatch.setenv("DAY_OFF_CENTS", "1000")
    monkeypatch.setenv("HALF_DAY_OFF_CENTS", "500")


def test_a_user_id_only_worker_is_paid_and_books_a_day_off_by_tapping(cheap_days_off, service):
    join(service, user_id=USER_ID)
    send(service, f"add {HOUSEHOLD} Ana", user_id=USER_ID)
    service.text(HOUSEHOLD, "yes")
    send(service, "done", user_id=USER_ID)
    service.text(HOUSEHOLD, "15")
    service.work()
    receipt = last_to(service, USER_ID)  # a notice, to her user id
    assert "Ana added $15.00" in receipt.body and receipt.content_sid is None
    assert "$15.00" in send(service, "balance", user_id=USER_ID)
    assert send(service, "day off friday", user_id=USER_ID) == ""
    confirm = last_to(service, USER_ID)
    assert "Reply YES" in confirm.body
    assert service.fake.buttons(confirm) == [("Yes", "yes"), ("No", "no")]
    assert "Booked" in send(service, "Yes", user_id=USER_ID, button=("Yes", "yes"))
    with service.runtime.sessions() as session:
        to_her = session.scalar(
            select(func.count()).select_from(OutboundMessage).where(OutboundMessage.kind == "reply")
        )
    assert to_her == 3  # her questions, each once: the language menu, the terms, the day off


def test_each_set_of_buttons_is_created_once_per_language(service):
    join(service, number=WORKER)
    join(service, number=HOUSEHOLD)
    with service.runtime.sessions() as session:
        kept = sorted(session.execute(select(WhatsAppContent.key, WhatsAppContent.language)))
    assert [tuple(row) for row in kept] == [("language", "en"), ("yesno", "en")]
    assert len(service.fake.contents) == 2


def test_without_the_content_api_the_question_still_goes_as_text(service):
    service.fake.content_failures = 5
    send(service, "hi", number=WORKER)
    menu = last_to(service, WORKER)
    assert menu.content_sid is None and "1 English, 2 Español" in menu.body


def test_sms_questions_stay_plain_text_in_the_twiml(service):
    assert "1 English" in service.text(WORKER, "hi")
    assert service.fake.contents == {}


def test_approved_templates_for_questions_carry_yes_and_no():
    template = content_template("invitation", "es")
    buttons = template["types"]["twilio/quick-reply"]
    assert buttons["actions"] == [{"title": "Sí", "id": "yes"}, {"title": "No", "id": "no"}]
    assert buttons["body"] == template["types"]["twilio/text"]["body"]
    assert "twilio/quick-reply" not in content_template("receipt", "es")["types"]


def test_a_question_twilio_refused_for_a_moment_goes_again_with_its_buttons(service):
    service.fake.fail_next(429)
    send(service, "hi", number=WORKER)
    assert service.fake.to(f"whatsapp:{WORKER}") == []
    outbox.sweep(service.runtime, now=utcnow() + timedelta(seconds=1))
    service.work()
    menu = last_to(service, WORKER)
    assert len(service.fake.buttons(menu)) == 5
    assert service.fake.to(WORKER) == []  # never by SMS


def test_how_she_is_paid_is_a_list_of_methods_and_a_tap_asks_for_the_code(service):
    join(service, number=WORKER)
    send(service, "Español", number=WORKER)
    assert send(service, "cambiar mi pago", number=WORKER) == ""  # the reply went with its list
    methods = last_to(service, WORKER)
    assert methods.content_sid and "1 efectivo, 2 cheque, 3 transferencia bancaria" in methods.body
    assert service.fake.buttons(methods) == [
        ("efectivo", "pay:cash"),
        ("cheque", "pay:check"),
        ("transferencia bancaria", "pay:bank"),
        ("tarjeta", "pay:card"),
    ]
    asked = send(service, "Tarjeta", number=WORKER, button=("Tarjeta", "pay:card"))
    assert "código de 6 dígitos" in asked and "cambiar a tarjeta" in asked
    code_text = last_to(service, WORKER)  # the code, in a WhatsApp message of its own
    assert code_text.content_sid is None and "Código del Fondo de Beneficios" in code_text.body
    code = next(word.strip(".") for word in code_text.body.split() if word.strip(".").isdigit())
    changed = send(service, code, number=WORKER)
    assert changed.startswith("Fondo de Beneficios: su nueva forma de pago es tarjeta.")
    with service.runtime.sessions() as session:
        kept = sorted(session.execute(select(WhatsAppContent.key, WhatsAppContent.language)))
    assert ("payout:cash-check-bank-card", "es") in [tuple(row) for row in kept]

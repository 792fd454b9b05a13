"""An SMS goes as written unless dropping the accents GSM-7 lacks saves a segment; GSM-7's own
letters are never dropped; WhatsApp gets every text as written."""

import pytest
from sqlalchemy import select

from bot.models import Person
from bot.texting.texts import fit_sms, fold_to_gsm, render
from conversations import messages as m
from conversations.segments import count_segments, is_gsm7
from conversations.talk import Money, Say
from tests.bot.webhook_client import Twilio

WORKER = "+12125550123"


def test_gsm7_letters_are_kept():
    assert fit_sms("Señora Pérez, Ça va? Müller, Øre, ¿ñ? ¡è à ù ì ò!") == (
        "Señora Pérez, Ça va? Müller, Øre, ¿ñ? ¡è à ù ì ò!"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Lucía trabajó para usted el vie 4 dic.",  # folded: "trabajo", another word
        "Nunca o passe a ninguém que peça.",  # folded: "peca", a sin
        "Bem-vinda, Lúcia! Você já faz parte do fundo.",
    ],
)
def test_a_text_that_fits_the_same_segments_keeps_its_accents(text):
    assert count_segments(text).segments == 1  # UCS-2, but one segment either way
    assert fit_sms(text) == text


def test_accents_go_when_that_saves_a_segment():
    text = "Olá Conceição, você já tem " + "x" * 60  # 87 UCS-2 units: two segments
    folded = fit_sms(text)
    assert folded == "Ola Conceicao, voce ja tem " + "x" * 60
    assert count_segments(folded).segments == 1
    assert fit_sms(folded) == folded  # fitting again changes nothing


def test_folding_that_saves_nothing_is_not_done():
    text = "á" + "a" * 200  # 201 units in UCS-2: 4 segments; folded, 201 septets: still 2
    assert count_segments(fit_sms(text)).segments == 2
    assert is_gsm7(fit_sms("á" + "a" * 400))  # folded it is 3 segments; UCS-2 would be 6
    assert fit_sms("Анна día") == "Анна día"  # another script: UCS-2 anyway, nothing saved


def test_folding_drops_only_what_gsm7_lacks_word_by_word():
    folded = fold_to_gsm("Día libre, Conceição, Señora Pérez.")
    assert folded == "Dia libre, Conceicao, Señora Pérez."
    assert fold_to_gsm("Анна día") == "Анна dia"
    assert fold_to_gsm("Ana 🌸 Lucía") == "Ana Lucia"
    assert fold_to_gsm("œuvre Łódź") == "oeuvre Lodz"


def test_babel_spaces_and_curly_quotes_never_go_out():
    assert fit_sms("US$\u00a05,00 \u201cok\u201d") == 'US$ 5,00 "ok"'
    assert fit_sms("\u201cok\u201d \u2013 it\u2019s\u2026") == '"ok" - it\'s...'


def test_names_keep_their_accents_where_the_budget_allows():
    short = render([Say(m.ADD_INVITED, {"household": "Lucía"})], "en")
    assert short == "I invited Lucía. I will tell you when they answer."
    thanks = Say(m.CONTRIBUTION_THANKS, {"amount": Money(1000), "worker": "Lucía Gómez"})
    long = render([thanks, Say(m.SCHEDULE_OFF)], "en")
    assert "Lucia Gomez" in long and is_gsm7(long)  # 2 UCS-2 segments, 1 GSM-7 segment
    senora = render([Say(m.ADD_INVITED, {"household": "Señora Pérez"})], "es")
    assert "Señora Pérez" in senora  # ñ and é are GSM-7 letters


def test_whatsapp_gets_the_text_as_written():
    says = [Say(m.CONTRIBUTION_THANKS, {"amount": Money(1000), "worker": "Lucía Gómez"})]
    says.append(Say(m.SCHEDULE_OFF))
    assert "Lucía Gómez" in render(says, "en", sms=False)


@pytest.fixture
def twilio(engine):
    from bot.app import create_app  # noqa: PLC0415
    from bot.infra.config import Settings  # noqa: PLC0415

    app = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)))
    app.extensions["runtime"].print_notices = False
    yield Twilio(app)
    app.extensions["runtime"].close()


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("lucía", "Lucía"), ("Marie-Ange", "Marie-Ange"), ("MARIA JOSE", "Maria Jose")],
)
def test_her_name_as_she_wrote_it(twilio, typed, kept):
    for text in ("hi", "1", "yes"):
        twilio.text(WORKER, text)
    welcome = twilio.text(WORKER, typed)
    as_written = welcome.replace(f"Welcome, {fold_to_gsm(kept)}!", f"Welcome, {kept}!", 1)
    assert as_written.startswith(f"Welcome, {kept}!")
    # "Lucia" only because the welcome as written would take two UCS-2 segments
    assert welcome == fit_sms(as_written)
    assert count_segments(welcome).segments == 1
    with twilio.app.extensions["runtime"].sessions() as session:
        assert session.scalar(select(Person.name).where(Person.phone == WORKER)) == kept


def test_household_names_as_she_wrote_them(twilio):
    for text in ("hi", "1", "yes", "Maria"):
        twilio.text(WORKER, text)
    invited = twilio.text(WORKER, "ADD 212 555 0199 lucía")
    assert invited == "I invited Lucía. I will tell you when they answer."
    twilio.text(WORKER, "ADD 212 555 0188 señora pérez")
    assert "2 Señora Pérez" in twilio.text(WORKER, "HOUSEHOLDS")


def test_a_whatsapp_reply_keeps_accents_an_sms_reply_drops_to_save_a_segment(twilio):
    for text in ("hi", "1", "yes", "Maria", "ADD 212 555 0199 Lucía Gómez"):
        twilio.text(f"whatsapp:{WORKER}", text)
    by_whatsapp = twilio.text(f"whatsapp:{WORKER}", "HOUSEHOLDS")
    by_sms = twilio.text(WORKER, "HOUSEHOLDS")
    assert "1 Lucía Gómez." in by_whatsapp and count_segments(by_whatsapp).segments == 2
    assert by_sms == fit_sms(by_whatsapp) and count_segments(by_sms).segments == 1

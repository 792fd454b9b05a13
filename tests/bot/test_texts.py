"""An SMS keeps the letters GSM-7 has and folds those it lacks, word by word, the same way in
every text; WhatsApp gets every text as written."""

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
        "Bem-vinda, Lúcia! Você já faz parte do fundo.",  # one segment either way
        "Olá Conceição, você já tem " + "x" * 60,  # UCS-2 would take two
        "á" + "a" * 400,
    ],
)
def test_letters_gsm7_lacks_lose_their_accent_in_every_text(text):
    folded = fit_sms(text)
    assert is_gsm7(folded)
    assert fit_sms(folded) == folded  # fitting again changes nothing
    assert fit_sms("Bem-vinda, Lúcia! Você já") == "Bem-vinda, Lucia! Voce ja"


def test_a_word_folds_the_same_in_a_short_text_and_a_long_one():
    short = fit_sms("Día libre, Conceição.")
    long = fit_sms("Día libre, Conceição. " + "x" * 200)
    assert short == "Dia libre, Conceicao."
    assert long.startswith(short)


def test_a_word_in_another_script_stays_and_symbols_gsm7_lacks_go():
    assert fit_sms("Анна día") == "Анна dia"  # readable, though UCS-2
    assert fit_sms("Ana 🌸 Lucía") == "Ana Lucia"
    assert fit_sms("œuvre Łódź") == "oeuvre Lodz"


def test_babel_spaces_and_curly_quotes_never_go_out():
    assert fit_sms("US$\u00a05,00 \u201cok\u201d") == 'US$ 5,00 "ok"'
    assert fit_sms("\u201cok\u201d \u2013 it\u2019s\u2026") == '"ok" - it\'s...'


def test_names_fold_the_same_way_in_every_text():
    short = render([Say(m.ADD_INVITED, {"household": "Lucía"})], "en")
    assert short == "I invited Lucia. I will tell you when they answer."
    thanks = Say(m.CONTRIBUTION_THANKS, {"amount": Money(1000), "worker": "Lucía Gómez"})
    long = render([thanks, Say(m.SCHEDULE_OFF)], "en")
    assert "Lucia Gomez" in long and is_gsm7(long)
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
    assert welcome.startswith(f"Welcome, {fold_to_gsm(kept)}!")  # Lucia: as in every SMS
    with twilio.app.extensions["runtime"].sessions() as session:
        assert session.scalar(select(Person.name).where(Person.phone == WORKER)) == kept


def test_household_names_as_she_wrote_them(twilio):
    for text in ("hi", "1", "yes", "Maria"):
        twilio.text(WORKER, text)
    invited = twilio.text(WORKER, "ADD 212 555 0199 lucía")
    assert invited == "I invited Lucia. I will tell you when they answer."
    twilio.text(WORKER, "ADD 212 555 0188 señora pérez")
    assert "2 Señora Pérez" in twilio.text(WORKER, "HOUSEHOLDS")


def test_a_whatsapp_reply_keeps_accents_an_sms_reply_drops(twilio):
    for text in ("hi", "1", "yes", "Maria", "ADD 212 555 0199 Lucía Gómez"):
        twilio.text(f"whatsapp:{WORKER}", text)
    by_whatsapp = twilio.text(f"whatsapp:{WORKER}", "HOUSEHOLDS")
    by_sms = twilio.text(WORKER, "HOUSEHOLDS")
    assert "1 Lucía Gómez." in by_whatsapp and count_segments(by_whatsapp).segments == 2
    assert by_sms == fit_sms(by_whatsapp) and count_segments(by_sms).segments == 1

"""Transcripts for what the newcomer typed in ordinary words, in every language: a missed day
inside a sentence, a client cancelling today, a day of the month, a visit told as a sentence
with the household's name, a day too long ago to report, a visit's number before an amount,
a household asking what it gave, and Tagalog's "ibalik".
"""

from dataclasses import dataclass
from datetime import date

import pytest

from conversations import messages as m
from conversations.talk import Choices, Money
from tests.conversations.fake_fund import FakeFund, VisitStatus
from tests.conversations.test_transcripts import (
    FRIDAY,
    LAST_FRIDAY,
    PHONES,
    SUNDAY,
    YESTERDAY,
    Chat,
    prompt,
    say,
    sent,
)

DECEMBER_15 = date(2026, 12, 15)
NOVEMBER_5 = date(2026, 11, 5)
LAST_MONDAY = date(2026, 11, 16)


@dataclass(frozen=True)
class Typed:
    """What one language's speaker types, as she types it."""

    code: str
    yes: str
    sick_in_a_sentence: tuple[str, date]
    cancelled_today: str
    day_of_month: str  # a day off on the 15th
    visit_in_words: str  # yesterday, at the household called "Sra. Gómez" (or like it)
    household_label: str
    too_old: str  # a visit on 11/5, 17 days back
    two_weeks_ago: str
    several_visits_amount: str  # visit 1, fifty dollars
    asks_given: str


TYPED = {
    "en": Typed(
        "en", "yes", ("didnt work friday bc i was sick", LAST_FRIDAY), "my client cancelled today",
        "i need a day off on the 15th", "i cleaned for mrs gomez yesterday", "Mrs. Gómez",
        "done 11/5", "done 2 weeks ago", "1 $50", "how much have i given maria",
    ),
    "es": Typed(
        "es", "si", ("el sabado no fui porque estaba enferma", YESTERDAY), "mi patrona cancelo hoy",
        "dia libre el 15 porfa", "ayer trabaje donde la sra gomes", "Sra. Gómez",
        "listo el 5/11", "termine hace 3 semanas", "1 cincuenta dolares", "cuanto le he dado",
    ),
    "pt_BR": Typed(
        "pt_BR", "sim", ("estava doente ontem, não fui trabalhar", YESTERDAY),
        "a patroa cancelou hoje", "folga dia 15", "limpei a casa da dona claudia ontem",
        "Dona Cláudia", "pronto 5/11", "terminei ha 3 semanas", "1: $50", "quanto eu dei",
    ),
    "ht": Typed(
        "ht", "wi", ("m pa t ale lendi paske m te malad", LAST_MONDAY), "madanm nan anile jodi a",
        "konje 15 an", "m te travay lakay madam pierre yè", "Madam Pierre", "fini 5 novanm",
        "fini 3 weeks ago", "#1 $50", "konbyen m bay deja",
    ),
    "tl": Typed(
        "tl", "oo", ("hindi ako pumasok noong biyernes may sakit ako", LAST_FRIDAY),
        "kinansela ng amo ko ngayon", "day off sa ika-15 po",
        "naglinis ako kina mrs santos kahapon", "Mrs. Santos", "tapos 5/11", "tapos 3 weeks ago",
        "oo 1 $50", "magkano na naibigay ko",
    ),
}  # fmt: skip
EVERY_LANGUAGE = pytest.mark.parametrize("lang", list(TYPED.values()), ids=list(TYPED))


@pytest.fixture
def chat() -> Chat:
    return Chat()


def _worker(chat: Chat, lang: Typed, cents: int = 50_000) -> None:
    chat.worker(lang=lang.code, cents=cents)
    chat.person("maria").language = lang.code


@EVERY_LANGUAGE
def test_a_missed_day_inside_a_sentence_is_claimed_for_that_day(chat: Chat, lang: Typed):
    _worker(chat, lang)
    text, day = lang.sick_in_a_sentence
    chat.play(
        [
            ("maria", text, say(m.PAST_DAY_CONFIRM, date=day, amount=Money(12_000))),
            ("maria", lang.yes, say(m.DAY_OFF_BOOKED, date=day)),
        ]
    )
    assert [r.day for r in chat.world.waiting(chat.person("maria").person_id)] == [day]


@EVERY_LANGUAGE
def test_a_client_cancelling_today_is_a_missed_day_today_not_an_undo(chat: Chat, lang: Typed):
    _worker(chat, lang)
    FakeFund(chat.world, chat.person("maria").person_id).book_day_off(FRIDAY, False)
    chat.play(
        [
            ("maria", lang.cancelled_today, say(m.PAST_DAY_CONFIRM, date=SUNDAY)),
            ("maria", lang.yes, say(m.DAY_OFF_BOOKED, date=SUNDAY)),
        ]
    )
    waiting = [r.day for r in chat.world.waiting(chat.person("maria").person_id)]
    assert sorted(waiting) == [SUNDAY, FRIDAY]  # Friday's day off was not called back


@EVERY_LANGUAGE
def test_a_day_of_the_month_is_the_next_such_day(chat: Chat, lang: Typed):
    _worker(chat, lang)
    chat.play([("maria", lang.day_of_month, say(m.DAY_OFF_CONFIRM, date=DECEMBER_15))])


def _households(chat: Chat, lang: Typed) -> None:
    maria = chat.worker(lang=lang.code, cents=0)
    chat.world.add_household(maria, PHONES["ana"], "Ana")
    chat.world.add_household(maria, PHONES["casa"], lang.household_label)


@EVERY_LANGUAGE
def test_a_visit_told_in_ordinary_words_names_its_day_and_household(chat: Chat, lang: Typed):
    _households(chat, lang)
    reported = say(m.DONE_REPORTED, household=lang.household_label, date=YESTERDAY)
    chat.play(
        [
            (
                "maria",
                lang.visit_in_words,
                reported,
                (sent("casa", "visit_prompt", prompt(YESTERDAY)),),
            )
        ]
    )


def test_two_households_near_the_name_she_wrote_are_asked_about(chat: Chat):
    maria = chat.worker(lang="es")
    chat.world.add_household(maria, PHONES["ana"], "Sra. Gomes")
    chat.world.add_household(maria, PHONES["casa"], "Sr. Gómez")
    chat.world.add_household(maria, PHONES["rosa"], "Ana")
    listed = say(m.DONE_WHICH, list=Choices(("Sra. Gomes", "Sr. Gómez")))
    chat.play(
        [
            ("maria", "ayer trabaje donde gomez", listed),
            ("maria", "2", say(m.DONE_REPORTED, household="Sr. Gómez", date=YESTERDAY), (
                sent("casa", "visit_prompt", prompt(YESTERDAY)),
            )),
        ]
    )  # fmt: skip
    chat.play(
        [
            ("maria", "trabaje donde gomez el viernes", listed),
            ("maria", "la sra gomes", say(m.DONE_REPORTED, household="Sra. Gomes"), (
                sent("ana", "visit_prompt", prompt(LAST_FRIDAY)),
            )),
        ]
    )  # fmt: skip


@EVERY_LANGUAGE
def test_a_visit_too_long_ago_is_told_the_limit(chat: Chat, lang: Typed):
    _households(chat, lang)
    chat.play(
        [
            ("maria", lang.too_old, say(m.DONE_TOO_OLD, days="14", date=NOVEMBER_5)),
            ("maria", lang.two_weeks_ago, say(m.DONE_TOO_OLD, days="14")),
        ]
    )
    assert not chat.world.visits


@EVERY_LANGUAGE
def test_a_household_names_a_visit_then_an_amount_in_dollars(chat: Chat, lang: Typed):
    maria = chat.worker()
    ana = chat.world.add_household(maria, PHONES["ana"], "Ana")
    chat.person("ana").language = lang.code
    fund = FakeFund(chat.world, maria.person_id)
    fund.report_visit(ana.employment_id, YESTERDAY)
    fund.report_visit(ana.employment_id, SUNDAY)
    chat.play(
        [
            ("ana", lang.several_visits_amount, say(m.CONTRIBUTION_THANKS, amount=Money(5000)), (
                sent("maria", "receipt", m.RECEIPT),
            )),
            ("ana", lang.asks_given, say(m.HOUSEHOLD_GIVEN, list=Choices(
                (("Maria", Money(5000)),), numbered=False
            ))),
        ]
    )  # fmt: skip
    statuses = sorted((v.day, v.status) for v in chat.world.visits.values())
    assert statuses == [(YESTERDAY, VisitStatus.CONFIRMED), (SUNDAY, VisitStatus.REPORTED)]


@pytest.mark.parametrize(("text", "cents"), [("cem reais", 10_000), ("vinte reais", 2000)])
def test_a_household_naming_reais_gives_that_many_of_the_fund_s_dollars(
    chat: Chat, text: str, cents: int
):
    maria = chat.worker()
    ana = chat.world.add_household(maria, PHONES["ana"], "Ana")
    chat.person("ana").language = "pt_BR"
    FakeFund(chat.world, maria.person_id).report_visit(ana.employment_id, SUNDAY)
    chat.play(
        [("ana", text, say(m.CONTRIBUTION_THANKS, amount=Money(cents)), (
            sent("maria", "receipt", m.RECEIPT),
        ))]
    )  # fmt: skip


@pytest.mark.parametrize("text", ["balance", "history", "historia", "konbyen", "magkano"])
def test_a_household_asking_its_balance_hears_what_it_gave(chat: Chat, text: str):
    maria = chat.worker()
    chat.world.add_household(maria, PHONES["ana"], "Ana")
    chat.play([("ana", text, say(m.HOUSEHOLD_GIVEN_NONE, year="2026"))])


@pytest.mark.parametrize("text", ["help", "ayuda", "ajuda", "ed", "tulong"])
def test_help_from_a_household_is_the_household_help(chat: Chat, text: str):
    maria = chat.worker()
    ana = chat.world.add_household(maria, PHONES["ana"], "Ana")
    FakeFund(chat.world, maria.person_id).report_visit(ana.employment_id, SUNDAY)
    chat.play([("ana", text, m.HELP_HOUSEHOLD)])


@pytest.mark.parametrize("text", ["ibalik", "Ibalik po", "ibalik ang day off ko"])
def test_ibalik_calls_back_a_day_off(chat: Chat, text: str):
    maria = chat.worker(lang="tl", cents=50_000)
    FakeFund(chat.world, maria.person_id).book_day_off(FRIDAY, False)
    chat.play([("maria", text, say(m.UNDONE, date=FRIDAY))])
    assert not chat.world.waiting(maria.person_id)

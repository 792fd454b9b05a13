"""Transcripts, in every language: insurance by consent, a missed day claimed after the fact,
HISTORY page by page, and a household's year of giving.

The runner and the words each language texts are those of test_transcripts.py; the fixed
Sunday is 2026-11-22, so a product chosen today is first taken on 2026-12-01.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from conversations import messages as m
from conversations.engine import Conversation, Turn
from conversations.flows.insurance import offer_says
from conversations.keywords import Intent
from conversations.ports import InsuranceProduct
from conversations.talk import Choices, Money
from tests.conversations.fake_fund import Movement, Person
from tests.conversations.test_transcripts import (
    PHONES,
    SUNDAY,
    WORDS,
    YESTERDAY,
    Chat,
    Words,
    prompt,
    say,
    sent,
)

FIRST_CHARGE = date(2026, 12, 1)
LIFE = dict(product=m.LIFE_INSURANCE, number="1")
DISABILITY = dict(product=m.DISABILITY_INSURANCE, number="2")


@dataclass(frozen=True)
class More:
    """The new words of one language, as a person texts them."""

    insurance: str
    drop: str
    more: str
    sick_yesterday: str  # the issue's own sentence for "I was sick yesterday"
    sick: str  # the menu word alone
    too_old: str  # 2026-11-10, twelve days back, the way the language writes dates


NEW = {
    "en": More("INSURANCE", "drop", "more", "I was sick yesterday", "sick", "sick 11/10/2026"),
    "es": More(
        "seguro", "suspender", "mas", "estuve enferma ayer", "enferma", "enferma 10/11/2026"
    ),
    "pt_BR": More(
        "seguro", "suspender", "mais", "ontem não trabalhei", "doente", "doente 10/11/2026"
    ),
    "ht": More("asirans", "kanpe", "plis", "mwen te malad yè", "malad", "malad 10/11/2026"),
    "tl": More(
        "seguro", "itigil", "susunod", "may sakit ako kahapon", "may sakit", "may sakit 10/11/2026"
    ),
}
EVERY_LANGUAGE = pytest.mark.parametrize("lang", list(WORDS.values()), ids=list(WORDS))
PRODUCTS = ((1, "life", 500), (2, "disability", 1_000))


@pytest.fixture
def chat() -> Chat:
    return Chat()


def new_worker(chat: Chat, lang: Words, cents: int = 0) -> Person:
    """A worker who has not been offered insurance yet."""
    return chat.world.add_worker(PHONES["maria"], "Maria", lang.code, cents, offered=False)


def offer_lines() -> tuple:
    return (
        m.INSURANCE_OFFER,
        say(m.INSURANCE_PRODUCT, price=Money(500), covers=m.LIFE_COVERS, **LIFE),
        say(m.INSURANCE_PRODUCT, price=Money(1_000), covers=m.DISABILITY_COVERS, **DISABILITY),
        m.INSURANCE_OFFER_HOW,
    )


@EVERY_LANGUAGE
def test_after_the_offer_yes_per_product(chat: Chat, lang: Words):
    words = NEW[lang.code]
    maria = new_worker(chat, lang)
    chat.household(maria, "ana", lang.code)
    started = m.INSURANCE_STARTED
    chat.play(
        [
            (
                "maria",
                lang[Intent.DONE],
                m.DONE_REPORTED,
                (sent("ana", "visit_prompt", prompt(SUNDAY)),),
            ),
            ("ana", lang.yes, m.CONTRIBUTION_THANKS, (sent("maria", "receipt", m.RECEIPT),)),
        ]
    )
    # After her first money the clock offers insurance (bot.ops.insurance_offers), in this text:
    offer = offer_says(tuple(InsuranceProduct(n, p, c, False) for n, p, c in PRODUCTS))
    chat.check(Turn(Conversation(), offer, ()), offer_lines(), (), "the offer")
    chat.world.offers[maria.person_id] = True
    chat.play(
        [
            (
                "maria",
                f"{lang.yes} 2",
                say(started, date=FIRST_CHARGE, price=Money(1_000), **DISABILITY),
            ),
            ("maria", f"{lang.yes} 2", say(m.INSURANCE_ALREADY, **DISABILITY)),
            ("maria", f"{lang.yes} 1", say(started, date=FIRST_CHARGE, price=Money(500), **LIFE)),
            # Both taken: the offer is answered, and a late YES is told so.
            ("maria", f"{lang.yes} 1", m.INSURANCE_NO_OFFER),
        ]
    )
    assert set(chat.world.consents) == {
        (maria.person_id, "life"),
        (maria.person_id, "disability"),
    }
    both = Choices((("1", m.LIFE_INSURANCE), ("2", m.DISABILITY_INSURANCE)), numbered=False)
    held = say(m.INSURANCE_HELD, products=both, amount=Money(1_500), date=FIRST_CHARGE)
    chat.play([("maria", words.insurance, held)])


@EVERY_LANGUAGE
def test_insurance_shows_the_offer_and_no_declines_it(chat: Chat, lang: Words):
    words = NEW[lang.code]
    maria = chat.worker(lang=lang.code)
    chat.play(
        [
            ("maria", f"{lang.yes} 1", m.INSURANCE_NO_OFFER),
            ("maria", words.insurance, offer_lines()),
            ("maria", lang.yes, say(m.INSURANCE_WHICH)),  # two on offer: which one?
            ("maria", f"{lang.yes} 7", m.INSURANCE_WHICH),
            ("maria", lang.no, m.INSURANCE_DECLINED),
            ("maria", f"{lang.yes} 1", m.INSURANCE_NO_OFFER),
            ("maria", words.drop, m.INSURANCE_NOTHING_TO_STOP),
        ]
    )
    assert not chat.world.consents
    assert chat.world.offers[maria.person_id] is False


@EVERY_LANGUAGE
def test_stopping_a_product_and_starting_it_again(chat: Chat, lang: Words):
    words = NEW[lang.code]
    maria = chat.worker(lang=lang.code)
    chat.world.consents[(maria.person_id, "life")] = SUNDAY - timedelta(days=40)
    chat.world.consents[(maria.person_id, "disability")] = SUNDAY - timedelta(days=40)
    life_only = Choices((("1", m.LIFE_INSURANCE),), numbered=False)
    chat.play(
        [
            ("maria", words.drop, m.INSURANCE_STOP_WHICH),  # two held: which one?
            ("maria", f"{words.drop} 2", say(m.INSURANCE_STOPPED, product=m.DISABILITY_INSURANCE)),
            ("maria", f"{words.drop} 2", say(m.INSURANCE_STOP_WHICH, list=life_only)),
            (
                "maria",
                words.insurance,
                (
                    say(m.INSURANCE_HELD, products=life_only, amount=Money(500)),
                    say(m.INSURANCE_MORE, price=Money(1_000), **DISABILITY),
                ),
            ),
            # One product on offer: a plain YES takes it.
            ("maria", lang.yes, say(m.INSURANCE_STARTED, date=FIRST_CHARGE, **DISABILITY)),
            ("maria", words.drop, m.INSURANCE_STOP_WHICH),
            ("maria", f"{words.drop} 1", say(m.INSURANCE_STOPPED, product=m.LIFE_INSURANCE)),
            ("maria", words.drop, say(m.INSURANCE_STOPPED, product=m.DISABILITY_INSURANCE)),
            ("maria", words.drop, m.INSURANCE_NOTHING_TO_STOP),
        ]
    )
    assert not chat.world.consents


@EVERY_LANGUAGE
def test_a_missed_day_claimed_after_the_fact(chat: Chat, lang: Words):
    words = NEW[lang.code]
    maria = chat.worker(lang=lang.code, cents=20_000)
    chat.play(
        [
            (
                "maria",
                words.sick_yesterday,
                say(m.PAST_DAY_CONFIRM, date=YESTERDAY, amount=Money(12_000), after=Money(8_000)),
            ),
            ("maria", lang.yes, say(m.DAY_OFF_BOOKED, date=YESTERDAY, amount=Money(12_000))),
            ("maria", words.sick_yesterday, say(m.PAST_DAY_ALREADY, date=YESTERDAY)),
            ("maria", words.too_old, say(m.PAST_DAY_TOO_OLD, days="7", date=date(2026, 11, 10))),
            ("maria", words.sick, m.PAST_DAY_HOW),
        ]
    )
    [reservation] = chat.world.waiting(maria.person_id)
    assert reservation.day == YESTERDAY and reservation.amount_cents == 12_000
    chat.world.pay_day_off(reservation.pending_id)
    chat.play([("maria", words.sick_yesterday, say(m.PAST_DAY_ALREADY, date=YESTERDAY))])


@EVERY_LANGUAGE
def test_a_missed_day_she_cannot_afford_or_says_no_to(chat: Chat, lang: Words):
    words = NEW[lang.code]
    maria = chat.worker(lang=lang.code, cents=5_000)
    chat.play(
        [
            (
                "maria",
                words.sick_yesterday,
                say(m.DAY_OFF_SHORT, amount=Money(12_000), available=Money(5_000)),
            ),
        ]
    )
    chat.world.credit(maria.person_id, 10_000, "Casa")
    chat.play(
        [
            ("maria", words.sick_yesterday, m.PAST_DAY_CONFIRM),
            ("maria", lang.no, m.DAY_OFF_NOT_BOOKED),
        ]
    )
    assert chat.world.waiting(maria.person_id) == []


# Half a day she missed, as people text it: the words for half a day, or a part of the day.
HALF_DAY_CLAIMS = {
    "en": (
        "I was sick yesterday morning",
        "half day yesterday I was sick",
        "sick yesterday afternoon",
        "i was sick half day yesterday pls",
        "half day off yesterday",
    ),
    "es": (
        "medio día ayer estuve enferma",
        "estuve enferma ayer en la mañana",
        "ayer por la tarde estuve enferma",
        "medio dia libre ayer",
        "enferma medio dia ayer porfa",
    ),
    "pt_BR": (
        "meio dia ontem",
        "fiquei doente ontem de manhã",
        "meio dia ontem fiquei doente",
        "ontem a tarde nao trabalhei",
        "meia folga ontem",
    ),
    "ht": (
        "demi jounen yè mwen te malad",
        "mwen te malad ye maten",
        "m te malad yè aprèmidi",
        "demi konje ye",
        "mwatye jounen ye m te malad",
    ),
    "tl": (
        "kalahating araw kahapon may sakit ako",
        "may sakit ako kahapon ng umaga",
        "nagkasakit ako kahapon ng hapon",
        "kalahati kahapon po",
        "half day kahapon may sakit po ako",
    ),
}
HALF_CLAIMS = [(code, text) for code, texts in HALF_DAY_CLAIMS.items() for text in texts]


@pytest.mark.parametrize(("code", "text"), HALF_CLAIMS, ids=[t for _, t in HALF_CLAIMS])
def test_half_a_missed_day_is_claimed_as_a_half_day(chat: Chat, code: str, text: str):
    maria = chat.worker(lang=code, cents=20_000)
    half = say(m.PAST_HALF_DAY_CONFIRM, date=YESTERDAY, amount=Money(6_000), after=Money(14_000))
    chat.play([("maria", text, half)])
    assert chat.world.waiting(maria.person_id) == []  # nothing reserved before her YES


@EVERY_LANGUAGE
def test_a_missed_half_day_is_reserved_paid_and_never_claimed_twice(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=20_000)
    claim = HALF_DAY_CLAIMS[lang.code][0]
    chat.play(
        [
            ("maria", claim, say(m.PAST_HALF_DAY_CONFIRM, date=YESTERDAY, amount=Money(6_000))),
            ("maria", lang.yes, say(m.HALF_DAY_BOOKED, date=YESTERDAY, amount=Money(6_000))),
            ("maria", claim, say(m.PAST_DAY_ALREADY, date=YESTERDAY)),
            ("maria", NEW[lang.code].sick_yesterday, say(m.PAST_DAY_ALREADY, date=YESTERDAY)),
        ]
    )
    [reservation] = chat.world.waiting(maria.person_id)
    assert (reservation.day, reservation.amount_cents, reservation.half) == (YESTERDAY, 6_000, True)
    assert chat.world.available_cents(maria.person_id) == 14_000
    chat.world.pay_day_off(reservation.pending_id)
    chat.play([("maria", claim, say(m.PAST_DAY_ALREADY, date=YESTERDAY))])
    assert chat.world.posted_cents(maria.person_id) == 14_000


@EVERY_LANGUAGE
def test_a_missed_half_day_she_cannot_afford_or_says_no_to(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=5_000)
    claim = HALF_DAY_CLAIMS[lang.code][1]
    too_old = NEW[lang.code].too_old.split()[-1]  # 2026-11-10, the way the language writes it
    short = say(m.HALF_DAY_SHORT, amount=Money(6_000), available=Money(5_000))
    chat.play([("maria", claim, short)])
    chat.world.credit(maria.person_id, 1_000, "Casa")
    chat.play(
        [
            ("maria", claim, say(m.PAST_HALF_DAY_CONFIRM, after=Money(0))),
            ("maria", lang.no, m.HALF_DAY_NOT_BOOKED),
            ("maria", f"{lang[Intent.HALF_DAY]} {too_old}", say(m.PAST_DAY_TOO_OLD, days="7")),
        ]
    )
    assert chat.world.waiting(maria.person_id) == []


@EVERY_LANGUAGE
def test_history_page_by_page_names_premiums(chat: Chat, lang: Words):
    words = NEW[lang.code]
    maria = chat.worker(lang=lang.code)
    for days_ago in range(6, 0, -1):
        chat.world.credit(
            maria.person_id, 500 + days_ago, "Casa", SUNDAY - timedelta(days=days_ago)
        )
    chat.world.movements.append(Movement(maria.person_id, SUNDAY, -500, None, "insurance"))
    line = m.HISTORY_LINE
    chat.play(
        [
            (
                "maria",
                lang[Intent.HISTORY],
                (
                    m.HISTORY_HEADER,
                    say(
                        line, date=SUNDAY, amount=Money(-500, signed=True), who=m.INSURANCE_PREMIUM
                    ),
                    say(line, amount=Money(501, signed=True), who="Casa"),
                    say(line, amount=Money(502, signed=True)),
                    say(line, amount=Money(503, signed=True)),
                    say(line, amount=Money(504, signed=True)),
                    m.HISTORY_MORE,
                ),
            ),
            (
                "maria",
                words.more,
                (
                    m.HISTORY_HEADER,
                    say(line, date=SUNDAY - timedelta(days=5), amount=Money(505, signed=True)),
                    say(line, date=SUNDAY - timedelta(days=6), amount=Money(506, signed=True)),
                ),
            ),
            ("maria", words.more, m.HISTORY_NO_MORE),
        ]
    )
    turn = chat.text("maria", lang[Intent.HISTORY])
    assert [s.line for s in turn.replies] == [False, True, True, True, True, True, True]


@EVERY_LANGUAGE
def test_a_household_s_history_this_year(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    chat.play(
        [
            ("ana", lang[Intent.HISTORY], say(m.HOUSEHOLD_GIVEN_NONE, year="2026")),
            (
                "maria",
                lang[Intent.DONE],
                m.DONE_REPORTED,
                (sent("ana", "visit_prompt", prompt(SUNDAY)),),
            ),
            ("ana", "10", m.CONTRIBUTION_THANKS, (sent("maria", "receipt", m.RECEIPT),)),
            (
                "ana",
                lang[Intent.HISTORY],
                say(
                    m.HOUSEHOLD_GIVEN,
                    year="2026",
                    list=Choices((("Maria", Money(1_000)),), numbered=False),
                ),
            ),
        ]
    )


def test_a_fund_that_sells_no_insurance_says_so(chat: Chat):
    chat.world.premiums = {}
    chat.worker()
    chat.play(
        [("maria", "insurance", m.INSURANCE_NONE), ("maria", "drop", m.INSURANCE_NOTHING_TO_STOP)]
    )


@EVERY_LANGUAGE
def test_a_missed_day_a_household_confirmed_she_worked_is_refused_half_a_day_is_not(
    chat: Chat, lang: Words
):
    words = NEW[lang.code]
    maria = chat.worker(lang=lang.code, cents=20_000)
    chat.household(maria, "ana", lang.code)
    chat.play(
        [
            (
                "maria",
                f"{lang[Intent.DONE]} {lang.yesterday}",
                m.DONE_REPORTED,
                (sent("ana", "visit_prompt", prompt(YESTERDAY)),),
            ),
            ("ana", lang.yes, m.CONTRIBUTION_THANKS, (sent("maria", "receipt", m.RECEIPT),)),
            ("maria", words.sick_yesterday, say(m.PAST_DAY_WORKED, date=YESTERDAY)),
            (
                "maria",
                f"{lang[Intent.HALF_DAY]} {lang.yesterday}",
                say(m.PAST_HALF_DAY_CONFIRM, date=YESTERDAY),
            ),
        ]
    )
    assert chat.world.waiting(maria.person_id) == []

"""An old question does not take over a later message: the insurance offer is answered by a
bare YES, NO or "ok" only within the hour or when nothing came since; any other intent leaves
a question and is answered as itself."""

from datetime import timedelta

import pytest

from conversations import messages as m
from conversations.keywords import Intent
from conversations.states import State
from tests.conversations.test_transcripts import EVERY_LANGUAGE, Chat, Words, say

LAUGH_OK = {
    "en": "haha ok",
    "es": "jajaja ok",
    "pt_BR": "kkkk ok",
    "ht": "haha oke",
    "tl": "haha sige",
}


@pytest.fixture
def chat() -> Chat:
    return Chat()


def offered(chat: Chat, person_id: int) -> None:
    """The clock's offer after her first money, made now."""
    chat.world.offers[person_id] = True
    chat.world.offered_at[person_id] = chat.now


@EVERY_LANGUAGE
def test_an_old_offer_does_not_take_a_bare_yes_no_or_ok(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=50_000)
    offered(chat, maria.person_id)
    chat.advance(timedelta(minutes=5))
    chat.play([("maria", lang[Intent.BALANCE], (m.BALANCE, m.DAYS_OFF))])  # she moved on
    chat.advance(timedelta(hours=2))
    chat.play(
        [
            ("maria", lang.yes, m.NOTHING_OPEN_YES),
            ("maria", LAUGH_OK[lang.code], m.YOU_ARE_WELCOME),
            ("maria", lang.no, m.NOTHING_OPEN_NO),
        ]
    )
    assert chat.world.offers[maria.person_id] is True  # "no" declined nothing
    chat.play([("maria", f"{lang.yes} 1", m.INSURANCE_STARTED)])  # YES and a number still does


@EVERY_LANGUAGE
def test_an_offer_is_answered_when_it_is_the_last_thing_asked(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=50_000)
    offered(chat, maria.person_id)
    chat.advance(timedelta(hours=5))  # nothing texted since: still her question
    chat.play([("maria", lang.yes, m.INSURANCE_WHICH)])


@EVERY_LANGUAGE
def test_within_the_hour_a_bare_yes_answers_the_offer(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=50_000)
    offered(chat, maria.person_id)
    chat.play(
        [
            ("maria", lang[Intent.BALANCE], (m.BALANCE, m.DAYS_OFF)),
            ("maria", lang.yes, m.INSURANCE_WHICH),
            ("maria", lang.no, m.INSURANCE_DECLINED),
        ]
    )


@EVERY_LANGUAGE
def test_yes_after_a_refused_day_off_answers_no_older_question(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=3_000)
    offered(chat, maria.person_id)  # even a fresh offer
    chat.play(
        [
            ("maria", lang.day_off_friday, m.DAY_OFF_SHORT),
            ("maria", lang.yes, m.NOTHING_OPEN_YES),
        ]
    )
    assert chat.state("maria") is State.IDLE
    assert not chat.world.consents


def test_en_booking_refused_then_yes(chat: Chat):
    maria = chat.worker(cents=3_000)
    offered(chat, maria.person_id)
    chat.advance(timedelta(days=3))
    chat.play(
        [
            ("maria", "day off friday", m.DAY_OFF_SHORT),
            ("maria", "yes", m.NOTHING_OPEN_YES),
        ]
    )


def test_es_jajaja_ok_with_an_old_offer(chat: Chat):
    maria = chat.worker(lang="es", cents=50_000)
    offered(chat, maria.person_id)
    chat.advance(timedelta(hours=1, minutes=1))
    chat.play(
        [("maria", "saldo", (m.BALANCE, m.DAYS_OFF)), ("maria", "jajaja ok", m.YOU_ARE_WELCOME)]
    )


def test_pt_sick_then_nao_does_not_decline_an_old_offer(chat: Chat):
    maria = chat.worker(lang="pt_BR", cents=50_000)
    offered(chat, maria.person_id)
    chat.advance(timedelta(days=2))
    chat.play(
        [
            ("maria", "estava doente, não fui trabalhar", m.PAST_DAY_HOW),
            ("maria", "nao", m.NOTHING_OPEN_NO),
        ]
    )
    assert chat.world.offers[maria.person_id] is True


@EVERY_LANGUAGE
def test_another_intent_leaves_the_remove_question(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=50_000)
    chat.household(maria, "ana", lang.code)
    chat.play(
        [
            ("maria", f"{lang[Intent.REMOVE]} 1", say(m.REMOVE_CONFIRM, household="Ana")),
            ("maria", lang[Intent.BALANCE], (m.BALANCE, m.DAYS_OFF)),
        ]
    )
    assert chat.state("maria") is State.IDLE
    chat.play([("maria", lang.yes, m.NOTHING_OPEN_YES)])
    assert chat.world.employments  # Ana is still on her list
    assert [e.status.value for e in chat.world.employments.values()] == ["active"]


@EVERY_LANGUAGE
def test_a_question_left_behind_is_not_answered_by_a_later_bare_yes(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=50_000)
    chat.play(
        [
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            ("maria", lang[Intent.HELP], m.HELP),  # answered aside; the question stays
        ]
    )
    assert chat.state("maria") is State.CONFIRMING_DAY_OFF
    chat.advance(timedelta(hours=2))
    chat.play(
        [
            ("maria", LAUGH_OK[lang.code], m.YOU_ARE_WELCOME),
            ("maria", lang.yes, m.NOTHING_OPEN_YES),
        ]
    )
    assert not chat.world.waiting(maria.person_id)


@EVERY_LANGUAGE
def test_the_last_question_asked_is_answered_hours_later(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=50_000)
    chat.play([("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM)])
    chat.advance(timedelta(hours=2))
    chat.play([("maria", lang.yes, m.DAY_OFF_BOOKED)])
    assert chat.world.waiting(maria.person_id)

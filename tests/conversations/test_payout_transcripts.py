"""Transcripts, in every language: how she is paid (PAYMENT and its free-text variants), a
change asked for, its one-time code in a text of its own, a wrong code, an expired one, the
lock after five wrong codes, a change dropped, and the announcement on her other channel.

The runner and the words each language texts are those of test_transcripts.py; the fund is
the in-memory one (fake_payout.py): codes work ten minutes, five wrong ones in a day lock
changes for a day, the hold is 48 hours. Today is Sunday 2026-11-22, 15:00 UTC, so a change
confirmed now takes effect on Tuesday 2026-11-24.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from conversations import messages as m
from conversations.engine import Turn
from conversations.flows.payout_method import code_in
from conversations.keywords import Intent
from conversations.states import State
from conversations.talk import Choices
from tests.conversations.test_transcripts import WORDS, Chat, Words, say, sent

EFFECTIVE = date(2026, 11, 24)  # 48 hours after Sunday 15:00
METHODS = Choices((m.PAYOUT_CASH, m.PAYOUT_CHECK, m.PAYOUT_BANK, m.PAYOUT_CARD))
PICK = say(m.PAYOUT_METHOD_PICK, list=METHODS)
CHANGED_TO_CARD = say(m.PAYOUT_CHANGED, method=m.PAYOUT_CARD, hours=48, date=EFFECTIVE)


@dataclass(frozen=True)
class Payment:
    """How one language asks about pay, names a method, gives a code and drops a change."""

    asks: str  # the free-text way of asking how she is paid
    card: str  # the card, in her words
    check: str  # a check, in her words, with a little word around it
    code: str  # "my code is {code}", with the code's place as {}
    drop: str  # drops the change waiting for its code


PAYMENT = {
    "en": Payment("How do I get paid?", "card", "by check", "my code is {}", "cancel change"),
    "es": Payment("cambiar mi pago", "tarjeta", "con cheque", "código {}", "cancelar"),
    "pt_BR": Payment("forma de pagamento", "cartão", "cheque pfv", "o código é {}", "cancelar"),
    "ht": Payment("kijan pou m resevwa lajan", "kat", "chèk souple", "kòd la se {}", "anile"),
    "tl": Payment("paano ako babayaran", "card", "tseke po", "ang code ay {}", "hindi po"),
}
EVERY_LANGUAGE = pytest.mark.parametrize("lang", list(WORDS.values()), ids=list(WORDS))


@pytest.fixture
def chat() -> Chat:
    return Chat()


def code_sent(turn: Turn) -> str:
    """The code in the text of its own that the turn sent her."""
    (notice,) = [n for n in turn.notices if n.kind == "payout_code"]
    (said,) = notice.says
    assert said.message is m.PAYOUT_CODE and said.params["minutes"] == "10"
    code = str(said.params["code"])
    assert code_in(code) == code
    return code


def spaced(code: str) -> str:
    """The code as people type it back, with a space in the middle."""
    return f"{code[:3]} {code[3:]}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def ask_for_card(chat: Chat, lang: Words, text: str | None = None) -> str:
    """PAYMENT, then the card by its number: the code that was sent."""
    chat.play([("maria", text or lang[Intent.PAYMENT], (m.PAYOUT_METHOD_NOT_CHOSEN, PICK))])
    turn = chat.text("maria", "4")
    chat.check(
        turn,
        say(m.PAYOUT_CODE_SENT, method=m.PAYOUT_CARD, minutes="10"),
        (sent("maria", "payout_code", m.PAYOUT_CODE),),
        "4",
    )
    assert chat.state("maria") is State.ENTERING_PAYOUT_CODE
    return code_sent(turn)


def method_of(chat: Chat) -> str | None:
    maria = chat.person("maria")
    choice = chat.world.payout_choices.get(maria.person_id)
    return choice.method if choice else None


@EVERY_LANGUAGE
def test_payment_shows_the_list_and_the_right_code_makes_the_change(chat: Chat, lang: Words):
    words = PAYMENT[lang.code]
    chat.worker(lang=lang.code)
    code = ask_for_card(chat, lang, words.asks)
    assert method_of(chat) is None  # nothing changes before the code
    chat.play([("maria", words.code.format(spaced(code)), CHANGED_TO_CARD)])
    assert method_of(chat) == "card" and chat.state("maria") is State.IDLE
    assert chat.world.payout_choices[chat.person("maria").person_id].held_until is not None
    # PAYMENT now says how she is paid, and that payouts wait.
    chat.play(
        [
            (
                "maria",
                lang[Intent.PAYMENT].upper(),
                (
                    say(m.PAYOUT_METHOD_IS, method=m.PAYOUT_CARD),
                    say(m.PAYOUT_HELD, date=EFFECTIVE),
                    PICK,
                ),
            ),
            ("maria", words.card, say(m.PAYOUT_METHOD_SAME, method=m.PAYOUT_CARD)),
        ]
    )
    # The same code again changes nothing more.
    chat.play([("maria", code, m.PAYOUT_CODE_NONE)])


@EVERY_LANGUAGE
def test_a_method_named_in_her_words_and_a_wrong_code_with_tries_left(chat: Chat, lang: Words):
    words = PAYMENT[lang.code]
    chat.worker(lang=lang.code)
    chat.play([("maria", lang[Intent.PAYMENT], (m.PAYOUT_METHOD_NOT_CHOSEN, PICK))])
    turn = chat.text("maria", words.check)
    expected = say(m.PAYOUT_CODE_SENT, method=m.PAYOUT_CHECK)
    chat.check(turn, expected, (sent("maria", "payout_code", m.PAYOUT_CODE),), words.check)
    code = code_sent(turn)
    chat.play(
        [
            ("maria", wrong(code), say(m.PAYOUT_CODE_WRONG, count=4)),
            ("maria", "12345", m.PAYOUT_CODE_HOW),  # not six digits: not counted
            ("maria", "what?", m.PAYOUT_CODE_HOW),
            ("maria", words.code.format(wrong(wrong(code))), say(m.PAYOUT_CODE_WRONG, count=3)),
            (
                "maria",
                code,
                say(m.PAYOUT_CHANGED, method=m.PAYOUT_CHECK, hours=48, date=EFFECTIVE),
            ),
        ]
    )
    assert method_of(chat) == "check"


@EVERY_LANGUAGE
def test_a_code_after_ten_minutes_has_expired(chat: Chat, lang: Words):
    chat.worker(lang=lang.code)
    code = ask_for_card(chat, lang)
    chat.advance(timedelta(minutes=11))
    chat.play(
        [
            ("maria", code, m.PAYOUT_CODE_EXPIRED),
            ("maria", code, m.PAYOUT_CODE_NONE),  # it is gone: she starts again
        ]
    )
    assert method_of(chat) is None and chat.state("maria") is State.IDLE
    code = ask_for_card(chat, lang)
    chat.advance(timedelta(minutes=9))
    chat.play([("maria", code, CHANGED_TO_CARD)])
    assert method_of(chat) == "card"


@EVERY_LANGUAGE
def test_five_wrong_codes_lock_changes_for_a_day(chat: Chat, lang: Words):
    chat.worker(lang=lang.code)
    code = ask_for_card(chat, lang)
    rows = [("maria", wrong(code), say(m.PAYOUT_CODE_WRONG, count=n)) for n in (4, 3)]
    chat.play(rows)
    # A new choice does not start the count again.
    chat.play([("maria", lang[Intent.PAYMENT], (m.PAYOUT_METHOD_NOT_CHOSEN, PICK))])
    second = code_sent(chat.text("maria", "2"))
    chat.play(
        [
            ("maria", wrong(second), say(m.PAYOUT_CODE_WRONG, count=2)),
            ("maria", wrong(second), say(m.PAYOUT_CODE_WRONG, count=1)),
            ("maria", wrong(second), m.PAYOUT_CODE_LOCKED),
            ("maria", second, m.PAYOUT_CODE_LOCKED),  # the right one, too late: nothing
            ("maria", lang[Intent.PAYMENT], (m.PAYOUT_METHOD_NOT_CHOSEN, m.PAYOUT_LOCKED_NOW)),
            (
                "maria",
                f"{lang[Intent.PAYMENT]} {PAYMENT[lang.code].card}",
                (m.PAYOUT_METHOD_NOT_CHOSEN, m.PAYOUT_LOCKED_NOW),
            ),
        ]
    )
    assert method_of(chat) is None and chat.state("maria") is State.IDLE
    chat.advance(timedelta(hours=24, minutes=1))
    code = ask_for_card(chat, lang)
    later = (chat.now + timedelta(hours=48)).date()
    chat.play([("maria", code, say(m.PAYOUT_CHANGED, method=m.PAYOUT_CARD, date=later))])
    assert method_of(chat) == "card"


@EVERY_LANGUAGE
def test_a_change_dropped_while_it_waits_for_its_code(chat: Chat, lang: Words):
    words = PAYMENT[lang.code]
    chat.worker(lang=lang.code)
    chat.play(
        [
            ("maria", lang[Intent.PAYMENT], (m.PAYOUT_METHOD_NOT_CHOSEN, PICK)),
            ("maria", lang.no, m.PAYOUT_METHOD_KEPT),  # the list, dropped
        ]
    )
    code = ask_for_card(chat, lang)
    chat.play(
        [
            ("maria", words.drop, m.PAYOUT_METHOD_KEPT),
            ("maria", code, m.PAYOUT_CODE_NONE),  # the code no longer works
        ]
    )
    assert method_of(chat) is None
    code = ask_for_card(chat, lang)
    chat.play([("maria", lang[Intent.UNDO], m.PAYOUT_METHOD_KEPT)])  # not a day off's undo
    assert method_of(chat) is None and not chat.world.reservations


@EVERY_LANGUAGE
def test_the_list_shown_again_and_a_code_given_after_another_question(chat: Chat, lang: Words):
    chat.worker(lang=lang.code, cents=20_000)
    chat.play(
        [
            ("maria", lang[Intent.PAYMENT], (m.PAYOUT_METHOD_NOT_CHOSEN, PICK)),
            ("maria", "7", PICK),  # not on the list
            ("maria", "hmm", PICK),
        ]
    )
    code = code_sent(chat.text("maria", "4"))
    chat.play([("maria", lang[Intent.BALANCE], (m.BALANCE, m.DAYS_OFF_AND_HALF))])
    assert chat.state("maria") is State.IDLE
    chat.play([("maria", code, CHANGED_TO_CARD)])  # the change still waited for it
    assert method_of(chat) == "card"


@EVERY_LANGUAGE
def test_the_change_is_announced_on_her_other_channel(chat: Chat, lang: Words):
    chat.worker(lang=lang.code)
    chat.text("maria", lang[Intent.BALANCE], channel="whatsapp")
    code = ask_for_card(chat, lang)  # by SMS
    turn = chat.text("maria", code)
    chat.check(turn, CHANGED_TO_CARD, (sent("maria", "payout_changed", CHANGED_TO_CARD),), code)
    (notice,) = turn.notices
    assert notice.channel == "whatsapp"


def test_payment_is_for_workers(chat: Chat):
    maria = chat.worker()
    chat.household(maria, "ana")
    chat.play(
        [
            ("ana", "payment", m.WORKERS_ONLY),
            ("ana", "123456", m.NOTHING_TO_CONFIRM),  # a household's number is no code
            ("new", "how do i get paid", m.WELCOME),  # someone new is offered to join
        ]
    )


def test_cancel_alone_is_twilio_s_opt_out_even_while_a_code_is_awaited(chat: Chat):
    maria = chat.worker()
    code = ask_for_card(chat, WORDS["en"])
    chat.play([("maria", "cancel", m.OPTED_OUT)])
    assert maria.opted_out == {"sms": True}
    assert chat.state("maria") is State.ENTERING_PAYOUT_CODE  # the question stays
    chat.play([("maria", "START", m.OPTED_IN), ("maria", code, CHANGED_TO_CARD)])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("123456", "123456"),
        ("123 456", "123456"),
        ("my code is 123-456", "123456"),
        ("Código: 654321 👍", "654321"),
        ("12345", None),
        ("1234567", None),
        ("123456 and 7", None),
        ("day off 12/20/2026", None),
    ],
)
def test_a_code_is_six_digits_and_nothing_else(text: str, code: str | None):
    assert code_in(text) == code

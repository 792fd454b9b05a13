"""The reader's parts: typos forgiven only as far as is safe, amounts in words, fillers."""

import pytest

from conversations.understanding.intents import Intent
from conversations.understanding.numbers import amount_cents
from conversations.understanding.reader import read


@pytest.mark.parametrize("text", ["no", "non", "nao", "ana", "ed", "si", "sim", "oo", "kay"])
def test_short_words_are_never_taken_for_typos(text: str):
    assert read(text).sure


@pytest.mark.parametrize(
    ("text", "intent", "corrected"),
    [
        ("blance", Intent.BALANCE, "balance"),
        ("sldo", Intent.BALANCE, "saldo"),
        ("histroy", Intent.HISTORY, "history"),
        ("fogla sexta", Intent.DAY_OFF, "folga sexta"),
        ("dnoe", Intent.DONE, "done"),
    ],
)
def test_a_typo_is_a_guess_to_confirm(text: str, intent: Intent, corrected: str):
    reading = read(text)
    assert (reading.intent, reading.sure, reading.corrected) == (intent, False, corrected)


@pytest.mark.parametrize(
    ("text", "language", "cents", "said_in"),
    [
        ("ten", "en", 1_000, "en"),
        ("diez dolares", "en", 1_000, "es"),
        ("dez", "es", 1_000, "pt_BR"),
        ("dis dola", "en", 1_000, "ht"),
        ("sampung dolyar", "en", 1_000, "tl"),
        ("lima na", "tl", 500, "tl"),
        ("$7.50", "ht", 750, None),
        ("cinco", "es", 500, None),  # Spanish and Portuguese alike
        ("gracias", "es", None, None),
    ],
)
def test_amounts_in_words_and_the_language_they_are_in(
    text: str, language: str, cents: int | None, said_in: str | None
):
    assert amount_cents(text, language) == (cents, said_in if cents else None)


@pytest.mark.parametrize(
    ("text", "intent", "rest"),
    [
        ("i need a day off on friday please", Intent.DAY_OFF, "friday"),
        ("gusto ko ng pahinga sa lunes po", Intent.DAY_OFF, "lunes"),
        ("quiero el viernes libre por favor", Intent.DAY_OFF, "viernes"),
        ("hola, saldo", Intent.BALANCE, ""),
        ("bonjou, konje vandredi souple", Intent.DAY_OFF, "vandredi"),
        ("undo my day off", Intent.UNDO, ""),
        ("yes $10", Intent.YES, "$10"),
        ("add 212 555 0123 la casa", Intent.ADD, "212 555 0123 la casa"),
    ],
)
def test_filler_and_other_intents_words_leave_what_matters(text: str, intent: Intent, rest: str):
    reading = read(text)
    assert (reading.intent, reading.rest) == (intent, rest)


def test_ok_is_an_acknowledgement_and_yes_is_not():
    assert read("ok").ack and read("👍").ack and read("salamat po").ack
    assert not read("yes").ack and not read("no thanks").ack

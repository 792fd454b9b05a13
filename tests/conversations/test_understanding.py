"""The reader's parts: typos forgiven only as far as is safe, amounts in words, fillers."""

import pytest

from conversations.understanding.day_parts import half_day
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


@pytest.mark.parametrize(
    ("text", "language", "cents"),
    [
        ("seven fifty", "en", 750),
        ("five dollars fifty", "en", 550),
        ("five dollars and fifty cents", "en", 550),
        ("one twenty five", "en", 125),
        ("twenty five", "en", 2_500),  # one number, not $20.05
        ("siete cincuenta", "es", 750),
        ("cinco con cincuenta", "es", 550),
        ("sete e cinquenta", "pt_BR", 750),
        ("vinte e cinco e cinquenta", "pt_BR", 2_550),
        ("vinte cinco", "pt_BR", 2_500),  # the "e" left out
        ("set dola senkant", "ht", 750),
        ("pito singkwenta", "tl", 750),
        ("5 dollars 50", "en", 550),
        ("fifty cents", "en", 50),
        ("seven five", "en", None),  # $7.05 or $75? not guessed
        ("2 10", "en", None),  # visit 2, $10: digits alone are never dollars and cents
    ],
)
def test_dollars_and_cents_in_words(text: str, language: str, cents: int | None):
    assert amount_cents(text, language)[0] == cents


@pytest.mark.parametrize(
    ("text", "half", "left"),
    [
        ("i was sick yesterday morning", True, "i was sick yesterday"),
        ("half day yesterday i was sick", True, "yesterday i was sick"),
        ("estuve enferma ayer por la tarde", True, "estuve enferma ayer"),
        ("fiquei doente ontem de manha", True, "fiquei doente ontem"),
        ("demi jounen ye mwen te malad", True, "ye mwen te malad"),
        ("may sakit ako kahapon ng umaga", True, "may sakit ako kahapon"),
        ("i was sick yesterday", False, "i was sick yesterday"),
        ("good morning i was sick yesterday", False, "i was sick yesterday"),
        ("bom dia fiquei doente ontem", False, "fiquei doente ontem"),
        ("estuve enferma manana", False, "estuve enferma manana"),  # tomorrow, not morning
    ],
)
def test_half_a_day_in_a_claim(text: str, half: bool, left: str):
    assert half_day(text) == (half, left)

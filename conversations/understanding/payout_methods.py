"""The ways she may be paid, as people name them in each language ("cash", "efectivo",
"cartão", "kat", "tseke"), read from an answer to the list PAYMENT shows.

Phrases are written without accents, separated by "|". Kreyòl "kat" is a card, and also
the number four: the list shows the card fourth, so either reading picks it.
"""

from functools import cache

from conversations.understanding.tables import FILLER_PHRASES, FILLER_WORDS
from conversations.understanding.text import normalize

METHOD_WORDS: dict[str, str] = {
    "cash": "cash|cash pickup|in cash|efectivo|en efectivo|dinheiro|em dinheiro|especie"
    "|kach|lajan kach|kach lajan",
    "check": "check|cheque|a check|un cheque|chek|tseke|tsek",
    "bank": "bank|bank transfer|direct deposit|deposit|bank account|transfer|banco"
    "|transferencia|transferencia bancaria|deposito|deposito directo|cuenta de banco"
    "|conta bancaria|conta no banco|labank|bank la|transfe|transfe labank|bangko"
    "|deposito sa bangko",
    "card": "card|debit card|my card|tarjeta|tarjeta de debito|cartao|cartao de debito|kat"
    "|kat debi|kard|debit",
}
# Little words around a method ("by card", "por tarjeta", "pelo banco", "sa bangko").
AROUND = frozenset(
    {"by", "with", "via", "through", "por", "con", "en", "pelo", "pela", "no", "em", "na", "sa"}
    | {"ak", "pa", "gamit", "mediante", "un", "una", "uma", "um", "la"}
)


@cache
def _phrases() -> dict[str, str]:
    return {
        phrase: method for method, phrases in METHOD_WORDS.items() for phrase in phrases.split("|")
    }


def method_named(text: str) -> str | None:
    """The payout method a message names (and nothing else), if it names one."""
    plain = normalize(text)
    found = _phrases().get(plain)
    if found is not None:
        return found
    text = f" {plain} "
    for filler in FILLER_PHRASES:
        text = text.replace(f" {filler} ", " ")
    words = [w for w in text.split() if w not in FILLER_WORDS and w not in AROUND]
    return _phrases().get(" ".join(words))


def method_word(method: str) -> str:
    """The first word people use for a method, as a tapped button stands for it."""
    return METHOD_WORDS[method].split("|", 1)[0]

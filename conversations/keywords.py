"""The words people text, per language, and how a message is read into an intent.

The reader lives in `conversations.understanding`; this module keeps the names the flows and
the catalog tests use. Matching is forgiving: case, accents, punctuation, filler words and
typos do not matter, and the words of every language are understood whatever language the
person chose. Twilio's opt-out words count only when they are the whole message, as at
Twilio; they are never menu words (CANCEL is an opt-out word, so a day off is called back
with UNDO).
"""

from conversations.understanding.intents import Intent
from conversations.understanding.menu_words import KEYWORDS, LANGUAGE_NAMES, LANGUAGES
from conversations.understanding.reader import (
    OPT_IN_WORDS,
    TWILIO_OPT_OUT_WORDS,
    Reading,
    _read,
    _read_short,
    read,
)
from conversations.understanding.text import CACHED_LENGTH, _normalize, normalize

__all__ = [
    "CACHED_LENGTH",
    "DEFAULT_FUND_OPT_OUT_WORDS",
    "KEYWORDS",
    "LANGUAGES",
    "LANGUAGE_MENU_ORDER",
    "LANGUAGE_NAMES",
    "OPT_IN_WORDS",
    "OPT_OUT_WORDS",
    "Intent",
    "Reading",
    "_normalize",
    "_read",
    "_read_short",
    "intent_in",
    "language_named",
    "normalize",
    "read",
]

# The fund's own opt-out words in its other languages, unless OPT_OUT_WORDS says otherwise;
# the README asks operators to list the same ones in Twilio's Advanced Opt-Out. CANCELAR is
# not one by default: it is an everyday answer ("cancelar" = no to this day off), and a word in
# Twilio's list ends all texts at Twilio whatever question was open.
DEFAULT_FUND_OPT_OUT_WORDS = frozenset({"parar", "baja"})
OPT_OUT_WORDS = TWILIO_OPT_OUT_WORDS | DEFAULT_FUND_OPT_OUT_WORDS
LANGUAGE_MENU_ORDER = LANGUAGES  # "1 English, 2 Español, ..." in this order


def language_named(text: str) -> str | None:
    """The language a message names (a language's name), if it is only that."""
    plain = normalize(text)
    for code, names in LANGUAGE_NAMES.items():
        if plain in names:
            return code
    return None


def intent_in(text: str, languages: tuple[str, ...]) -> Intent | None:
    """The menu word a message starts with, counting only these languages' words."""
    plain = normalize(text)
    if plain in OPT_OUT_WORDS:
        return Intent.STOP
    if plain in OPT_IN_WORDS:
        return Intent.START
    for language in languages:
        for intent, words in KEYWORDS.get(language, {}).items():
            if any(plain == word or plain.startswith(word + " ") for word in words):
                return intent
    return None

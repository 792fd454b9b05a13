"""The words people text, per language, and how a message is read into an intent.

Matching is forgiving: case, accents and trailing punctuation do not matter, and the
keywords of every language are understood whatever language the person chose (people mix
languages). Twilio's opt-out words count only when they are the whole message, as at
Twilio; they are never menu words (CANCEL is an opt-out word, so a day off is called back
with UNDO).
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

LANGUAGES = ("en", "es", "pt_BR", "ht", "tl")


class Intent(StrEnum):
    """What a message asks for."""

    HELP = "help"
    MENU = "menu"
    LANGUAGE = "language"
    STOP = "stop"
    START = "start"
    BALANCE = "balance"
    HISTORY = "history"
    DAY_OFF = "day_off"
    HALF_DAY = "half_day"
    UNDO = "undo"
    ADD = "add"
    DONE = "done"
    HOUSEHOLDS = "households"
    REMOVE = "remove"
    SCHEDULE = "schedule"  # a household's regular day: EVERY tuesday
    YES = "yes"
    NO = "no"


# Twilio's default opt-out and opt-in words (plus the Spanish ones people use). Only a
# message that is exactly one of these counts.
OPT_OUT_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
    | {"parar", "baja", "cancelar"}
)
OPT_IN_WORDS = frozenset({"start", "unstop"})

KEYWORDS: dict[str, dict[Intent, tuple[str, ...]]] = {
    "en": {
        Intent.HELP: ("help", "info"),
        Intent.MENU: ("menu",),
        Intent.LANGUAGE: ("language",),
        Intent.BALANCE: ("balance", "bal"),
        Intent.HISTORY: ("history",),
        Intent.DAY_OFF: ("day off", "dayoff"),
        Intent.HALF_DAY: ("half day off", "half day", "halfday"),
        Intent.UNDO: ("undo",),
        Intent.ADD: ("add",),
        Intent.DONE: ("done",),
        Intent.HOUSEHOLDS: ("households", "household"),
        Intent.REMOVE: ("remove",),
        Intent.SCHEDULE: ("every",),
        Intent.YES: ("yes", "y", "ok", "okay"),
        Intent.NO: ("no", "n"),
    },
    "es": {
        Intent.HELP: ("ayuda",),
        Intent.MENU: ("menu",),
        Intent.LANGUAGE: ("idioma",),
        Intent.BALANCE: ("saldo",),
        Intent.HISTORY: ("historial",),
        Intent.DAY_OFF: ("dia libre", "dialibre"),
        Intent.HALF_DAY: ("medio dia libre", "medio dia"),
        Intent.UNDO: ("anular",),
        Intent.ADD: ("agregar", "anadir"),
        Intent.DONE: ("listo", "lista"),
        Intent.HOUSEHOLDS: ("casas",),
        Intent.REMOVE: ("quitar",),
        Intent.SCHEDULE: ("cada",),
        Intent.YES: ("si", "s"),
        Intent.NO: ("no",),
    },
    "pt_BR": {
        Intent.HELP: ("ajuda",),
        Intent.MENU: ("menu",),
        Intent.LANGUAGE: ("idioma", "lingua"),
        Intent.BALANCE: ("saldo",),
        Intent.HISTORY: ("historico",),
        Intent.DAY_OFF: ("folga", "dia de folga"),
        Intent.HALF_DAY: ("meia folga", "meio dia de folga", "meio dia"),
        Intent.UNDO: ("desfazer",),
        Intent.ADD: ("adicionar",),
        Intent.DONE: ("pronto", "feito"),
        Intent.HOUSEHOLDS: ("casas",),
        Intent.REMOVE: ("remover", "tirar"),
        Intent.SCHEDULE: ("toda", "todo"),
        Intent.YES: ("sim",),
        Intent.NO: ("nao",),
    },
    "ht": {
        Intent.HELP: ("ed",),
        Intent.MENU: ("meni",),
        Intent.LANGUAGE: ("lang",),
        Intent.BALANCE: ("balans",),
        Intent.HISTORY: ("istwa",),
        Intent.DAY_OFF: ("konje",),
        Intent.HALF_DAY: ("demi konje", "mwatye konje"),
        Intent.UNDO: ("anile",),
        Intent.ADD: ("ajoute",),
        Intent.DONE: ("fini",),
        Intent.HOUSEHOLDS: ("kay yo", "kay"),
        Intent.REMOVE: ("retire",),
        Intent.SCHEDULE: ("chak",),
        Intent.YES: ("wi",),
        Intent.NO: ("non",),
    },
    "tl": {
        Intent.HELP: ("tulong",),
        Intent.MENU: ("menu",),
        Intent.LANGUAGE: ("wika",),
        Intent.BALANCE: ("balanse",),
        Intent.HISTORY: ("kasaysayan",),
        Intent.DAY_OFF: ("pahinga",),
        Intent.HALF_DAY: ("kalahating araw", "kalahati"),
        Intent.UNDO: ("bawiin",),
        Intent.ADD: ("idagdag", "dagdag"),
        Intent.DONE: ("tapos",),
        Intent.HOUSEHOLDS: ("mga amo", "amo"),
        Intent.REMOVE: ("alisin",),
        Intent.SCHEDULE: ("tuwing",),
        Intent.YES: ("oo", "opo"),
        Intent.NO: ("hindi",),
    },
}

# What each language is called, in its own words and in English; any of these switches.
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("english", "ingles", "angle"),
    "es": ("espanol", "spanish", "castellano", "panyol"),
    "pt_BR": ("portugues", "portuguese", "potige"),
    "ht": ("kreyol", "creole", "haitian", "ayisyen", "kreyol ayisyen"),
    "tl": ("tagalog", "filipino", "pilipino"),
}
LANGUAGE_MENU_ORDER = LANGUAGES  # "1 English, 2 Español, ..." in this order


@dataclass(frozen=True)
class Reading:
    """A message read as an intent plus whatever followed the keyword."""

    intent: Intent | None
    rest: str  # the normalized text after the keyword
    text: str  # the whole normalized text


DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d{1,2}\b)")  # 7,50
NOT_KEPT = re.compile(r"[^\w\s$./:+#-]")
FULL_STOP = re.compile(r"(?<!\d)[.:](?!\d)")  # a full stop or colon, not a decimal point
# Short texts (commands, numbers, yes and no) come again and again: read each once per process.
# Longer ones are read every time and never kept.
CACHED_LENGTH = 24


def normalize(text: str) -> str:
    """Lower case, no accents, punctuation as spaces (keeping what numbers and dates need)."""
    return _normalize_short(text) if len(text) <= CACHED_LENGTH else _normalize(text)


def _normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = DECIMAL_COMMA.sub(".", plain)
    plain = NOT_KEPT.sub(" ", plain)
    plain = FULL_STOP.sub(" ", plain)
    return " ".join(plain.split())


_normalize_short = lru_cache(maxsize=4096)(_normalize)


def _phrases() -> list[tuple[str, Intent]]:
    phrases = {
        (word, intent) for words in KEYWORDS.values() for intent, ws in words.items() for word in ws
    }
    # Longest first, so that "half day" wins over "day off" and "medio dia libre" over "dia libre".
    return sorted(phrases, key=lambda pair: -len(pair[0]))


PHRASES = _phrases()


def read(text: str) -> Reading:
    """Find the keyword the message starts with, in any language."""
    return _read_short(text) if len(text) <= CACHED_LENGTH else _read(text)


def _read(text: str) -> Reading:
    plain = normalize(text)
    if plain in OPT_OUT_WORDS:
        return Reading(Intent.STOP, "", plain)
    if plain in OPT_IN_WORDS:
        return Reading(Intent.START, "", plain)
    for phrase, intent in PHRASES:
        if plain == phrase or plain.startswith(phrase + " "):
            return Reading(intent, plain[len(phrase) :].strip(), plain)
    return Reading(None, plain, plain)


_read_short = lru_cache(maxsize=4096)(_read)


def language_named(text: str) -> str | None:
    """The language a message names (a language's name), if it is only that."""
    plain = normalize(text)
    for code, names in LANGUAGE_NAMES.items():
        if plain in names:
            return code
    return None


def intent_in(text: str, languages: tuple[str, ...]) -> Intent | None:
    """The keyword a message starts with, counting only these languages' words."""
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

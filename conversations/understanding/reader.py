"""A message read into what it asks for: an intent, what follows it, and how sure we are.

Every language's words are understood whatever language the person chose (people mix
languages); the one language a message's words belong to is noted, so that a household is
answered in the language it writes in. Twilio's opt-out words count only as the whole message.
"""

from dataclasses import dataclass
from functools import lru_cache

from conversations.understanding.fuzzy import Corrector
from conversations.understanding.intents import Intent
from conversations.understanding.numbers import is_number_word
from conversations.understanding.tables import (
    FILLER_PHRASES,
    FILLER_WORDS,
    PHRASES,
    PRIORITY,
    Phrase,
    fuzzy_choices,
    known_words,
)
from conversations.understanding.text import CACHED_LENGTH, normalize, with_emoji_words

# Twilio's opt-out and opt-in words: the whole message, always (Twilio acts on them itself).
TWILIO_OPT_OUT_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
)
OPT_IN_WORDS = frozenset({"start", "unstop"})
# Intents whose words, when misspelt, are worth a "did you mean...?" question.
GUESSABLE = frozenset(
    {
        Intent.BALANCE,
        Intent.HISTORY,
        Intent.DAY_OFF,
        Intent.HALF_DAY,
        Intent.UNDO,
        Intent.DONE,
        Intent.HELP,
        Intent.MENU,
        Intent.LANGUAGE,
        Intent.HOUSEHOLDS,
    }
)


@dataclass(frozen=True)
class Reading:
    """A message read as an intent plus whatever followed the keyword."""

    intent: Intent | None
    rest: str  # the normalized text without the intent's words and filler words
    text: str  # the whole normalized text
    sure: bool = True  # False: a typo's likeliest meaning, to be confirmed
    language: str | None = None  # the one language the message's words belong to
    ack: bool = False  # only "ok" or thanks: yes to a question, a friendly word otherwise
    corrected: str = ""  # a guess: the text with the misspelt word put right


def read(text: str) -> Reading:
    """What a message asks for, in any language."""
    return _read_short(text) if len(text) <= CACHED_LENGTH else _read(text)


def _read(text: str) -> Reading:
    plain = normalize(with_emoji_words(text))
    if plain in TWILIO_OPT_OUT_WORDS:
        return Reading(Intent.STOP, "", plain)
    if plain in OPT_IN_WORDS:
        return Reading(Intent.START, "", plain)
    words = plain.split()
    found = _matches(words)
    if not found:
        return _guess(plain, words)
    best = min(found, key=lambda match: (PRIORITY[match[1].intent], match[0], -match[1].size))
    _, phrase = best
    if phrase.at_start:
        rest = " ".join(words[phrase.size :])
    else:
        covered = _covered(found, phrase.intent)
        rest = _without_fillers([w for i, w in enumerate(words) if i not in covered])
    return Reading(
        phrase.intent, rest, plain, language=_language(found), ack=_only_ack(found, words)
    )


_read_short = lru_cache(maxsize=4096)(_read)


def _matches(words: list[str]) -> list[tuple[int, Phrase]]:
    """Every phrase found in the words, with where it starts."""
    content = _without_fillers(words).split()
    found = []
    for start, word in enumerate(words):
        for phrase in PHRASES.get(word, ()):
            if tuple(words[start : start + phrase.size]) != phrase.words:
                continue
            if phrase.at_start and start != 0:
                continue
            if phrase.whole and tuple(content) != phrase.words:
                continue
            found.append((start, phrase))
    return found


def _covered(found: list[tuple[int, Phrase]], intent: Intent) -> set[int]:
    """The positions of the words that said the intent (and, for UNDO, the day off undone)."""
    related = {intent, Intent.GREETING, Intent.THANKS}  # "hola, saldo" is just the balance
    if intent is Intent.UNDO:
        related |= {Intent.DAY_OFF, Intent.HALF_DAY}
    if intent in (Intent.YES, Intent.NO):
        related |= {Intent.YES, Intent.NO, Intent.THANKS}
    return {
        start + offset
        for start, phrase in found
        if phrase.intent in related
        for offset in range(phrase.size)
    }


def _without_fillers(words: list[str]) -> str:
    """The words without politeness and filler ("por favor", "i want", "po")."""
    text = f" {' '.join(words)} "
    for filler in FILLER_PHRASES:
        text = text.replace(f" {filler} ", " ")
    return " ".join(w for w in text.split() if w not in FILLER_WORDS)


def _language(found: list[tuple[int, Phrase]]) -> str | None:
    """The one language every phrase found belongs to, if there is one."""
    languages: frozenset[str] | None = None
    for _, phrase in found:
        languages = phrase.languages if languages is None else languages & phrase.languages
    return next(iter(languages)) if languages and len(languages) == 1 else None


def _only_ack(found: list[tuple[int, Phrase]], words: list[str]) -> bool:
    """Only "ok", "thanks" and the like (and filler): no question is answered by it."""
    covered = {start + i for start, phrase in found for i in range(phrase.size)}
    acks = [phrase for _, phrase in found if phrase.intent is Intent.THANKS or phrase.ack]
    others = [
        phrase for _, phrase in found if phrase.intent is not Intent.THANKS and not phrase.ack
    ]
    uncovered = _without_fillers([w for i, w in enumerate(words) if i not in covered])
    return bool(acks) and not others and not uncovered


def _guess(plain: str, words: list[str]) -> Reading:
    """No known word: the likeliest command a misspelt word was meant to be, to confirm."""
    for position, word in enumerate(words):
        choice = _corrector().correct(word)
        if choice is None:
            continue
        corrected = " ".join([*words[:position], choice, *words[position + 1 :]])
        reading = _read(corrected)
        if reading.intent in GUESSABLE:
            return Reading(reading.intent, reading.rest, plain, sure=False, corrected=corrected)
    return Reading(None, _without_fillers(words), plain)


@lru_cache(maxsize=1)
def _corrector() -> Corrector:
    return Corrector(fuzzy_choices(GUESSABLE), known_words(), also_known=is_number_word)

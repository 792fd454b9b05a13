"""The reader's tables, built once per process from the menu words and the vocabulary."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from conversations.understanding.intents import Intent
from conversations.understanding.menu_words import KEYWORDS
from conversations.understanding.vocabulary import ACK_WORDS, EXTRA, FILLERS

# When a message says several things, the first of these wins ("undo my day off" is UNDO,
# "no thanks" is NO, "hola, saldo" is BALANCE).
ORDER = (
    Intent.STOP,
    Intent.START,
    Intent.ADD,
    Intent.REMOVE,
    Intent.NAME,
    Intent.HOUSEHOLDS,
    Intent.SCHEDULE,
    Intent.DROP,
    Intent.MISSED,
    Intent.UNDO,
    Intent.HALF_DAY,
    Intent.DAY_OFF,
    Intent.DONE,
    Intent.BALANCE,
    Intent.HISTORY,
    Intent.MORE,
    Intent.LANGUAGE,
    Intent.MENU,
    Intent.HELP,
    Intent.WHO_IS_THIS,
    Intent.AMOUNT,  # before NO: "no, another amount" asks for the amount
    Intent.NO,
    Intent.YES,
    Intent.PAYMENT,  # after YES and NO: "oo, bayaran ko" from a household is its yes
    Intent.INSURANCE,  # after YES: "si, seguro" is "yes, sure"
    Intent.THANKS,
    Intent.GREETING,
)
PRIORITY = {intent: rank for rank, intent in enumerate(ORDER)}
# Menu words whose text that follows is data (a phone number, a list number, a weekday).
AT_START = frozenset(
    {Intent.NAME, Intent.ADD, Intent.REMOVE, Intent.HOUSEHOLDS, Intent.SCHEDULE, Intent.DROP}
)
# Menu words too short or too common to count in the middle of a message ("y" is "and" in
# Spanish, "lang" "only" in Tagalog).
START_ONLY_WORDS = frozenset({"y", "n", "s", "lang", "bal"})


@dataclass(frozen=True)
class Phrase:
    """Words that say an intent, and the languages that say it so."""

    words: tuple[str, ...]
    intent: Intent
    languages: frozenset[str]
    at_start: bool = False  # only at the start of a message
    whole: bool = False  # only as the whole message (filler aside)

    @property
    def size(self) -> int:
        return len(self.words)

    @property
    def ack(self) -> bool:
        """A word that says yes to a question and is a friendly "ok" outside one."""
        return self.words[0] in ACK_WORDS and self.size == 1


def _entries() -> Iterable[tuple[str, Intent, str]]:
    for language, table in KEYWORDS.items():
        for intent, words in table.items():
            for word in words:
                marker = "^" if intent in AT_START or word in START_ONLY_WORDS else ""
                yield language, intent, marker + word
    for language, extra in EXTRA.items():
        for intent, phrases in extra.items():
            for phrase in phrases.split("|"):
                marker = "^" if intent in AT_START and phrase[0] not in "^=" else ""
                yield language, intent, marker + phrase


def _phrases() -> dict[str, tuple[Phrase, ...]]:
    """Each phrase once, with every language that has it, indexed by its first word."""
    languages: dict[tuple[str, Intent], set[str]] = defaultdict(set)
    for language, intent, phrase in _entries():
        languages[(phrase, intent)].add(language)
    index: dict[str, list[Phrase]] = defaultdict(list)
    for (phrase, intent), spoken_in in languages.items():
        words = tuple(phrase.lstrip("^=").split())
        entry = Phrase(
            words, intent, frozenset(spoken_in), phrase.startswith("^"), phrase.startswith("=")
        )
        index[words[0]].append(entry)
    return {word: tuple(entries) for word, entries in index.items()}


PHRASES = _phrases()
_FILLERS = {filler for table in FILLERS.values() for filler in table.split("|")}
FILLER_WORDS = frozenset(f for f in _FILLERS if " " not in f)
FILLER_PHRASES = tuple(sorted((f for f in _FILLERS if " " in f), key=len, reverse=True))


def known_words() -> frozenset[str]:
    """Every word in the tables: never taken for a typo of another."""
    words = {w for entries in PHRASES.values() for p in entries for w in p.words}
    return frozenset(words | {w for f in _FILLERS for w in f.split()})


def fuzzy_choices(intents: frozenset[Intent]) -> list[str]:
    """Single words of these intents long enough to be misspelt recognisably."""
    return sorted(
        {
            p.words[0]
            for entries in PHRASES.values()
            for p in entries
            if p.intent in intents and p.size == 1 and len(p.words[0]) >= 4
        }
    )

"""Half a day in a claim for a missed day: "half day", "medio día", "meio dia", "demi jounen",
"kalahating araw", or a part of the day ("yesterday morning", "ayer por la tarde", "ontem à
tarde", "yè maten", "kahapon ng umaga").

Greetings are set aside first: "good morning" and "bom dia" say nothing about the day.
"""

from conversations.understanding.intents import Intent
from conversations.understanding.tables import PHRASES

# Written without accents, separated by "|". Bare "mañana" is tomorrow, so only "la mañana".
HALF_DAY_WORDS = {
    "en": "half day off|half a day|half day|halfday|half|in the morning|this morning|morning"
    "|in the afternoon|this afternoon|afternoon",
    "es": "medio dia libre|medio dia|mediodia|media jornada|por la manana|en la manana"
    "|de la manana|la manana|por la tarde|en la tarde|de la tarde|la tarde|tarde",
    "pt_BR": "meio dia de folga|meio dia|meio periodo|meia folga|meia|de manha|pela manha"
    "|na manha|manha|de tarde|pela tarde|a tarde|na tarde|tarde",
    "ht": "demi jounen|demi konje|demi|mwatye jounen|mwatye|nan maten|maten|nan apremidi"
    "|apremidi|apre midi",
    "tl": "kalahating araw na pahinga|kalahating araw|kalahati|half day|ng umaga|sa umaga"
    "|kaninang umaga|umaga|ng hapon|sa hapon|kaninang hapon|hapon",
}
MARKERS = tuple(
    sorted(
        {phrase for words in HALF_DAY_WORDS.values() for phrase in words.split("|")},
        key=lambda phrase: (-len(phrase.split()), -len(phrase)),
    )
)
GREETINGS = tuple(
    " ".join(phrase.words)
    for entries in PHRASES.values()
    for phrase in entries
    if phrase.intent is Intent.GREETING and phrase.size > 1
)


def half_day(plain: str) -> tuple[bool, str]:
    """Whether a normalized text claims half a day, and the text without the words saying so
    (and without greetings)."""
    text = f" {plain} "
    for greeting in GREETINGS:
        text = text.replace(f" {greeting} ", " ")
    half = False
    for marker in MARKERS:
        if f" {marker} " in text:
            text = text.replace(f" {marker} ", " ")
            half = True
    return half, " ".join(text.split())

"""Render conversation messages into SMS or WhatsApp text in a person's language, from locales/.

The .po catalogs are the source of truth: each is compiled in memory when first used, so a
stale or missing .mo can never silently turn a language into English. Money and dates are
formatted with Babel; Kreyòl day and month names come from this module, since CLDR has none.
Texts and names go out as written by WhatsApp; by SMS too, unless dropping the accents GSM-7
lacks saves a segment (fit_sms): "trabajó" folded is "trabajo", another word.
"""

import io
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from babel.support import Translations

from conversations.keywords import LANGUAGES
from conversations.messages import LIST_ITEM, Message
from conversations.segments import count_segments, fold_to_gsm, is_gsm7, sms_safe
from conversations.talk import Choices, Money, Month, Param, Say, Weekday

LOCALES = Path(__file__).resolve().parents[2] / "locales"

# Babel locales for formatting: US-based people, so US-style money where CLDR allows.
FORMAT_LOCALES = {"en": "en_US", "es": "es_US", "pt_BR": "pt_BR", "ht": "en_US", "tl": "fil_PH"}
DAY_PATTERNS = {"en": "EEE MMM d", "es": "EEE d MMM", "pt_BR": "EEE d MMM", "tl": "EEE d MMM"}
KREYOL_DAYS = ("lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch")
KREYOL_MONTHS = ("jan", "fev", "mas", "avr", "me", "jen", "jiy", "out", "sep", "okt", "nov", "des")


class MissingCatalog(RuntimeError):
    """A language has no catalog in locales/."""


@cache
def translations(language: str, domain: str = "messages") -> Translations:
    """The language's catalog of a domain (messages; dashboard), compiled from its .po file."""
    path = LOCALES / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.is_file():
        raise MissingCatalog(f"no catalog for {language!r} at {path}")
    with path.open("rb") as source:
        catalog = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def load_all() -> None:
    """Compile every catalog now (at start-up), so a broken one fails early."""
    for language in LANGUAGES:
        translations(language)


def gettext(message: Message, language: str, count: int | None = None) -> str:
    """The message in the language (the plural form chosen by count)."""
    catalog = translations(language)
    if message.plural is not None:
        return catalog.ngettext(message.msgid, message.plural, count if count is not None else 1)
    return catalog.gettext(message.msgid)


# Babel takes tens of microseconds a value and the same amounts and days come back: each is
# formatted once per process (the caches are bounded; values, never whole texts, are kept).
@lru_cache(maxsize=8192)
def format_money(money: Money, language: str) -> str:
    """Cents as the language writes money; integer arithmetic until the last step."""
    amount = Decimal(money.cents).scaleb(-2)
    text = format_currency(amount, "USD", locale=FORMAT_LOCALES.get(language, "en_US"))
    return f"+{text}" if money.signed and money.cents > 0 else text


@lru_cache(maxsize=4096)
def format_day(day: date, language: str) -> str:
    """A short day: 'Fri Nov 27', 'vie 27 nov', 'vandredi 27 nov'."""
    if language == "ht":
        return f"{KREYOL_DAYS[day.weekday()]} {day.day} {KREYOL_MONTHS[day.month - 1]}"
    return format_date(
        day, DAY_PATTERNS.get(language, "EEE d MMM"), locale=FORMAT_LOCALES[language]
    )


@lru_cache(maxsize=1024)
def format_month(month: Month, language: str) -> str:
    """A month and year: 'Dec 2026', 'dic 2026', 'des 2026'."""
    if language == "ht":
        return f"{KREYOL_MONTHS[month.month - 1]} {month.year}"
    first = date(month.year, month.month, 1)
    return format_date(first, "MMM yyyy", locale=FORMAT_LOCALES[language])


@lru_cache(maxsize=64)
def format_weekday(weekday: Weekday, language: str) -> str:
    """A day of the week: 'Tuesday', 'martes', 'madi'."""
    if language == "ht":
        return KREYOL_DAYS[weekday.index]
    names = get_day_names("wide", locale=FORMAT_LOCALES[language])
    return names[weekday.index]


def render(says: Iterable[Say], language: str, *, sms: bool = True) -> str:
    """The sentences as one text in the language: as written for WhatsApp (no segments
    there), and for SMS as written unless folding accents saves a segment (fit_sms)."""
    text = "".join(
        ("\n" if say.line else " ") * bool(n) + _sentence(say, language)
        for n, say in enumerate(says)
    )
    return fit_sms(text) if sms else text


def fit_sms(text: str) -> str:
    """The text as SMS sends it: as written (Babel's no-break spaces and curly quotes plain,
    which is free), unless dropping the accents GSM-7 lacks (á -> a, ç -> c) saves a segment;
    GSM-7's own letters (é, ñ, ò, Ç) are never dropped.

    One letter outside GSM-7 makes the whole text UCS-2 (70 units a segment, not 160), so
    folding is all of the text or none of it. Folding changes words ("trabajó" -> "trabajo",
    "peça" -> "peca"), so it is done only where it pays. Fitting a fitted text again changes
    nothing."""
    plain = sms_safe(text)
    if is_gsm7(plain):  # the usual reply: nothing to weigh
        return plain
    folded = fold_to_gsm(plain)
    if count_segments(folded).segments < count_segments(plain).segments:
        return folded
    return plain


def _sentence(say: Say, language: str) -> str:
    template = gettext(say.message, language, say.count)
    values = {name: _value(value, language) for name, value in say.params.items()}
    if say.count is not None:
        values["count"] = say.count  # type: ignore[assignment]
    return template % values if values else template


def format_value(value: Param, language: str) -> str:
    """One value as the language writes it: money, a day, a message id, a list, a name."""
    return _value(value, language)


def _value(value: Param, language: str) -> str:
    for kind, formatter in FORMATTERS:
        if isinstance(value, kind):
            return formatter(value, language)
    return str(value)


def _text(text: str, _language: str) -> str:
    return text  # names as people wrote them: fit_sms folds them only to save a segment


def _label(parts: tuple[Param, ...], language: str) -> str:
    """A composite label: '#2 Maria Fri Nov 27'."""
    return " ".join(_value(part, language) for part in parts)


def _choices(choices: Choices, language: str) -> str:
    labels = [_value(label, language) for label in choices.labels]
    if not choices.numbered:
        return ", ".join(labels)
    item = gettext(LIST_ITEM, language)
    return ", ".join(item % {"number": n, "label": label} for n, label in enumerate(labels, 1))


FORMATTERS: tuple[tuple[type, Callable[[Any, str], str]], ...] = (
    (Money, format_money),
    (Month, format_month),
    (Weekday, format_weekday),
    (date, format_day),
    (Message, gettext),
    (Choices, _choices),
    (tuple, _label),
    (str, _text),
)

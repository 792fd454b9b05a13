"""The dashboard in the staff member's language: choosing it, its catalog, dates and money.

Texts live in the `dashboard` gettext domain (locales/<language>/LC_MESSAGES/dashboard.po),
compiled in memory by `bot.texting.texts.translations` like the conversation's catalogs. Templates
use Jinja's i18n extension; Python code marks texts with `N_` and translates with `gettext`.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_request_context, request, session

from bot.infra.orm import as_utc
from bot.infra.phone import mask_phone
from bot.texting import texts
from conversations.keywords import LANGUAGES
from conversations.talk import Money

DOMAIN = "dashboard"
DEFAULT_LANGUAGE = "en"
# Accept-Language tags for each catalog; `fil` is the ISO code for Filipino (Tagalog).
TAGS = {"en": "en", "es": "es", "pt-BR": "pt_BR", "ht": "ht", "tl": "tl", "fil": "tl"}
# Each language in its own name, as language pickers do, so anyone can find hers.
ENDONYMS = {
    "en": "English",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "ht": "Kreyòl ayisyen",
    "tl": "Tagalog",
}


def N_(message: str) -> str:
    """Mark a text for extraction; it is translated where it is shown."""
    return message


def install(app: Flask) -> None:
    """Give the app's templates `_`/`gettext`/`ngettext` and the formatting filters."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, newstyle=True
    )
    app.jinja_env.filters.update(
        money=money, moment=moment, day=day, phone=masked_phone, number=number, weekday=weekday
    )
    app.jinja_env.globals["endonyms"] = ENDONYMS


def choose_language() -> str:
    """The language the staff member picked, else the browser's best match, else English."""
    picked = session.get("language")
    if picked in LANGUAGES:
        return str(picked)
    tag = request.accept_languages.best_match(TAGS, default="en")
    return TAGS.get(tag, DEFAULT_LANGUAGE)


def language() -> str:
    """The current request's language (English outside a request)."""
    return str(g.get("language", DEFAULT_LANGUAGE)) if has_request_context() else "en"


def gettext(message: str) -> str:
    """The text in the current language."""
    return texts.translations(language(), DOMAIN).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural text in the current language, chosen by count."""
    return texts.translations(language(), DOMAIN).ngettext(singular, plural, count)


def load_all() -> None:
    """Compile every dashboard catalog now, so a broken one fails at start-up."""
    for code in LANGUAGES:
        texts.translations(code, DOMAIN)


def money(cents: int) -> str:
    """Cents as the language writes money: $1,234.50, US$ 1.234,50."""
    return texts.format_money(Money(cents), language())


def number(value: float) -> str:
    """A count or a number of days, with the language's separators."""
    return format_decimal(value, locale=_locale())


def day(value: date) -> str:
    """A calendar day, such as 'Nov 27, 2026' (Kreyòl names from bot.texting.texts)."""
    if language() == "ht":
        return f"{value.day} {texts.KREYOL_MONTHS[value.month - 1]} {value.year}"
    return format_date(value, "medium", locale=_locale())


def weekday(index: int) -> str:
    """A day of the week (0 is Monday): 'Tuesday', 'martes', 'madi'."""
    if language() == "ht":
        return texts.KREYOL_DAYS[index]
    return get_day_names("wide", locale=_locale())[index]


def moment(value: datetime | None) -> str:
    """A stored moment in the fund's time zone, to the minute."""
    if value is None:
        return ""
    zone = ZoneInfo(current_app.extensions["runtime"].settings.default_time_zone)
    local = as_utc(value).astimezone(zone)
    if language() == "ht":
        clock = local.strftime("%H:%M")
    else:
        clock = format_time(local, "short", locale=_locale())
    return f"{day(local.date())} {clock}"


def masked_phone(phone: str) -> str:
    """A number with its middle digits hidden, such as +1 212•••0123."""
    try:
        parsed = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return mask_phone(phone)
    national = str(parsed.national_number)
    lead = max(0, min(3, len(national) - 7))  # at least three digits stay hidden
    return f"+{parsed.country_code} {national[:lead]}•••{national[-4:]}"


def _locale() -> str:
    return texts.FORMAT_LOCALES.get(language(), "en_US")

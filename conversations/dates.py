"""The day a person means by a few words ("friday", "el viernes", "demen", "12/5"), in her language.

Today, tomorrow, yesterday, the day after tomorrow, weekday names and numeric dates are read
here, the same way in every language; anything else ("5 de diciembre", "dec 5") goes to
dateparser with the person's language first and English second, never auto-detected. Haitian
Creole, which dateparser does not know, is read here entirely (plus English through dateparser).
"""

import datetime
import re
from typing import Literal

from dateparser.date import DateDataParser
from rapidfuzz.distance import DamerauLevenshtein
from text_to_num import alpha2digit

from conversations.keywords import normalize

Prefer = Literal["future", "past"]

MAX_LENGTH = 100  # longer text names no day, and would only make dateparser slow

DATEPARSER_LANGUAGES = {
    "en": ["en"],
    "es": ["es", "en"],
    "pt_BR": ["pt", "en"],
    "ht": ["en"],
    "tl": ["tl", "en"],
}
WARM_UP_TEXTS = {
    "en": "dec 5",
    "es": "5 de diciembre",
    "pt_BR": "5 de dezembro",
    "ht": "dec 5",
    "tl": "5 disyembre",
}

# Leading words dateparser trips on ("el viernes", "na sexta"); English's apply in every language.
FILLERS = {
    "en": frozenset({"on", "this", "for", "the", "next"}),
    "es": frozenset({"el", "la", "este", "esta", "proximo", "proxima", "para", "de", "del", "dia"}),
    "pt_BR": frozenset(
        {"na", "no", "dia", "proxima", "proximo", "nesta", "neste", "esta", "este", "para"}
    ),
    "ht": frozenset({"pou", "nan", "jou", "pwochen"}),
    "tl": frozenset({"sa", "ngayong", "susunod", "na"}),
}
NEXT_WORDS = frozenset({"next", "proximo", "proxima", "pwochen", "susunod"})
NEXT_SUFFIXES = (" que viene", " que vem")  # "viernes que viene", "sexta que vem"

# Yesterday, today, tomorrow and the day after, each as "|"-separated names.
RELATIVE_NAMES = {
    "en": ("yesterday", "today", "tomorrow|tmrw|tmr", "day after tomorrow"),
    "es": ("ayer", "hoy", "manana", "pasado manana"),
    "pt_BR": ("ontem", "hoje", "amanha", "depois de amanha"),
    "ht": ("ye", "jodi a|jodia|jodi", "demen", "apre demen|apredemen"),
    "tl": ("kahapon", "ngayon|ngayong araw", "bukas", "makalawa|sa makalawa"),
}
# The day before yesterday, which dateparser does not know in every language.
TWO_DAYS_AGO = {
    "en": "day before yesterday",
    "es": "anteayer|antier|antes de ayer",
    "pt_BR": "anteontem|antes de ontem",
    "ht": "avanye|avan ye",
    "tl": "kamakalawa",
}
RELATIVE_DAYS = {
    language: {name: offset for offset, names in enumerate(table, -1) for name in names.split("|")}
    | dict.fromkeys(TWO_DAYS_AGO[language].split("|"), -2)
    for language, table in RELATIVE_NAMES.items()
}
# Number words dateparser misses ("hace dos dias"), written as digits first (text2num).
TEXT2NUM_LANGUAGES = {"en": "en", "es": "es", "pt_BR": "pt"}

# Monday to Sunday, separated by spaces, each as "|"-separated names and abbreviations.
WEEKDAY_NAMES = {
    "en": "monday|mon tuesday|tue|tues wednesday|wed thursday|thu|thur|thurs friday|fri "
    "saturday|sat sunday|sun",
    "es": "lunes|lun martes|mar miercoles|mie jueves|jue viernes|vie sabado|sab domingo|dom",
    "pt_BR": "segunda|seg terca|ter quarta|qua quinta|qui sexta|sex sabado|sab domingo|dom",
    "ht": "lendi madi mekredi jedi vandredi samdi dimanch",
    "tl": "lunes martes miyerkules|miyerkoles huwebes biyernes sabado linggo",
}
WEEKDAYS = {
    language: {name: day for day, names in enumerate(table.split()) for name in names.split("|")}
    for language, table in WEEKDAY_NAMES.items()
}
MIN_FUZZY_DAY = 5  # shorter words are too near each other ("mar", "sab") to guess
FULL_WEEKDAYS_ANY = {
    name: day
    for table in WEEKDAYS.values()
    for name, day in table.items()
    if len(name) >= MIN_FUZZY_DAY
}
KREYOL_MONTH_NAMES = "janvye fevriye mas avril me jen jiye out septanm oktob novanm desanm"
KREYOL_MONTHS = {name: number for number, name in enumerate(KREYOL_MONTH_NAMES.split(), 1)}
NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?")
KREYOL_DATE = re.compile(r"(\d{1,2}) ([a-z]+)(?: (\d{4}))?")
A_WORD = re.compile(r"[a-z]{3}")  # dateparser reads "a", "2" or "5th" as months
# A day of the month alone: "15th", "ika-15", "15 an"; a bare "15" only after "the", "el", "dia".
DAY_OF_MONTH = re.compile(r"(?:ika-?\s?)?(\d{1,2})(?:st|nd|rd|th|\s+an|\s+la)?")
MARKED_DAY = re.compile(r"ika.*|.*\D")
LONGEST_DAY_WORDS = 4  # "day before yesterday", "hace 2 dias": a day named inside a sentence


def parse_day(
    text: str, language: str, today: datetime.date, prefer: Prefer = "future"
) -> datetime.date | None:
    """The day a person means by `text`, in her language, relative to `today` (already in her
    time zone); None if it names no day. Without a year, "future" picks the first such day on or
    after today and "past" the last on or before it; a weekday that is today's means today."""
    plain = normalize(text) if len(text) <= MAX_LENGTH else ""
    if not plain or "$" in plain:
        return None
    rest, after_next = _strip_fillers(plain, language)
    relative = RELATIVE_DAYS["en"] | RELATIVE_DAYS[language]
    offset = relative.get(plain, relative.get(rest))
    if offset is not None:
        return today + datetime.timedelta(days=offset)
    weekday = _weekday(rest.removesuffix("-feira").removesuffix(" feira"), language)
    if weekday is not None:
        if after_next and rest == "linggo":  # "sa susunod na linggo" is "next week"
            return None
        return _on_weekday(weekday, today, prefer, after_next=after_next)
    day = _numeric_date(rest, language, today, prefer)
    if day is None and (rest != plain or MARKED_DAY.fullmatch(rest)):
        day = day_of_month(rest, today, prefer)
    if day is None and language == "ht":
        day = _kreyol_date(rest, today, prefer)
    if day is None and A_WORD.search(rest):
        day = _dateparser_day(_digits(rest, language), language, today, prefer)
    return day


def day_of_month(
    text: str, today: datetime.date, prefer: Prefer = "future"
) -> datetime.date | None:
    """The day of the month a text names ("15", "15th", "ika-15"): the first such date on or
    after today ("future"), or the last on or before it ("past")."""
    match = DAY_OF_MONTH.fullmatch(text)
    if match is None or not 1 <= int(match[1]) <= 31:
        return None
    step = 1 if prefer == "future" else -1
    month = today.year * 12 + today.month - 1
    for months in range(4):  # the 31st is at most two months away
        year, index = divmod(month + step * months, 12)
        try:
            candidate = datetime.date(year, index + 1, int(match[1]))
        except ValueError:
            continue
        if (candidate - today).days * step >= 0:
            return candidate
    return None


def find_day(
    text: str, language: str, today: datetime.date, prefer: Prefer = "future"
) -> datetime.date | None:
    """The day named somewhere in a sentence ("el sabado no fui porque estaba enferma"): the
    whole text first, then its longest run of words that names a day, the earliest first."""
    day = parse_day(text, language, today, prefer)
    words = text.split()
    for size in range(min(len(words) - 1, LONGEST_DAY_WORDS), 0, -1):
        for start in range(len(words) - size + 1):
            part = " ".join(words[start : start + size])
            if size == 1 and part in FILLERS["en"] | FILLERS[language]:
                continue
            day = day or parse_day(part, language, today, prefer)
    return day


def loosely_past(text: str, language: str, today: datetime.date) -> datetime.date | None:
    """A past time named loosely ("2 weeks ago", "hace un mes"): its day, to tell that it is
    too long ago; a day named in the sentence first."""
    day = parse_day(text, language, today, prefer="past")
    if day is None and A_WORD.search(text) and len(text) <= MAX_LENGTH:
        day = _dateparser_day(_digits(text, language), language, today, "past", any_period=True)
    return day or find_day(text, language, today, prefer="past")


def _weekday(word: str, language: str) -> int | None:
    """Monday 0 ... Sunday 6 for a weekday's name: in English or her language (short forms
    too), in another of the fund's languages (full names: people mix them), or one slip away
    from a full name in hers or English ("biernes", "byernes", "fridy")."""
    found = (WEEKDAYS["en"] | WEEKDAYS[language]).get(word)
    if found is None:
        found = FULL_WEEKDAYS_ANY.get(word)
    if found is None and len(word) >= MIN_FUZZY_DAY:
        close = [
            day
            for name, day in (WEEKDAYS["en"] | WEEKDAYS[language]).items()
            if len(name) >= MIN_FUZZY_DAY and DamerauLevenshtein.distance(word, name) == 1
        ]
        found = close[0] if len(set(close)) == 1 else None
    return found


def _digits(text: str, language: str) -> str:
    """Number words as digits, in her language ("hace dos dias" -> "hace 2 dias")."""
    code = TEXT2NUM_LANGUAGES.get(language)
    return alpha2digit(text, code, threshold=0) if code else text


def warm_up() -> None:
    """Load dateparser's data for every supported language now (the first parse in a language
    costs about 300 ms), so that the first text after a start is not slow."""
    for language, text in WARM_UP_TEXTS.items():
        _dateparser_day(text, language, datetime.date.today(), "future")


def _strip_fillers(plain: str, language: str) -> tuple[str, bool]:
    """The text without leading filler words ("el", "na", "this"), and whether it said "next"."""
    fillers = FILLERS["en"] | FILLERS[language]
    words = plain.split()
    after_next = False
    while words and words[0] in fillers:
        after_next |= words.pop(0) in NEXT_WORDS
    rest = " ".join(words)
    for suffix in NEXT_SUFFIXES:
        if rest.endswith(suffix):
            rest, after_next = rest.removesuffix(suffix), True
    return rest, after_next


def _on_weekday(
    weekday: int, today: datetime.date, prefer: Prefer, *, after_next: bool
) -> datetime.date:
    """The nearest date with that weekday (Monday 0) on or after today, or on or before it for
    "past"; a week later when "next" names today's weekday."""
    if prefer == "past":
        return today - datetime.timedelta(days=(today.weekday() - weekday) % 7)
    ahead = (weekday - today.weekday()) % 7
    return today + datetime.timedelta(days=ahead or (7 if after_next else 0))


def _numeric_date(
    rest: str, language: str, today: datetime.date, prefer: Prefer
) -> datetime.date | None:
    """A numeric date: month first in English ("12/5" is Dec 5), day first elsewhere; the other
    order when the first cannot be a month ("13/5" is May 13 in English too)."""
    match = NUMERIC_DATE.fullmatch(rest)
    if match is None:
        return None
    first, second = int(match[1]), int(match[2])
    month, day = (first, second) if language == "en" else (second, first)
    if month > 12:  # it can only be the day
        month, day = day, month
    return _resolve(month, day, match[3], today, prefer)


def _kreyol_date(rest: str, today: datetime.date, prefer: Prefer) -> datetime.date | None:
    """A date with a Haitian Creole month name, day first: "5 desanm", "5 desanm 2026"."""
    match = KREYOL_DATE.fullmatch(rest)
    if match is None or match[2] not in KREYOL_MONTHS:
        return None
    return _resolve(KREYOL_MONTHS[match[2]], int(match[1]), match[3], today, prefer)


def _resolve(
    month: int, day: int, year: str | None, today: datetime.date, prefer: Prefer
) -> datetime.date | None:
    """The date with that month and day: in the year given ("26" is 2026), else the first on or
    after today ("future") or the last on or before it ("past"); None if there is none."""
    if year is not None:
        try:
            return datetime.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        except ValueError:
            return None
    step = 1 if prefer == "future" else -1
    for years in range(5):  # four years reach the next 29 February
        try:
            candidate = datetime.date(today.year + step * years, month, day)
        except ValueError:
            continue
        if (candidate - today).days * step >= 0:
            return candidate
    return None


def _dateparser_day(
    text: str, language: str, today: datetime.date, prefer: Prefer, *, any_period: bool = False
) -> datetime.date | None:
    """The day dateparser reads in `text` (her language, then English); None unless it names a
    whole day (dateparser reads "may" or "next week" as a month or a week)."""
    parser = DateDataParser(
        languages=DATEPARSER_LANGUAGES[language],
        use_given_order=True,
        settings={
            "PREFER_DATES_FROM": prefer,
            "RELATIVE_BASE": datetime.datetime.combine(today, datetime.time(12)),
            "DATE_ORDER": "MDY" if language == "en" else "DMY",
            "PARSERS": ["relative-time", "absolute-time"],
        },
    )
    data = parser.get_date_data(text)
    if data.date_obj is None or (data.period != "day" and not any_period):
        return None
    return data.date_obj.date()

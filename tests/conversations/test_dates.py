"""Reading the day a person means, in every language, on a Sunday and on a Friday."""

from datetime import date, timedelta

import pytest

from conversations import dates
from conversations.dates import day_of_month, find_day, parse_day, warm_up
from conversations.keywords import LANGUAGES

SUNDAY = date(2026, 11, 22)
FRIDAY = date(2026, 11, 27)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm_up()


ON_SUNDAY = [
    # Friday, in every language and with the words people put before it.
    ("friday", "en", date(2026, 11, 27)),
    ("Friday!", "en", date(2026, 11, 27)),
    ("fri", "en", date(2026, 11, 27)),
    ("on friday", "en", date(2026, 11, 27)),
    ("this friday", "en", date(2026, 11, 27)),
    ("next friday", "en", date(2026, 11, 27)),
    ("el viernes", "es", date(2026, 11, 27)),
    ("El Viernes", "es", date(2026, 11, 27)),
    ("viernes", "es", date(2026, 11, 27)),
    ("vie", "es", date(2026, 11, 27)),
    ("este viernes", "es", date(2026, 11, 27)),
    ("el próximo viernes", "es", date(2026, 11, 27)),
    ("para el viernes", "es", date(2026, 11, 27)),
    ("sexta", "pt_BR", date(2026, 11, 27)),
    ("sexta-feira", "pt_BR", date(2026, 11, 27)),
    ("na sexta feira", "pt_BR", date(2026, 11, 27)),
    ("sex", "pt_BR", date(2026, 11, 27)),
    ("nesta sexta", "pt_BR", date(2026, 11, 27)),
    ("vandredi", "ht", date(2026, 11, 27)),
    ("pou vandredi", "ht", date(2026, 11, 27)),
    ("biyernes", "tl", date(2026, 11, 27)),
    ("sa biyernes", "tl", date(2026, 11, 27)),
    ("ngayong biyernes", "tl", date(2026, 11, 27)),
    ("sa susunod na biyernes", "tl", date(2026, 11, 27)),
    ("friday", "es", date(2026, 11, 27)),  # English is every language's fallback
    # The other weekdays.
    ("monday", "en", date(2026, 11, 23)),
    ("tues", "en", date(2026, 11, 24)),
    ("thurs", "en", date(2026, 11, 26)),
    ("sat", "en", date(2026, 11, 28)),
    ("lunes", "es", date(2026, 11, 23)),
    ("miércoles", "es", date(2026, 11, 25)),
    ("sábado", "es", date(2026, 11, 28)),
    ("segunda-feira", "pt_BR", date(2026, 11, 23)),
    ("terça", "pt_BR", date(2026, 11, 24)),
    ("quarta", "pt_BR", date(2026, 11, 25)),
    ("quinta", "pt_BR", date(2026, 11, 26)),
    ("sab", "pt_BR", date(2026, 11, 28)),
    ("lendi", "ht", date(2026, 11, 23)),
    ("madi", "ht", date(2026, 11, 24)),
    ("mèkredi", "ht", date(2026, 11, 25)),
    ("jedi", "ht", date(2026, 11, 26)),
    ("samdi", "ht", date(2026, 11, 28)),
    ("lunes", "tl", date(2026, 11, 23)),
    ("martes", "tl", date(2026, 11, 24)),
    ("miyerkules", "tl", date(2026, 11, 25)),
    ("huwebes", "tl", date(2026, 11, 26)),
    ("sabado", "tl", date(2026, 11, 28)),
    # Sunday on a Sunday is today.
    ("sunday", "en", SUNDAY),
    ("domingo", "es", SUNDAY),
    ("domingo", "pt_BR", SUNDAY),
    ("dimanch", "ht", SUNDAY),
    ("linggo", "tl", SUNDAY),
    # Today, tomorrow, the day after.
    ("today", "en", SUNDAY),
    ("hoy", "es", SUNDAY),
    ("hoje", "pt_BR", SUNDAY),
    ("jodi a", "ht", SUNDAY),
    ("jodia", "ht", SUNDAY),
    ("jodi", "ht", SUNDAY),
    ("ngayon", "tl", SUNDAY),
    ("ngayong araw", "tl", SUNDAY),
    ("tomorrow", "en", date(2026, 11, 23)),
    ("tmrw", "en", date(2026, 11, 23)),
    ("mañana", "es", date(2026, 11, 23)),
    ("manana", "es", date(2026, 11, 23)),
    ("para mañana", "es", date(2026, 11, 23)),
    ("amanhã", "pt_BR", date(2026, 11, 23)),
    ("amanha", "pt_BR", date(2026, 11, 23)),
    ("demen", "ht", date(2026, 11, 23)),
    ("bukas", "tl", date(2026, 11, 23)),
    ("day after tomorrow", "en", date(2026, 11, 24)),
    ("the day after tomorrow", "en", date(2026, 11, 24)),
    ("pasado mañana", "es", date(2026, 11, 24)),
    ("pasado manana", "es", date(2026, 11, 24)),
    ("depois de amanhã", "pt_BR", date(2026, 11, 24)),
    ("apre demen", "ht", date(2026, 11, 24)),
    ("sa makalawa", "tl", date(2026, 11, 24)),
    ("makalawa", "tl", date(2026, 11, 24)),
    # Numeric dates: month first in English, day first elsewhere; without a year, the next one.
    ("12/5", "en", date(2026, 12, 5)),
    ("12/5", "es", date(2027, 5, 12)),
    ("12/5", "pt_BR", date(2027, 5, 12)),
    ("12/5", "tl", date(2027, 5, 12)),
    ("5/12", "ht", date(2026, 12, 5)),
    ("12/5/2026", "en", date(2026, 12, 5)),
    ("5/12/2026", "es", date(2026, 12, 5)),
    ("5/12/26", "pt_BR", date(2026, 12, 5)),
    ("12-5", "en", date(2026, 12, 5)),
    ("5.12", "es", date(2026, 12, 5)),
    ("11/22", "en", SUNDAY),
    ("11/21", "en", date(2027, 11, 21)),
    ("13/5", "en", date(2027, 5, 13)),  # cannot be month 13: read day first
    ("2/29", "en", date(2028, 2, 29)),
    # Month names, through dateparser (and by hand for Haitian Creole).
    ("dec 5", "en", date(2026, 12, 5)),
    ("december 5th", "en", date(2026, 12, 5)),
    ("dec 5 2027", "en", date(2027, 12, 5)),
    ("5 de diciembre", "es", date(2026, 12, 5)),
    ("el 5 de diciembre", "es", date(2026, 12, 5)),
    ("dia 5 de diciembre", "es", date(2026, 12, 5)),
    ("diciembre 5", "es", date(2026, 12, 5)),
    ("5 de dezembro", "pt_BR", date(2026, 12, 5)),
    ("dia 5 de dezembro", "pt_BR", date(2026, 12, 5)),
    ("5 desanm", "ht", date(2026, 12, 5)),
    ("5 desanm 2027", "ht", date(2027, 12, 5)),
    ("dec 5", "ht", date(2026, 12, 5)),
    ("5 disyembre", "tl", date(2026, 12, 5)),
    ("in 2 days", "en", date(2026, 11, 24)),
]


@pytest.mark.parametrize(("text", "language", "expected"), ON_SUNDAY)
def test_on_a_sunday(text, language, expected):
    assert parse_day(text, language, SUNDAY) == expected


ON_FRIDAY = [
    # A Friday named on a Friday is today; "next" makes it a week later.
    ("friday", "en", FRIDAY),
    ("this friday", "en", FRIDAY),
    ("el viernes", "es", FRIDAY),
    ("viernes", "es", FRIDAY),
    ("sexta", "pt_BR", FRIDAY),
    ("sexta-feira", "pt_BR", FRIDAY),
    ("vandredi", "ht", FRIDAY),
    ("biyernes", "tl", FRIDAY),
    ("next friday", "en", date(2026, 12, 4)),
    ("el próximo viernes", "es", date(2026, 12, 4)),
    ("viernes que viene", "es", date(2026, 12, 4)),
    ("próxima sexta", "pt_BR", date(2026, 12, 4)),
    ("sexta que vem", "pt_BR", date(2026, 12, 4)),
    ("pwochen vandredi", "ht", date(2026, 12, 4)),
    ("sa susunod na biyernes", "tl", date(2026, 12, 4)),
    # Other days from a Friday.
    ("saturday", "en", date(2026, 11, 28)),
    ("thursday", "en", date(2026, 12, 3)),
    ("lunes", "es", date(2026, 11, 30)),
    ("domingo", "pt_BR", date(2026, 11, 29)),
    ("dimanch", "ht", date(2026, 11, 29)),
    ("linggo", "tl", date(2026, 11, 29)),
    ("tomorrow", "en", date(2026, 11, 28)),
    ("mañana", "es", date(2026, 11, 28)),
    ("amanhã", "pt_BR", date(2026, 11, 28)),
    ("demen", "ht", date(2026, 11, 28)),
    ("bukas", "tl", date(2026, 11, 28)),
    ("pasado mañana", "es", date(2026, 11, 29)),
    ("today", "en", FRIDAY),
    ("12/5", "en", date(2026, 12, 5)),
    ("12/5", "es", date(2027, 5, 12)),
]


@pytest.mark.parametrize(("text", "language", "expected"), ON_FRIDAY)
def test_on_a_friday(text, language, expected):
    assert parse_day(text, language, FRIDAY) == expected


IN_THE_PAST = [
    ("yesterday", "en", date(2026, 11, 21)),
    ("ayer", "es", date(2026, 11, 21)),
    ("ontem", "pt_BR", date(2026, 11, 21)),
    ("yè", "ht", date(2026, 11, 21)),
    ("ye", "ht", date(2026, 11, 21)),
    ("kahapon", "tl", date(2026, 11, 21)),
    ("friday", "en", date(2026, 11, 20)),
    ("el viernes", "es", date(2026, 11, 20)),
    ("sexta", "pt_BR", date(2026, 11, 20)),
    ("vandredi", "ht", date(2026, 11, 20)),
    ("biyernes", "tl", date(2026, 11, 20)),
    ("sunday", "en", SUNDAY),
    ("today", "en", SUNDAY),
    ("last friday", "en", date(2026, 11, 20)),
    ("12/5", "en", date(2025, 12, 5)),
    ("12/5", "es", date(2026, 5, 12)),
    ("11/22", "en", SUNDAY),
    ("12/5/2026", "en", date(2026, 12, 5)),  # a year given is kept
    ("dec 5", "en", date(2025, 12, 5)),
    ("5 de diciembre", "es", date(2025, 12, 5)),
    ("5 desanm", "ht", date(2025, 12, 5)),
    ("2/29", "en", date(2024, 2, 29)),
]


@pytest.mark.parametrize(("text", "language", "expected"), IN_THE_PAST)
def test_preferring_the_past(text, language, expected):
    assert parse_day(text, language, SUNDAY, prefer="past") == expected


GARBAGE = [
    "",
    "   ",
    "asdf",
    "10 dollars",
    "$10",
    "10.50",
    "😀",
    "🙏🙏",
    "a",
    "5",
    "5 dollars",
    "32nd",
    "2pm",
    "may",
    "next week",
    "hello there",
    "31/4",
    "13/13",
    "friday " + "x" * 100,
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_names_no_day(text, language):
    assert parse_day(text, language, SUNDAY) is None
    assert parse_day(text, language, SUNDAY, prefer="past") is None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("the 5th", "en", date(2026, 12, 5)),  # the 5th of November has passed
        ("on the 22nd", "en", SUNDAY),
        ("the 30th", "en", date(2026, 11, 30)),
        ("el 15", "es", date(2026, 12, 15)),
        ("dia 15", "pt_BR", date(2026, 12, 15)),
        ("15 an", "ht", date(2026, 12, 15)),
        ("ika-15", "tl", date(2026, 12, 15)),
        ("sa ika 31", "tl", date(2026, 12, 31)),
    ],
)
def test_a_day_of_the_month_is_the_next_such_date(text, language, expected):
    assert parse_day(text, language, SUNDAY) == expected


def test_a_day_of_the_month_in_the_past_and_one_that_months_skip():
    assert parse_day("the 25th", "en", SUNDAY, prefer="past") == date(2026, 10, 25)
    assert parse_day("the 31st", "en", date(2026, 9, 5)) == date(2026, 10, 31)
    assert day_of_month("15", SUNDAY) == date(2026, 12, 15)
    assert day_of_month("0", SUNDAY) is None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("sabado porque", "es", date(2026, 11, 21)),
        ("lunes por enfermedad", "es", date(2026, 11, 16)),
        ("ontem nao fui trabalhar", "pt_BR", date(2026, 11, 21)),
        ("amo ngayon", "tl", SUNDAY),
        ("pa t ale samdi paske", "ht", date(2026, 11, 21)),
        ("i was at the doctor", "en", None),
    ],
)
def test_a_day_inside_a_sentence(text, language, expected):
    assert find_day(text, language, SUNDAY, prefer="past") == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("proxima semana", "es"),
        ("sa susunod na linggo", "tl"),  # "linggo" is Sunday, but "next linggo" is next week
        ("el viernes pasado", "es"),
    ],
)
def test_what_is_not_a_single_day(text, language):
    assert parse_day(text, language, SUNDAY) is None


def test_long_text_never_reaches_dateparser(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("dateparser was called")

    monkeypatch.setattr(dates, "DateDataParser", refuse)
    assert parse_day("dec 5 " + "y" * 100, "en", SUNDAY) is None


NAMES = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "es": ["lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo"],
    "pt_BR": ["segunda", "terca", "quarta", "quinta", "sexta", "sabado", "domingo"],
    "ht": ["lendi", "madi", "mekredi", "jedi", "vandredi", "samdi", "dimanch"],
    "tl": ["lunes", "martes", "miyerkules", "huwebes", "biyernes", "sabado", "linggo"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_weekdays_are_read_alike_in_every_language(language):
    for offset in range(7):
        today = SUNDAY + timedelta(days=offset)
        for weekday, name in enumerate(NAMES[language]):
            future = parse_day(name, language, today)
            past = parse_day(name, language, today, prefer="past")
            assert future is not None
            assert past is not None
            assert future.weekday() == weekday == past.weekday()
            assert 0 <= (future - today).days <= 6
            assert 0 <= (today - past).days <= 6
            assert (future == today) == (today.weekday() == weekday) == (past == today)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("biernes", "es"),  # one letter off
        ("el biernes", "es"),
        ("byernes", "tl"),  # a common spelling
        ("fridy", "en"),
        ("vandrdi", "ht"),
        ("viernes", "en"),  # another of the fund's languages: people mix them
        ("sexta", "es"),
    ],
)
def test_a_weekday_with_a_slip_or_in_another_language_is_still_that_day(text, language):
    assert parse_day(text, language, SUNDAY) == FRIDAY


@pytest.mark.parametrize(("text", "language"), [("mar", "en"), ("frid", "en"), ("bienes", "es")])
def test_short_or_far_words_are_not_guessed_as_days(text, language):
    assert parse_day(text, language, SUNDAY) is None

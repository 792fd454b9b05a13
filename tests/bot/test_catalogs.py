"""Every language's catalog is real, complete, matches the message ids, and names real keywords.

The .po files are read with Babel's own reader and checked with its checkers; the texts people
get are read through our loader (`bot.texting.texts.translations`), never through
`babel.support.Translations.load`, which quietly hands back English when a compiled file is
missing.
"""

import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from babel.messages import checkers
from babel.messages.catalog import Catalog, TranslationError
from babel.messages.catalog import Message as CatalogMessage
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.texting import texts
from conversations import messages as m
from conversations.keywords import (
    KEYWORDS,
    LANGUAGE_NAMES,
    LANGUAGES,
    OPT_IN_WORDS,
    OPT_OUT_WORDS,
    normalize,
    read,
)
from conversations.messages import Message
from conversations.talk import Money, Say

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
TEMPLATE = LOCALES / "messages.pot"
NON_ENGLISH = [language for language in LANGUAGES if language != "en"]

# Every message id in conversations/messages.py, by its name there.
MESSAGES: dict[str, Message] = {
    name: value for name, value in vars(m).items() if isinstance(value, Message)
}
# A few texts every real translation changes; a silent fallback to English leaves them alone.
SAMPLE = ("HELP", "BALANCE", "DAY_OFF_CONFIRM", "MENU_WORKER", "TERMS", "DAYS_OFF")

# A Python %-format placeholder, as Babel's checkers see it; `name` is None when positional.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?"  # %(name)
    r"[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision, length
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)
WORD = re.compile(r"[^\W\d_]+")
# Capitalised words that are not menu words: Twilio's own STOP and START, "OK," and "US$".
NOT_KEYWORDS = frozenset({"STOP", "START", "OK", "US"})
# Names that may be written in capitals without being keywords: languages and the fund.
NAMES = frozenset(
    {name for names in LANGUAGE_NAMES.values() for name in names}
    | {"english", "espanol", "portugues", "kreyol", "tagalog"}
    | {"benefits fund", "fondo de beneficios", "fundo de beneficios", "fon benefis"}
)


def key(message: Message) -> str | tuple[str, str]:
    """A message's key in a Babel catalog: the msgid, or (msgid, msgid_plural)."""
    return message.msgid if message.plural is None else (message.msgid, message.plural)


EXPECTED = {key(message): name for name, message in MESSAGES.items()}


@cache
def catalog(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, abort_invalid=True)


def po(language: str) -> Catalog:
    return catalog(LOCALES / language / "LC_MESSAGES" / "messages.po")


def entries(parsed: Catalog) -> dict[str | tuple[str, ...], CatalogMessage]:
    """The catalog's live entries (not its header), by key."""
    return {entry.id: entry for entry in parsed if entry.id}


def forms(entry: CatalogMessage) -> tuple[str, ...]:
    return entry.string if isinstance(entry.string, tuple | list) else (entry.string,)


def msgids(entry: CatalogMessage) -> tuple[str, ...]:
    return tuple(entry.id) if isinstance(entry.id, tuple | list) else (entry.id,)


def placeholders(text: str) -> set[tuple[str | None, str]]:
    return {
        (match["name"], match["type"])
        for match in PLACEHOLDER.finditer(text)
        if match["type"] != "%"
    }


def describe(entry_key: str | tuple[str, ...]) -> str:
    return EXPECTED.get(entry_key, repr(entry_key))


# -- The catalogs load, and are real translations --------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_compiles_through_our_loader(language):
    translations = texts.translations(language)
    assert isinstance(translations, Translations)
    assert translations.info()["language"] == language
    texts.load_all()


def test_an_unknown_language_is_an_error_not_english():
    with pytest.raises(texts.MissingCatalog):
        texts.translations("xx")


@pytest.mark.parametrize("language", NON_ENGLISH)
def test_catalog_is_a_real_translation(language):
    english = {
        name: texts.gettext(MESSAGES[name], "en", count=2 if MESSAGES[name].plural else None)
        for name in SAMPLE
    }
    same = [
        name
        for name in SAMPLE
        if texts.gettext(MESSAGES[name], language, count=2 if MESSAGES[name].plural else None)
        == english[name]
    ]
    assert not same, f"{language}: still English: {same}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_loader_serves_every_entry_of_the_po_file(language):
    """What people read is what the .po says: nothing dropped when compiling (fuzzy, say)."""
    live = entries(po(language))
    wrong = []
    for name, message in MESSAGES.items():
        entry = live.get(key(message))
        if entry is None:
            continue  # reported by test_catalog_is_complete
        if message.plural is None:
            served = (texts.gettext(message, language),)
        else:  # every language here has two forms: index 0 for one, index 1 for many
            served = tuple(texts.gettext(message, language, count=n) for n in (1, 5))
        if served != forms(entry):
            wrong.append(f"{name}: {served!r} != {forms(entry)!r}")
    assert not wrong, f"{language}:\n" + "\n".join(wrong)


def test_nothing_loads_catalogs_behind_our_loader():
    """`Translations.load` and `gettext.translation` fall back to English without a word."""
    silent = re.compile(r"\bTranslations\.load\b|\bgettext\.(translation|install)\(")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for package in ("bot", "conversations", "worker_jobs", "bench")
        for path in sorted((ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if silent.search(line)
    ]
    assert not found, "\n".join(found)


# -- Each catalog is complete and well-formed -----------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete(language):
    parsed = po(language)
    live = entries(parsed)
    problems = []
    for entry_key, name in EXPECTED.items():
        entry = live.get(entry_key)
        if entry is None:
            problems.append(f"{name}: missing")
            continue
        translated = forms(entry)
        expected_forms = 1 if isinstance(entry_key, str) else parsed.num_plurals
        if len(translated) != expected_forms:
            problems.append(f"{name}: {len(translated)} forms, expected {expected_forms}")
        if not all(form.strip() for form in translated):
            problems.append(f"{name}: empty translation {translated!r}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_fuzzy_entries(language):
    """Compiling skips fuzzy entries, so a fuzzy translation is shown in English."""
    parsed = po(language)
    assert not parsed.fuzzy, f"{language}: the header is marked fuzzy"
    fuzzy = [describe(entry.id) for entry in parsed if entry.id and entry.fuzzy]
    assert not fuzzy, f"{language}: fuzzy: {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_only_an_obsolete_entry(language):
    parsed = po(language)
    live = entries(parsed)
    only_obsolete = [
        describe(obsolete_key)
        for obsolete_key in parsed.obsolete
        if obsolete_key in EXPECTED and obsolete_key not in live
    ]
    assert not only_obsolete, f"{language}: commented out (#~): {only_obsolete}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_babel_checkers_pass(language):
    parsed = po(language)
    errors = [f"{describe(entry.id)}: {error}" for entry, error in parsed.check()]
    # The same two checkers, called directly, so that neither is skipped silently.
    for entry in parsed:
        if not entry.id:
            continue
        for checker in (checkers.num_plurals, checkers.python_format):
            try:
                checker(parsed, entry)
            except TranslationError as error:
                errors.append(f"{describe(entry.id)}: {checker.__name__}: {error}")
    assert not errors, f"{language}:\n" + "\n".join(errors)


@pytest.mark.parametrize("source", ["template", *LANGUAGES])
def test_placeholders_are_flagged_python_format(source):
    """Babel's python_format checker skips any entry without the flag."""
    parsed = catalog(TEMPLATE) if source == "template" else po(source)
    unflagged = [
        describe(entry.id)
        for entry in parsed
        if entry.id
        and any(placeholders(text) for text in msgids(entry))
        and "python-format" not in entry.flags
    ]
    assert not unflagged, f"{source}: no python-format flag: {unflagged}"


def test_message_ids_use_named_placeholders_only():
    problems = []
    for name, message in MESSAGES.items():
        texts_ = [message.msgid] if message.plural is None else [message.msgid, message.plural]
        found = [placeholders(text) for text in texts_]
        if any(name_ is None for text in found for name_, _ in text):
            problems.append(f"{name}: a positional placeholder")
        if len({frozenset(text) for text in found}) > 1:
            problems.append(f"{name}: singular and plural use different placeholders")
        if message.plural is not None and ("count", "d") not in found[-1]:
            problems.append(f"{name}: a counted text without %(count)d")
        if any("%" in PLACEHOLDER.sub("", text) or "%%" in text for text in texts_):
            problems.append(f"{name}: a stray %")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_exactly_the_msgids(language):
    """Same names, same types, nothing dropped, nothing added, no stray %."""
    problems = []
    for entry_key, entry in entries(po(language)).items():
        expected = placeholders(msgids(entry)[0])
        for index, text in enumerate(forms(entry)):
            found = placeholders(text)
            if found != expected:
                problems.append(
                    f"{describe(entry_key)}[{index}]: {sorted(found, key=str)} "
                    f"!= {sorted(expected, key=str)}: {text!r}"
                )
            if "%" in PLACEHOLDER.sub("", text) or "%%" in text:
                problems.append(f"{describe(entry_key)}[{index}]: a stray %: {text!r}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


# -- The catalogs match the template, and the template matches the code --------------------


def test_template_has_exactly_the_message_ids():
    found = set(entries(catalog(TEMPLATE)))
    missing = sorted(EXPECTED[k] for k in set(EXPECTED) - found)
    stale = sorted(map(repr, found - set(EXPECTED)))
    assert not missing and not stale, (
        f"re-extract locales/messages.pot: missing {missing}, no longer in the code {stale}"
    )


def test_extracting_the_code_gives_the_template():
    """What `pybabel extract -F babel.cfg -k NP_:1,2 -c TRANSLATORS:` would write today."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    extracted = {
        msgid if isinstance(msgid, str) else tuple(msgid): " ".join(comments)
        for _file, _line, msgid, comments, _context in extract_from_dir(
            str(ROOT),
            method_map,
            options_map,
            keywords={**DEFAULT_KEYWORDS, "NP_": (1, 2)},
            comment_tags=("TRANSLATORS:",),
        )
    }
    assert set(extracted) == set(EXPECTED), "a message id is not marked with N_ or NP_"
    template = entries(catalog(TEMPLATE))
    stale = [
        describe(k)
        for k, comments in extracted.items()
        if k in template and " ".join(template[k].auto_comments) != comments
    ]
    assert not stale, f"re-extract locales/messages.pot: translator comments differ: {stale}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_exactly_the_templates_ids(language):
    found = set(entries(po(language)))
    template = set(entries(catalog(TEMPLATE)))
    missing = sorted(describe(k) for k in template - found)
    extra = sorted(map(repr, found - template))
    assert not missing and not extra, (
        f"{language}: run pybabel update: missing {missing}, not in the template {extra}"
    )


# -- Words in CAPITALS are words the bot understands ---------------------------------------


def capital_runs(text: str) -> list[str]:
    """Runs of capitalised words (2+ letters) separated by single spaces: 'DAY OFF', 'SALDO'."""
    runs: list[list[str]] = []
    previous_end = None
    for match in WORD.finditer(text):
        word = match.group()
        if len(word) < 2 or not word.isupper() or word in NOT_KEYWORDS:
            previous_end = None
            continue
        if runs and previous_end is not None and text[previous_end : match.start()] == " ":
            runs[-1].append(word)
        else:
            runs.append([word])
        previous_end = match.end()
    return [" ".join(run) for run in runs if normalize(" ".join(run)) not in NAMES]


def translated_texts(language: str) -> list[tuple[str, str]]:
    """(message name, text) for every form of every translation; English adds the msgids."""
    found = []
    for entry_key, entry in entries(po(language)).items():
        shown = forms(entry) + (msgids(entry) if language == "en" else ())
        found.extend((describe(entry_key), text) for text in shown)
    return found


def understood(run: str) -> bool:
    """Every word of the run is part of a keyword `conversations.keywords.read` knows.

    Read with " x" after it, as people text a menu word ("ADD 212..."); an opt-out or opt-in
    word counts only as the whole run, since only a whole message is read as one.
    """
    words = normalize(run)
    if words in OPT_OUT_WORDS | OPT_IN_WORDS:
        return True
    while words:
        reading = read(words + " x")
        if reading.intent is None or not reading.rest.endswith("x"):
            return False
        words = reading.rest[:-1].strip()
    return True


def own_keywords(run: str, language: str) -> bool:
    """The run is made of the language's own keywords (longest first, as `read` matches)."""
    phrases = sorted(
        (normalize(word) for words in KEYWORDS[language].values() for word in words),
        key=len,
        reverse=True,
    )
    rest = normalize(run)
    if rest in OPT_OUT_WORDS | OPT_IN_WORDS:
        return True
    while rest:
        phrase = next((p for p in phrases if rest == p or rest.startswith(p + " ")), None)
        if phrase is None:
            return False
        rest = rest[len(phrase) :].strip()
    return True


def test_capital_runs_are_read_as_keywords():
    assert capital_runs("DAY OFF friday, ADD phone. Everyone: STOP, MENU. OK, US$ 5") == [
        "DAY OFF",
        "ADD",
        "MENU",
    ]
    assert capital_runs("SALDO: tu dinero. HISTORIAL: x. I will") == ["SALDO", "HISTORIAL"]
    assert not understood("SMS")
    assert understood("DAY OFF")
    assert understood("MEDIO DIA")
    assert not understood("DAY")


@pytest.mark.parametrize("language", LANGUAGES)
def test_words_in_capitals_are_keywords_the_bot_knows(language):
    unknown = [
        f"{name}: {run!r} in {text!r}"
        for name, text in translated_texts(language)
        for run in capital_runs(text)
        if not understood(run)
    ]
    assert not unknown, f"{language}: people are told to text words the bot ignores:\n" + (
        "\n".join(unknown)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_words_in_capitals_are_the_languages_own_keywords(language):
    """messages.py: "keywords in CAPITALS must be words conversations.keywords knows in that
    language" (any language's keyword works, but the text should teach the reader's own)."""
    foreign = [
        f"{name}: {run!r}"
        for name, text in translated_texts(language)
        for run in capital_runs(text)
        if not own_keywords(run, language)
    ]
    assert not foreign, f"{language}:\n" + "\n".join(foreign)


# -- Dates and money come from the project, in a form SMS can carry --------------------------


def test_kreyol_days_are_kreyol_not_french():
    assert texts.format_day(date(2026, 11, 27), "ht") == "vandredi 27 nov"
    week = [texts.format_day(date(2026, 11, 23 + offset), "ht") for offset in range(7)]
    assert [day.split()[0] for day in week] == [
        "lendi",
        "madi",
        "mèkredi",
        "jedi",
        "vandredi",
        "samdi",
        "dimanch",
    ]
    assert texts.format_day(date(2026, 12, 31), "ht") == "jedi 31 des"
    rendered = texts.render([Say(m.DAY_OFF_PAST, {"date": date(2026, 11, 27)})], "ht")
    assert rendered.startswith("vandredi 27 nov ")
    assert not re.search(r"vendredi|déc|ven\.", rendered)


@pytest.mark.parametrize("language", LANGUAGES)
def test_money_renders_without_no_break_spaces(language):
    says = [
        Say(m.BALANCE, {"balance": Money(123450), "available": Money(6000)}),
        Say(
            m.HISTORY_LINE,
            {
                "date": date(2026, 12, 4),
                "amount": Money(-12000, signed=True),
                "who": m.PAID_DAY_OFF,
            },
        ),
        Say(
            m.HISTORY_LINE,
            {"date": date(2026, 12, 4), "amount": Money(2550, signed=True), "who": "Conceição"},
        ),
    ]
    rendered = texts.render(says, language)
    assert "\u00a0" not in rendered
    assert "\u202f" not in rendered
    assert re.search(r"\$ ?1[.,]234[.,]50", rendered), rendered
    assert re.search(r"-(US)?\$ ?120[.,]00", rendered), rendered
    assert re.search(r"\+(US)?\$ ?25[.,]50", rendered), rendered

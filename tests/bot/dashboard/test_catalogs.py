"""The dashboard's catalogs (gettext domain `dashboard`) are complete in every language.

Like tests/bot/test_catalogs.py for the conversation: the template matches what the code and
templates mark today, every language translates every entry with the same placeholders, and
our loader serves what each .po says.
"""

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages import checkers
from babel.messages.catalog import Catalog, TranslationError
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.dashboard.i18n import DOMAIN
from bot.texting import texts
from conversations.keywords import LANGUAGES

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "bot" / "dashboard"
TEMPLATE = ROOT / "locales" / f"{DOMAIN}.pot"
NON_ENGLISH = [language for language in LANGUAGES if language != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
SAMPLE = ("Overview", "Sign in", "Payouts", "Mark paid", "Contributions per week")


@cache
def catalog(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, abort_invalid=True)


def po(language):
    return catalog(ROOT / "locales" / language / "LC_MESSAGES" / f"{DOMAIN}.po")


def entries(parsed):
    return {
        (tuple(entry.id) if isinstance(entry.id, list | tuple) else entry.id): entry
        for entry in parsed
        if entry.id
    }


def forms(entry):
    return tuple(entry.string) if isinstance(entry.string, list | tuple) else (entry.string,)


def test_extracting_the_code_and_templates_gives_the_template():
    """What `pybabel extract -F bot/dashboard/babel.cfg -k N_ ... bot/dashboard` writes today."""
    with (PACKAGE / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    extracted = {
        tuple(msgid) if isinstance(msgid, tuple | list) else msgid
        for _file, _line, msgid, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "N_": None}
        )
    }
    template = set(entries(catalog(TEMPLATE)))
    assert extracted == template, (
        f"re-extract locales/{DOMAIN}.pot: missing {sorted(map(str, extracted - template))}, "
        f"stale {sorted(map(str, template - extracted))}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_every_entry_translated(language):
    parsed = po(language)
    live = entries(parsed)
    template = entries(catalog(TEMPLATE))
    assert set(live) == set(template), f"{language}: run pybabel update -D {DOMAIN}"
    empty = [key for key, entry in live.items() if not all(f.strip() for f in forms(entry))]
    assert not empty, f"{language}: untranslated {empty}"
    fuzzy = [key for key, entry in live.items() if entry.fuzzy]
    assert not fuzzy and not parsed.fuzzy, f"{language}: fuzzy {fuzzy}"
    wrong_forms = [
        key for key, entry in live.items() if isinstance(key, tuple) and len(forms(entry)) != 2
    ]
    assert not wrong_forms


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_and_babel_checkers_pass(language):
    parsed = po(language)
    problems = [f"{entry.id}: {error}" for entry, error in parsed.check()]
    for key, entry in entries(parsed).items():
        for checker in (checkers.num_plurals, checkers.python_format):
            try:
                checker(parsed, entry)
            except TranslationError as error:
                problems.append(f"{key}: {error}")
        expected = set(PLACEHOLDER.findall(key if isinstance(key, str) else key[0]))
        if expected and "python-format" not in entry.flags:
            problems.append(f"{key}: no python-format flag")
        for form in forms(entry):
            if set(PLACEHOLDER.findall(form)) != expected:
                problems.append(f"{key}: {form!r} has other placeholders")
            if "%" in PLACEHOLDER.sub("", form):
                problems.append(f"{key}: a stray % in {form!r}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_our_loader_serves_the_catalog(language):
    translations = texts.translations(language, DOMAIN)
    assert translations.info()["language"] == language
    for key, entry in entries(po(language)).items():
        if isinstance(key, str):
            assert translations.gettext(key) == entry.string
        else:
            served = tuple(translations.ngettext(*key, n) for n in (1, 5))
            assert served == forms(entry)


@pytest.mark.parametrize("language", NON_ENGLISH)
def test_catalog_is_a_real_translation(language):
    translations = texts.translations(language, DOMAIN)
    same = [text for text in SAMPLE if translations.gettext(text) == text]
    assert not same, f"{language}: still English: {same}"

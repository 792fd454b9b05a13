"""Amounts as people text them: "10", "$7.50", "ten", "diez dólares", "dis dola", "sampung dolyar".

English, Spanish and Portuguese number words are read by text2num; Kreyòl and Tagalog ones
by small tables of the amounts a household would name. Currency words are dropped first.
"""

import re

from text_to_num import text2num

from conversations.amounts import parse_cents

CURRENCY_WORDS = frozenset(
    {"dollar", "dollars", "dolar", "dolares", "dola", "dolyar", "dolyares", "bucks"}
    | {"usd", "us$", "us", "$", "pesos"}
)
TEXT2NUM_LANGUAGES = {"en": "en", "es": "es", "pt_BR": "pt"}

KREYOL_NUMBERS = {
    "en": 1, "youn": 1, "de": 2, "twa": 3, "kat": 4, "senk": 5, "sis": 6, "set": 7, "uit": 8,
    "nef": 9, "dis": 10, "onz": 11, "douz": 12, "trez": 13, "katoz": 14, "kenz": 15, "sez": 16,
    "diset": 17, "dizuit": 18, "dizwit": 18, "diznef": 19, "disnef": 19, "ven": 20,
    "vennsenk": 25, "trant": 30, "karant": 40, "senkant": 50, "swasant": 60, "san": 100,
}  # fmt: skip
TAGALOG_NUMBERS = {
    "isa": 1, "dalawa": 2, "tatlo": 3, "apat": 4, "lima": 5, "anim": 6, "pito": 7, "walo": 8,
    "siyam": 9, "sampu": 10, "labingisa": 11, "labindalawa": 12, "labintatlo": 13,
    "labingapat": 14, "labinlima": 15, "labinganim": 16, "labimpito": 17, "labingwalo": 18,
    "labinsiyam": 19, "dalawampu": 20, "dalawampuatlima": 25, "dalawampu t lima": 25,
    "tatlumpu": 30, "apatnapu": 40, "limampu": 50, "sandaan": 100, "isang daan": 100,
}  # fmt: skip
OWN_TABLES = {"ht": KREYOL_NUMBERS, "tl": TAGALOG_NUMBERS}
TAGALOG_LINKER = re.compile(r"(?<=[aeiou])ng$")  # "sampung dolyar", "limang dolyar"


def amount_cents(text: str, language: str) -> tuple[int | None, str | None]:
    """The amount a normalized text names, and the one language its number words belong to
    (None when digits, or words several languages share); (None, None) if it names none."""
    words = [w for w in text.replace("$", " $ ").split() if w not in CURRENCY_WORDS]
    if not words:
        return None, None
    joined = " ".join(words)
    digits = parse_cents(joined)
    if digits is not None:
        return digits, None
    return _number_words(joined, language)


def _number_words(joined: str, language: str) -> tuple[int | None, str | None]:
    """The amount written in words, trying her language first, and the language that read it."""
    found: dict[str, int] = {}
    key = joined.replace("-", "").replace("'", "")
    for code, table in OWN_TABLES.items():
        value = table.get(key)
        if value is None and code == "tl":
            value = table.get(TAGALOG_LINKER.sub("", key)) or _linked(table, key)
        if value is not None:
            found[code] = value
    for code, text2num_code in TEXT2NUM_LANGUAGES.items():
        value = _text2num(joined, text2num_code)
        if value is not None:
            found[code] = value
    if not found:
        return None, None
    value = found.get(language, next(iter(found.values())))
    languages = [code for code, number in found.items() if number == value]
    return value * 100, languages[0] if len(languages) == 1 else None


def _linked(table: dict[str, int], key: str) -> int | None:
    """ "lima na" -> 5: a Tagalog number followed by the linker "na"."""
    number, _, linker = key.rpartition(" ")
    return table.get(number) if linker == "na" else None


def _text2num(words: str, language: str) -> int | None:
    if not words.replace(" ", "").isalpha():
        return None
    try:
        value = text2num(words, language)
    except ValueError:
        return None
    return value if 0 < value <= 1_000_000 else None


def is_number_word(word: str) -> bool:
    """Whether a normalized word is a number in any language (so never a typo of a command)."""
    if word in KREYOL_NUMBERS or TAGALOG_NUMBERS.get(TAGALOG_LINKER.sub("", word)):
        return True
    return any(_text2num(word, code) is not None for code in TEXT2NUM_LANGUAGES.values())

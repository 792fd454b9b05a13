"""Amounts as people text them: "10", "$7.50", "ten", "diez dólares", "dis dola", "sampung dolyar",
and dollars with cents in words: "seven fifty", "siete cincuenta", "sete e cinquenta",
"five dollars fifty" (7.50, 7.50, 7.50, 5.50).

English, Spanish and Portuguese number words are read by text2num; Kreyòl and Tagalog ones
by small tables of the amounts a household would name. Currency words are dropped first.
"""

import re

from text_to_num import text2num

from conversations.amounts import parse_cents

CURRENCY_WORDS = frozenset(
    {"dollar", "dollars", "dolar", "dolares", "dola", "dolyar", "dolyares", "bucks"}
    | {"dls", "dlrs"}
    | {"usd", "us$", "us", "$", "pesos", "peso", "piso", "dolars", "dollares", "dolla", "dlls"}
    # Her fund counts in one currency: a household naming its own ("cem reais", "san goud")
    # means that many of the fund's.
    | {"real", "reais", "r$", "r", "goud", "gourdes", "gourde"}
)
# Words for cents, and the words that join dollars to cents ("cinco con cincuenta").
CENT_WORDS = frozenset(
    {"cent", "cents", "centavo", "centavos", "centimo", "centimos", "kob", "santim"}
    | {"sentimo", "sentimos", "sentabo", "sentabos"}
)
JOINING_WORDS = frozenset({"and", "y", "con", "e", "ak", "at"})
TEXT2NUM_LANGUAGES = {"en": "en", "es": "es", "pt_BR": "pt"}
# "veinte cinco", "vinte cinco": the joining word people leave out between tens and units.
TENS_JOINERS = {"es": "y", "pt": "e"}

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
    # The Spanish numbers Filipinos name money with.
    "singko": 5, "sais": 6, "siyete": 7, "otso": 8, "nuwebe": 9, "diyes": 10, "onse": 11,
    "dose": 12, "kinse": 15, "bente": 20, "beinte": 20, "bente singko": 25, "trenta": 30,
    "singkwenta": 50, "sinkwenta": 50,
}  # fmt: skip
OWN_TABLES = {"ht": KREYOL_NUMBERS, "tl": TAGALOG_NUMBERS}
TAGALOG_LINKER = re.compile(r"(?<=[aeiou])ng$")  # "sampung dolyar", "limang dolyar"
MOST_DOLLARS = 1_000_000


def amount_cents(text: str, language: str) -> tuple[int | None, str | None]:
    """The amount a normalized text names, and the one language its number words belong to
    (None when digits, or words several languages share); (None, None) if it names none."""
    spaced = text.replace("$", " $ ").split()
    words = [w for w in spaced if w not in CURRENCY_WORDS]
    if not words:
        return None, None
    joined = " ".join(words)
    digits = parse_cents(joined)
    if digits is not None:
        return digits, None
    found = {code: value * 100 for code, value in _values(joined).items()}
    if not found:
        found = _dollars_and_cents(words, currency_named=len(words) < len(spaced))
    if not found:
        return None, None
    cents = found.get(language, next(iter(found.values())))
    languages = [code for code, amount in found.items() if amount == cents]
    return cents, languages[0] if len(languages) == 1 else None


def _values(joined: str) -> dict[str, int]:
    """The number the words name in each language that reads them as one."""
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
    return found


def _dollars_and_cents(words: list[str], currency_named: bool) -> dict[str, int]:
    """'seven fifty', 'cinco con cincuenta', 'five dollars fifty cents': dollars, then cents
    (ten to ninety-nine, or fewer when cents are named), in cents per language that reads both.
    Digits count only beside a currency word ('5 dollars 50'): '2 10' is visit 2, $10."""
    cents_named = any(w in CENT_WORDS for w in words)
    words = [w for w in words if w not in CENT_WORDS]
    for split in range(1, len(words)):
        dollars = _part(words[:split], currency_named)
        cents = _part(words[split:], currency_named)
        both = {
            code: dollars[code] * 100 + cents[code]
            for code in dollars.keys() & cents.keys()
            if (10 if not cents_named else 1) <= cents[code] <= 99
        }
        if both:
            return both
    if cents_named and len(words) == 1:  # "fifty cents"
        return {code: value for code, value in _part(words, True).items() if value <= 99}
    return {}


def _part(words: list[str], digits_allowed: bool) -> dict[str, int]:
    """A number on one side of the dollars and cents, without the word joining them."""
    while words and words[0] in JOINING_WORDS:
        words = words[1:]
    while words and words[-1] in JOINING_WORDS:
        words = words[:-1]
    if not words:
        return {}
    if len(words) == 1 and words[0].isdigit():
        if not digits_allowed or int(words[0]) > MOST_DOLLARS:
            return {}
        return dict.fromkeys((*OWN_TABLES, *TEXT2NUM_LANGUAGES), int(words[0]))
    return _values(" ".join(words))


def _linked(table: dict[str, int], key: str) -> int | None:
    """ "lima na" -> 5: a Tagalog number followed by the linker "na"."""
    number, _, linker = key.rpartition(" ")
    return table.get(number) if linker == "na" else None


def _text2num(words: str, language: str) -> int | None:
    if not words.replace(" ", "").isalpha():
        return None
    value = _text2num_or_none(words, language)
    joiner = TENS_JOINERS.get(language)
    if value is None and joiner and words.count(" ") == 1:
        value = _text2num_or_none(words.replace(" ", f" {joiner} "), language)
    return value if value is not None and 0 < value <= MOST_DOLLARS else None


def _text2num_or_none(words: str, language: str) -> int | None:
    try:
        return text2num(words, language)
    except ValueError:
        return None


def is_number_word(word: str) -> bool:
    """Whether a normalized word is a number in any language (so never a typo of a command)."""
    if word in KREYOL_NUMBERS or TAGALOG_NUMBERS.get(TAGALOG_LINKER.sub("", word)):
        return True
    return any(_text2num(word, code) is not None for code in TEXT2NUM_LANGUAGES.values())

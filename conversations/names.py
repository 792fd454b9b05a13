"""Names as people write them: only a name typed all in lower or upper case is capitalized;
"me llamo Lucía", "I'm Grace", "Liza po", "Joana!" and "Lucía 😊" are first names too."""

import re
import unicodedata

from conversations.keywords import normalize

# The start of a name and of each part after a space, hyphen or apostrophe: Marie-Ange, O'Neil.
PART_START = re.compile(r"(^|[\s'\u2019-])(\w)")
# Letters, with a hyphen or apostrophe inside: "Marie-Ange", "O'Neil".
WORD_EDGES = re.compile(r"^[^\w]+|[^\w]+$")
NAME = re.compile(r"^[^\W\d_]+(?:[ '\u2019-][^\W\d_]+){0,2}$")
MAX_NAME = 40

# What people write before their name, in five languages, without accents or apostrophes.
INTRODUCTIONS = (
    "my name is|my names|my name|name is|name|im|i am|its|it is|this is|call me|me|"
    "me llamo|mi nombre es|mi nombre|nombre|yo soy|soy|yo me llamo|"
    "meu nome e|meu nome|me chamo|eu me chamo|eu sou|sou a|sou o|sou|e a|aqui e a|aqui e|nome|"
    "mwen rele|m rele|mwen se|m se|non mwen se|non mwen|se|mwen|non|"
    "ako si|ako po si|ako ay si|ako po ay si|pangalan ko ay|ang pangalan ko ay|pangalan ko|"
    "pangalan|si"
)
# Greetings and polite words around a name: "hola, soy Lucía", "Liza po", "Grace please".
POLITE = frozenset(
    {"hi", "hello", "hey", "hola", "buenas", "oi", "ola", "bonjou", "bonswa", "alo", "kumusta"}
    | {"kamusta", "po", "opo", "please", "pls", "porfa", "gracias", "thanks", "obrigada"}
    | {"obrigado", "mesi", "salamat", "ok", "okay", "lang"}
)
_INTRODUCTIONS = sorted((tuple(p.split()) for p in INTRODUCTIONS.split("|")), key=len, reverse=True)

INTRODUCED_ONLY = frozenset(_INTRODUCTIONS)


def first_name(text: str) -> str | None:
    """Her first name out of how she introduced herself, as written (capitals added only to
    a name typed in one case); None when what is left is not one to three words of letters."""
    words = [WORD_EDGES.sub("", word) for word in text.split()]
    words = [word for word in words if word]
    if tuple(_plain(word) for word in words) in INTRODUCED_ONLY:
        return None  # "my name is" and nothing after it
    words = _without_introduction(words)
    candidate = " ".join(words)
    if not words or len(candidate) > MAX_NAME or not NAME.match(candidate):
        return None
    return as_written(candidate)


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def _without_introduction(words: list[str]) -> list[str]:
    """The words without greetings, polite words and "my name is" before (or after) them."""
    changed = True
    while changed and words:
        changed = False
        plain = [_plain(word) for word in words]
        if len(words) > 1 and plain[0] in POLITE:
            words, changed = words[1:], True
            continue
        if len(words) > 1 and plain[-1] in POLITE:
            words, changed = words[:-1], True
            continue
        for phrase in _INTRODUCTIONS:
            if len(words) > len(phrase) and tuple(plain[: len(phrase)]) == phrase:
                words, changed = words[len(phrase) :], True
                break
    return words


def as_written(text: str, most_words: int = 3) -> str:
    """The name with its spaces tidied; 'maria jose' and 'MARIA' get capitals, while
    'Lucía', 'McKenzie', 'Marie-Ange' and 'Mrs. Johnson' stay exactly as she wrote them."""
    words = text.split()[:most_words]
    return " ".join(_capitalized(word) if _one_case(word) else word for word in words)


def _one_case(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return all(c.islower() for c in letters) or (
        len(letters) > 1 and all(c.isupper() for c in letters)
    )


def _capitalized(word: str) -> str:
    return PART_START.sub(lambda match: match.group(1) + match.group(2).upper(), word.lower())


def written_tail(original: str, read: str) -> str:
    """The end of the message as she typed it, where the reader kept only a normalized tail
    ('senora perez' from 'ADD 212 555 0199 Señora Pérez'); the tail itself if none matches."""
    words = original.split()
    for start in range(len(words) - 1, -1, -1):
        candidate = " ".join(words[start:])
        plain = normalize(candidate)
        if plain == read:
            return candidate
        if len(plain) > len(read):
            break
    return read

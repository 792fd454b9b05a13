"""Names as people write them: only a name typed all in lower or upper case is capitalized."""

import re

from conversations.keywords import normalize

# The start of a name and of each part after a space, hyphen or apostrophe: Marie-Ange, O'Neil.
PART_START = re.compile(r"(^|[\s'\u2019-])(\w)")


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

"""How many SMS segments a text costs (GSM 03.38 and UCS-2), and how to keep texts in GSM-7.

No maintained package counts segments, so the rules live here: GSM-7 fits 160 septets in one
segment and 153 per segment when split; the extension characters cost two septets and a pair
is never split across segments. One character outside GSM-7 makes the whole text UCS-2: 70
UTF-16 code units in one segment, 67 per segment when split, surrogate pairs kept whole.

`fold_to_gsm` is how a text gets into GSM-7 when that saves a segment (bot.texting.texts.fit_sms
decides): the letters GSM-7 has (é è ù ì ò à Ç ñ ü...) stay, those it lacks lose their accent
(á -> a, ç -> c), word by word, each word the same way whatever the text around it.
"""

import re
import unicodedata
from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7 = GSM7_BASIC | GSM7_EXTENSION

# Spaces Babel's formats produce: nobody chose them, and they would force UCS-2.
TYPOGRAPHIC_SPACES = {
    "\u00a0": " ",  # no-break space (Babel's currency and number formats)
    "\u202f": " ",  # narrow no-break space (Babel's time formats)
    "\u2009": " ",
    "\u2007": " ",
}
# Punctuation that keyboards produce, and with those spaces, their GSM-7 equivalents.
GSM7_LOOKALIKES = {
    **TYPOGRAPHIC_SPACES,
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
}
_LOOKALIKES = str.maketrans(GSM7_LOOKALIKES)
_SPACES = str.maketrans(TYPOGRAPHIC_SPACES)
# Letters with no accent to drop that still have a plain spelling.
LETTER_SPELLINGS = {"œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "\u0131": "i"}
WORDS_AND_SPACES = re.compile(r"(\s+)")


@dataclass(frozen=True)
class SegmentCount:
    """What a text costs to send as one SMS."""

    encoding: str  # "GSM-7" or "UCS-2"
    segments: int
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2


def sms_safe(text: str) -> str:
    """Replace typographic spaces, quotes and dashes that would force UCS-2 for no reason."""
    return text.translate(_LOOKALIKES)


def sms_spaces(text: str) -> str:
    """Replace the no-break and thin spaces of Babel's formats by plain spaces."""
    return text.translate(_SPACES)


def fold_to_gsm(text: str) -> str:
    """The text as an SMS sends it: typographic quotes, dashes and spaces plain, and in each
    word the letters GSM-7 lacks without their accent (á -> a, ç -> c), GSM-7's own kept (é,
    ñ, ò, Ç). A word with a letter that has no GSM-7 spelling (Анна, 李) stays as written;
    symbols GSM-7 lacks (emoji) are left out. Folding a folded text changes nothing."""
    plain = sms_safe(text)
    if GSM7.issuperset(plain):  # the usual text: nothing to fold
        return plain
    kept: list[str] = []
    for index, part in enumerate(WORDS_AND_SPACES.split(plain)):  # word, space, word...
        folded = part if index % 2 else _folded_word(part)
        if part and not folded:  # only symbols: the word goes, and a space beside it
            if kept:
                kept.pop()
            continue
        if index % 2 and not kept:
            continue
        kept.append(folded)
    return "".join(kept)


def _folded_word(word: str) -> str:
    if GSM7.issuperset(word):
        return word
    folded = []
    for character in word:
        if character in GSM7:
            folded.append(character)
            continue
        base = LETTER_SPELLINGS.get(character) or "".join(
            c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c)
        )
        if base and GSM7_BASIC.issuperset(base):
            folded.append(base)
        elif character.isalpha():
            return word  # a letter of another script: the word as written
    return "".join(folded)


def is_gsm7(text: str) -> bool:
    """Whether every character is in the GSM-7 alphabet or its extension table."""
    return GSM7.issuperset(text)


def count_segments(text: str) -> SegmentCount:
    """The encoding, the segment count and the units used by the text."""
    if is_gsm7(text):
        escapes = sum(text.count(character) for character in GSM7_EXTENSION)
        if len(text) + escapes <= 160:  # one segment, the usual reply: no need to pack
            return SegmentCount("GSM-7", 1, len(text) + escapes)
        costs = [2 if character in GSM7_EXTENSION else 1 for character in text]
        return SegmentCount("GSM-7", _pack(costs, single=160, multi=153), sum(costs))
    encoded = text.encode("utf-16-le")
    costs = [len(character.encode("utf-16-le")) // 2 for character in text]
    return SegmentCount("UCS-2", _pack(costs, single=70, multi=67), len(encoded) // 2)


def _pack(costs: list[int], single: int, multi: int) -> int:
    """Segments needed when no character (or escape pair, or surrogate pair) is split."""
    total = sum(costs)
    if total <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments += 1
            used = 0
        used += cost
    return segments

"""Text as the reader compares it: lower case, no accents, emoji that mean yes, no or thanks as
words."""

import re
import unicodedata
from functools import lru_cache

DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d{1,2}\b)")  # 7,50
NOT_KEPT = re.compile(r"[^\w\s$./:+#-]")
FULL_STOP = re.compile(r"(?<!\d)[.:](?!\d)")  # a full stop or colon, not a decimal point
# Emoji people answer with; the words they become are in no language's vocabulary but these.
EMOJI_WORDS = {
    "\U0001f44d": " emojiyes ",  # thumbs up
    "\u2705": " emojiyes ",  # check mark
    "\U0001f44c": " emojiyes ",  # OK hand
    "\u2714": " emojiyes ",  # heavy check mark
    "\U0001f44e": " emojino ",  # thumbs down
    "\u274c": " emojino ",  # cross mark
    "\U0001f64f": " emojithanks ",  # folded hands
    "\u2764": " emojithanks ",  # red heart (its variation selector is dropped as a symbol)
    "\U0001f970": " emojithanks ",  # smiling face with hearts
}
_EMOJI = str.maketrans(EMOJI_WORDS)
# Short texts (commands, numbers, yes and no) come again and again: read each once per process.
CACHED_LENGTH = 24


def normalize(text: str) -> str:
    """Lower case, no accents, punctuation as spaces (keeping what numbers and dates need)."""
    return _normalize_short(text) if len(text) <= CACHED_LENGTH else _normalize(text)


def _normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = DECIMAL_COMMA.sub(".", plain)
    plain = NOT_KEPT.sub(" ", plain)
    plain = FULL_STOP.sub(" ", plain)
    return " ".join(plain.split())


_normalize_short = lru_cache(maxsize=4096)(_normalize)


def with_emoji_words(text: str) -> str:
    """The text with yes, no and thanks emoji written as words the reader knows."""
    return text.translate(_EMOJI)

"""A household's answer to a visit prompt or an invitation, read: which one, yes, no, an amount."""

import re
from dataclasses import dataclass

from conversations.keywords import Intent, Reading, normalize, read
from conversations.understanding.numbers import CURRENCY_WORDS, amount_cents
from conversations.understanding.vocabulary import EVERY_ONE

NUMBER_FIRST = re.compile(r"^#?(\d{1,2})[:.)-]?\s+(.+)$")
SYMBOLS = frozenset({"$", "r", "r$", "us$"})  # written before an amount: "1 R$ 20" is visit 1
AMBIGUOUS_BELOW = 5  # "YES 3" is a visit number, never three dollars
EVERY_ONE_WORDS = frozenset(word for phrase in EVERY_ONE for word in phrase.split())


@dataclass(frozen=True)
class Answer:
    """A household's answer: which visit (if it said), and yes, no, or an amount."""

    number: int | None
    declined: bool
    cents: int | None  # None with declined=False: yes, the suggested amount
    every: bool = False  # "yes to all": every open visit, each its own amount unless named


def read_answer(text: str, open_numbers: set[int], language: str = "en") -> Answer | None:
    """Read 'yes', 'no 2', '2 yes', '2 10', 'yes $10', '10.50', 'seven fifty', 'yes to all',
    'both'; None if it is none of these.

    In 'YES N', N is a visit when a visit has that number; otherwise a small N is too
    ambiguous to take as money (the household is asked which), a larger one is an amount.
    """
    number, text = _visit_first(text, language)
    reading = read(text)
    if reading.intent is None and EVERY_ONE & {normalize(text), reading.rest}:
        return Answer(number, False, None, every=True)  # "both", "los dos" alone: yes to all
    if reading.intent not in (Intent.YES, Intent.NO):
        cents = _amount(reading, language)
        return Answer(number, False, cents) if cents is not None else None
    declined = reading.intent is Intent.NO
    rest, every = _every_one(text, reading.rest.lstrip("#").strip())
    if every and declined:
        return Answer(-1, declined, None)  # "no to all" may be "not all": asked which
    if number is None:
        number, rest = _visit_first(rest, language)
    if not rest:
        return Answer(number, declined, None, every)
    if (
        number is None
        and rest.isdigit()
        and (int(rest) in open_numbers or int(rest) < AMBIGUOUS_BELOW)
    ):
        # -1 names no visit, so the household is asked which one it meant.
        return Answer(int(rest) if int(rest) in open_numbers else -1, declined, None)
    cents = None if declined else amount_cents(rest, language)[0]
    return Answer(number, declined, cents, every) if cents is not None else None


def _visit_first(text: str, language: str) -> tuple[int | None, str]:
    """'2 10', '1 $50', '1: $12', '#2 $10', '1 fifty dollars' -> the visit's number and the
    rest; '7 fifty' and '5 dollars 50' are one amount, no visit named."""
    match = NUMBER_FIRST.match(text)
    if match is None:
        return None, text
    tail = normalize(match.group(2))
    tail_words = tail.replace("$", " $ ").split()
    currency_in_tail = any(word in CURRENCY_WORDS for word in tail_words)
    currency_first = tail_words[0] in CURRENCY_WORDS and tail_words[0] not in SYMBOLS
    whole_is_amount = amount_cents(normalize(text), language)[0] is not None
    tail_is_amount = amount_cents(tail, language)[0] is not None
    if whole_is_amount and not (currency_in_tail and tail_is_amount and not currency_first):
        return None, text
    return int(match.group(1)), match.group(2)


def _amount(reading: Reading, language: str) -> int | None:
    """The amount the whole text names ("vinte e cinco"), else its words without filler
    ("make it 20")."""
    cents, _ = amount_cents(reading.text, language)
    if cents is None and reading.intent is None and reading.rest:
        cents, _ = amount_cents(reading.rest, language)
    return cents


def _every_one(text: str, rest: str) -> tuple[str, bool]:
    """'all' or 'los dos' in the answer: what follows YES without those words, and whether
    they were there (read in the whole text: 'los' alone is filler, 'dos' alone a number)."""
    words = normalize(text).split()
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            if " ".join(words[start : start + size]) in EVERY_ONE:
                return " ".join(w for w in rest.split() if w not in EVERY_ONE_WORDS), True
    return rest, False


def split_number(text: str) -> tuple[int | None, str]:
    """'yes 2' or '2 yes' -> (2, 'yes'); 'yes' -> (None, 'yes')."""
    match = NUMBER_FIRST.match(text)
    if match:
        return int(match.group(1)), match.group(2)
    reading = read(text)
    if re.fullmatch(r"#?\d{1,2}", reading.rest):
        return int(reading.rest.lstrip("#")), text
    return None, text

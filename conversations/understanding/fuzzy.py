"""Typos forgiven by edit distance (rapidfuzz), tighter for short words than for long ones.

"blance" is BALANCE and "lsito" LISTO, but "no" is never "non", nor "ana" "anile": a word of
three letters or fewer is only forgiven two swapped letters or one left out of a longer word.
"""

from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

SHORTEST = 3  # shorter words are never guessed at


def allowed_distance(word: str) -> int:
    """How many edits a word of this length may be from the one meant."""
    if len(word) <= 5:
        return 1
    return 2 if len(word) >= 8 else 1


class Corrector:
    """Finds the known word a typo was meant to be; built once per process."""

    def __init__(
        self, choices: Iterable[str], known: Iterable[str], also_known: Callable[[str], bool]
    ) -> None:
        self.choices = sorted(set(choices))
        self.known = frozenset(known)
        self.also_known = also_known  # words no table lists, such as numbers

    def correct(self, word: str) -> str | None:
        """The choice `word` is a typo of, or None (it is known, too short, or too far)."""
        if len(word) < SHORTEST or word in self.known or not word.isalpha():
            return None
        if self.also_known(word):
            return None
        found = process.extractOne(
            word,
            self.choices,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=allowed_distance(word),
        )
        if found is None:
            return None
        choice = found[0]
        if len(word) == SHORTEST and not _swapped_or_shortened(word, choice):
            return None
        return choice


def _swapped_or_shortened(word: str, choice: str) -> bool:
    """A three-letter word may be two swapped letters, or a longer word missing one."""
    return sorted(word) == sorted(choice) or len(choice) == len(word) + 1

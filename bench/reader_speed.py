"""Reads per second: the reader in conversations.understanding against the old keyword reader.

Runs every corpus message (tests/conversations/corpus.tsv) through each reader, uncached
(the cache would flatter both), and prints reads per second and the ratio. The old reader is
rebuilt here from its keyword table: a prefix match on the normalized text, longest first.

    .venv/bin/python -m bench.reader_speed
"""

import time
from pathlib import Path

from conversations.understanding import reader
from conversations.understanding.menu_words import KEYWORDS
from conversations.understanding.text import _normalize

CORPUS = Path(__file__).parent.parent / "tests" / "conversations" / "corpus.tsv"
ROUNDS = 20
OLD_PHRASES = sorted(
    {(w, i) for table in KEYWORDS.values() for i, words in table.items() for w in words},
    key=lambda pair: -len(pair[0]),
)


def old_read(text: str) -> object:
    """The keyword reader as it was before issue 14: a keyword the message starts with."""
    plain = _normalize(text)
    for phrase, intent in OLD_PHRASES:
        if plain == phrase or plain.startswith(phrase + " "):
            return intent
    return None


def texts() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[2] for line in lines if line and not line.startswith("#")]


def rate(read: object, messages: list[str]) -> float:
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for message in messages:
            read(message)  # type: ignore[operator]
    return ROUNDS * len(messages) / (time.perf_counter() - start)


def main() -> None:
    messages = texts()
    reader._read(messages[0])  # build the tables once, as the first message of a process does
    new, old = rate(reader._read, messages), rate(old_read, messages)
    print(f"{len(messages)} messages x {ROUNDS} rounds, uncached")
    print(f"old keyword reader: {old:10,.0f} reads/s")
    print(f"new reader:         {new:10,.0f} reads/s  ({new / old:.2f} x the old)")


if __name__ == "__main__":
    main()
